// TTL-respecting DNS answer cache: positive answers live for the smallest record TTL, negative
// answers (NXDOMAIN / NODATA, i.e. an empty record list) for `negativeTtl` (RFC 2308 without the
// SOA, which node:dns does not expose). Bounded by `maxEntries` with least-recently-used eviction.
// Concurrent lookups of the same query share one DNS request. Failures are never cached.
import type { DnsRecordMap, DnsRecordType } from './dns-client.js';

export interface DnsCacheOptions {
  /** Entries kept at most; the least recently used goes first. Default 10 000. */
  maxEntries?: number;
  /** TTL (seconds) for records that carry none (node:dns reports no TTL for NAPTR and SRV). Default 300. */
  defaultTtl?: number;
  /** TTL (seconds) for empty answers. Default 60. */
  negativeTtl?: number;
  /** Upper bound (seconds) on any TTL. Default 3600. */
  maxTtl?: number;
}

export interface DnsCacheStats {
  size: number;
  hits: number;
  misses: number;
  evictions: number;
}

interface Entry {
  readonly records: readonly unknown[];
  readonly expiresAt: number;
}

export class DnsCache {
  readonly #maxEntries: number;
  readonly #defaultTtl: number;
  readonly #negativeTtl: number;
  readonly #maxTtl: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<readonly unknown[]>>();
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  /** `now` is a millisecond clock (pass `timers.now` to drive expiry from a fake clock). */
  constructor(options: DnsCacheOptions = {}, now: () => number = () => performance.now()) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.#defaultTtl = options.defaultTtl ?? 300;
    this.#negativeTtl = options.negativeTtl ?? 60;
    this.#maxTtl = options.maxTtl ?? 3600;
    this.#now = now;
  }

  /** The cached, unexpired answer (possibly empty: a negative entry), or undefined on a miss. */
  get<K extends DnsRecordType>(type: K, name: string): readonly DnsRecordMap[K][] | undefined {
    const key = cacheKey(type, name);
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    // refresh recency: Map iteration order is the LRU order
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.records as readonly DnsRecordMap[K][];
  }

  /** Stores an answer for its TTL (an empty answer for `negativeTtl`); a zero TTL stores nothing. */
  set<K extends DnsRecordType>(type: K, name: string, records: readonly DnsRecordMap[K][]): void {
    const ttl = Math.min(this.#maxTtl, records.length === 0 ? this.#negativeTtl : this.#minTtl(records));
    const key = cacheKey(type, name);
    this.#entries.delete(key);
    if (!(ttl > 0)) return;
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
      this.#evictions++;
    }
    this.#entries.set(key, { records, expiresAt: this.#now() + ttl * 1000 });
  }

  /**
   * Answers from the cache, else runs `fetch` once for all concurrent callers of the same query and
   * caches its answer. A rejected fetch is passed on and not cached.
   */
  lookup<K extends DnsRecordType>(
    type: K,
    name: string,
    fetch: () => Promise<DnsRecordMap[K][]>,
  ): Promise<readonly DnsRecordMap[K][]> {
    const cached = this.get(type, name);
    if (cached !== undefined) {
      this.#hits++;
      return Promise.resolve(cached);
    }
    const key = cacheKey(type, name);
    const pending = this.#inflight.get(key);
    if (pending !== undefined) {
      this.#hits++;
      return pending as Promise<readonly DnsRecordMap[K][]>;
    }
    this.#misses++;
    // Started on a later microtask so a synchronous throw in `fetch` still clears the in-flight slot.
    const request = Promise.resolve()
      .then(fetch)
      .then((records) => {
        const answer: readonly DnsRecordMap[K][] = Object.freeze(records);
        this.set(type, name, answer);
        return answer;
      })
      .finally(() => {
        this.#inflight.delete(key);
      });
    this.#inflight.set(key, request);
    return request;
  }

  delete(type: DnsRecordType, name: string): void {
    this.#entries.delete(cacheKey(type, name));
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }

  stats(): DnsCacheStats {
    return { size: this.#entries.size, hits: this.#hits, misses: this.#misses, evictions: this.#evictions };
  }

  #minTtl(records: readonly { ttl?: number }[]): number {
    let ttl = Infinity;
    for (const r of records) ttl = Math.min(ttl, r.ttl ?? this.#defaultTtl);
    return ttl;
  }
}

/** DNS names are case-insensitive and the trailing root dot is optional. */
export function normalizeName(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n.slice(0, -1) : n;
}

function cacheKey(type: DnsRecordType, name: string): string {
  return `${type} ${normalizeName(name)}`;
}
