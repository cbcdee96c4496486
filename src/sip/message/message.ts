// SIP messages (RFC 3261 §7). Header fields stay as written (name spelling, order, unknown headers)
// so a proxy re-emits what it received with only its own edits; typed views are parsed on first
// use and cached until the header is changed.
import { canonicalKey, isListHeader, prettyName } from './header-names.js';
import { type Contact, type NameAddr, parseContacts, parseNameAddr, parseNameAddrList } from './headers/name-addr.js';
import { type CSeq, parseCSeq } from './headers/cseq.js';
import { type MediaType, parseMediaType, parseOptionTags, parseReasons, parseRetryAfter, type Reason, type RetryAfter } from './headers/misc.js';
import { parseRValues, type RValue, type RValueList } from './headers/resource-priority.js';
import { parseViaList, type Via } from './headers/via.js';
import { HeaderSyntaxError, ParseError, ParseErrorCode } from './parse-error.js';
import { parseUint, splitList } from './text.js';
import type { Uri } from './uri.js';

export interface HeaderField {
  /** As written on the wire ("v", "VIA", "Via"). */
  name: string;
  /** Unfolded and trimmed. */
  value: string;
  /** Canonical key: the lower-cased long name ("via"). */
  key: string;
}

const CRLF = '\r\n';

export abstract class MessageBase {
  headers: HeaderField[];
  body: Buffer;
  #cache = new Map<string, unknown>();

  constructor(headers: HeaderField[], body: Buffer) {
    this.headers = headers;
    this.body = body;
  }

  abstract readonly isRequest: boolean;
  protected abstract startLine(): string;

  // ---- raw header access -------------------------------------------------------------------

  header(name: string): string | undefined {
    const key = canonicalKey(name);
    const hs = this.headers;
    for (let i = 0; i < hs.length; i++) if (hs[i].key === key) return hs[i].value;
    return undefined;
  }

  headerValues(name: string): string[] {
    const key = canonicalKey(name);
    const out: string[] = [];
    for (const h of this.headers) if (h.key === key) out.push(h.value);
    return out;
  }

  hasHeader(name: string): boolean {
    return this.header(name) !== undefined;
  }

  /** Elements of a comma-separated header across all its fields (outside quotes and <>). */
  list(name: string): string[] {
    const out: string[] = [];
    for (const v of this.headerValues(name)) {
      try {
        for (const p of splitList(v, name)) out.push(p);
      } catch (e) {
        throw this.#fault(e, name);
      }
    }
    return out;
  }

  setHeader(name: string, value: string): void {
    const key = canonicalKey(name);
    const idx = this.headers.findIndex((h) => h.key === key);
    if (idx < 0) {
      this.appendHeader(name, value);
      return;
    }
    this.headers[idx] = { name: this.headers[idx].name, value, key };
    this.headers = this.headers.filter((h, i) => h.key !== key || i === idx);
    this.#cache.delete(key);
  }

  appendHeader(name: string, value: string): void {
    const key = canonicalKey(name);
    this.headers.push({ name: name.length === 1 ? prettyName(key) : name, value, key });
    this.#cache.delete(key);
  }

  /** Inserts before the first field of the same name (e.g. a new top Via or Record-Route), else at the top. */
  prependHeader(name: string, value: string): void {
    const key = canonicalKey(name);
    const idx = this.headers.findIndex((h) => h.key === key);
    const field = { name: name.length === 1 ? prettyName(key) : name, value, key };
    if (idx < 0) this.headers.unshift(field);
    else this.headers.splice(idx, 0, field);
    this.#cache.delete(key);
  }

  removeHeader(name: string): void {
    const key = canonicalKey(name);
    this.headers = this.headers.filter((h) => h.key !== key);
    this.#cache.delete(key);
  }

