// CdrStore over an array kept sorted by (setupAt, seq), seq being the write order of each id. A query
// walks it with a (setupAt, seq) cursor and a binary search per step, so writes during iteration are safe
// (the same keyset behaviour as the SQLite adapter).
import type { CdrQuery, CdrRecord, CdrStore } from '../../cdr/cdr.js';
import { checkCdrQuery } from '../limits.js';

interface Entry {
  readonly seq: number;
  readonly record: CdrRecord;
}

function after(e: Entry, setupAt: number, seq: number): boolean {
  return e.record.setupAt > setupAt || (e.record.setupAt === setupAt && e.seq > seq);
}

export class MemoryCdrStore implements CdrStore {
  readonly #sorted: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  #nextSeq = 1;

  async write(record: CdrRecord): Promise<void> {
    const old = this.#byId.get(record.id);
    if (old) this.#sorted.splice(this.#indexOf(old), 1);
    const entry: Entry = { seq: old?.seq ?? this.#nextSeq++, record: { ...record } };
    this.#sorted.splice(this.#firstAfter(record.setupAt, entry.seq - 0.5), 0, entry);
    this.#byId.set(record.id, entry);
  }

  query(q: CdrQuery): AsyncIterable<CdrRecord> {
    return this.#iterate({ ...q });
  }

  async *#iterate(q: CdrQuery): AsyncGenerator<CdrRecord> {
    checkCdrQuery(q);
    const until = q.until ?? Infinity;
    let remaining = q.limit ?? Infinity;
    let cursor = { setupAt: q.since ?? -Infinity, seq: 0 };
    while (remaining > 0) {
      const e = this.#sorted[this.#firstAfter(cursor.setupAt, cursor.seq)];
      if (e === undefined || e.record.setupAt >= until) return;
      cursor = { setupAt: e.record.setupAt, seq: e.seq };
      if (q.callId !== undefined && e.record.callId !== q.callId) continue;
      if (q.disposition !== undefined && e.record.disposition !== q.disposition) continue;
      remaining--;
      yield { ...e.record };
    }
  }

  /** Index of the first entry strictly after (setupAt, seq). */
  #firstAfter(setupAt: number, seq: number): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (after(this.#sorted[mid], setupAt, seq)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  #indexOf(entry: Entry): number {
    return this.#firstAfter(entry.record.setupAt, entry.seq - 0.5);
  }
}
