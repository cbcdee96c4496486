// SIP/SIPS URIs (RFC 3261 §19.1, §25.1), tel URIs (RFC 3966) and, opaquely, any other absoluteURI.
import { HeaderSyntaxError } from './parse-error.js';
import { formatParams, type Params } from './text.js';

export class Uri {
  scheme: string;
  user: string | undefined;
  password: string | undefined;
  /** Host as written (IPv6 references keep their brackets); empty for tel and opaque URIs. */
  host: string;
  port: number | undefined;
  params: Params;
  headers: Map<string, string>;
  /** tel: the number (global "+1-201-..." or local); undefined otherwise. */
  number: string | undefined;
  /** The text the URI was parsed from; opaque URIs serialize from it. */
  readonly raw: string;

  constructor(init: {
    scheme: string; user?: string; password?: string; host?: string; port?: number;
    params?: Params; headers?: Map<string, string>; number?: string; raw?: string;
  }) {
    this.scheme = init.scheme.toLowerCase();
    this.user = init.user;
    this.password = init.password;
    this.host = init.host ?? '';
    this.port = init.port;
    this.params = init.params ?? new Map();
    this.headers = init.headers ?? new Map();
    this.number = init.number;
    this.raw = init.raw ?? '';
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
    return new Uri({ ...this, params: new Map(this.params), headers: new Map(this.headers) });
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
}

const HOST_CHARS = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.') HOST_CHARS[c.charCodeAt(0)] = 1;
const IPV6_CHARS = new Uint8Array(128);
for (const c of '0123456789abcdefABCDEF:.') IPV6_CHARS[c.charCodeAt(0)] = 1;

// user / password / param / header characters: unreserved, escaped and the user-unreserved and
// param-unreserved marks (RFC 3261 §25.1). Anything else (space, <, >, ", non-ASCII) is invalid.
const URI_CHARS = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()%&=+$,;?/:[]@") URI_CHARS[c.charCodeAt(0)] = 1;

function checkChars(s: string, field: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || URI_CHARS[c] !== 1) throw new HeaderSyntaxError(field, `invalid character in URI: ${JSON.stringify(s[i])}`);
    if (c === 37 /* % */ && !(isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)))) {
      throw new HeaderSyntaxError(field, 'invalid %-escape in URI');
    }
  }
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function parseHost(hostport: string, field: string): { host: string; port: number | undefined } {
  let host: string;
  let rest: string;
  if (hostport.charCodeAt(0) === 91 /* [ */) {
    const close = hostport.indexOf(']');
    if (close < 0) throw new HeaderSyntaxError(field, 'unterminated IPv6 reference');
    host = hostport.slice(0, close + 1);
    for (let i = 1; i < close; i++) {
      const c = host.charCodeAt(i);
      if (c >= 128 || IPV6_CHARS[c] !== 1) throw new HeaderSyntaxError(field, 'invalid IPv6 reference');
    }
    if (close === 1) throw new HeaderSyntaxError(field, 'empty IPv6 reference');
    rest = hostport.slice(close + 1);
  } else {
    const colon = hostport.indexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    rest = colon < 0 ? '' : hostport.slice(colon);
    if (host.length === 0) throw new HeaderSyntaxError(field, 'empty host');
    for (let i = 0; i < host.length; i++) {
      const c = host.charCodeAt(i);
      if (c >= 128 || HOST_CHARS[c] !== 1) throw new HeaderSyntaxError(field, `invalid character in host "${host}"`);
    }
  }
  if (rest.length === 0) return { host, port: undefined };
  if (rest.charCodeAt(0) !== 58) throw new HeaderSyntaxError(field, 'garbage after host');
  const p = rest.slice(1);
  let port = 0;
  if (p.length === 0 || p.length > 5) throw new HeaderSyntaxError(field, 'invalid port');
  for (let i = 0; i < p.length; i++) {
    const d = p.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new HeaderSyntaxError(field, 'invalid port');
    port = port * 10 + d;
  }
  if (port > 65535) throw new HeaderSyntaxError(field, 'port out of range');
  return { host, port };
}