  /** Removes the first element of a (possibly comma-combined) list header, e.g. the top Via or Route. */
  removeFirstValue(name: string): void {
    const key = canonicalKey(name);
    const idx = this.headers.findIndex((h) => h.key === key);
    if (idx < 0) return;
    const parts = isListHeader(key) ? splitList(this.headers[idx].value, name) : [];
    if (parts.length > 1) this.headers[idx] = { ...this.headers[idx], value: parts.slice(1).join(', ') };
    else this.headers.splice(idx, 1);
    this.#cache.delete(key);
  }

  // ---- typed views -------------------------------------------------------------------------

  #typed<T>(key: string, parse: () => T): T {
    if (this.#cache.has(key)) return this.#cache.get(key) as T;
    let v: T;
    try {
      v = parse();
    } catch (e) {
      throw this.#fault(e, prettyName(key));
    }
    this.#cache.set(key, v);
    return v;
  }

  #fault(e: unknown, field: string): unknown {
    if (e instanceof HeaderSyntaxError) {
      return new ParseError(ParseErrorCode.BadHeader, `Bad ${e.field}`, { field: e.field || field, detail: e.message, isRequest: this.isRequest });
    }
    return e;
  }

  /** Seeds the cache with a value the parser already computed while validating. */
  protected seed(key: string, value: unknown): void {
    this.#cache.set(key, value);
  }

  get vias(): Via[] {
    return this.#typed('via', () => this.headerValues('via').flatMap(parseViaList));
  }

  get topVia(): Via {
    const v = this.vias[0];
    if (!v) throw new ParseError(ParseErrorCode.MissingHeader, 'Missing Via', { field: 'Via' });
    return v;
  }

  get from(): NameAddr {
    return this.#typed('from', () => parseNameAddr(this.#required('from'), 'From'));
  }

  get to(): NameAddr {
    return this.#typed('to', () => parseNameAddr(this.#required('to'), 'To'));
  }

  get callId(): string {
    return this.#required('call-id');
  }

  get cseq(): CSeq {
    return this.#typed('cseq', () => parseCSeq(this.#required('cseq')));
  }

  get maxForwards(): number | undefined {
    return this.#typed('max-forwards', () => {
      const v = this.header('max-forwards');
      if (v === undefined) return undefined;
      const n = parseUint(v, 255);
      if (n === undefined) throw new HeaderSyntaxError('Max-Forwards', 'not an integer 0-255');
      return n;
    });
  }

  get contacts(): Contact[] {
    return this.#typed('contact', () => (this.contactStar ? [] : this.headerValues('contact').flatMap(parseContacts)));
  }

  /** `Contact: *` (RFC 3261 §10.2.2), only meaningful in REGISTER. */
  get contactStar(): boolean {
    const vs = this.headerValues('contact');
    return vs.length === 1 && vs[0] === '*';
  }

  get routes(): NameAddr[] {
    return this.#typed('route', () => this.headerValues('route').flatMap((v) => parseNameAddrList(v, 'Route')));
  }

  get recordRoutes(): NameAddr[] {
    return this.#typed('record-route', () => this.headerValues('record-route').flatMap((v) => parseNameAddrList(v, 'Record-Route')));
  }

  get contentType(): MediaType | undefined {
    return this.#typed('content-type', () => {
      const v = this.header('content-type');
      return v === undefined ? undefined : parseMediaType(v);
    });
  }

  /** The body length; the parser has checked any Content-Length header against it. */
  get contentLength(): number {
    return this.body.length;
  }

  get require(): string[] {
    return this.#typed('require', () => parseOptionTags(this.headerValues('require'), 'Require'));
  }

  get proxyRequire(): string[] {
    return this.#typed('proxy-require', () => parseOptionTags(this.headerValues('proxy-require'), 'Proxy-Require'));
  }

  get supported(): string[] {
    return this.#typed('supported', () => parseOptionTags(this.headerValues('supported'), 'Supported'));
  }

  get unsupported(): string[] {
    return this.#typed('unsupported', () => parseOptionTags(this.headerValues('unsupported'), 'Unsupported'));
  }

  get reasons(): Reason[] {
    return this.#typed('reason', () => parseReasons(this.headerValues('reason')));
  }

  get retryAfter(): RetryAfter | undefined {
    return this.#typed('retry-after', () => {
      const v = this.header('retry-after');
      return v === undefined ? undefined : parseRetryAfter(v);
    });
  }

  get #rph(): RValueList {
    return this.#typed('resource-priority', () => parseRValues(this.headerValues('resource-priority')));
  }

  /** Well-formed r-values (RFC 4412 §3.1); see resourcePriorityErrors for the rest. */
  get resourcePriority(): RValue[] {
    return this.#rph.values;
  }

  get resourcePriorityErrors(): string[] {
    return this.#rph.errors;
  }

  get acceptResourcePriority(): RValue[] {
    return this.#typed('accept-resource-priority', () => parseRValues(this.headerValues('accept-resource-priority')).values);
  }

  #required(key: string): string {
    const v = this.header(key);
    if (v === undefined) throw new ParseError(ParseErrorCode.MissingHeader, `Missing ${prettyName(key)}`, { field: prettyName(key) });
    return v;
  }

  // ---- serialization -----------------------------------------------------------------------

  toString(): string {
    return this.#text();
  }

  toBuffer(): Buffer {
    const head = this.#text();
    if (this.body.length === 0) return Buffer.from(head, 'utf8');
    const headLen = Buffer.byteLength(head, 'utf8');
    const out = Buffer.allocUnsafe(headLen + this.body.length);
    out.write(head, 0, 'utf8');
    this.body.copy(out, headLen);
    return out;
  }

  #text(): string {
    let s = this.startLine() + CRLF;
    let sawLength = false;
    const len = String(this.body.length);
    for (const h of this.headers) {
      if (h.key === 'content-length') {
        if (sawLength) continue;
        sawLength = true;
        s += `${h.name}: ${len}${CRLF}`;
      } else {
        s += `${h.name}: ${h.value}${CRLF}`;
      }
    }
    if (!sawLength) s += `Content-Length: ${len}${CRLF}`;
    return s + CRLF;
  }
}

