// RFC 3263 §4 "Client Usage": turns a SIP/SIPS URI into the ordered list of transport addresses to
// try in turn. https://www.rfc-editor.org/rfc/rfc3263#section-4
//
// Each DNS stage falls through to the next when it yields no target (NAPTR → SRV → A/AAAA); failed
// queries are remembered, and if nothing at all is found the most severe failure is the rejection.
import { isIP } from 'node:net';
import type { Uri } from '../message/index.js';
import type { Endpoint, TransportProtocol } from '../transport/types.js';
import { RealTimerService, type TimerService } from '../../util/timers.js';
import { DnsCache, type DnsCacheOptions } from './cache.js';
import type { AddressRecord, DnsClient, DnsRecordMap, DnsRecordType, NaptrRecord, SrvRecord } from './dns-client.js';
import { NodeDnsClient, type NodeDnsClientOptions } from './node-dns-client.js';
import { ResolveError, ResolveErrorCode, toResolveError, worseError } from './resolve-error.js';
import { orderSrv } from './srv-order.js';
import { defaultPort, uriTarget, type UriTarget } from './uri-target.js';

export interface SipResolverOptions {
  /** DNS port. Default: a NodeDnsClient built from `nodeDns`. */
  dns?: DnsClient;
  /** Servers, per-query timeout and tries of the default NodeDnsClient (ignored when `dns` is given). */
  nodeDns?: NodeDnsClientOptions;
  /** Clock for the overall deadline and cache expiry. Default: RealTimerService. */
  timers?: TimerService;
  /** Deadline for one resolve() in ms (0 disables). Default 5000. */
  timeout?: number;
  /** Answer cache settings, or false for none. Default: a DnsCache with its defaults. */
  cache?: DnsCacheOptions | false;
  /** Transports we can send on, in preference order. Default ['udp', 'tcp', 'tls']. */
  supported?: readonly TransportProtocol[];
  /** Address families to look up for a host name, in preference order. Default [4, 6]. */
  addressFamilies?: readonly (4 | 6)[];
  /** Cap on the returned list. Default 16. */
  maxTargets?: number;
  /** Uniform [0, 1) source for RFC 2782 weighted selection. Default Math.random. */
  random?: () => number;
}

export interface ResolveOptions {
  /** Overrides the resolver's supported transports for this call. */
  supported?: readonly TransportProtocol[];
  /** Overrides the resolver's deadline for this call (ms, 0 disables). */
  timeout?: number;
}

/** NAPTR services for SIP (RFC 3263 §4.1, RFC 7118 for WebSocket); SCTP ones are not supported. */
const NAPTR_SERVICES: Readonly<Record<string, TransportProtocol>> = {
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIPS+D2T': 'tls',
  'SIP+D2W': 'ws',
  'SIPS+D2W': 'wss',
};

/** SRV owner-name prefix per transport (RFC 3263 §4.1); WebSocket has no SRV convention. */
const SRV_PREFIX: Readonly<Partial<Record<TransportProtocol, string>>> = {
  udp: '_sip._udp.',
  tcp: '_sip._tcp.',
  tls: '_sips._tcp.',
};

/** Failures seen during one resolution (lookups that fail are skipped, not fatal). */
interface Attempt {
  error: ResolveError | undefined;
}

export class SipResolver {
  readonly #dns: DnsClient;
  readonly #timers: TimerService;
  readonly #timeout: number;
  readonly #cache: DnsCache | undefined;
  readonly #supported: readonly TransportProtocol[];
  readonly #families: readonly (4 | 6)[];
  readonly #maxTargets: number;
  readonly #random: () => number;

  constructor(options: SipResolverOptions = {}) {
    this.#dns = options.dns ?? new NodeDnsClient(options.nodeDns);
    this.#timers = options.timers ?? new RealTimerService();
    this.#timeout = options.timeout ?? 5000;
    const timers = this.#timers;
    this.#cache = options.cache === false ? undefined : new DnsCache(options.cache ?? {}, () => timers.now());
    this.#supported = Object.freeze([...(options.supported ?? ['udp', 'tcp', 'tls'])]);
    this.#families = Object.freeze([...(options.addressFamilies ?? [4, 6])]);
    this.#maxTargets = Math.max(1, options.maxTargets ?? 16);
    this.#random = options.random ?? Math.random;
  }