function parseUriParams(s: string, field: string): Params {
  const params: Params = new Map();
  if (s.length === 0) return params;
  for (const part of s.split(';')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    if (eq === 0) throw new HeaderSyntaxError(field, 'empty URI parameter name');
    if (eq < 0) params.set(part.toLowerCase(), null);
    else params.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  return params;
}

/** Parses a URI; throws HeaderSyntaxError (parser-internal) on malformed SIP/SIPS/tel URIs. */
export function parseUriStrict(text: string, field = 'URI'): Uri {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new HeaderSyntaxError(field, 'URI without scheme');
  const scheme = text.slice(0, colon).toLowerCase();
  for (let i = 0; i < scheme.length; i++) {
    const c = scheme.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (i > 0 && ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46));
    if (!ok) throw new HeaderSyntaxError(field, 'invalid URI scheme');
  }
  const rest = text.slice(colon + 1);
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, rest, text, field);
  if (scheme === 'tel') return parseTelUri(rest, text, field);
  // absoluteURI (RFC 3261 §25.1): opaque to us, but it must not contain whitespace or angle brackets
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c <= 32 || c === 60 || c === 62 || c === 34 || c >= 127) throw new HeaderSyntaxError(field, 'invalid character in URI');
  }
  if (rest.length === 0) throw new HeaderSyntaxError(field, 'empty URI');
  return new Uri({ scheme, raw: text });
}

function parseSipUri(scheme: string, rest: string, raw: string, field: string): Uri {
  checkChars(rest, field);
  let user: string | undefined;
  let password: string | undefined;
  // '@' cannot occur unescaped in host, params or headers, so the last one ends the userinfo.
  const at = rest.lastIndexOf('@');
  let hostPart = rest;
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    user = pc < 0 ? userinfo : userinfo.slice(0, pc);
    password = pc < 0 ? undefined : userinfo.slice(pc + 1);
    if (user.length === 0) throw new HeaderSyntaxError(field, 'empty user part');
  }
  let headersText = '';
  const q = hostPart.indexOf('?');
  if (q >= 0) {
    headersText = hostPart.slice(q + 1);
    hostPart = hostPart.slice(0, q);
  }
  const semi = hostPart.indexOf(';');
  const hostport = semi < 0 ? hostPart : hostPart.slice(0, semi);
  const { host, port } = parseHost(hostport, field);
  const params = parseUriParams(semi < 0 ? '' : hostPart.slice(semi + 1), field);
  const headers = new Map<string, string>();
  if (headersText.length > 0) {
    for (const h of headersText.split('&')) {
      const eq = h.indexOf('=');
      if (eq <= 0) throw new HeaderSyntaxError(field, 'malformed URI header');
      headers.set(h.slice(0, eq), h.slice(eq + 1));
    }
  }
  return new Uri({ scheme, user, password, host, port, params, headers, raw });
}

function parseTelUri(rest: string, raw: string, field: string): Uri {
  checkChars(rest, field);
  const semi = rest.indexOf(';');
  const number = semi < 0 ? rest : rest.slice(0, semi);
  if (number.length === 0) throw new HeaderSyntaxError(field, 'empty telephone number');
  // RFC 3966 §3: global numbers start with "+" and have digits and visual separators only;
  // local numbers may also carry DTMF digits "*#ABCD" and need a phone-context.
  const global = number.charCodeAt(0) === 43;
  let digits = 0;
  for (let i = global ? 1 : 0; i < number.length; i++) {
    const c = number.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 45 || c === 46 || c === 40 || c === 41) continue;
    else if (!global && (c === 42 || c === 35 || (c >= 65 && c <= 68) || (c >= 97 && c <= 100))) digits++;
    else throw new HeaderSyntaxError(field, 'invalid character in telephone number');
  }
  if (digits === 0) throw new HeaderSyntaxError(field, 'telephone number without digits');
  return new Uri({ scheme: 'tel', number, params: parseUriParams(semi < 0 ? '' : rest.slice(semi + 1), field), raw });
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
