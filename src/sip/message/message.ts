// SIP messages (RFC 3261 §7). Header fields stay as written (name spelling, order, unknown headers)
// so a proxy re-emits what it received with only its own edits; typed views are parsed on first
// use and cached until the header is changed. The parser seeds the core views it has already
// validated (Via, From, To, CSeq, Call-ID, Max-Forwards), so reading them costs nothing more.
import { canonicalKey, isListHeader, prettyName } from './header-names.js';
import { type Contact, type NameAddr, parseContactValues, parseNameAddr, parseNameAddrValues } from './headers/name-addr.js';
import { type CSeq, parseCSeq } from './headers/cseq.js';
import { type MediaType, parseMediaType, parseOptionTags, parseReasons, parseRetryAfter, type Reason, type RetryAfter } from './headers/misc.js';
import { parseRValues, type RValue, type RValueList } from './headers/resource-priority.js';
import { parseViaValues, type Via } from './headers/via.js';
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

/**
 * @internal The parser's compact view of a received header section. HeaderField objects (and
 * their name and value strings) are only created when `headers` is first read or changed; until
 * then lookups work on these offsets into the decoded header text.
 */
export interface RawHeaders {
  text: string;
  /** Four offsets into `text` per field: name start, name end, value start, value end. */
  offs: number[];
  /** Canonical key per field. */
  keys: string[];
  /** Values joined from obsolete line folding, by field index (undefined when there was none). */
  folded: Map<number, string> | undefined;
}

function rawValue(raw: RawHeaders, i: number): string {
  const f = raw.folded?.get(i);
  return f !== undefined ? f : raw.text.slice(raw.offs[4 * i + 2], raw.offs[4 * i + 3]);
}

const CRLF = '\r\n';
/** `#maxForwards` before the header has been read (undefined is a valid value: absent). */
const UNREAD = -1;

export abstract class MessageBase {
  #fields: HeaderField[];
  #raw: RawHeaders | undefined = undefined;
  body: Buffer;
  // typed views of the hot headers, each undefined until first read or after the header changed
  #vias: Via[] | undefined = undefined;
  #from: NameAddr | undefined = undefined;
  #to: NameAddr | undefined = undefined;
  #cseq: CSeq | undefined = undefined;
  #callId: string | undefined = undefined;
  #maxForwards: number | undefined = UNREAD;
  #routes: NameAddr[] | undefined = undefined;
  #recordRoutes: NameAddr[] | undefined = undefined;
  /** The other typed views, by canonical key. */
  #cache: Map<string, unknown> | undefined = undefined;

  constructor(headers: HeaderField[], body: Buffer) {
    this.#fields = headers;
    this.body = body;
  }

  /** Header fields in wire order (name spelling kept, folding undone, values trimmed). */
  get headers(): HeaderField[] {
    const raw = this.#raw;
    if (raw !== undefined) {
      const fields: HeaderField[] = [];
      const { text, offs, keys } = raw;
      for (let i = 0; i < keys.length; i++) fields.push({ name: text.slice(offs[4 * i], offs[4 * i + 1]), value: rawValue(raw, i), key: keys[i] });
      this.#fields = fields;
      this.#raw = undefined;
    }
    return this.#fields;
  }

  /** Replaces the whole list; every typed view is recomputed on its next read. */
  set headers(fields: HeaderField[]) {
    this.#fields = fields;
    this.#raw = undefined;
    this.#vias = this.#from = this.#to = this.#cseq = this.#callId = this.#routes = this.#recordRoutes = this.#cache = undefined;
    this.#maxForwards = UNREAD;
  }

  abstract readonly isRequest: boolean;
  protected abstract startLine(): string;

  // ---- raw header access -------------------------------------------------------------------

