// Stateless responses built from raw header lines, for requests the parser rejected (400/413/505…)
// and for early-hook verdicts (e.g. 503 + Retry-After). Only Via, From, To, Call-ID and CSeq are
// copied (RFC 3261 §8.2.6.2); a To tag is added when absent. ACK is never answered (RFC 3261 §17.2.1).
import { randomBytes } from 'node:crypto';
import type { RawPeek } from './raw-peek.js';
import type { Endpoint } from './types.js';
import { formatViaText, parseViaText, splitFirstElement, stampReceived, type ViaText } from './via-text.js';

export interface StatelessReply {
  data: Buffer;
  /** The reply's top Via (received/rport already stamped), for routing. */
  via: ViaText;
}

export interface StatelessReplyOptions {
  retryAfter?: number;
}

/** Builds the reply, or returns undefined when the message cannot be answered (a response, ACK, missing headers). */
export function buildStatelessReply(
  peek: RawPeek,
  status: number,
  reason: string,
  source: Endpoint,
  options: StatelessReplyOptions = {},
): StatelessReply | undefined {
  if (!peek.isRequest) return undefined;
  const method = peek.method;
  if (method === '' || method === 'ACK') return undefined;
  const vias = peek.rawValues('via');
  const from = peek.rawValues('from')[0];
  const to = peek.rawValues('to')[0];
  const callId = peek.rawValues('call-id')[0];
  const cseq = peek.rawValues('cseq')[0];
  if (vias.length === 0 || !from || !to || !callId || !cseq) return undefined;
  const { first, rest } = splitFirstElement(vias[0]);
  const via = parseViaText(first);
  if (!via) return undefined;
  stampReceived(via, source);

  const code = Number.isInteger(status) && status >= 300 && status <= 699 ? status : 400;
  let text = `SIP/2.0 ${code} ${sanitizeReason(reason, code)}\r\n`;
  text += `Via: ${formatViaText(via)}${rest === '' ? '' : `, ${rest}`}\r\n`;
  for (let i = 1; i < vias.length; i++) text += `Via: ${vias[i]}\r\n`;
  text += `From: ${from}\r\n`;
  text += `To: ${hasTag(to) ? to : `${to};tag=${randomBytes(6).toString('hex')}`}\r\n`;
  text += `Call-ID: ${callId}\r\nCSeq: ${cseq}\r\n`;
  if (options.retryAfter !== undefined && Number.isInteger(options.retryAfter) && options.retryAfter >= 0) {
    text += `Retry-After: ${options.retryAfter}\r\n`;
  }
  text += 'Content-Length: 0\r\n\r\n';
  return { data: Buffer.from(text, 'latin1'), via };
}

function sanitizeReason(reason: string, status: number): string {
  let out = '';
  for (let i = 0; i < reason.length && out.length < 100; i++) {
    const c = reason.charCodeAt(i);
    out += c < 32 || c === 127 ? ' ' : reason[i];
  }
  out = out.trim();
  if (out !== '') return out;
  return status === 503 ? 'Service Unavailable' : status === 400 ? 'Bad Request' : 'Error';
}

/** True when a To/From value carries a tag parameter (outside the <>-enclosed URI and quotes). */
export function hasTag(value: string): boolean {
  let i = 0;
  let quoted = false;
  let params = -1;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 92) i++;
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 60 /* < */) {
      const close = value.indexOf('>', i);
      if (close < 0) return false;
      params = close + 1;
      break;
    } else if (c === 59 /* ; */) {
      params = i;
      break;
    }
  }
  if (params < 0) return false;
  for (const p of value.slice(params).split(';')) {
    const eq = p.indexOf('=');
    if ((eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase() === 'tag') return true;
  }
  return false;
}
