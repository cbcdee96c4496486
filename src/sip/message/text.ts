// Character-level helpers shared by the header parsers. They scan with charCodeAt (no regex) so
// that hostile input cannot trigger backtracking, and they throw HeaderSyntaxError, which only the
// parser boundary catches.
import { HeaderSyntaxError } from './parse-error.js';

export type Params = Map<string, string | null>;

const TOKEN = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~') TOKEN[c.charCodeAt(0)] = 1;

/** RFC 3261 §25.1 token character. */
export function isTokenChar(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

export function isWs(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10;
}

export function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

/** Index just past the closing quote of the quoted-string starting at `i` (which is the opening quote). */
export function endOfQuoted(s: string, i: number, field: string): number {
  for (let j = i + 1; j < s.length; j++) {
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
    else if (c === 40) paren++;
    else if (c === 41) paren = paren > 0 ? paren - 1 : 0;
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
 * Parses `;name=value;flag` generic-params (RFC 3261 §25.1) starting at `i` (at a `;` or at the end).
 * Names are lower-cased; values keep their case (quoted values keep their quotes so they serialize
 * back unchanged; use `unquote` to read them). Stops at `stop` characters (e.g. `,` or `?`).
 */
export function parseParams(s: string, i: number, field: string, into: Params = new Map()): Params {
  const n = s.length;
  while (i < n) {
    i = skipWs(s, i);
    if (i >= n) break;
    if (s.charCodeAt(i) !== 59 /* ; */) throw new HeaderSyntaxError(field, `unexpected "${s[i]}" in parameters`);
    i = skipWs(s, i + 1);
    const nameStart = i;
    while (i < n && isTokenChar(s.charCodeAt(i))) i++;
    if (i === nameStart) throw new HeaderSyntaxError(field, 'empty parameter name');
    const name = s.slice(nameStart, i).toLowerCase();
    i = skipWs(s, i);
    if (i < n && s.charCodeAt(i) === 61 /* = */) {
      i = skipWs(s, i + 1);
      if (i < n && s.charCodeAt(i) === 34) {
        const end = endOfQuoted(s, i, field);
        into.set(name, s.slice(i, end));
        i = end;
      } else {
        const vStart = i;
        // token / host / IPv6 reference: anything up to the next separator
        while (i < n) {
          const c = s.charCodeAt(i);
          if (c === 59 || isWs(c) || c === 44) break;
          i++;
        }
        if (i === vStart) throw new HeaderSyntaxError(field, `empty value for parameter "${name}"`);
        into.set(name, s.slice(vStart, i));
      }
    } else {
      into.set(name, null);
    }
  }
  return into;
}

export function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}

/** Non-negative decimal integer without sign or whitespace, bounded; undefined when not one. */
export function parseUint(s: string, max = 0xffffffff): number | undefined {
  if (s.length === 0 || s.length > 10) return undefined;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    v = v * 10 + c;
  }
  return v <= max ? v : undefined;
}

/** Decodes %HH escapes (RFC 3261 §19.1.2); invalid escapes are left as they are. */
export function unescapeUri(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}