  /** The answer cache (stats, clear), if enabled. */
  get cache(): DnsCache | undefined {
    return this.#cache;
  }

  /**
   * The ordered, de-duplicated targets for `uri` (RFC 3263 §4). Rejects with a ResolveError:
   * SSW_RESOLVE_UNSUPPORTED_SCHEME for tel: and other non-SIP URIs, SSW_RESOLVE_NOT_FOUND when DNS
   * has nothing, SSW_RESOLVE_TIMEOUT past the deadline, …
   */
  async resolve(uri: Uri, opts: ResolveOptions = {}): Promise<Endpoint[]> {
    const target = uriTarget(uri, opts.supported ?? this.#supported);
    if (target.family !== 0) return [literalEndpoint(target, uri)];
    return this.#withDeadline(uri.toString(), opts.timeout ?? this.#timeout, () => this.#resolveName(target, uri));
  }

  async #resolveName(t: UriTarget, uri: Uri): Promise<Endpoint[]> {
    const attempt: Attempt = { error: undefined };
    let found: Endpoint[];
    if (t.port !== undefined) {
      // RFC 3263 §4.2: "If the TARGET was not a numeric IP address, but a port is present in the URI,
      // the client performs an A or AAAA record lookup of the domain name."
      found = await this.#addresses(t.host, requireTransport(t, uri), t.port, attempt);
    } else if (t.transport !== undefined) {
      // §4.2: no NAPTR "because a transport was specified explicitly": SRV for that transport only.
      found = await this.#srvFor(t.host, t.transport, attempt);
      if (found.length === 0) found = await this.#addresses(t.host, t.transport, defaultPort(t.transport), attempt);
    } else {
      found = await this.#fromNaptr(t, attempt);
      // §4.1: "If no NAPTR records are found, the client constructs SRV queries for those transport
      // protocols it supports, and does a query for each."
      if (found.length === 0) found = (await Promise.all(t.allowed.map((p) => this.#srvFor(t.host, p, attempt)))).flat();
      // §4.2: "If no SRV records were found, the client performs an A or AAAA record lookup of the
      // domain name", with UDP for sip and TLS for sips (§4.1), at the default port.
      if (found.length === 0 && t.fallback !== undefined) {
        found = await this.#addresses(t.host, t.fallback, defaultPort(t.fallback), attempt);
      }
    }
    const targets = dedupe(found, this.#maxTargets);
    if (targets.length > 0) return targets;
    throw attempt.error ?? new ResolveError(ResolveErrorCode.NotFound, t.host, `no SIP server found for ${uri.toString()}`);
  }

  /** §4.1: usable NAPTR records by order then preference, each followed through its SRV name. */
  async #fromNaptr(t: UriTarget, attempt: Attempt): Promise<Endpoint[]> {
    const records = await this.#lookup('NAPTR', t.host, () => this.#dns.resolveNaptr(t.host), attempt);
    const usable: { record: NaptrRecord; protocol: TransportProtocol }[] = [];
    for (const record of records) {
      const protocol = NAPTR_SERVICES[record.service.toUpperCase()];
      // "s" flag: the replacement is an SRV owner name (RFC 3263 §4.1); sips keeps only SIPS+ services
      // (via `allowed`, which holds only tls/wss for sips).
      if (protocol === undefined || record.flags.toLowerCase() !== 's' || !t.allowed.includes(protocol)) continue;
      if (record.replacement === '' || record.replacement === '.') continue;
      usable.push({ record, protocol });
    }
    usable.sort((a, b) => a.record.order - b.record.order || a.record.preference - b.record.preference);
    const lists = await Promise.all(usable.map((u) => this.#srvTargets(u.record.replacement, u.protocol, attempt)));
    return lists.flat();
  }

  /** SRV lookup of the conventional owner name for `protocol` at `host` (none for WebSocket). */
  #srvFor(host: string, protocol: TransportProtocol, attempt: Attempt): Promise<Endpoint[]> {
    const prefix = SRV_PREFIX[protocol];
    return prefix === undefined ? Promise.resolve([]) : this.#srvTargets(prefix + host, protocol, attempt);
  }

  /** §4.3 / RFC 2782: SRV records ordered by priority and weight, each resolved to its addresses. */
  async #srvTargets(name: string, protocol: TransportProtocol, attempt: Attempt): Promise<Endpoint[]> {
    const records = await this.#lookup('SRV', name, () => this.#dns.resolveSrv(name), attempt);
    const ordered: SrvRecord[] = orderSrv(records, this.#random);
    const lists = await Promise.all(ordered.map((r) => this.#addresses(r.name, protocol, r.port, attempt)));
    return lists.flat();
  }

  /** A / AAAA of `host` (in family preference order); an IP literal stands for itself. */
  async #addresses(host: string, protocol: TransportProtocol, port: number, attempt: Attempt): Promise<Endpoint[]> {
    const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    if (isIP(literal) !== 0) return [{ protocol, address: literal, port }];
    const lists = await Promise.all(
      this.#families.map((family) =>
        family === 4
          ? this.#lookup('A', host, () => this.#dns.resolve4(host), attempt)
          : this.#lookup('AAAA', host, () => this.#dns.resolve6(host), attempt),
      ),
    );
    return lists.flat().map((r: AddressRecord) => ({ protocol, address: r.address, port }));
  }

  /** One query through the cache; a failure is recorded on the attempt and reads as "no records". */
  async #lookup<K extends DnsRecordType>(
    type: K,
    name: string,
    fetch: () => Promise<DnsRecordMap[K][]>,
    attempt: Attempt,
  ): Promise<readonly DnsRecordMap[K][]> {
    try {
      return this.#cache === undefined ? await fetch() : await this.#cache.lookup(type, name, fetch);
    } catch (err) {
      attempt.error = worseError(attempt.error, toResolveError(err, name));
      return [];
    }
  }

  #withDeadline(target: string, ms: number, run: () => Promise<Endpoint[]>): Promise<Endpoint[]> {
    if (!(ms > 0)) return run();
    return new Promise<Endpoint[]>((resolve, reject) => {
      const timer = this.#timers.set(() => {
        reject(new ResolveError(ResolveErrorCode.Timeout, target, `resolving ${target} took longer than ${ms} ms`));
      }, ms);
      run().then(
        (targets) => {
          this.#timers.clear(timer);
          resolve(targets);
        },
        (err: unknown) => {
          this.#timers.clear(timer);
          reject(err);
        },
      );
    });
  }
}

/** §4.1/§4.2 for a numeric TARGET: no DNS; transport from the URI or the scheme default. */
function literalEndpoint(t: UriTarget, uri: Uri): Endpoint {
  const protocol = requireTransport(t, uri);
  return { protocol, address: t.host, port: t.port ?? defaultPort(protocol) };
}

function requireTransport(t: UriTarget, uri: Uri): TransportProtocol {
  const protocol = t.transport ?? t.fallback;
  if (protocol !== undefined) return protocol;
  const text = uri.toString();
  throw new ResolveError(ResolveErrorCode.UnsupportedTransport, text, `no default transport is supported for ${text}`);
}

/** Keeps the first occurrence of each (protocol, address, port), up to `max` entries. */
function dedupe(endpoints: readonly Endpoint[], max: number): Endpoint[] {
  const seen = new Set<string>();
  const out: Endpoint[] = [];
  for (const e of endpoints) {
    const key = `${e.protocol} ${e.address.toLowerCase()} ${e.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e);
    if (out.length >= max) break;
  }
  return out;
}
