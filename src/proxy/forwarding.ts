// Building one forwarded copy of a request (RFC 3261 §16.6) and finding where it goes.
import { isIP } from 'node:net';
import { SipRequest, type Uri } from '../sip/message/index.js';
import type { Endpoint, InboundInfo, TransportProtocol } from '../sip/transport/types.js';
import { defaultSipPort, type LocalIdentity, normalizeHost } from './identity.js';
import { branchWithHash } from './loop-detection.js';
import { setRoutes } from './request-checks.js';

/** What one branch sends: built by target-plan.ts from a binding or a route target. */
export interface BranchSpec {
  /** Request-URI for this branch; the request's own when absent. */
  uri?: Uri;
  /** Pre-loaded Route set (RFC 3327 Path) placed before the request's own Route values. */
  routes?: readonly string[];
  /** The next hop: an endpoint (a NAT'd contact's source), or a URI to resolve (a trunk host); else Route / R-URI. */
  nextHop?: Endpoint | Uri;
  /** Trunk this branch uses (capacity, CDR). */
  trunk?: string;
  /** No response within this → cancel, treat as 408. */
  timeoutMs?: number;
  /** Router targets: final statuses that allow the next target. Absent: RFC 3261 serial forking (any non-2xx/6xx). */
  failoverOn?: readonly number[];
  /** Short text for logs and the decision trace. */
  label: string;
}

export type Prepared = { ok: true; request: SipRequest; destination: Endpoint } | { ok: false; status: number; reason: string };

export interface SipResolverPort {
  resolve(uri: Uri): Promise<Endpoint[]>;
}

export interface ForwardContext {
  /** How the request reached us (the inbound listener goes into Record-Route). */
  inbound: InboundInfo;
  /** §16.6 step 8 hash of the request as received. */
  loopHash: string;
  recordRoute: boolean;
  /** Use this branch instead of a fresh one (stateless forwarding: the same for retransmissions). */
  branch?: string;
}

const PROTOCOLS: ReadonlySet<string> = new Set(['udp', 'tcp', 'tls', 'ws', 'wss']);

/** A copy that shares nothing mutable with `request` (the body Buffer is never written to). */
export function copyRequest(request: SipRequest): SipRequest {
  return new SipRequest(request.method, request.uri.clone(), request.uriText, request.headers.map((h) => ({ ...h })), request.body, request.version);
}

/** Endpoint for a URI with a literal host (RFC 3263 §4 needs no DNS then); undefined for host names. */
export function numericTarget(uri: Uri): Endpoint | undefined {
  const maddr = uri.isSip ? uri.param('maddr') : undefined;
  const host = normalizeHost(typeof maddr === 'string' ? maddr : uri.host);
  if (isIP(host) === 0) return undefined;
  const t = uri.param('transport');
  let protocol: TransportProtocol = uri.scheme === 'sips' ? 'tls' : 'udp';
  if (typeof t === 'string' && PROTOCOLS.has(t.toLowerCase())) protocol = t.toLowerCase() as TransportProtocol;
  if (uri.scheme === 'sips' && protocol === 'tcp') protocol = 'tls';
  return { protocol, address: host, port: uri.port ?? defaultSipPort(protocol, uri.scheme === 'sips') };
}

export class Forwarder {
  readonly #identity: LocalIdentity;
  readonly #resolver: SipResolverPort | undefined;

  constructor(identity: LocalIdentity, resolver: SipResolverPort | undefined) {
    this.#identity = identity;
    this.#resolver = resolver;
  }

  /** The endpoint for `uri`: literal hosts directly, names through the RFC 3263 resolver. */
  async locate(uri: Uri): Promise<Endpoint | { status: number; reason: string }> {
    const direct = numericTarget(uri);
    if (direct !== undefined) return direct;
    if (!uri.isSip) return { status: 416, reason: 'Unsupported URI Scheme' };
    if (this.#resolver === undefined) return { status: 503, reason: 'No DNS Resolver' };
    try {
      const found = await this.#resolver.resolve(uri);
      if (found.length === 0) return { status: 404, reason: 'Not Found' };
      return found[0];
    } catch (e) {
      const status = typeof (e as { status?: unknown }).status === 'number' ? (e as { status: number }).status : 503;
      return { status, reason: status === 404 ? 'Not Found' : 'Destination Unreachable' };
    }
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-16.6
   * "1. Make a copy of the received request 2. Update the Request-URI 3. Update the Max-Forwards header
   * field 4. Optionally add a Record-route header field value 5. Optionally add additional header fields
   * 6. Postprocess routing information 7. Determine the next-hop address, port, and transport 8. Add a
   * Via header field value 9. Add a Content-Length header field if necessary 10. Forward the new request
   * 11. Set timer C"
   * Steps 1-8 are here (9 is the serializer's, 10 and 11 the response context's).
   */
  async prepare(original: SipRequest, spec: BranchSpec, ctx: ForwardContext): Promise<Prepared> {
    const request = copyRequest(original);
    if (spec.uri !== undefined) request.uri = spec.uri.clone();
    // step 3: "If the copy contains a Max-Forwards header field, the proxy MUST decrement its value by
    // one (1). If the copy does not contain a Max-Forwards header field, the proxy MUST add one with a
    // field value, which SHOULD be 70."
    const mf = original.maxForwards;
    request.setHeader('Max-Forwards', String(mf === undefined ? 70 : mf - 1));
    // step 2 (a pre-loaded route set from Path, RFC 3327 §5.3) before step 6
    if (spec.routes !== undefined && spec.routes.length > 0) setRoutes(request, [...spec.routes, ...request.list('Route')]);
    // step 6: "If the copy contains a Route header field, the proxy MUST inspect the URI in its first
    // value. If that URI does not contain an lr parameter, the proxy MUST modify the copy as follows:
    // - The proxy MUST place the Request-URI into the Route header field as the last value.
    // - The proxy MUST then place the first Route header field value into the Request-URI and remove that
    //   value from the Route header field." (the next hop is a strict router, RFC 2543)
    const routes = request.routes;
    if (routes.length > 0 && !routes[0].uri.params.has('lr')) {
      const values = request.list('Route');
      values.push(`<${request.uri.toString()}>`);
      request.uri = routes[0].uri.clone();
      setRoutes(request, values.slice(1));
    }
    // step 7: the explicit hop, else the first Route, else the Request-URI (RFC 3263)
    let destination: Endpoint;
    const hop = spec.nextHop;
    if (hop !== undefined && 'protocol' in hop) destination = hop;
    else {
      const target = hop ?? request.routes[0]?.uri ?? request.uri;
      const found = await this.locate(target);
      if ('status' in found) return { ok: false, status: found.status, reason: found.reason };
      destination = found;
    }
    const out = this.#identity.listenerFor(destination);
    // step 4 (RFC 5658 double Record-Route when the request leaves on another listener than it came in on)
    if (ctx.recordRoute) {
      const inbound = ctx.inbound.local;
      request.prependHeader('Record-Route', this.#identity.recordRouteUri(inbound));
      if (out !== undefined && (out.protocol !== inbound.protocol || normalizeHost(out.address) !== normalizeHost(inbound.address) || out.port !== inbound.port)) {
        request.prependHeader('Record-Route', this.#identity.recordRouteUri(out));
      }
    }
    // step 8: "The proxy MUST insert a Via header field value into the copy before the existing Via
    // header field values." (the transport rewrites transport and sent-by for the listener it uses)
    request.prependHeader('Via', `${this.#identity.viaFor(out)};branch=${ctx.branch ?? branchWithHash(ctx.loopHash)}`);
    return { ok: true, request, destination };
  }
}
