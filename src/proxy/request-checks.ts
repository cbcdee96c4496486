// Request validation (RFC 3261 §16.3) and Route processing (§16.4) of the proxy core.
import type { SipRequest, Uri } from '../sip/message/index.js';
import type { LocalIdentity } from './identity.js';
import { isLoop } from './loop-detection.js';

/** A response the proxy answers with instead of forwarding. */
export interface Rejection {
  status: number;
  reason?: string;
  headers?: Array<[string, string]>;
}

export type Validation = { kind: 'ok' } | { kind: 'reject'; rejection: Rejection } | { kind: 'options-to-us' };

/** URI schemes the proxy can route (§16.3 step 2). */
const SCHEMES: ReadonlySet<string> = new Set(['sip', 'sips', 'tel']);

/**
 * §16.3 steps 2-5 (step 1, syntax, is the parser's; step 6, Proxy-Authorization, is not done here):
 * URI scheme, Max-Forwards, loop detection, Proxy-Require. May throw ParseError for a malformed header,
 * which the caller answers with 400.
 */
export function validateRequest(request: SipRequest, identity: LocalIdentity, proxyRequireSupported: ReadonlySet<string>): Validation {
  // https://www.rfc-editor.org/rfc/rfc3261#section-16.3 (step 2)
  // "If the Request-URI has a URI whose scheme is not understood by the proxy, the proxy SHOULD reject
  // the request with a 416 (Unsupported URI Scheme) response."
  if (!SCHEMES.has(request.uri.scheme)) return reject(416);
  // https://www.rfc-editor.org/rfc/rfc3261#section-16.3 (step 3)
  // "If the Max-Forwards value is zero, the element MUST NOT forward the request. If the request was for
  // OPTIONS, the element MAY act as the final recipient and respond per Section 11. Otherwise, the
  // element MUST return a 483 (Too many hops) response."
  if (request.maxForwards === 0) {
    if (request.method === 'OPTIONS' && isAddressedToUs(request.uri, identity)) return { kind: 'options-to-us' };
    return reject(483);
  }
  // step 4, see loop-detection.ts ("[...] If the request has looped, the element MUST return a 482").
  if (request.method !== 'CANCEL' && isLoop(request, (v) => identity.isOwnVia(v))) return reject(482);
  // https://www.rfc-editor.org/rfc/rfc3261#section-16.3 (step 5)
  // "If the request contains a Proxy-Require header field with one or more option-tags this element
  // does not understand, the element MUST return a 420 (Bad Extension) response. The response MUST
  // include an Unsupported header field listing those option-tags the element did not understand."
  const unknown = request.proxyRequire.filter((t) => !proxyRequireSupported.has(t));
  if (unknown.length > 0) return { kind: 'reject', rejection: { status: 420, headers: [['Unsupported', unknown.join(', ')]] } };
  return { kind: 'ok' };
}

function reject(status: number, reason?: string): Validation {
  return { kind: 'reject', rejection: reason === undefined ? { status } : { status, reason } };
}

/** The Request-URI names the switch itself: one of its addresses or domains, without a user part. */
export function isAddressedToUs(uri: Uri, identity: LocalIdentity): boolean {
  return uri.isSip && (uri.user === undefined || uri.user === '') && identity.isUs(uri);
}

/** Replaces every Route field by one field with `values` (or removes Route when empty). */
export function setRoutes(request: SipRequest, values: readonly string[]): void {
  if (values.length === 0) request.removeHeader('Route');
  else request.setHeader('Route', values.join(', '));
}

export interface RouteProcessing {
  /** The Request-URI was our Record-Route URI (a strict router upstream) and was restored from Route. */
  strictRouted: boolean;
  /** How many top Route values naming us were removed. */
  removed: number;
}

/** Mutates `request` (a working copy) per §16.4. */
export function processRoutes(request: SipRequest, identity: LocalIdentity): RouteProcessing {
  let strictRouted = false;
  let routes = request.list('Route');
  // https://www.rfc-editor.org/rfc/rfc3261#section-16.4
  // "If the Request-URI contains a value this proxy previously placed into a Record-Route header field
  // (see Section 16.6 item 4), the proxy MUST replace the Request-URI in the request with the last value
  // from the Route header field, and remove that value from the Route header field. The proxy MUST then
  // proceed as if it received this modified request."
  if (routes.length > 0 && isOurRecordRoute(request.uri, identity)) {
    const last = request.routes[request.routes.length - 1];
    request.uri = last.uri.clone();
    routes = routes.slice(0, -1);
    setRoutes(request, routes);
    strictRouted = true;
  }
  // "If the first value in the Route header field indicates this proxy, the proxy MUST remove that value
  // from the request." (Repeated: with double Record-Route, RFC 5658, two of the values are ours.)
  let removed = 0;
  while (request.routes.length > 0 && identity.isUs(request.routes[0].uri)) {
    request.removeFirstValue('Route');
    removed++;
  }
  return { strictRouted, removed };
}

/** Our Record-Route URIs carry `lr` and no user part. */
function isOurRecordRoute(uri: Uri, identity: LocalIdentity): boolean {
  return uri.isSip && uri.user === undefined && uri.params.has('lr') && identity.isUs(uri);
}
