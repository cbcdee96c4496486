// DnsClient over node:dns/promises `Resolver` (c-ares: real DNS queries, no /etc/hosts).
import { Resolver } from 'node:dns/promises';
import type { AddressRecord, DnsClient, NaptrRecord, SrvRecord } from './dns-client.js';
import { isNoDataError, toResolveError } from './resolve-error.js';

export interface NodeDnsClientOptions {
  /** DNS servers ("192.0.2.53", "[2001:db8::53]:5353", …). Default: the system's. */
  servers?: readonly string[];
  /** Per-attempt query timeout in milliseconds (c-ares). Default 2000. */
  timeout?: number;
  /** Attempts per server before giving up. Default 2. */
  tries?: number;
}

export class NodeDnsClient implements DnsClient {
  readonly #resolver: Resolver;

  constructor(options: NodeDnsClientOptions = {}) {
    this.#resolver = new Resolver({ timeout: options.timeout ?? 2000, tries: options.tries ?? 2 });
    if (options.servers !== undefined && options.servers.length > 0) this.#resolver.setServers([...options.servers]);
  }

  /** Cancels every outstanding query (they reject with ECANCELLED). */
  cancel(): void {
    this.#resolver.cancel();
  }

  resolveNaptr(name: string): Promise<NaptrRecord[]> {
    return this.#query(name, () => this.#resolver.resolveNaptr(name));
  }

  resolveSrv(name: string): Promise<SrvRecord[]> {
    return this.#query(name, () => this.#resolver.resolveSrv(name));
  }

  resolve4(name: string): Promise<AddressRecord[]> {
    return this.#query(name, () => this.#resolver.resolve4(name, { ttl: true }));
  }

  resolve6(name: string): Promise<AddressRecord[]> {
    return this.#query(name, () => this.#resolver.resolve6(name, { ttl: true }));
  }

  async #query<T>(name: string, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await run();
    } catch (err) {
      if (isNoDataError(err)) return [];
      throw toResolveError(err, name);
    }
  }
}
