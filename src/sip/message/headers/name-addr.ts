// name-addr / addr-spec values: From, To (RFC 3261 §20.20, §20.39), Contact (§20.10), Route and
// Record-Route (§20.34, §20.30), and the many extension headers of the same shape.
//
// One scanning pass per element validates it and picks out the tag; the header-parameter Map is
// built on first access.
import { HeaderSyntaxError } from '../parse-error.js';
import { endOfQuoted, eqLower, findScanned, formatParams, paramScan, paramsFromScan, parseUintAt, quote, scanParams, skipWs, unquote, type Params } from '../text.js';
import { parseUriRange, type Uri } from '../uri.js';

export interface NameAddr {
  displayName: string | undefined;
  uri: Uri;
  params: Params;
  tag: string | undefined;
}

export interface Contact extends NameAddr {
  expires: number | undefined;
  q: number | undefined;
}

class ParsedNameAddr implements NameAddr {
  displayName: string | undefined;
  uri: Uri;
  tag: string | undefined;
  #params: Params | undefined;
  #src: string;
  #paramStart: number;
  #end: number;
  #field: string;

  constructor(displayName: string | undefined, uri: Uri, tag: string | undefined, src: string, paramStart: number, end: number, field: string) {
    this.displayName = displayName;
    this.uri = uri;
    this.tag = tag;
    this.#params = undefined;
    this.#src = src;
    this.#paramStart = paramStart;
    this.#end = end;
    this.#field = field;
  }

  get params(): Params {
    if (this.#params === undefined) {
      scanParams(this.#src, this.#paramStart, this.#end, this.#field, true); // validated already: cannot throw
      this.#params = paramsFromScan(this.#src);
    }
    return this.#params;
  }

  set params(p: Params) {
    this.#params = p;
  }
}

class ParsedContact extends ParsedNameAddr implements Contact {
  expires: number | undefined;
  q: number | undefined;

