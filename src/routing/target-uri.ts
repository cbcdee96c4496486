// Where a routed call goes: the next hop named by a trunk's `uri` (config) or by an ENUM result.
// Both are parsed with the message layer's URI parser; only the parts routing needs are kept.
import { parseUri, type Uri } from '../sip/message/index.js';

/** The next hop of a target: host without IPv6 brackets, port and transport when the URI names them. */
export interface Destination {
  host: string;
  port?: number;
  transport?: string;
}

/** A trunk URI after validation: what the engine needs to build egress Request-URIs. */
export interface TrunkUri {
  scheme: 'sip' | 'sips';
  /** host[:port] as written (IPv6 references keep their brackets), for the egress Request-URI. */
  hostPort: string;
  destination: Destination;
}

const TRANSPORTS: ReadonlySet<string> = new Set(['udp', 'tcp', 'tls', 'sctp', 'ws', 'wss']);

/** Destination of a parsed sip/sips URI (maddr is not honoured: trunks and ENUM name the hop directly). */
export function uriDestination(uri: Uri): Destination {
  const d: Destination = { host: uri.hostname };
  if (uri.port !== undefined) d.port = uri.port;
  const t = uri.param('transport');
  if (typeof t === 'string') d.transport = t.toLowerCase();
  return d;
}

/**
 * Parses and checks a trunk's next-hop URI: `sip:` or `sips:`, a host, an optional port and an
 * optional `transport` parameter; nothing else (the dialled number becomes the user part on egress).
 * Returns the reason as a string when the URI is not acceptable.
 */
export function parseTrunkUri(text: string): TrunkUri | string {
  const uri = parseUri(text);
  if (uri === undefined) return 'not a valid SIP URI (expected e.g. "sip:192.0.2.10:5060;transport=tcp")';
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return `must be a sip: or sips: URI, not ${uri.scheme}:`;
  if (uri.user !== undefined) return 'must not have a user part (the called number is put there on egress)';
  if (uri.headers.size > 0) return 'must not have URI headers';
  for (const [name, value] of uri.params) {
    if (name !== 'transport') return `only the transport parameter is allowed, not "${name}"`;
    const t = (value ?? '').toLowerCase();
    if (!TRANSPORTS.has(t)) return `unknown transport "${value ?? ''}" (udp, tcp, tls, sctp, ws or wss)`;
    if (uri.scheme === 'sips' && (t === 'udp' || t === 'ws')) return `a sips: URI cannot use transport=${t}`;
  }
  const hostPort = uri.port === undefined ? uri.host : `${uri.host}:${uri.port}`;
  return { scheme: uri.scheme, hostPort, destination: uriDestination(uri) };
}
