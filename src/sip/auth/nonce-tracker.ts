// Replay protection for digest nonces (RFC 7616 §3.3 nonce-count, RFC 2617 §3.2.2 "nc"; RFC 3261 §22.4).
//
// A bounded, in-memory map nonce → highest nonce-count seen. With qop the nonce-count must strictly increase;
// without qop (RFC 2069 form) a nonce may be used once. Memory is bounded by `maxEntries`: the least recently
// used entry is evicted first, and the issue time of every evicted, still-live nonce raises a watermark. A nonce
// issued at or before the watermark that is no longer tracked is reported as `evicted` (the caller answers
// stale=true and the client retries with a fresh nonce), so eviction never lets a replay through.
//
// Replay state is per process: nonces verify on any node, but a replay sent to a different node than the
// original is not detected. Pin flows to a node (or accept that window) when running several.

export type NonceUse = 'ok' | 'replay' | 'evicted';

interface Entry {
  /** Highest nonce-count accepted; -1 once used without qop (one-time). */
  nc: number;
  issuedAt: number;
  expiresAt: number;
}

export interface NonceTrackerOptions {
  /** Most nonces tracked at once (default 10 000). */
  readonly maxEntries?: number;
}

export class NonceTracker {
  readonly #max: number;
  readonly #entries = new Map<string, Entry>();
  #watermark = -1;

  constructor(options: NonceTrackerOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(max) || max < 1) throw new RangeError('SSW_AUTH_BAD_CONFIG: maxEntries must be a positive integer');
    this.#max = max;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Records one use of `nonce` and says whether it is acceptable. `nc` is the parsed nonce-count (≥ 1) or
   * undefined when the request had no qop. Only call this after the response digest has been verified, so
   * forged requests cannot burn nonce-counts.
   */
  use(nonce: string, issuedAt: number, expiresAt: number, nc: number | undefined, now: number): NonceUse {
    const entry = this.#entries.get(nonce);
    if (entry === undefined) {
      if (issuedAt <= this.#watermark) return 'evicted';
      this.#entries.set(nonce, { nc: nc ?? -1, issuedAt, expiresAt });
      this.#trim(now);
      return 'ok';
    }
    if (entry.nc === -1 || nc === undefined || nc <= entry.nc) return 'replay';
    entry.nc = nc;
    // Move to the most recently used end.
    this.#entries.delete(nonce);
    this.#entries.set(nonce, entry);
    return 'ok';
  }

  #trim(now: number): void {
    // Drop expired entries at the old end (cheap, amortised), then evict down to the bound.
    for (const [key, e] of this.#entries) {
      if (e.expiresAt > now) break;
      this.#entries.delete(key);
    }
    while (this.#entries.size > this.#max) {
      const first = this.#entries.entries().next();
      if (first.done === true) break;
      const [key, e] = first.value;
      this.#entries.delete(key);
      if (e.expiresAt > now && e.issuedAt > this.#watermark) this.#watermark = e.issuedAt;
    }
  }

  clear(): void {
    this.#entries.clear();
    this.#watermark = -1;
  }
}