  header(name: string): string | undefined {
    const key = canonicalKey(name);
    const raw = this.#raw;
    if (raw !== undefined) {
      const keys = raw.keys;
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) return rawValue(raw, i);
      return undefined;
    }
    const hs = this.#fields;
    for (let i = 0; i < hs.length; i++) if (hs[i].key === key) return hs[i].value;
    return undefined;
  }

  headerValues(name: string): string[] {
    return this.#values(canonicalKey(name));
  }

  #values(key: string): string[] {
    const out: string[] = [];
    const raw = this.#raw;
    if (raw !== undefined) {
      const keys = raw.keys;
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) out.push(rawValue(raw, i));
      return out;
    }
    const hs = this.#fields;
    for (let i = 0; i < hs.length; i++) if (hs[i].key === key) out.push(hs[i].value);
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
    const hs = this.headers;
    let idx = -1;
    for (let i = 0; i < hs.length; i++) if (hs[i].key === key) { idx = i; break; }
    if (idx < 0) {
      this.appendHeader(name, value);
      return;
    }
    const kept: HeaderField[] = [];
    for (let i = 0; i < hs.length; i++) {
      if (i === idx) kept.push({ name: hs[i].name, value, key });
      else if (hs[i].key !== key) kept.push(hs[i]);
    }
    this.#fields = kept;
    this.#invalidate(key);
  }

  appendHeader(name: string, value: string): void {
    const key = canonicalKey(name);
    this.headers.push({ name: name.length === 1 ? prettyName(key) : name, value, key });
    this.#invalidate(key);
  }

  /** Inserts before the first field of the same name (e.g. a new top Via or Record-Route), else at the top. */
  prependHeader(name: string, value: string): void {
    const key = canonicalKey(name);
    const idx = this.headers.findIndex((h) => h.key === key);
    const field = { name: name.length === 1 ? prettyName(key) : name, value, key };
    if (idx < 0) this.headers.unshift(field);
    else this.headers.splice(idx, 0, field);
    this.#invalidate(key);
  }

  removeHeader(name: string): void {
    const key = canonicalKey(name);
    this.#fields = this.headers.filter((h) => h.key !== key);
    this.#invalidate(key);
  }

  /** Removes the first element of a (possibly comma-combined) list header, e.g. the top Via or Route. */
  removeFirstValue(name: string): void {
    const key = canonicalKey(name);
    const idx = this.headers.findIndex((h) => h.key === key);
    if (idx < 0) return;
    let parts: string[] = [];
    try {
      if (isListHeader(key)) parts = splitList(this.headers[idx].value, name);
    } catch (e) {
      throw this.#fault(e, prettyName(key));
    }
    if (parts.length > 1) this.headers[idx] = { ...this.headers[idx], value: parts.slice(1).join(', ') };
    else this.headers.splice(idx, 1);
    this.#invalidate(key);
  }

  #invalidate(key: string): void {
    switch (key) {
      case 'via': this.#vias = undefined; break;
      case 'from': this.#from = undefined; break;
      case 'to': this.#to = undefined; break;
      case 'cseq': this.#cseq = undefined; break;
      case 'call-id': this.#callId = undefined; break;
      case 'max-forwards': this.#maxForwards = UNREAD; break;
      case 'route': this.#routes = undefined; break;
      case 'record-route': this.#recordRoutes = undefined; break;
      default: this.#cache?.delete(key);
    }
  }

  // ---- typed views -------------------------------------------------------------------------

  #typed<T>(key: string, parse: () => T): T {
    const cache = (this.#cache ??= new Map());
    if (cache.has(key)) return cache.get(key) as T;
    let v: T;
    try {
      v = parse();
    } catch (e) {
      throw this.#fault(e, prettyName(key));
    }
    cache.set(key, v);
    return v;
  }

  #fault(e: unknown, field: string): unknown {
    if (e instanceof HeaderSyntaxError) {
      return new ParseError(ParseErrorCode.BadHeader, `Bad ${e.field || field}`, { field: e.field || field, detail: e.message, isRequest: this.isRequest });
    }
    return e;
  }

  /** @internal Seeds the header table and the views the parser computed while validating. */
  static seedCore(m: MessageBase, raw: RawHeaders, vias: Via[], from: NameAddr, to: NameAddr, cseq: CSeq, callId: string, maxForwards: number | undefined): void {
    m.#raw = raw;
    m.#vias = vias;
    m.#from = from;
    m.#to = to;
    m.#cseq = cseq;
    m.#callId = callId;
    m.#maxForwards = maxForwards;
  }

  get vias(): Via[] {
    if (this.#vias === undefined) {
      const out: Via[] = [];
      try {
        for (const v of this.#values('via')) parseViaValues(v, out);
      } catch (e) {
        throw this.#fault(e, 'Via');
      }
      this.#vias = out;
    }
    return this.#vias;
  }

  get topVia(): Via {
    const v = this.vias[0];
    if (!v) throw new ParseError(ParseErrorCode.MissingHeader, 'Missing Via', { field: 'Via', isRequest: this.isRequest });
    return v;
  }

  get from(): NameAddr {
    return (this.#from ??= this.#nameAddr('from', 'From'));
  }

  get to(): NameAddr {
    return (this.#to ??= this.#nameAddr('to', 'To'));
  }

  #nameAddr(key: string, field: string): NameAddr {
    const v = this.#required(key);
    try {
      return parseNameAddr(v, field);
    } catch (e) {
      throw this.#fault(e, field);
    }
  }

  get callId(): string {
    return (this.#callId ??= this.#required('call-id'));
  }

  get cseq(): CSeq {
    if (this.#cseq === undefined) {
      const v = this.#required('cseq');
      try {
        this.#cseq = parseCSeq(v);
      } catch (e) {
        throw this.#fault(e, 'CSeq');
      }
    }
    return this.#cseq;
  }

  get maxForwards(): number | undefined {
    if (this.#maxForwards === UNREAD) {
      const v = this.header('max-forwards');
      let n: number | undefined;
      if (v !== undefined) {
        n = parseUint(v, 255);
        if (n === undefined) throw this.#fault(new HeaderSyntaxError('Max-Forwards', 'not an integer 0-255'), 'Max-Forwards');
      }
      this.#maxForwards = n;
    }
    return this.#maxForwards;
  }

  get contacts(): Contact[] {
    return this.#typed('contact', () => {
      const out: Contact[] = [];
      if (!this.contactStar) for (const v of this.#values('contact')) parseContactValues(v, out);
      return out;
    });
  }

  /** `Contact: *` (RFC 3261 §10.2.2), only meaningful in REGISTER. */
  get contactStar(): boolean {
    const vs = this.#values('contact');
    return vs.length === 1 && vs[0] === '*';
  }

  get routes(): NameAddr[] {
    return (this.#routes ??= this.#nameAddrList('route', 'Route'));
  }

  get recordRoutes(): NameAddr[] {
    return (this.#recordRoutes ??= this.#nameAddrList('record-route', 'Record-Route'));
  }

  #nameAddrList(key: string, field: string): NameAddr[] {
    const out: NameAddr[] = [];
    try {
      const raw = this.#raw;
      if (raw !== undefined) {
        const { keys, offs, folded } = raw;
        for (let i = 0; i < keys.length; i++) {
          if (keys[i] !== key) continue;
          const f = folded?.get(i);
          if (f !== undefined) parseNameAddrValues(f, field, out);
          else parseNameAddrValues(raw.text, field, out, offs[4 * i + 2], offs[4 * i + 3]);
        }
      } else {
        const hs = this.#fields;
        for (let i = 0; i < hs.length; i++) if (hs[i].key === key) parseNameAddrValues(hs[i].value, field, out);
      }
    } catch (e) {
      throw this.#fault(e, field);
    }
    return out;
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
    return this.#typed('require', () => parseOptionTags(this.#values('require'), 'Require'));
  }

  get proxyRequire(): string[] {
    return this.#typed('proxy-require', () => parseOptionTags(this.#values('proxy-require'), 'Proxy-Require'));
  }

  get supported(): string[] {
    return this.#typed('supported', () => parseOptionTags(this.#values('supported'), 'Supported'));
  }

  get unsupported(): string[] {
    return this.#typed('unsupported', () => parseOptionTags(this.#values('unsupported'), 'Unsupported'));
  }

  get reasons(): Reason[] {
    return this.#typed('reason', () => parseReasons(this.#values('reason')));
  }

  get retryAfter(): RetryAfter | undefined {
    return this.#typed('retry-after', () => {
      const v = this.header('retry-after');
      return v === undefined ? undefined : parseRetryAfter(v);
    });
  }

  get #rph(): RValueList {
    return this.#typed('resource-priority', () => parseRValues(this.#values('resource-priority')));
  }

  /** Well-formed r-values (RFC 4412 §3.1); see resourcePriorityErrors for the rest. */
  get resourcePriority(): RValue[] {
    return this.#rph.values;
  }

  get resourcePriorityErrors(): string[] {
    return this.#rph.errors;
  }

  get acceptResourcePriority(): RValue[] {
    return this.#typed('accept-resource-priority', () => parseRValues(this.#values('accept-resource-priority')).values);
  }

  #required(key: string): string {
    const v = this.header(key);
    if (v === undefined) {
      throw new ParseError(ParseErrorCode.MissingHeader, `Missing ${prettyName(key)}`, { field: prettyName(key), isRequest: this.isRequest });
    }
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
}

export type SipMessage = SipRequest | SipResponse;
