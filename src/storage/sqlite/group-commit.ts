// Group commit: writes submitted during one turn of the event loop are committed together in one
// transaction, and every caller's promise resolves only after that commit (so "resolved" still means
// durable under synchronous=FULL). One fsync per batch instead of one per call keeps the event loop
// free at thousands of calls/s; a failed batch is retried one write at a time so that only the
// faulty write is rejected.
import type Database from 'better-sqlite3';

interface Pending {
  run: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  readonly #db: Database.Database;
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(db: Database.Database, options: { maxBatch?: number } = {}) {
    this.#db = db;
    this.#maxBatch = options.maxBatch ?? 1000;
  }

  submit(run: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ run, resolve, reject });
      if (this.#queue.length >= this.#maxBatch) this.flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits everything queued now (also called on close). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    try {
      this.#db.transaction(() => {
        for (const p of batch) p.run();
      })();
      for (const p of batch) p.resolve();
    } catch {
      for (const p of batch) {
        try {
          p.run();
          p.resolve();
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }
}
