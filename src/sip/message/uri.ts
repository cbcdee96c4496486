// SIP/SIPS URIs (RFC 3261 §19.1, §25.1), tel URIs (RFC 3966) and, opaquely, any other absoluteURI.
//
// Parsing is one validating pass over the text that records where the parts are; user, host and
// port are sliced at once, while the parameter and header Maps are built on first access (most
// URIs on a proxy's hot path are only asked for their host, or for nothing at all).
import { HeaderSyntaxError } from './parse-error.js';
import { eqLower, formatParams, type Params } from './text.js';

export interface UriInit {
  scheme: string; user?: string; password?: string; host?: string; port?: number;
  params?: Params; headers?: Map<string, string>; number?: string; raw?: string;
}

export class Uri {
  scheme: string;
  user: string | undefined;
  password: string | undefined;
  /** Host as written (IPv6 references keep their brackets); empty for tel and opaque URIs. */
  host: string;
  port: number | undefined;
  /** tel: the number (global "+1-201-..." or local); undefined otherwise. */
  number: string | undefined;
  /** The text the URI was parsed from; opaque URIs serialize from it. */
  readonly raw: string;
  #params: Params | undefined;
  #headers: Map<string, string> | undefined;
  /** Where the `;params` and `?headers` of `raw` start (-1: none), for the lazy Maps. */
  #paramStart = -1;
  #paramEnd = -1;
  #headerStart = -1;

  constructor(init: UriInit) {
    const scheme = init.scheme;
    this.scheme = scheme === 'sip' || scheme === 'sips' || scheme === 'tel' ? scheme : scheme.toLowerCase();
    this.user = init.user;
    this.password = init.password;
    this.host = init.host ?? '';
    this.port = init.port;
    this.#params = init.params;
    this.#headers = init.headers;
    this.number = init.number;
    this.raw = init.raw ?? '';
  }

  /** URI parameters: lower-cased names, values as written (escapes kept), `null` for a flag. */
  get params(): Params {
    return (this.#params ??= buildParams(this.raw, this.#paramStart, this.#paramEnd));
  }

  set params(p: Params) {
    this.#params = p;
  }

  /** URI headers (`?name=value&...`), names and values as written. */
  get headers(): Map<string, string> {
    return (this.#headers ??= buildHeaders(this.raw, this.#headerStart));
  }

  set headers(h: Map<string, string>) {
    this.#headers = h;
  }

  get isSip(): boolean {
    return this.scheme === 'sip' || this.scheme === 'sips';
  }

  /** Host without IPv6 brackets, for socket use. */
  get hostname(): string {
    const h = this.host;
    return h.charCodeAt(0) === 91 ? h.slice(1, -1) : h;
  }

  param(name: string): string | null | undefined {
    return this.params.get(name);
  }

  clone(): Uri {
    return new Uri({
      scheme: this.scheme, user: this.user, password: this.password, host: this.host, port: this.port,
      params: new Map(this.params), headers: new Map(this.headers), number: this.number, raw: this.raw,
    });
  }

  toString(): string {
    if (this.scheme === 'tel') return `tel:${this.number ?? ''}${formatParams(this.params)}`;
    if (!this.isSip) return this.raw;
    let s = `${this.scheme}:`;
    if (this.user !== undefined) {
      s += this.user;
      if (this.password !== undefined) s += `:${this.password}`;
      s += '@';
    }
    s += this.host;
    if (this.port !== undefined) s += `:${this.port}`;
    s += formatParams(this.params);
    if (this.headers.size > 0) {
      let first = true;
      for (const [k, v] of this.headers) {
        s += `${first ? '?' : '&'}${k}=${v}`;
        first = false;
      }
    }
    return s;
  }

  /** @internal The parser's constructor: offsets into `raw` for the lazily built Maps. */
  static fromScan(scheme: string, user: string | undefined, password: string | undefined, host: string, port: number | undefined,
    number: string | undefined, raw: string, paramStart: number, paramEnd: number, headerStart: number): Uri {
    // one reused init object: the parser makes several URIs per message
    const init = SCAN_INIT;
    init.scheme = scheme;
    init.user = user;
    init.password = password;
    init.host = host;
    init.port = port;
    init.number = number;
    init.raw = raw;
    const u = new Uri(init);
    u.#paramStart = paramStart;
    u.#paramEnd = paramEnd;
    u.#headerStart = headerStart;
    return u;
  }
}

const SCAN_INIT: UriInit = { scheme: '', user: undefined, password: undefined, host: '', port: undefined, params: undefined, headers: undefined, number: undefined, raw: '' };

function buildParams(raw: string, start: number, end: number): Params {
  const params: Params = new Map();
  // start is the first ';'; every part has been validated by the scan
  for (let i = start; i >= 0 && i < end;) {
    let j = raw.indexOf(';', i + 1);
    if (j < 0 || j > end) j = end;
    const eq = raw.indexOf('=', i + 1);
    if (eq < 0 || eq > j) params.set(raw.slice(i + 1, j).toLowerCase(), null);
    else params.set(raw.slice(i + 1, eq).toLowerCase(), raw.slice(eq + 1, j));
    i = j;
  }
  return params;
}

function buildHeaders(raw: string, start: number): Map<string, string> {
  const headers = new Map<string, string>();
  if (start < 0) return headers;
  for (const h of raw.slice(start).split('&')) {
    const eq = h.indexOf('=');
    headers.set(h.slice(0, eq), h.slice(eq + 1));
  }
  return headers;
}

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

// RFC 3261 §25.1 character classes; `%` stands for an escape and is checked for two hex digits.
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UNRESERVED = `${ALNUM}-_.!~*'()%`;
const USER = table(`${UNRESERVED}&=+$,;?/`); // unreserved / escaped / user-unreserved
const PASSWORD = table(`${UNRESERVED}&=+$,`);
const HOST = table(`${ALNUM}-.`);
const IPV6 = table('0123456789abcdefABCDEF:.');
const PARAMCHAR = table(`${UNRESERVED}[]/:&+$`); // param-unreserved / unreserved / escaped
const HNV = table(`${UNRESERVED}[]/?:+$`); // hnv-unreserved / unreserved / escaped

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Scans characters of class `t` from i; returns the index of the first other character. */
function scanClass(s: string, i: number, end: number, t: Uint8Array, field: string): number {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] !== 1) return i;
    if (c === 37 /* % */ && !(i + 2 < end && isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)))) {
      throw new HeaderSyntaxError(field, 'invalid %-escape in URI');
    }
  }
  return i;
}

