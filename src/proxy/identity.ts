// Who "this proxy" is: the addresses of its listeners, its aliases and the domains it serves. Used by
// Route processing (RFC 3261 §16.4), loop detection (§16.3 step 4, our Via sent-by), OPTIONS to the
// switch itself, and to build the Record-Route URI of each listener (§16.6 step 4).
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Uri, Via } from '../sip/message/index.js';
import type { Endpoint, TransportProtocol } from '../sip/transport/types.js';

export interface IdentityOptions {
  /** Bound listeners (read on every use: they are known only once the stack has started). */
  endpoints: () => readonly Endpoint[];
  /** Domains this switch is responsible for (lower-cased on use). */
  domains: readonly string[];
  /** Further local domains (the registrar's). */
  isLocalDomain?: (host: string) => boolean;
  /** Other names of this switch: `host` (any port) or `host:port` (advertised addresses, DNS names). */
  aliases?: readonly string[];
  /** Host to put in Record-Route instead of the listener address (NAT, wildcard binds). */
  recordRouteHost?: string;
}

/** Lower-case, brackets removed, IPv4-mapped IPv6 reduced to IPv4. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.startsWith('::ffff:') && isIP(h.slice(7)) === 4) h = h.slice(7);
  return h;
}

function isUnspecified(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '0:0:0:0:0:0:0:0';
}

function familyOf(host: string): 4 | 6 {
  return isIP(host) === 6 ? 6 : 4;
}

function interfaceAddresses(family: 4 | 6): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) if ((ni.family === 'IPv4' ? 4 : 6) === family) out.push(normalizeHost(ni.address));
  }
  return out;
}

/** Default port of a URI or Via (RFC 3261 §19.1.2, §18.2.2): 5061 for TLS/sips, else 5060. */
export function defaultSipPort(transport: string | undefined, secure = false): number {
  const t = transport?.toLowerCase();
  if (t === 'ws') return 80;
  if (t === 'wss') return 443;
  return secure || t === 'tls' ? 5061 : 5060;
}

/** RFC 3261 Via / URI transport token for a listener protocol. */
export function transportToken(protocol: TransportProtocol): string {
  return protocol.toUpperCase();
}

export class LocalIdentity {
  readonly #endpoints: () => readonly Endpoint[];
  readonly #domains: ReadonlySet<string>;
  readonly #isLocalDomain: ((host: string) => boolean) | undefined;
  readonly #aliases: Array<{ host: string; port: number | undefined }>;
  readonly #rrHost: string | undefined;
  #interfaces: Map<4 | 6, string[]> | undefined;

  constructor(options: IdentityOptions) {
    this.#endpoints = options.endpoints;
    this.#domains = new Set(options.domains.map((d) => normalizeHost(d)));
    this.#isLocalDomain = options.isLocalDomain;
    this.#aliases = (options.aliases ?? []).map((a) => {
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(a.trim());
      return { host: normalizeHost(m?.[1] ?? a), port: m?.[2] !== undefined ? Number(m[2]) : undefined };
    });
    this.#rrHost = options.recordRouteHost;
  }

  get endpoints(): readonly Endpoint[] {
    return this.#endpoints();
  }

  /** A domain this switch serves (its own list or the registrar's). */
  isLocalDomain(host: string): boolean {
    const h = normalizeHost(host);
    return this.#domains.has(h) || (this.#isLocalDomain?.(h) ?? false);
  }

  /** host:port names one of our listeners (a wildcard listener answers on every local address) or an alias. */
  isOwnAddress(host: string, port: number): boolean {
    const h = normalizeHost(host);
    for (const a of this.#aliases) if (a.host === h && (a.port === undefined || a.port === port)) return true;
    if (this.#rrHost !== undefined && normalizeHost(this.#rrHost) === h && this.#endpoints().some((e) => e.port === port)) return true;
    for (const e of this.#endpoints()) {
      if (e.port !== port) continue;
      const addr = normalizeHost(e.address);
      if (addr === h) return true;
      if (isUnspecified(addr) && this.#localAddresses(familyOf(addr)).includes(h)) return true;
    }
    return false;
  }

  /** The URI names this proxy: one of its addresses, or (for SIP URIs) a domain it serves. */
  isUs(uri: Uri): boolean {
    if (!uri.isSip) return false;
    const transport = uri.param('transport');
    const port = uri.port ?? defaultSipPort(typeof transport === 'string' ? transport : undefined, uri.scheme === 'sips');
    if (this.isOwnAddress(uri.host, port)) return true;
    // A served domain names us only without an explicit port, or with one we listen on: a Contact
    // such as sip:10.0.0.5:5080 inside a domain that is itself an address is a UA, not this switch
    // (Kamailio's `myself` checks host and port the same way).
    return this.isLocalDomain(uri.host) && (uri.port === undefined || this.#endpoints().some((e) => e.port === uri.port));
  }

  /** A Via this proxy put there: its sent-by is one of our addresses (§16.3 step 4). */
  isOwnVia(via: Via): boolean {
    return this.isOwnAddress(via.host, via.port ?? defaultSipPort(via.transport));
  }

  /** The listener the transport will send from towards `destination` (same choice as TransportLayer). */
  listenerFor(destination: Endpoint): Endpoint | undefined {
    const family = familyOf(normalizeHost(destination.address));
    return this.#endpoints().find((e) => e.protocol === destination.protocol && familyOf(normalizeHost(e.address)) === family);
  }

  /** Host other elements reach this listener at (its address; an interface address for a wildcard bind). */
  hostOf(listener: Endpoint): string {
    if (this.#rrHost !== undefined) return this.#rrHost;
    const addr = normalizeHost(listener.address);
    const host = isUnspecified(addr) ? (this.#localAddresses(familyOf(addr)).find((a) => !a.startsWith('127.') && a !== '::1' && !a.startsWith('fe80')) ?? (familyOf(addr) === 6 ? '::1' : '127.0.0.1')) : addr;
    return isIP(host) === 6 ? `[${host}]` : host;
  }

  /** RFC 3261 §16.6 step 4: `<sip:host:port;transport=x;lr>` for a listener. */
  recordRouteUri(listener: Endpoint): string {
    const scheme = listener.protocol === 'tls' || listener.protocol === 'wss' ? 'sips' : 'sip';
    return `<${scheme}:${this.hostOf(listener)}:${listener.port};transport=${listener.protocol};lr>`;
  }

  /** Via value (without branch) for a listener; the transport rewrites sent-by to its own anyway. */
  viaFor(listener: Endpoint | undefined): string {
    if (listener === undefined) return 'SIP/2.0/UDP 0.0.0.0';
    return `SIP/2.0/${transportToken(listener.protocol)} ${this.hostOf(listener)}:${listener.port}`;
  }

  #localAddresses(family: 4 | 6): string[] {
    this.#interfaces ??= new Map();
    let list = this.#interfaces.get(family);
    if (list === undefined) {
      list = interfaceAddresses(family);
      this.#interfaces.set(family, list);
    }
    return list;
  }
}
