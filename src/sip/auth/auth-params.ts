// Generic auth-param syntax shared by challenges and credentials (RFC 3261 §25.1 challenge/credentials,
// RFC 7235 §2.1 auth-scheme, auth-param, token68, #rule lists). Byte scanning, no regex on the request path.
// Wire input never throws: parse functions return `{ ok: false, fault }`.

export type AuthHeaderFaultCode =
  | 'SSW_AUTH_EMPTY'
  | 'SSW_AUTH_TOO_LARGE'
  | 'SSW_AUTH_BAD_SYNTAX'
  | 'SSW_AUTH_UNTERMINATED_QUOTE'
  | 'SSW_AUTH_DUPLICATE_PARAM'
  | 'SSW_AUTH_TOO_MANY_PARAMS'
  | 'SSW_AUTH_TOO_MANY_ELEMENTS'
  | 'SSW_AUTH_NOT_DIGEST'
  | 'SSW_AUTH_MISSING_PARAM'
  | 'SSW_AUTH_BAD_PARAM';

/** A malformed authentication header value. `status` is the response it implies (always 400 here). */
export interface AuthHeaderFault {
  readonly code: AuthHeaderFaultCode;
  /** The parameter (or "scheme") that failed, when known. */
  readonly field?: string;
  readonly status: 400;
  readonly reason: string;
}

export type AuthParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly fault: AuthHeaderFault };

/** One challenge or one credentials element: `scheme` plus auth-params (names lower-cased) or a token68. */
export interface AuthElement {
  readonly scheme: string;
  readonly params: ReadonlyMap<string, string>;
  readonly token68?: string;
}

export interface AuthHeaderLimits {
  /** Longest header value accepted, in UTF-16 code units (default 8192). */
  readonly maxLength?: number;
  /** Most auth-params per element (default 32). */
  readonly maxParams?: number;
  /** Most challenges / credentials in one header value (default 8). */
  readonly maxElements?: number;
}

export const DEFAULT_AUTH_HEADER_LIMITS: Required<AuthHeaderLimits> = Object.freeze({
  maxLength: 8192,
  maxParams: 32,
  maxElements: 8,
});

// ---------------------------------------------------------------------------------------------------------
// Character classes (byte scanning, no regex on the request path).

/** SIP token (RFC 3261 §25.1) ∪ HTTP tchar (RFC 9110 §5.6.2). */
function isTokenChar(c: number): boolean {
  if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return true;
  switch (c) {
    case 0x21: // !
    case 0x23: // #
    case 0x24: // $
    case 0x25: // %
    case 0x26: // &
    case 0x27: // '
    case 0x2a: // *
    case 0x2b: // +
    case 0x2d: // -
    case 0x2e: // .
    case 0x5e: // ^
    case 0x5f: // _
    case 0x60: // `
    case 0x7c: // |
    case 0x7e: // ~
      return true;
    default:
      return false;
  }
}

/** token68 (RFC 7235 §2.1) without the trailing "=" padding. */
function isToken68Char(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x2b || c === 0x2f
  );
}

const SP = 0x20;
const HTAB = 0x09;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const EQUAL = 0x3d;

