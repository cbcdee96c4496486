// Opens (creating when needed) the one SQLite database file behind all SQLite adapters.
//
// Durability ("nothing accepted is lost"): journal_mode=WAL with synchronous=FULL makes every commit fsync
// the WAL before it returns, and every adapter write is its own committed statement, so a resolved
// `save`/`write` survives a process crash or power loss. busy_timeout lets a second process (the CLI) share
// the file.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import { StoreError, StoreErrorCode } from '../store-error.js';
import { SQLITE_MEMORY } from '../store-url.js';
import { MIGRATIONS, migrate, type Migration } from './migrations.js';

export interface SqliteOpenOptions {
  /** Milliseconds to wait for a lock held by another connection (default 5000). */
  busyTimeoutMs?: number;
  /** For tests of the migration runner. */
  migrations?: readonly Migration[];
}

/** Opens `path` (a file path or `:memory:`), sets the pragmas and migrates the schema. */
export function openSqliteDatabase(path: string, options: SqliteOpenOptions = {}): Database.Database {
  const memory = path === SQLITE_MEMORY;
  let db: Database.Database;
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (e) {
    throw new StoreError(StoreErrorCode.OpenFailed, path, `cannot open database ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db, path, options.migrations ?? MIGRATIONS);
    return db;
  } catch (e) {
    db.close();
    if (e instanceof StoreError) throw e;
    throw new StoreError(StoreErrorCode.OpenFailed, path, `cannot open database ${path}: ${(e as Error).message}`, { cause: e });
  }
}
