// Branch parameters with an embedded loop hash (RFC 3261 §16.6 step 8) and loop detection (§16.3 step 4).
//
// Our branch is `z9hG4bK` + 11-character hash + `.` + random. The hash covers the fields §16.6 step 8
// names, taken as the request arrived: To tag, From tag, Call-ID, Request-URI, the top Via (sent-by,
// transport and branch: not received/rport, which the next hop may add), CSeq number, Proxy-Require and
// Proxy-Authorization. A request that comes back carrying a Via of ours is checked by recomputing the
// hash with the Via just below ours as "the top Via when we saw it": equal means a loop (482), different
// means a spiral (e.g. the Request-URI was translated), which passes.
import { createHash, randomBytes } from 'node:crypto';
import { MAGIC_COOKIE, type SipRequest, type Via } from '../sip/message/index.js';

const HASH_LEN = 11;

function viaKey(via: Via | undefined): string {
  if (via === undefined) return '';
  return `${via.transport} ${via.host.toLowerCase()}:${via.port ?? ''};${via.branch ?? ''}`;
}

/** §16.6 step 8 hash of `request` as if `topVia` were its top Via. */
export function loopHash(request: SipRequest, topVia: Via | undefined): string {
  const h = createHash('sha1');
  h.update(request.to.tag ?? '');
  h.update('\n');
  h.update(request.from.tag ?? '');
  h.update('\n');
  h.update(request.callId);
  h.update('\n');
  h.update(request.uriText);
  h.update('\n');
  h.update(viaKey(topVia));
  h.update('\n');
  h.update(String(request.cseq.seq));
  h.update('\n');
  h.update(request.headerValues('Proxy-Require').join(','));
  h.update('\n');
  h.update(request.headerValues('Proxy-Authorization').join(','));
  return h.digest('base64url').slice(0, HASH_LEN);
}

/** A fresh branch for a forwarded request whose loop hash is `hash`. */
export function branchWithHash(hash: string): string {
  return `${MAGIC_COOKIE}${hash}.${randomBytes(6).toString('base64url')}`;
}

/** A deterministic branch (stateless forwarding of ACK for 2xx: retransmissions get the same branch). */
export function statelessBranch(request: SipRequest): string {
  const h = createHash('sha1');
  h.update(request.topVia.branch ?? '');
  h.update(request.callId);
  h.update(String(request.cseq.seq));
  h.update(request.uriText);
  return `${MAGIC_COOKIE}${h.digest('base64url').slice(0, 16)}`;
}

/** The hash part of one of our branches, or undefined if the branch is not in our format. */
export function hashOfBranch(branch: string | undefined): string | undefined {
  if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) return undefined;
  const dot = branch.indexOf('.', MAGIC_COOKIE.length);
  if (dot !== MAGIC_COOKIE.length + HASH_LEN) return undefined;
  return branch.slice(MAGIC_COOKIE.length, dot);
}

/**
 * https://www.rfc-editor.org/rfc/rfc3261#section-16.3 (step 4)
 * "If the request contains a Via header field with a sent-by value that equals a value placed into
 * previous requests by the proxy, the request has been forwarded by this element before. The request
 * has either looped or is legitimately spiraling through the element. To determine if the request has
 * looped, the element MAY perform the branch parameter calculation described in Section 16.6 on this
 * message and compare it to the parameter received in that Via header field. If the parameters match,
 * the request has looped. If they differ, the request is spiraling".
 */
export function isLoop(request: SipRequest, isOwnVia: (via: Via) => boolean): boolean {
  const vias = request.vias;
  for (let i = 0; i < vias.length; i++) {
    if (!isOwnVia(vias[i])) continue;
    const hash = hashOfBranch(vias[i].branch);
    if (hash !== undefined && hash === loopHash(request, vias[i + 1])) return true;
  }
  return false;
}
