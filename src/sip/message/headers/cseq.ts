// CSeq (RFC 3261 §20.16): a 32-bit sequence number (§8.1.1.5: less than 2**31) and the method.
import { HeaderSyntaxError } from '../parse-error.js';
import { isToken, isWs, parseUint } from '../text.js';

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string): CSeq {
  let i = 0;
  const n = value.length;
  while (i < n && !isWs(value.charCodeAt(i))) i++;
  const seq = parseUint(value.slice(0, i), 0x7fffffff);
  if (seq === undefined) throw new HeaderSyntaxError('CSeq', 'invalid sequence number');
  const method = value.slice(i).trim();
  if (!isToken(method)) throw new HeaderSyntaxError('CSeq', 'invalid method');
  return { seq, method };
}
