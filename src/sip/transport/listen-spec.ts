// Listen specifications: `udp://127.0.0.1:5060`, `tcp://[::1]:5060`,
// `tls://0.0.0.0:5061?key=/etc/precedence/key.pem&cert=/etc/precedence/cert.pem`,
// `ws://127.0.0.1:8088/sip`, `wss://[::]:8443?key=...&cert=...`.
// Optional `advertise=host[:port]` sets the Via sent-by used for this listener (NAT, wildcard binds).
import { isIP } from 'node:net';
import type { TransportProtocol } from './types.js';

export interface ListenSpec {
  protocol: TransportProtocol;
  /** Literal IPv4 or IPv6 address (no brackets); `0.0.0.0` / `::` bind every interface of the family. */
  address: string;
  /** 0 asks the OS for an ephemeral port. */
  port: number;
  family: 4 | 6;
  /** Sent-by for Via when it must differ from the bound address. */
  advertise?: { host: string; port?: number };
  /** Server credentials, tls and wss only (PEM file paths). */
  tls?: { keyPath: string; certPath: string };
  /** HTTP path accepted for the WebSocket upgrade (ws and wss only); undefined accepts any. */
  path?: string;
}

export class ListenSpecError extends Error {
  readonly code = 'SSW_TRANSPORT_BAD_LISTEN_SPEC';
  readonly spec: string;
  constructor(spec: string, problem: string) {
    super(`invalid listen spec "${spec}": ${problem}`);
    this.name = 'ListenSpecError';
    this.spec = spec;
  }
}

const DEFAULT_PORT: Record<TransportProtocol, number> = { udp: 5060, tcp: 5060, tls: 5061, ws: 80, wss: 443 };
const PROTOCOLS = new Set<string>(['udp', 'tcp', 'tls', 'ws', 'wss']);

export function defaultPort(protocol: TransportProtocol): number {
  return DEFAULT_PORT[protocol];
}

export function parseListenSpec(spec: string): ListenSpec {
  const fail = (problem: string): never => {
    throw new ListenSpecError(spec, problem);
  };
  const sep = spec.indexOf('://');
  if (sep < 0) fail('expected <protocol>://<address>[:<port>]');
  const scheme = spec.slice(0, sep).toLowerCase();
  if (!PROTOCOLS.has(scheme)) fail(`unknown protocol "${scheme}" (use udp, tcp, tls, ws or wss)`);
  const protocol = scheme as TransportProtocol;
  let rest = spec.slice(sep + 3);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let path: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    path = rest.slice(slash);
    rest = rest.slice(0, slash);
    if (protocol !== 'ws' && protocol !== 'wss') fail('a path is only meaningful for ws and wss');
  }
  const hp = splitHostPort(rest);
  if (!hp) return fail(`cannot read address and port from "${rest}"`);
  const family = isIP(hp.host);
  if (family !== 4 && family !== 6) fail(`"${hp.host}" is not a literal IPv4 or IPv6 address`);
  const result: ListenSpec = { protocol, address: hp.host, port: hp.port ?? DEFAULT_PORT[protocol], family: family as 4 | 6 };
  if (path !== undefined && path !== '/') result.path = path;

  let keyPath: string | undefined;
  let certPath: string | undefined;
  for (const [name, value] of new URLSearchParams(query)) {
    if (name === 'key') keyPath = value;
    else if (name === 'cert') certPath = value;
    else if (name === 'advertise') {
      const adv = splitHostPort(value);
      if (!adv || adv.host === '') fail(`bad advertise value "${value}"`);
      else result.advertise = adv.port === undefined ? { host: adv.host } : { host: adv.host, port: adv.port };
    } else fail(`unknown option "${name}"`);
  }
  const secure = protocol === 'tls' || protocol === 'wss';
  if (secure) {
    if (!keyPath || !certPath) fail(`${protocol} needs key=<path> and cert=<path>`);
    result.tls = { keyPath: keyPath as string, certPath: certPath as string };
  } else if (keyPath !== undefined || certPath !== undefined) {
    fail(`key and cert are only meaningful for tls and wss`);
  }
  return result;
}

/** "1.2.3.4:5060", "[::1]:5060", "[::1]", "host" → parts; undefined when malformed. */
function splitHostPort(text: string): { host: string; port: number | undefined } | undefined {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    host = text.slice(1, close);
    const after = text.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return undefined;
      portText = after.slice(1);
    }
  } else {
    const colon = text.indexOf(':');
    if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) return undefined; // bare IPv6 needs brackets
    host = colon >= 0 ? text.slice(0, colon) : text;
    if (colon >= 0) portText = text.slice(colon + 1);
  }
  if (host === '') return undefined;
  if (portText === undefined) return { host, port: undefined };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  return port <= 65535 ? { host, port } : undefined;
}
