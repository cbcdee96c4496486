// In-memory DnsClient for tests (this module's and its users'): a small zone, a query log, and
// scripted failures or hangs per query.
import type { AddressRecord, DnsClient, DnsRecordMap, DnsRecordType, NaptrRecord, SrvRecord } from './dns-client.js';
import { normalizeName } from './cache.js';

type Answer = { kind: 'records'; records: readonly unknown[] } | { kind: 'error'; error: unknown } | { kind: 'hang' };

export class FakeDnsClient implements DnsClient {
  readonly #zone = new Map<string, Answer>();
  readonly #hanging: (() => void)[] = [];
  /** Every query received, as "TYPE name" (e.g. "SRV _sip._udp.example.com"), in order. */
  readonly queries: string[] = [];

  naptr(name: string, records: readonly NaptrRecord[]): this {
    return this.#set('NAPTR', name, { kind: 'records', records });
  }

  srv(name: string, records: readonly SrvRecord[]): this {
    return this.#set('SRV', name, { kind: 'records', records });
  }

  /** A records; `ttl` (seconds) applies to each address when given. */
  a(name: string, addresses: readonly string[], ttl?: number): this {
    return this.#set('A', name, { kind: 'records', records: addresses.map((address) => ({ address, ttl })) });
  }

  aaaa(name: string, addresses: readonly string[], ttl?: number): this {
    return this.#set('AAAA', name, { kind: 'records', records: addresses.map((address) => ({ address, ttl })) });
  }

  /** The query rejects with `error` (e.g. `{ code: 'ETIMEOUT' }` or a ResolveError). */
  fail(type: DnsRecordType, name: string, error: unknown): this {
    return this.#set(type, name, { kind: 'error', error });
  }

  /** The query never settles until `release()` (which answers "no records"). */
  hang(type: DnsRecordType, name: string): this {
    return this.#set(type, name, { kind: 'hang' });
  }

  /** Settles every hanging query with an empty answer. */
  release(): void {
    for (const settle of this.#hanging.splice(0)) settle();
  }

  /** Forgets an entry: the name then has no records of that type. */
  remove(type: DnsRecordType, name: string): this {
    this.#zone.delete(`${type} ${normalizeName(name)}`);
    return this;
  }

  count(type: DnsRecordType, name: string): number {
    const key = `${type} ${normalizeName(name)}`;
    return this.queries.filter((q) => q === key).length;
  }

  resolveNaptr(name: string): Promise<NaptrRecord[]> {
    return this.#answer('NAPTR', name);
  }

  resolveSrv(name: string): Promise<SrvRecord[]> {
    return this.#answer('SRV', name);
  }

  resolve4(name: string): Promise<AddressRecord[]> {
    return this.#answer('A', name);
  }

  resolve6(name: string): Promise<AddressRecord[]> {
    return this.#answer('AAAA', name);
  }

  #set(type: DnsRecordType, name: string, answer: Answer): this {
    this.#zone.set(`${type} ${normalizeName(name)}`, answer);
    return this;
  }

  #answer<K extends DnsRecordType>(type: K, name: string): Promise<DnsRecordMap[K][]> {
    const key = `${type} ${normalizeName(name)}`;
    this.queries.push(key);
    const answer = this.#zone.get(key);
    if (answer === undefined) return Promise.resolve([]);
    if (answer.kind === 'error') return Promise.reject(answer.error);
    if (answer.kind === 'hang') {
      return new Promise((resolve) => {
        this.#hanging.push(() => resolve([]));
      });
    }
    // copies, so callers (and the cache, which freezes) never touch the zone
    return Promise.resolve(answer.records.map((r) => ({ ...(r as DnsRecordMap[K]) })));
  }
}
