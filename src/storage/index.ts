// Storage adapters for the registrar and CDR ports. Only the composition root (main.ts) imports this:
//   const stores = openStore(config.store);   // 'sqlite:./data/precedence.db' | 'sqlite::memory:' | 'memory:'
import type { CdrStore } from '../cdr/cdr.js';
import type { LocationStore, SubscriberStore } from '../registrar/ports.js';
import { GroupCommit } from './sqlite/group-commit.js';
import { MemoryCdrStore, MemoryLocationStore, MemorySubscriberStore } from './memory/index.js';
import { openSqliteDatabase, SqliteCdrStore, SqliteLocationStore, SqliteSubscriberStore, type SqliteCdrStoreOptions, type SqliteOpenOptions } from './sqlite/index.js';
import { parseStoreUrl } from './store-url.js';

export interface Stores {
  readonly locations: LocationStore;
  readonly subscribers: SubscriberStore;
  readonly cdrs: CdrStore;
  /** Releases the backend (closes the database file). Idempotent; the stores must not be used after it. */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** Directory relative `sqlite:` paths are resolved against (default: the working directory). */
  baseDir?: string;
}

export function openMemoryStores(): Stores {
  return {
    locations: new MemoryLocationStore(),
    subscribers: new MemorySubscriberStore(),
    cdrs: new MemoryCdrStore(),
    async close() {},
  };
}

export type SqliteStoresOptions = SqliteOpenOptions & SqliteCdrStoreOptions;

/** All three stores on one SQLite database (`path` is a file path or `:memory:`). */
export function openSqliteStores(path: string, options: SqliteStoresOptions = {}): Stores {
  const db = openSqliteDatabase(path, options);
  try {
    const commit = new GroupCommit(db);
    return {
      locations: new SqliteLocationStore(db, commit),
      subscribers: new SqliteSubscriberStore(db),
      cdrs: new SqliteCdrStore(db, options, commit),
      async close() {
        if (!db.open) return;
        commit.flush();
        db.close();
      },
    };
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Opens the stores a store URL names: `sqlite:PATH`, `sqlite::memory:` or `memory:`. Throws a StoreError
 * for an unsupported scheme (PostgreSQL and Redis come later), a bad URL, or a database that cannot be
 * opened or migrated.
 */
export function openStore(url: string, options: OpenStoreOptions = {}): Stores {
  const where = parseStoreUrl(url, options.baseDir);
  return where.kind === 'memory' ? openMemoryStores() : openSqliteStores(where.path);
}

export { makeSubscriber, ha1Hex, type Ha1Hash, type SubscriberInit } from './ha1.js';
export { MemoryCdrStore, MemoryLocationStore, MemorySubscriberStore } from './memory/index.js';
export { StoreError, StoreErrorCode } from './store-error.js';
export { parseStoreUrl, SUPPORTED_STORE_SCHEMES, type StoreLocation } from './store-url.js';