export class SipRequest extends MessageBase {
  readonly isRequest = true as const;
  method: string;
  #uri: Uri;
  #uriText: string;
  version: string;

  constructor(method: string, uri: Uri, uriText: string, headers: HeaderField[], body: Buffer, version = 'SIP/2.0') {
    super(headers, body);
    this.method = method;
    this.#uri = uri;
    this.#uriText = uriText;
    this.version = version;
  }

  get uri(): Uri {
    return this.#uri;
  }

  set uri(u: Uri) {
    this.#uri = u;
    this.#uriText = u.toString();
  }

  /** The Request-URI exactly as received (or as last set). */
  get uriText(): string {
    return this.#uriText;
  }

  protected startLine(): string {
    return `${this.method} ${this.#uriText} ${this.version}`;
  }

  /** Internal: used by the parser to avoid re-parsing headers it has validated. */
  static seeded(req: SipRequest, values: Record<string, unknown>): SipRequest {
    for (const k in values) req.seed(k, values[k]);
    return req;
  }
}

export class SipResponse extends MessageBase {
  readonly isRequest = false as const;
  status: number;
  reason: string;
  version: string;

  constructor(status: number, reason: string, headers: HeaderField[], body: Buffer, version = 'SIP/2.0') {
    super(headers, body);
    this.status = status;
    this.reason = reason;
    this.version = version;
  }

  protected startLine(): string {
    return `${this.version} ${this.status} ${this.reason}`;
  }

  static seeded(res: SipResponse, values: Record<string, unknown>): SipResponse {
    for (const k in values) res.seed(k, values[k]);
    return res;
  }
}

export type SipMessage = SipRequest | SipResponse;
