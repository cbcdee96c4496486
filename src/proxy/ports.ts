// The ports the proxy core consumes (style §2.2: the consumer declares them). The routing engine, the
// registrar and the trunk configuration implement or supply them; only main.ts wires the real ones.
import type { SipRequest, Uri } from '../sip/message/index.js';
import type { ServerTransaction } from '../sip/transaction/index.js';
import type { Endpoint, InboundInfo } from '../sip/transport/types.js';

// ---- routing (src/routing implements RouterPort) ------------------------------------------

export interface RouteInput {
  /** User part of the Request-URI, or the tel number, as dialled. */
  called: string;
  caller?: string;
  /** The trunk the request came in on (TrunkManager.identify). */
  sourceTrunk?: string;
  at: Date;
}

export interface RouteTarget {
  trunk: string;
  /** Request-URI to use towards this target. */
  uri: string;
  /** The next hop: a literal address or a host name (resolved per RFC 3263). */
  destination: { host: string; port?: number; transport?: string };
  /** Final statuses that move the call on to the next target. */
  failoverOn: number[];
  /** No response (provisional or final) within this → cancel the branch, treat as 408, next target. */
  timeoutMs: number;
}

export type RouteDecision =
  | { kind: 'route'; rule: string; dialled: string; called: string; targets: RouteTarget[]; trace: string[] }
  | { kind: 'no-route'; status: 404 | 484; reason: string; trace: string[] };

export interface RouterPort {
  route(input: RouteInput): Promise<RouteDecision>;
}

// ---- registrar (src/registrar implements RegistrarPort) -----------------------------------

/** One registered contact of an address-of-record, as the proxy forks to it. */
export interface RegisteredContact {
  /** The Contact URI as registered. */
  uri: string;
  /** RFC 3327 Path values, in order: used as a pre-loaded Route set. */
  path: string[];
  /** Where the REGISTER came from (NAT traversal: send here when the Contact is not reachable). */
  source: Endpoint | undefined;
  /** The connection the REGISTER arrived on (stream transports), if known. */
  connectionId: string | undefined;
  /** Contact q-value (RFC 3261 §16.6: higher q first; equal q forked in parallel). */
  q: number;
}

export interface RegistrarPort {
  /** Answers a REGISTER for a local domain (RFC 3261 §10.3) on `tx`. */
  handle(tx: ServerTransaction, request: SipRequest, info: InboundInfo): Promise<void>;
  /**
   * Live contacts of a canonical AOR (`canonicalAor`). `undefined` means the AOR is unknown here (no such
   * subscriber): the proxy then tries the router (a number dialled at a local domain); `[]` means a
   * known user with no registration (480).
   */
  lookup(aor: string): Promise<RegisteredContact[] | undefined>;
  isLocalDomain(host: string): boolean;
}

/**
 * Canonical AOR of a SIP URI (RFC 3261 §10.3 step 5): `sip:user@host`, scheme folded to `sip`, host
 * lower-cased, port, parameters and headers dropped; the user part stays as written (case-sensitive).
 */
export function canonicalAor(uri: Uri): string {
  const host = uri.host.toLowerCase();
  return uri.user === undefined ? `sip:${host}` : `sip:${uri.user}@${host}`;
}

// ---- trunks ---------------------------------------------------------------------------------

export interface TrunkPingConfig {
  /** Time between OPTIONS pings. */
  intervalMs: number;
  /** No final response within this counts as a failure. */
  timeoutMs: number;
  /** Consecutive failures (timeout, 503, transport error) before the trunk is marked down. */
  downAfter: number;
  /** Consecutive successes (any other response) before a down trunk is marked up. */
  upAfter: number;
}

export interface TrunkConfig {
  name: string;
  /** The trunk's SIP URI (pings go here; `identify` matches request sources against its host/port). */
  uri: string;
  /** Concurrent calls; unlimited when absent. */
  maxCalls?: number;
  /** New calls per second (token bucket, burst = cps); unlimited when absent. */
  cps?: number;
  ping?: TrunkPingConfig | false;
  trusted: boolean;
}