function invalidAt(s: string, i: number, field: string): never {
  throw new HeaderSyntaxError(field, `invalid character in URI: ${JSON.stringify(s[i])}`);
}

/** Parses a URI; throws HeaderSyntaxError (parser-internal) on malformed SIP/SIPS/tel URIs. */
export function parseUriStrict(text: string, field = 'URI'): Uri {
  return parseUriRange(text, 0, text.length, field);
}

/** parseUriStrict over s[start, end) of a larger text, without slicing it first. */
export function parseUriRange(s: string, start: number, end: number, field = 'URI'): Uri {
  if (end - start > 4 && s.charCodeAt(start) === 115 && s.charCodeAt(start + 1) === 105 && s.charCodeAt(start + 2) === 112 && s.charCodeAt(start + 3) === 58) {
    return parseSipUri('sip', s, start, start + 4, end, field);
  }
  let colon = start;
  for (; colon < end; colon++) {
    const c = s.charCodeAt(colon) | 32;
    if (c >= 97 && c <= 122) continue;
    const d = s.charCodeAt(colon);
    if (colon > start && ((d >= 48 && d <= 57) || d === 43 || d === 45 || d === 46)) continue;
    break;
  }
  if (colon === end || colon === start || s.charCodeAt(colon) !== 58) {
    throw new HeaderSyntaxError(field, colon === start || colon === end ? 'URI without scheme' : 'invalid URI scheme');
  }
  if (eqLower(s, start, colon, 'sip')) return parseSipUri('sip', s, start, colon + 1, end, field);
  if (eqLower(s, start, colon, 'sips')) return parseSipUri('sips', s, start, colon + 1, end, field);
  if (eqLower(s, start, colon, 'tel')) return parseTelUri(s, start, colon + 1, end, field);
  // absoluteURI (RFC 3261 §25.1): opaque to us, but it must not contain whitespace, quotes or <>
  if (colon + 1 === end) throw new HeaderSyntaxError(field, 'empty URI');
  for (let i = colon + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === 60 || c === 62 || c === 34 || c >= 127) invalidAt(s, i, field);
  }
  return new Uri({ scheme: s.slice(start, colon), raw: s.slice(start, end) });
}