export function fault(code: AuthHeaderFaultCode, reason: string, field?: string): { ok: false; fault: AuthHeaderFault } {
  return { ok: false, fault: field === undefined ? { code, status: 400, reason } : { code, field, status: 400, reason } };
}

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}
  get end(): boolean {
    return this.pos >= this.s.length;
  }
  peek(): number {
    return this.pos < this.s.length ? this.s.charCodeAt(this.pos) : -1;
  }
  /** Skips SP/HTAB; returns how many were skipped. */
  ws(): number {
    const start = this.pos;
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c !== SP && c !== HTAB) break;
      this.pos++;
    }
    return this.pos - start;
  }
  token(): string {
    const start = this.pos;
    while (this.pos < this.s.length && isTokenChar(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }
}

export type Step<T> = { ok: true; value: T } | { ok: false; fault: AuthHeaderFault };

/** Reads a quoted-string starting at the opening DQUOTE and returns its unescaped content. */
function readQuoted(sc: Scanner, field: string): Step<string> {
  const s = sc.s;
  let i = sc.pos + 1;
  let out = '';
  let runStart = i;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === DQUOTE) {
      out += s.slice(runStart, i);
      sc.pos = i + 1;
      return { ok: true, value: out };
    }
    if (c === BACKSLASH) {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)  (RFC 3261 §25.1); we also pass UTF-8 through.
      if (i + 1 >= s.length) break;
      const n = s.charCodeAt(i + 1);
      if (n === 0x0a || n === 0x0d) return fault('SSW_AUTH_BAD_SYNTAX', 'CR/LF in quoted-string', field);
      out += s.slice(runStart, i) + s[i + 1];
      i += 2;
      runStart = i;
      continue;
    }
    if ((c < 0x20 && c !== HTAB) || c === 0x7f) return fault('SSW_AUTH_BAD_SYNTAX', 'control character in quoted-string', field);
    i++;
  }
  return fault('SSW_AUTH_UNTERMINATED_QUOTE', 'unterminated quoted-string', field);
}

/**
 * If a token68 starts at the scanner position and is followed by end of input or a comma, consumes it.
 * `realm="x"` and `a=b` are not token68 (something other than a comma follows the "=" padding).
 */
function tryToken68(sc: Scanner): string | undefined {
  const s = sc.s;
  let i = sc.pos;
  while (i < s.length && isToken68Char(s.charCodeAt(i))) i++;
  if (i === sc.pos) return undefined;
  while (i < s.length && s.charCodeAt(i) === EQUAL) i++;
  const value = s.slice(sc.pos, i);
  while (i < s.length && (s.charCodeAt(i) === SP || s.charCodeAt(i) === HTAB)) i++;
  if (i < s.length && s.charCodeAt(i) !== COMMA) return undefined;
  sc.pos = i;
  return value;
}

/** Skips SWS "," SWS repeatedly (RFC 7235 #rule allows empty list elements). */
function skipCommas(sc: Scanner): void {
  sc.ws();
  while (sc.peek() === COMMA) {
    sc.pos++;
    sc.ws();
  }
}

/** One auth-param: name SWS "=" SWS ( token / quoted-string ). */
function readParam(sc: Scanner, params: Map<string, string>, maxParams: number): Step<void> {
  const rawName = sc.token();
  if (rawName.length === 0) return fault('SSW_AUTH_BAD_SYNTAX', 'expected an auth-param name');
  const name = rawName.toLowerCase();
  sc.ws();
  if (sc.peek() !== EQUAL) return fault('SSW_AUTH_BAD_SYNTAX', 'expected "=" after auth-param name', name);
  sc.pos++;
  sc.ws();
  let v: string;
  if (sc.peek() === DQUOTE) {
    const q = readQuoted(sc, name);
    if (!q.ok) return q;
    v = q.value;
  } else {
    v = sc.token();
    if (v.length === 0) return fault('SSW_AUTH_BAD_SYNTAX', 'expected a token or quoted-string', name);
  }
  if (params.has(name)) return fault('SSW_AUTH_DUPLICATE_PARAM', 'duplicate auth-param', name);
  if (params.size >= maxParams) return fault('SSW_AUTH_TOO_MANY_PARAMS', 'too many auth-params', name);
  params.set(name, v);
  return { ok: true, value: undefined };
}

/**
 * auth-param *( COMMA auth-param ). After a comma, a token followed by "=" continues this element; anything
 * else is left for the caller as the start of the next challenge / credentials.
 */
