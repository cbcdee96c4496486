// Choosing the response to send upstream (RFC 3261 §16.7 steps 6-7).
import { createResponse, generateTag, SipResponse, type SipRequest } from '../sip/message/index.js';

/** The final outcome of one branch: a received response, or one the proxy stands in for. */
export interface BranchFinal {
  status: number;
  reason: string;
  /** The response received from downstream; undefined when the proxy made the outcome up. */
  response: SipResponse | undefined;
  /** Order of arrival within the response context. */
  order: number;
}

/**
 * "The proxy SHOULD give preference to responses that provide information affecting resubmission of
 * this request, such as 401, 407, 415, 420, and 484 if the 4xx class is chosen."
 */
const RESUBMIT: ReadonlySet<number> = new Set([401, 407, 415, 420, 484]);

function rank(f: BranchFinal): number[] {
  const cls = Math.floor(f.status / 100);
  return [
    // 6xx beats everything else; then the lowest class
    cls === 6 ? 0 : cls,
    // within a class: a real response before one the proxy made up (timeout, transport error)
    f.response === undefined ? 1 : 0,
    // within 4xx: responses that let the caller resubmit (§16.7 step 6)
    RESUBMIT.has(f.status) ? 0 : 1,
    f.order,
  ];
}

/**
 * https://www.rfc-editor.org/rfc/rfc3261#section-16.7 (step 6)
 * "The proxy MUST choose the "best" final response from those received and stored in the response
 * context. [...] If there are any 6xx responses, the proxy SHOULD choose one of them. [...] Otherwise,
 * the proxy SHOULD choose from the lowest response class stored in the response context. The proxy MAY
 * select any response within that chosen class."
 */
export function chooseBest(finals: readonly BranchFinal[]): BranchFinal | undefined {
  let best: BranchFinal | undefined;
  let bestRank: number[] = [];
  for (const f of finals) {
    if (f.status < 300) continue;
    const r = rank(f);
    if (best === undefined || less(r, bestRank)) {
      best = f;
      bestRank = r;
    }
  }
  return best;
}

function less(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** A copy of a downstream response without its top Via (ours): what goes upstream (§16.7 step 3). */
export function upstreamCopy(response: SipResponse): SipResponse {
  const copy = new SipResponse(response.status, response.reason, response.headers.map((h) => ({ ...h })), response.body, response.version);
  copy.removeFirstValue('Via');
  return copy;
}

/**
 * The final response for the caller: the chosen one, aggregated or converted as §16.7 step 6 requires,
 * or a response built here when the outcome was made up (or nothing was received).
 */
export function finalForCaller(best: BranchFinal | undefined, finals: readonly BranchFinal[], request: SipRequest): SipResponse {
  if (best === undefined) return createResponse(request, 408, undefined, { toTag: generateTag() });
  if (best.response === undefined) return createResponse(request, best.status, best.reason, { toTag: generateTag() });
  const out = upstreamCopy(best.response);
  // "A proxy which receives a 503 (Service Unavailable) response SHOULD NOT forward it upstream unless it
  // can determine that any subsequent requests it might proxy will also generate a 503. [...] If the
  // only response that was received is a 503, the proxy SHOULD generate a 500 response and forward that
  // upstream." (A 503 the proxy makes up itself, all trunks down or unreachable, does go upstream.)
  if (out.status === 503) {
    out.status = 500;
    out.reason = 'Server Internal Error';
    out.removeHeader('Retry-After');
  }
  // "If the selected response is a 401 (Unauthorized) or 407 (Proxy Authentication Required), the
  // proxy MUST collect any WWW-Authenticate and Proxy-Authenticate header field values from all other
  // 401 (Unauthorized) and 407 (Proxy Authentication Required) responses received so far in this
  // response context and add them to this response without modification before forwarding."
  if (out.status === 401 || out.status === 407) {
    for (const f of finals) {
      if (f === best || f.response === undefined || (f.status !== 401 && f.status !== 407)) continue;
      for (const v of f.response.headerValues('WWW-Authenticate')) out.appendHeader('WWW-Authenticate', v);
      for (const v of f.response.headerValues('Proxy-Authenticate')) out.appendHeader('Proxy-Authenticate', v);
    }
  }
  return out;
}
