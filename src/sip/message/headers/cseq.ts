// CSeq (RFC 3261 §20.16): a 32-bit sequence number (§8.1.1.5: less than 2**31) and the method.
import { HeaderSyntaxError } from '../parse-error.js';
import { isTokenChar, parseUintAt } from '../text.js';

export interface CSeq {
  seq: number;
  method: string;
}

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'UPDATE', 'INFO', 'SUBSCRIBE', 'NOTIFY', 'REFER', 'MESSAGE', 'PUBLISH'];

/**
 * The method token s[a, b) — the shared literal for the standard methods (no allocation, and
 * comparisons between them are pointer checks), a slice otherwise. Methods are case-sensitive.
 */
export function methodAt(s: string, a: number, b: number): string {
  const len = b - a;
  for (let k = 0; k < METHODS.length; k++) {
    const m = METHODS[k];
    if (m.length === len && s.startsWith(m, a)) return m;
  }
  return s.slice(a, b);
}

export function parseCSeq(value: string): CSeq {
  return parseCSeqRange(value, 0, value.length);
}

/** CSeq = 1*DIGIT LWS Method, over value[start, n) of a larger text. */
export function parseCSeqRange(value: string, start: number, n: number): CSeq {
  let i = start;
  while (i < n) {
    const d = value.charCodeAt(i);
    if (d < 48 || d > 57) break;
    i++;
  }
  const seq = parseUintAt(value, start, i, 0x7fffffff);
  if (seq === undefined) throw new HeaderSyntaxError('CSeq', 'invalid sequence number');
  const ws = i;
  while (i < n && (value.charCodeAt(i) === 32 || value.charCodeAt(i) === 9)) i++;
  if (i === ws) throw new HeaderSyntaxError('CSeq', i === n ? 'missing method' : 'invalid sequence number');
  const ms = i;
  while (i < n && isTokenChar(value.charCodeAt(i))) i++;
  const e = i;
  while (i < n && (value.charCodeAt(i) === 32 || value.charCodeAt(i) === 9)) i++;
  if (e === ms || i < n) throw new HeaderSyntaxError('CSeq', 'invalid method');
  return { seq, method: methodAt(value, ms, e) };
}