/** s[start, end) is the whole URI, `i` is just past "sip:" / "sips:". */
function parseSipUri(scheme: string, s: string, start: number, i: number, n: number, field: string): Uri {
  const hostStart = i;
  let user: string | undefined;
  let password: string | undefined;
  // userinfo = user [ ":" password ] "@": '@' cannot occur unescaped in user, password, host,
  // params or headers, so scanning user characters up to an '@' finds it in one forward pass.
  i = scanClass(s, hostStart, n, USER, field);
  let c = i < n ? s.charCodeAt(i) : -1;
  if (c === 58 /* : */) {
    const ps = i + 1;
    const pe = scanClass(s, ps, n, PASSWORD, field);
    if (pe < n && s.charCodeAt(pe) === 64) {
      if (i === hostStart) throw new HeaderSyntaxError(field, 'empty user part');
      user = s.slice(hostStart, i);
      password = s.slice(ps, pe);
      i = pe + 1;
    } else i = hostStart; // host ":" port
  } else if (c === 64 /* @ */) {
    if (i === hostStart) throw new HeaderSyntaxError(field, 'empty user part');
    user = s.slice(hostStart, i);
    i++;
  } else i = hostStart;
  // host
  const hs = i;
  if (i < n && s.charCodeAt(i) === 91 /* [ */) {
    i++;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || IPV6[c] !== 1) break;
      i++;
    }
    if (i >= n || s.charCodeAt(i) !== 93) throw new HeaderSyntaxError(field, i >= n ? 'unterminated IPv6 reference' : 'invalid IPv6 reference');
    if (i === hs + 1) throw new HeaderSyntaxError(field, 'empty IPv6 reference');
    i++;
  } else {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || HOST[c] !== 1) break;
      i++;
    }
    if (i === hs) throw new HeaderSyntaxError(field, 'empty host');
  }
  const host = s.slice(hs, i);
  let port: number | undefined;
  if (i < n && s.charCodeAt(i) === 58) {
    const p0 = ++i;
    let p = 0;
    while (i < n) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      p = p * 10 + d;
      i++;
    }
    if (i === p0 || i - p0 > 5) throw new HeaderSyntaxError(field, 'invalid port');
    if (p > 65535) throw new HeaderSyntaxError(field, 'port out of range');
    port = p;
  }
  // uri-parameters
  let paramStart = -1;
  if (i < n && s.charCodeAt(i) === 59) {
    paramStart = i;
    i = scanUriParams(s, i, n, field);
  }
  const paramEnd = i;
  // headers = "?" header *( "&" header ), header = hname "=" hvalue
  let headerStart = -1;
  if (i < n && s.charCodeAt(i) === 63) {
    headerStart = i + 1;
    do {
      const ns = ++i;
      i = scanClass(s, i, n, HNV, field);
      if (i === ns || i >= n || s.charCodeAt(i) !== 61) throw new HeaderSyntaxError(field, 'malformed URI header');
      i = scanClass(s, i + 1, n, HNV, field);
    } while (i < n && s.charCodeAt(i) === 38);
  }
  if (i < n) {
    if (i === paramEnd && paramStart < 0 && headerStart < 0) throw new HeaderSyntaxError(field, `invalid character in host "${s.slice(hs, i + 1)}"`);
    invalidAt(s, i, field);
  }
  const raw = start === 0 && n === s.length ? s : s.slice(start, n);
  return Uri.fromScan(scheme, user, password, host, port, undefined, raw,
    paramStart < 0 ? -1 : paramStart - start, paramEnd - start, headerStart < 0 ? -1 : headerStart - start);
}

/** uri-parameters from the ';' at i: name non-empty, value (after '=') non-empty. Returns the end. */
function scanUriParams(s: string, i: number, n: number, field: string): number {
  while (i < n && s.charCodeAt(i) === 59) {
    const ns = ++i;
    i = scanClass(s, i, n, PARAMCHAR, field);
    if (i === ns) throw new HeaderSyntaxError(field, 'empty URI parameter name');
    if (i < n && s.charCodeAt(i) === 61) {
      const vs = ++i;
      i = scanClass(s, i, n, PARAMCHAR, field);
      if (i === vs) throw new HeaderSyntaxError(field, 'empty URI parameter value');
      // pvalue may itself contain '=' only escaped; accept a second '=' as part of the value
      while (i < n && s.charCodeAt(i) === 61) i = scanClass(s, i + 1, n, PARAMCHAR, field);
    }
  }
  return i;
}

function parseTelUri(s: string, uriStart: number, start: number, n: number, field: string): Uri {
  let i = start;
  // RFC 3966 §3: global numbers start with "+" and have digits and visual separators only;
  // local numbers may also carry hex digits and "*#", and need a phone-context parameter.
  const global = i < n && s.charCodeAt(i) === 43;
  if (global) i++;
  let digits = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 45 || c === 46 || c === 40 || c === 41) continue;
    else if (!global && (c === 42 || c === 35 || (c >= 65 && c <= 70) || (c >= 97 && c <= 102))) digits++;
    else break;
  }
  if (i === start) throw new HeaderSyntaxError(field, 'empty telephone number');
  if (i < n && s.charCodeAt(i) !== 59) throw new HeaderSyntaxError(field, 'invalid character in telephone number');
  if (digits === 0) throw new HeaderSyntaxError(field, 'telephone number without digits');
  const number = s.slice(start, i);
  const paramStart = i < n ? i : -1;
  const end = paramStart < 0 ? i : scanUriParams(s, i, n, field);
  if (end < n) invalidAt(s, end, field);
  const raw = uriStart === 0 && n === s.length ? s : s.slice(uriStart, n);
  const uri = Uri.fromScan('tel', undefined, undefined, '', undefined, number, raw, paramStart < 0 ? -1 : paramStart - uriStart, end - uriStart, -1);
  if (!global && !uri.params.has('phone-context')) throw new HeaderSyntaxError(field, 'local telephone number without phone-context');
  return uri;
}

/** Parses a URI for callers outside the parser: undefined instead of an exception. */
export function parseUri(text: string): Uri | undefined {
  try {
    return parseUriStrict(text);
  } catch (e) {
    if (e instanceof HeaderSyntaxError) return undefined;
    throw e;
  }
}
