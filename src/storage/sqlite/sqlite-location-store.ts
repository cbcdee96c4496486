// LocationStore on the `bindings` table. Every call is one prepared statement (auto-committed, so a
// resolved save is on disk); better-sqlite3 is synchronous, the port is async.
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit.js';

import { checkLimit } from '../limits.js';
import type { Binding, LocationStore } from '../../registrar/ports.js';

interface BindingRow {
  aor: string;
  contact: string;
  expires_at: number;
  q: number | null;
  call_id: string;
  cseq: number;
  path: string;
  source: string | null;
  connection_id: string | null;
  instance_id: string | null;
  reg_id: number | null;
  user_agent: string | null;
  updated_at: number;
}

function toRow(b: Binding): BindingRow {
  return {
    aor: b.aor,
    contact: b.contact,
    expires_at: b.expiresAt,
    q: b.q ?? null,
    call_id: b.callId,
    cseq: b.cseq,
    path: JSON.stringify(b.path),
    source: b.source ?? null,
    connection_id: b.connectionId ?? null,
    instance_id: b.instanceId ?? null,
    reg_id: b.regId ?? null,
    user_agent: b.userAgent ?? null,
    updated_at: b.updatedAt,
  };
}

function fromRow(r: BindingRow): Binding {
  return {
    aor: r.aor,
    contact: r.contact,
    expiresAt: r.expires_at,
    q: r.q ?? undefined,
    callId: r.call_id,
    cseq: r.cseq,
    path: JSON.parse(r.path) as string[],
    source: r.source ?? undefined,
    connectionId: r.connection_id ?? undefined,
    instanceId: r.instance_id ?? undefined,
    regId: r.reg_id ?? undefined,
    userAgent: r.user_agent ?? undefined,
    updatedAt: r.updated_at,
  };
}

const COLUMNS = 'aor, contact, expires_at, q, call_id, cseq, path, source, connection_id, instance_id, reg_id, user_agent, updated_at';

export class SqliteLocationStore implements LocationStore {
  readonly #lookup: Database.Statement<[string, number], BindingRow>;
  readonly #save: Database.Statement<[BindingRow]>;
  readonly #remove: Database.Statement<[string, string]>;
  readonly #removeAll: Database.Statement<[string]>;
  readonly #purge: Database.Statement<[number]>;
  readonly #list: Database.Statement<[number, number], BindingRow>;
  readonly #count: Database.Statement<[number], number>;

  readonly #commit: GroupCommit | undefined;

  constructor(db: Database.Database, commit?: GroupCommit) {
    this.#commit = commit;
    this.#lookup = db.prepare(`SELECT ${COLUMNS} FROM bindings WHERE aor = ? AND expires_at > ? ORDER BY contact`);
    this.#save = db.prepare(
      `INSERT OR REPLACE INTO bindings (${COLUMNS}) VALUES (${COLUMNS.split(', ').map((c) => `@${c}`).join(', ')})`,
    );
    this.#remove = db.prepare('DELETE FROM bindings WHERE aor = ? AND contact = ?');
    this.#removeAll = db.prepare('DELETE FROM bindings WHERE aor = ?');
    this.#purge = db.prepare('DELETE FROM bindings WHERE expires_at <= ?');
    this.#list = db.prepare(`SELECT ${COLUMNS} FROM bindings WHERE expires_at > ? ORDER BY aor, contact LIMIT ?`);
    this.#count = db.prepare<[number], number>('SELECT COUNT(*) FROM bindings WHERE expires_at > ?').pluck();
  }

  async lookup(aor: string, now: number): Promise<Binding[]> {
    return this.#lookup.all(aor, now).map(fromRow);
  }

  async save(binding: Binding): Promise<void> {
    const row = toRow(binding);
    if (this.#commit) return this.#commit.submit(() => this.#save.run(row));
    this.#save.run(row);
  }

  async remove(aor: string, contact: string): Promise<void> {
    if (this.#commit) return this.#commit.submit(() => this.#remove.run(aor, contact));
    this.#remove.run(aor, contact);
  }

  async removeAll(aor: string): Promise<void> {
    if (this.#commit) return this.#commit.submit(() => this.#removeAll.run(aor));
    this.#removeAll.run(aor);
  }

  async purgeExpired(now: number): Promise<number> {
    return this.#purge.run(now).changes;
  }

  async list(now: number, limit?: number): Promise<Binding[]> {
    checkLimit(limit);
    return this.#list.all(now, limit ?? -1).map(fromRow);
  }

  async count(now: number): Promise<number> {
    return this.#count.get(now) ?? 0;
  }
}
