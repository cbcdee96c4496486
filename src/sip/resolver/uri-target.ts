// RFC 3263 §4 inputs taken from the URI: TARGET (maddr or host), port, and the transport rules of
// §4.1 that do not need DNS. Throws ResolveError for URIs that cannot be located at all.
import { isIP } from 'node:net';
import type { Uri } from '../message/index.js';
import type { TransportProtocol } from '../transport/types.js';
import { ResolveError, ResolveErrorCode } from './resolve-error.js';
import { normalizeName } from './cache.js';

/** Default ports: RFC 3261 §19.1.2 (5060/5061); WebSocket ones follow the ws/wss URI defaults (80/443). */
export const DEFAULT_PORTS: Readonly<Record<TransportProtocol, number>> = Object.freeze({
  udp: 5060,
  tcp: 5060,
  tls: 5061,
  ws: 80,
  wss: 443,
});

export function defaultPort(protocol: TransportProtocol): number {
  return DEFAULT_PORTS[protocol];
}

export interface UriTarget {
  /** What to resolve (RFC 3263 §4: maddr if present, else host): lower-case, no brackets or root dot. */
  host: string;
  /** 4 or 6 for an IP literal, 0 for a domain name. */
  family: 0 | 4 | 6;
  /** sips: only TLS-protected transports qualify (RFC 3263 §4.1). */
  secure: boolean;
  port: number | undefined;
  /** Transport fixed by the `transport` URI parameter, if any. */
  transport: TransportProtocol | undefined;
  /** Supported transports usable for this URI, in the caller's preference order. */
  allowed: readonly TransportProtocol[];
  /**
   * Transport when neither the URI nor DNS names one (RFC 3263 §4.1: "UDP for a SIP URI, and TCP for
   * a SIPS URI", i.e. TLS), falling back to TCP, then TLS, when UDP is not supported. Undefined when
   * none of them is allowed.
   */
  fallback: TransportProtocol | undefined;
}

const SECURE: ReadonlySet<TransportProtocol> = new Set<TransportProtocol>(['tls', 'wss']);

/** Reads the resolution inputs from a sip/sips URI, restricted to `supported` transports. */
export function uriTarget(uri: Uri, supported: readonly TransportProtocol[]): UriTarget {
  const text = uri.toString();
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') {
    throw new ResolveError(ResolveErrorCode.UnsupportedScheme, text, `cannot locate a server for a ${uri.scheme}: URI`);
  }
  const secure = uri.scheme === 'sips';
  const host = targetHost(uri);
  if (host === '') throw new ResolveError(ResolveErrorCode.BadTarget, text, `no host in ${text}`);
  const allowed = supported.filter((p, i) => supported.indexOf(p) === i && (!secure || SECURE.has(p)));
  if (allowed.length === 0) {
    throw new ResolveError(ResolveErrorCode.UnsupportedTransport, text, `no supported transport can reach ${text}`);
  }
  const transport = transportParam(uri, secure, text);
  if (transport !== undefined && !allowed.includes(transport)) {
    throw new ResolveError(ResolveErrorCode.UnsupportedTransport, text, `transport ${transport} is not supported (${text})`);
  }
  const candidates: readonly TransportProtocol[] = secure ? ['tls'] : ['udp', 'tcp', 'tls'];
  return {
    host,
    family: isIP(host) as 0 | 4 | 6,
    secure,
    port: uri.port,
    transport,
    allowed,
    fallback: candidates.find((p) => allowed.includes(p)),
  };
}

/** maddr overrides the host (RFC 3263 §4, RFC 3261 §19.1.1); IPv6 brackets are dropped. */
function targetHost(uri: Uri): string {
  const maddr = uri.param('maddr');
  let host = typeof maddr === 'string' && maddr.length > 0 ? maddr : uri.hostname;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return isIP(host) === 0 ? normalizeName(host) : host.toLowerCase();
}

/** The `transport` parameter as a protocol; `sips` turns tcp into TLS and ws into WSS (RFC 7118). */
function transportParam(uri: Uri, secure: boolean, text: string): TransportProtocol | undefined {
  const value = uri.param('transport');
  if (typeof value !== 'string' || value.length === 0) return undefined;
  switch (value.toLowerCase()) {
    case 'udp':
      if (secure) throw new ResolveError(ResolveErrorCode.UnsupportedTransport, text, `sips over UDP is not possible (${text})`);
      return 'udp';
    case 'tcp':
      return secure ? 'tls' : 'tcp';
    case 'tls':
      return 'tls';
    case 'ws':
      return secure ? 'wss' : 'ws';
    case 'wss':
      return 'wss';
    default:
      throw new ResolveError(ResolveErrorCode.UnsupportedTransport, text, `transport ${value} is not supported (${text})`);
  }
}