  constructor(na: { displayName: string | undefined; uri: Uri; tag: string | undefined }, src: string, paramStart: number, end: number) {
    super(na.displayName, na.uri, na.tag, src, paramStart, end, 'Contact');
    this.expires = undefined;
    this.q = undefined;
  }
}

// display-name token characters plus LWS between the tokens
const DISPLAY = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`'~ \t") DISPLAY[c.charCodeAt(0)] = 1;

/** Where the last parseNameAddrAt stopped, and where its header parameters start. */
let naEnd = 0;
let naParamStart = 0;

/**
 * ( name-addr / addr-spec ) *( SEMI generic-param ) from `i` within s[.., n). With `list`, stops
 * at a top-level ',' (the next element); otherwise the element must run to `n`.
 */
function parseNameAddrAt(s: string, i: number, n: number, field: string, list: boolean): ParsedNameAddr {
  i = skipWs(s, i, n);
  let displayName: string | undefined;
  let us: number;
  let ue: number;
  let c = i < n ? s.charCodeAt(i) : -1;
  if (c === 34) {
    const end = endOfQuoted(s, i, field, n);
    displayName = unquote(s.slice(i, end));
    i = skipWs(s, end, n);
    if (i >= n || s.charCodeAt(i) !== 60) throw new HeaderSyntaxError(field, 'quoted display name without <URI>');
  } else if (c !== 60) {
    // *(token LWS) followed by '<' is a display name; anything else is an addr-spec
    let j = i;
    while (j < n && (c = s.charCodeAt(j)) < 128 && DISPLAY[c] === 1) j++;
    if (j < n && c === 60) {
      let e = j;
      while (e > i && (s.charCodeAt(e - 1) === 32 || s.charCodeAt(e - 1) === 9)) e--;
      displayName = s.slice(i, e);
      i = j;
    }
  }
  if (i < n && s.charCodeAt(i) === 60) {
    const gt = s.indexOf('>', i + 1);
    if (gt < 0 || gt >= n) throw new HeaderSyntaxError(field, 'missing ">"');
    us = i + 1;
    ue = gt;
    i = gt + 1;
  } else {
    // addr-spec: the URI ends at the first ';' (following params belong to the header), at LWS, or
    // in a list at ','. RFC 3261 §20 tells senders to enclose a URI with ',', '?' or ';' in <>, but
    // the ABNF (addr-spec = SIP-URI, which has [headers]) reads '?' unambiguously, so it is accepted
    // here (RFC 4475 §3.1.2.13 allows that liberality); the URI parser still checks every character.
    us = i;
    while (i < n) {
      c = s.charCodeAt(i);
      if (c === 59 || c === 32 || c === 9 || c === 13 || c === 10 || (c === 44 && list)) break;
      if (c === 60 || c === 62 || c === 34) throw new HeaderSyntaxError(field, 'unexpected character in address (use <URI>)');
      i++;
    }
    ue = i;
  }
  if (ue === us) throw new HeaderSyntaxError(field, 'empty URI');
  const uri = parseUriRange(s, us, ue, field);
  naParamStart = i;
  naEnd = scanParams(s, i, n, field, list);
  let tag: string | undefined;
  const k = paramScan.count === 0 ? -1 : findScanned(s, 'tag');
  if (k >= 0) {
    const { offs } = paramScan;
    if (offs[k + 2] < 0 || s.charCodeAt(offs[k + 2]) === 34) throw new HeaderSyntaxError(field, 'tag must be a token');
    tag = s.slice(offs[k + 2], offs[k + 3]);
  }
  return new ParsedNameAddr(displayName, uri, tag, s, naParamStart, n, field);
}

/** One name-addr or addr-spec with parameters (From, To, Refer-To, ...). */
export function parseNameAddr(text: string, field: string): NameAddr {
  return parseNameAddrAt(text, 0, text.length, field, false);
}

/** parseNameAddr over s[start, end) of a larger text (the parser's header section). */
export function parseNameAddrRange(s: string, start: number, end: number, field: string): NameAddr {
  return parseNameAddrAt(s, start, end, field, false);
}

/**
 * Appends the elements of a comma-separated name-addr list (Route, Record-Route, Path, ...), from
 * value[start, end) (the whole string by default).
 */
export function parseNameAddrValues(value: string, field: string, out: NameAddr[], start = 0, end = value.length): void {
  const n = end;
  let i = start;
  for (;;) {
    while (i < n) {
      const c = value.charCodeAt(i);
      if (c !== 44 && c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
      i++;
    }
    if (i >= n) return;
    out.push(parseNameAddrAt(value, i, n, field, true));
    i = naEnd;
    if (i < n) i++;
  }
}

/** Contact values (not `*`, which the message handles): adds expires and q (RFC 3261 §20.10). */
export function parseContactValues(value: string, out: Contact[]): void {
  const n = value.length;
  let i = 0;
  for (;;) {
    while (i < n) {
      const c = value.charCodeAt(i);
      if (c !== 44 && c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
      i++;
    }
    if (i >= n) return;
    const na = parseNameAddrAt(value, i, n, 'Contact', true);
    const contact = new ParsedContact(na, value, naParamStart, n);
    const end = naEnd;
    const { count, offs } = paramScan;
    for (let k = 0; k < count * 4; k += 4) {
      const a = offs[k];
      const b = offs[k + 1];
      if (b - a === 7 && eqLower(value, a, b, 'expires')) contact.expires = expiresValue(value, offs[k + 2], offs[k + 3]);
      else if (b - a === 1 && (value.charCodeAt(a) | 32) === 113 /* q */) contact.q = qValue(value, offs[k + 2], offs[k + 3]);
    }
    out.push(contact);
    i = end;
    if (i < n) i++;
  }
}

// c-p-expires = "expires" EQUAL delta-seconds (at most 2**32-1 here)
function expiresValue(s: string, vs: number, ve: number): number {
  const v = vs < 0 ? undefined : parseUintAt(s, vs, ve);
  if (v === undefined) throw new HeaderSyntaxError('Contact', 'invalid expires');
  return v;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
function qValue(s: string, vs: number, ve: number): number {
  const bad = (): never => {
    throw new HeaderSyntaxError('Contact', 'invalid q');
  };
  if (vs < 0) bad();
  const lead = s.charCodeAt(vs);
  if ((lead !== 48 && lead !== 49) || (ve > vs + 1 && s.charCodeAt(vs + 1) !== 46) || ve - vs > 5) bad();
  let frac = 0;
  let scale = 1;
  for (let i = vs + 2; i < ve; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || (lead === 49 && d !== 0)) bad();
    frac = frac * 10 + d;
    scale *= 10;
  }
  return lead === 49 ? 1 : frac / scale;
}

export function formatNameAddr(na: { displayName?: string | undefined; uri: Uri | string; params?: Params }): string {
  const dn = na.displayName !== undefined ? `${quote(na.displayName)} ` : '';
  return `${dn}<${na.uri.toString()}>${na.params ? formatParams(na.params) : ''}`;
}
