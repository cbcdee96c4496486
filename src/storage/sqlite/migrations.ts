// Ordered schema migrations. Each database records the versions applied in `schema_version`; opening a
// database applies the missing ones in one IMMEDIATE transaction (so two processes opening a fresh file at
// once cannot both migrate it), and refuses a database whose version is newer than this code knows.
// Never edit a released migration: append a new one.
import type Database from 'better-sqlite3';

import { StoreError, StoreErrorCode } from '../store-error.js';

export interface Migration {
  /** 1, 2, 3, … with no gaps. */
  readonly version: number;
  readonly description: string;
  /** SQL run with `exec` (several statements allowed). */
  readonly up: string;
}

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    description: 'bindings, subscribers, cdrs',
    up: `
      CREATE TABLE bindings (
        aor           TEXT    NOT NULL,
        contact       TEXT    NOT NULL,
        expires_at    INTEGER NOT NULL,
        q             REAL,
        call_id       TEXT    NOT NULL,
        cseq          INTEGER NOT NULL,
        path          TEXT    NOT NULL,  -- JSON array of Path header values
        source        TEXT,
        connection_id TEXT,
        instance_id   TEXT,
        reg_id        INTEGER,
        user_agent    TEXT,
        updated_at    INTEGER NOT NULL,
        PRIMARY KEY (aor, contact)       -- also the by-AOR index
      ) WITHOUT ROWID;
      CREATE INDEX bindings_by_expiry ON bindings (expires_at);

      CREATE TABLE subscribers (
        username       TEXT    NOT NULL,
        domain         TEXT    NOT NULL COLLATE NOCASE,
        ha1_md5        TEXT    NOT NULL,
        ha1_sha256     TEXT    NOT NULL,
        display_name   TEXT,
        priority_class TEXT,
        enabled        INTEGER NOT NULL,
        created_at     INTEGER NOT NULL,
        PRIMARY KEY (domain, username)
      ) WITHOUT ROWID;

      CREATE TABLE cdrs (
        seq                INTEGER PRIMARY KEY,  -- write order, the tie-break of the setup time order
        id                 TEXT    NOT NULL UNIQUE,
        call_id            TEXT    NOT NULL,
        caller             TEXT    NOT NULL,
        called_dialled     TEXT    NOT NULL,
        called_routed      TEXT,
        source_trunk       TEXT,
        destination_trunk  TEXT,
        setup_at           INTEGER NOT NULL,
        answered_at        INTEGER,
        ended_at           INTEGER NOT NULL,
        duration_sec       REAL    NOT NULL,
        disposition        TEXT    NOT NULL,
        final_status       INTEGER NOT NULL,
        release_cause      TEXT,
        released_by        TEXT,
        route_rule         TEXT,
        priority_namespace TEXT,
        priority_value     TEXT
      );
      CREATE INDEX cdrs_by_setup ON cdrs (setup_at);
      CREATE INDEX cdrs_by_call_id ON cdrs (call_id, setup_at);
    `,
  },
]);

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list out of order: entry ${i} has version ${m.version}, expected ${i + 1}`);
  });
}

/** The highest applied version (0 for a database without `schema_version` rows). */
export function schemaVersion(db: Database.Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (table === undefined) return 0;
  const row = db.prepare<[], { v: number | null }>('SELECT MAX(version) AS v FROM schema_version').get();
  return row?.v ?? 0;
}

/** Brings `db` to the newest version in `migrations`. `target` names the database in errors. */
export function migrate(db: Database.Database, target: string, migrations: readonly Migration[] = MIGRATIONS, now: number = Date.now()): MigrationResult {
  checkOrder(migrations);
  const latest = migrations.length;
  const run = db.transaction((): MigrationResult => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
      version     INTEGER PRIMARY KEY,
      description TEXT    NOT NULL,
      applied_at  INTEGER NOT NULL
    )`);
    const from = schemaVersion(db);
    if (from > latest) {
      throw new StoreError(
        StoreErrorCode.SchemaTooNew,
        target,
        `database ${target} has schema version ${from}, newer than this Precedence supports (${latest}); upgrade Precedence or use another file`,
      );
    }
    const record = db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)');
    for (const m of migrations.slice(from)) {
      try {
        db.exec(m.up);
      } catch (e) {
        throw new StoreError(StoreErrorCode.MigrationFailed, target, `database ${target}: migration ${m.version} (${m.description}) failed: ${(e as Error).message}`, { cause: e });
      }
      record.run(m.version, m.description, now);
    }
    return { from, to: Math.max(from, latest) };
  });
  return run.immediate();
}
