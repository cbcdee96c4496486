// Building messages in code: requests for UAC/proxy use, responses per RFC 3261 §8.2.6.
import { randomBytes } from 'node:crypto';
import { canonicalKey } from './header-names.js';
import { type HeaderField, SipRequest, SipResponse } from './message.js';
import { parseUriStrict, type Uri } from './uri.js';

/** RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this magic cookie. */
export const MAGIC_COOKIE = 'z9hG4bK';

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export function generateBranch(): string {
  return MAGIC_COOKIE + token(12);
}

export function generateTag(): string {
  return token(8);
}

export function generateCallId(host?: string): string {
  return host ? `${token(15)}@${host}` : token(18);
}

export type HeaderList = ReadonlyArray<readonly [string, string]>;

function fields(list: HeaderList): HeaderField[] {
  return list.map(([name, value]) => ({ name, value, key: canonicalKey(name) }));
}

function toBody(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

export function createRequest(init: { method: string; uri: Uri | string; headers: HeaderList; body?: Buffer | string }): SipRequest {
  const uri = typeof init.uri === 'string' ? parseUriStrict(init.uri, 'Request-URI') : init.uri;
  return new SipRequest(init.method, uri, uri.toString(), fields(init.headers), toBody(init.body));
}

const REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  200: 'OK', 202: 'Accepted', 300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily',
  305: 'Use Proxy', 380: 'Alternative Service', 400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Timeout', 410: 'Gone', 413: 'Request Entity Too Large',
  414: 'Request-URI Too Long', 415: 'Unsupported Media Type', 416: 'Unsupported URI Scheme',
  417: 'Unknown Resource-Priority', 420: 'Bad Extension', 421: 'Extension Required', 423: 'Interval Too Brief',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected',
  483: 'Too Many Hops', 484: 'Address Incomplete', 485: 'Ambiguous', 486: 'Busy Here', 487: 'Request Terminated',
  488: 'Not Acceptable Here', 491: 'Request Pending', 493: 'Undecipherable', 500: 'Server Internal Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Server Time-out',
  505: 'Version Not Supported', 513: 'Message Too Large', 580: 'Precondition Failure', 600: 'Busy Everywhere',
  603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status < 200 ? 'Provisional' : status < 300 ? 'OK' : 'Error');
}

/**
 * RFC 3261 §8.2.6.2: the response copies From, Call-ID, CSeq and the Via values in order, and To
 * (adding a tag unless one is present or this is a 100); a 100 Trying also copies Timestamp (§8.2.6.1).
 */
export function createResponse(
  request: SipRequest,
  status: number,
  reason?: string,
  opts: { toTag?: string; headers?: HeaderList; body?: Buffer | string } = {},
): SipResponse {
  const out: HeaderField[] = [];
  let toValue: string | undefined;
  for (const h of request.headers) {
    switch (h.key) {
      case 'via':
      case 'from':
      case 'call-id':
      case 'cseq':
        out.push({ ...h });
        break;
      case 'to':
        toValue = h.value;
        out.push({ ...h });
        break;
      case 'timestamp':
        if (status === 100) out.push({ ...h });
        break;
    }
  }
  if (opts.toTag !== undefined && status !== 100 && toValue !== undefined && request.to.tag === undefined) {
    const idx = out.findIndex((h) => h.key === 'to');
    out[idx] = { ...out[idx], value: `${toValue};tag=${opts.toTag}` };
  }
  for (const f of fields(opts.headers ?? [])) out.push(f);
  return new SipResponse(status, reason ?? reasonPhrase(status), out, toBody(opts.body));
}
