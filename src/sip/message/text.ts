// Character-level helpers shared by the header parsers. They scan with charCodeAt (no regex) so
// that hostile input cannot trigger backtracking, and they throw HeaderSyntaxError, which only the
// parser boundary (and the typed accessors) catch and turn into ParseError.
import { HeaderSyntaxError } from './parse-error.js';

export type Params = Map<string, string | null>;

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
/** RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
const TOKEN = table(`${ALNUM}-.!%*_+\`'~`);
/** gen-value = token / host / quoted-string: a host adds "[", "]" and ":" (IPv6 references). */
const GEN_VALUE = table(`${ALNUM}-.!%*_+\`'~[]:`);

/** RFC 3261 §25.1 token character. */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN[c] !== 1) return false;
  }
  return true;
}

/** Index of the first non-LWS character at or after i (bounded by `end`, default the end of s). */
export function skipWs(s: string, i: number, end = s.length): number {
  const n = end;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    i++;
  }
  return i;
}

/** True when s[a, b) equals `lower` (an all-lower-case ASCII literal) ignoring ASCII case. */
export function eqLower(s: string, a: number, b: number, lower: string): boolean {
  if (b - a !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) {
    let c = s.charCodeAt(a + k);
    if (c >= 65 && c <= 90) c |= 32;
    if (c !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Index just past the closing quote of the quoted-string starting at `i` (which is the opening quote). */
export function endOfQuoted(s: string, i: number, field: string, end = s.length): number {
  const n = end;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === 92 /* \ */) j++;
    else if (c === 34 /* " */) return j + 1;
  }
  throw new HeaderSyntaxError(field, 'unterminated quoted string');
}

/** The content of a quoted-string with quoted-pairs resolved (RFC 3261 §25.1). */
export function unquote(q: string): string {
  if (q.length < 2 || q.charCodeAt(0) !== 34) return q;
  const inner = q.slice(1, -1);
  if (inner.indexOf('\\') === -1) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '\\' && i + 1 < inner.length) out += inner[++i];
    else out += ch;
  }
  return out;
}

export function quote(s: string): string {
  let out = '"';
  for (const ch of s) out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  return `${out}"`;
}

/**
 * Splits a header value at top-level commas: not inside quoted strings, <> or parentheses
 * (comments). Empty elements are dropped, as the `#rule` of RFC 3261 §7.3.1 allows.
 */
export function splitList(value: string, field = 'header'): string[] {
  const out: string[] = [];
  let start = 0;
  let angle = 0;
  let paren = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34) {
      i = endOfQuoted(value, i, field) - 1;
    } else if (c === 60) angle++;
    else if (c === 62) angle = angle > 0 ? angle - 1 : 0;
    // a comment's parentheses count only outside <>: "(" is a legal URI character (mark)
    else if (c === 40 && angle === 0) paren++;
    else if (c === 41 && angle === 0) paren = paren > 0 ? paren - 1 : 0;
    else if (c === 44 && angle === 0 && paren === 0) {
      const part = value.slice(start, i).trim();
      if (part.length > 0) out.push(part);
      start = i + 1;
    }
  }
  const last = value.slice(start).trim();
  if (last.length > 0) out.push(last);
  return out;
}

/**
 * Offsets found by the last `scanParams` call, four per parameter: name start, name end, value
 * start, value end (value start -1 for a flag without value). One shared scratch array so the
 * hot path allocates nothing; read it right after the call.
 */
export const paramScan = { count: 0, offs: new Int32Array(64) };

/**
 * Validates `*( SEMI generic-param )` (RFC 3261 §25.1) in s[i, end), with LWS around `;` and `=`:
 * generic-param = token [ EQUAL gen-value ], gen-value = token / host / quoted-string.
 * Returns where it stopped: `end`, or a top-level `,` when `list` is set (the next list element).
 * Records the parameters in `paramScan`.
 */
export function scanParams(s: string, i: number, end: number, field: string, list: boolean): number {
  const n = end;
  let count = 0;
  let offs = paramScan.offs;
  for (;;) {
    i = skipWs(s, i, n);
    if (i >= n) break;
    let c = s.charCodeAt(i);
    if (c !== 59 /* ; */) {
      if (c === 44 && list) break;
      throw new HeaderSyntaxError(field, `unexpected ${JSON.stringify(s[i])} in parameters`);
    }
    i = skipWs(s, i + 1, n);
    const ns = i;
    while (i < n && (c = s.charCodeAt(i)) < 128 && TOKEN[c] === 1) i++;
    if (i === ns) throw new HeaderSyntaxError(field, 'empty parameter name');
    const ne = i;
    i = skipWs(s, i, n);
    let vs = -1;
    let ve = -1;
    if (i < n && s.charCodeAt(i) === 61 /* = */) {
      i = skipWs(s, i + 1, n);
      vs = i;
      if (i < n && s.charCodeAt(i) === 34) i = endOfQuoted(s, i, field, n);
      else while (i < n && (c = s.charCodeAt(i)) < 128 && GEN_VALUE[c] === 1) i++;
      if (i === vs) throw new HeaderSyntaxError(field, `empty value for parameter "${s.slice(ns, ne).toLowerCase()}"`);
      ve = i;
    }
    const o = count * 4;
    if (o + 4 > offs.length) {
      const grown = new Int32Array(offs.length * 2);
      grown.set(offs);
      paramScan.offs = offs = grown;
    }
    offs[o] = ns;
    offs[o + 1] = ne;
    offs[o + 2] = vs;
    offs[o + 3] = ve;
    count++;
  }
  paramScan.count = count;
  return i;
}

/** The Map of the parameters recorded by the last `scanParams` over `s`. */
export function paramsFromScan(s: string, into: Params = new Map()): Params {
  const { count, offs } = paramScan;
  for (let k = 0; k < count * 4; k += 4) {
    into.set(s.slice(offs[k], offs[k + 1]).toLowerCase(), offs[k + 2] < 0 ? null : s.slice(offs[k + 2], offs[k + 3]));
  }
  return into;
}

/**
 * Parses `;name=value;flag` generic-params (RFC 3261 §25.1) from `i` to the end of `s`.
 * Names are lower-cased; values keep their case (quoted values keep their quotes so they serialize
 * back unchanged; use `unquote` to read them).
 */
export function parseParams(s: string, i: number, field: string, into: Params = new Map()): Params {
  scanParams(s, i, s.length, field, false);
  return paramsFromScan(s, into);
}

/** Index of the parameter `lower` in the last scan, or -1. */
export function findScanned(s: string, lower: string): number {
  const { count, offs } = paramScan;
  for (let k = 0; k < count * 4; k += 4) if (eqLower(s, offs[k], offs[k + 1], lower)) return k;
  return -1;
}

export function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}

/** Non-negative decimal integer without sign or whitespace, bounded; undefined when not one. */
export function parseUint(s: string, max = 0xffffffff): number | undefined {
  return parseUintAt(s, 0, s.length, max);
}

/** parseUint over s[a, b) without slicing. Leading zeros are fine (1*DIGIT), however many. */
export function parseUintAt(s: string, a: number, b: number, max = 0xffffffff): number | undefined {
  if (b <= a) return undefined;
  while (b - a > 1 && s.charCodeAt(a) === 48) a++;
  if (b - a > 10) return undefined;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v <= max ? v : undefined;
}
