// Target sets (RFC 3261 §16.5) as plans: groups tried one after the other, the branches of a group
// forked in parallel (§16.6: "the proxy [...] MAY process the targets [...] sequentially, with the
// higher q-values first, [...] in parallel for equal q-values").
import { isIP } from 'node:net';
import { parseUri, type Uri } from '../sip/message/index.js';
import type { Endpoint, TransportProtocol } from '../sip/transport/types.js';
import type { BranchSpec } from './forwarding.js';
import { defaultSipPort, normalizeHost } from './identity.js';
import type { RegisteredContact, RouteTarget } from './ports.js';

/** Groups in order; the branches of one group go out together. */
export type Plan = BranchSpec[][];

const PROTOCOLS: ReadonlySet<string> = new Set(['udp', 'tcp', 'tls', 'ws', 'wss']);

/**
 * The next hop for a registered contact. With a Path the route set leads the way (RFC 3327). A contact
 * that registered over a connection, or whose Contact address is not where the REGISTER came from (a
 * client behind NAT), is reached at the REGISTER's source: over the same connection for streams (the
 * transport reuses the open connection to that remote address), to the public address:port for UDP.
 */
export function contactHop(contact: RegisteredContact, uri: Uri): Endpoint | undefined {
  if (contact.path.length > 0 || contact.source === undefined) return undefined;
  const source = contact.source;
  if (contact.connectionId !== undefined || source.protocol !== 'udp') return source;
  const transport = uri.param('transport');
  const port = uri.port ?? defaultSipPort(typeof transport === 'string' ? transport : undefined, uri.scheme === 'sips');
  return normalizeHost(uri.host) !== normalizeHost(source.address) || port !== source.port ? source : undefined;
}

/** Registered contacts → groups by q, highest first (equal q in parallel, registration order kept). */
export function planFromContacts(contacts: readonly RegisteredContact[], trace: string[]): Plan {
  const byQ = new Map<number, BranchSpec[]>();
  for (const c of contacts) {
    const uri = parseUri(c.uri);
    if (uri === undefined) {
      trace.push(`contact ${c.uri}: unparsable, skipped`);
      continue;
    }
    const spec: BranchSpec = { uri, label: `contact ${c.uri}` };
    if (c.path.length > 0) spec.routes = c.path;
    const hop = contactHop(c, uri);
    if (hop !== undefined) spec.nextHop = hop;
    let group = byQ.get(c.q);
    if (group === undefined) byQ.set(c.q, (group = []));
    group.push(spec);
  }
  return [...byQ.entries()].sort((a, b) => b[0] - a[0]).map(([, group]) => group);
}

/** A route target's next hop: a literal address directly, a host name as a URI for the resolver. */
export function targetHop(destination: RouteTarget['destination']): Endpoint | Uri | undefined {
  const host = normalizeHost(destination.host);
  const t = destination.transport?.toLowerCase();
  if (isIP(host) !== 0) {
    const protocol = (t !== undefined && PROTOCOLS.has(t) ? t : 'udp') as TransportProtocol;
    return { protocol, address: host, port: destination.port ?? defaultSipPort(protocol) };
  }
  const port = destination.port !== undefined ? `:${destination.port}` : '';
  return parseUri(`sip:${destination.host}${port}${t !== undefined ? `;transport=${t}` : ''}`);
}

/** Router targets → one group per target (serial failover). */
export function planFromRoute(targets: readonly RouteTarget[], trace: string[]): Plan {
  const plan: Plan = [];
  for (const t of targets) {
    const uri = parseUri(t.uri);
    const hop = targetHop(t.destination);
    if (uri === undefined || hop === undefined) {
      trace.push(`${t.trunk}: unusable target ${t.uri}, skipped`);
      continue;
    }
    plan.push([{ uri, nextHop: hop, trunk: t.trunk, timeoutMs: t.timeoutMs, failoverOn: t.failoverOn, label: `${t.trunk} ${t.uri}` }]);
  }
  return plan;
}

/** Redirect mode (RFC 3261 §8.3.1 / §21.3.3): one Contact per target, q decreasing by group. */
export function redirectContacts(plan: Plan): string[] {
  const out: string[] = [];
  const n = plan.length;
  plan.forEach((group, g) => {
    const q = Math.max(0.001, Math.round(((n - g) / n) * 1000) / 1000);
    for (const spec of group) {
      if (spec.uri === undefined) continue;
      out.push(`<${spec.uri.toString()}>;q=${q === 1 ? '1.0' : String(q)}`);
    }
  });
  return out;
}