function readParams(sc: Scanner, params: Map<string, string>, maxParams: number): Step<void> {
  for (;;) {
    const p = readParam(sc, params, maxParams);
    if (!p.ok) return p;
    sc.ws();
    if (sc.end) break;
    if (sc.peek() !== COMMA) return fault('SSW_AUTH_BAD_SYNTAX', 'expected "," between auth-params');
    skipCommas(sc);
    if (sc.end) break;
    const mark = sc.pos;
    sc.token();
    sc.ws();
    const continues = sc.peek() === EQUAL && sc.pos > mark;
    sc.pos = mark;
    if (!continues) break;
  }
  return { ok: true, value: undefined };
}

/**
 * Parses a header value holding one or more comma-separated challenges or credentials
 * (`Digest realm="a", nonce="b", Basic realm="c"`). Parameter names are lower-cased; a duplicated parameter
 * (RFC 7616 §3.3: "MUST NOT appear more than once") is a fault.
 */
export function parseAuthElements(value: string, limits: AuthHeaderLimits = DEFAULT_AUTH_HEADER_LIMITS): AuthParseResult<AuthElement[]> {
  const maxLength = limits.maxLength ?? DEFAULT_AUTH_HEADER_LIMITS.maxLength;
  const maxParams = limits.maxParams ?? DEFAULT_AUTH_HEADER_LIMITS.maxParams;
  const maxElements = limits.maxElements ?? DEFAULT_AUTH_HEADER_LIMITS.maxElements;
  if (typeof value !== 'string') return fault('SSW_AUTH_EMPTY', 'no header value');
  if (value.length > maxLength) return fault('SSW_AUTH_TOO_LARGE', 'authentication header too long');
  const sc = new Scanner(value);
  const elements: AuthElement[] = [];
  skipCommas(sc);
  if (sc.end) return fault('SSW_AUTH_EMPTY', 'empty authentication header');

  while (!sc.end) {
    if (elements.length >= maxElements) return fault('SSW_AUTH_TOO_MANY_ELEMENTS', 'too many challenges/credentials');
    const scheme = sc.token();
    if (scheme.length === 0) return fault('SSW_AUTH_BAD_SYNTAX', 'expected an auth-scheme', 'scheme');
    const params = new Map<string, string>();
    const gap = sc.ws();
    if (sc.end || sc.peek() === COMMA) {
      elements.push({ scheme, params });
      skipCommas(sc);
      continue;
    }
    if (gap === 0) return fault('SSW_AUTH_BAD_SYNTAX', 'auth-scheme must be followed by whitespace', 'scheme');
    const token68 = tryToken68(sc);
    if (token68 !== undefined) {
      elements.push({ scheme, params, token68 });
      skipCommas(sc);
      continue;
    }
    const parsed = readParams(sc, params, maxParams);
    if (!parsed.ok) return parsed;
    elements.push({ scheme, params });
  }
  return { ok: true, value: elements };
}

// ---------------------------------------------------------------------------------------------------------
// Serialization helpers.

/** quoted-string with `"` and `\` escaped (RFC 3261 §25.1 quoted-pair). */
export function quoteString(value: string): string {
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === DQUOTE || c === BACKSLASH) {
      out += value.slice(runStart, i) + '\\' + value[i];
      runStart = i + 1;
    } else if (c === 0x0a || c === 0x0d || c === 0) {
      throw new RangeError(`SSW_AUTH_BAD_VALUE: value cannot be carried in a quoted-string: ${JSON.stringify(value)}`);
    }
  }
  return out + value.slice(runStart) + '"';
}

export function tokenValue(name: string, value: string): string {
  if (value.length === 0) throw new RangeError(`SSW_AUTH_BAD_VALUE: empty token for ${name}`);
  for (let i = 0; i < value.length; i++) {
    if (!isTokenChar(value.charCodeAt(i))) throw new RangeError(`SSW_AUTH_BAD_VALUE: ${name} is not a token: ${JSON.stringify(value)}`);
  }
  return value;
}
