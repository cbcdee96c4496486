// SubscriberStore on the `subscribers` table; `domain` has COLLATE NOCASE, username is compared exactly.
import type Database from 'better-sqlite3';

import { checkLimit } from '../limits.js';
import type { Subscriber, SubscriberStore } from '../../registrar/ports.js';

interface SubscriberRow {
  username: string;
  domain: string;
  ha1_md5: string;
  ha1_sha256: string;
  display_name: string | null;
  priority_class: string | null;
  enabled: number;
  created_at: number;
}

function toRow(s: Subscriber): SubscriberRow {
  return {
    username: s.username,
    domain: s.domain,
    ha1_md5: s.ha1Md5,
    ha1_sha256: s.ha1Sha256,
    display_name: s.displayName ?? null,
    priority_class: s.priorityClass ?? null,
    enabled: s.enabled ? 1 : 0,
    created_at: s.createdAt,
  };
}

function fromRow(r: SubscriberRow): Subscriber {
  return {
    username: r.username,
    domain: r.domain,
    ha1Md5: r.ha1_md5,
    ha1Sha256: r.ha1_sha256,
    displayName: r.display_name ?? undefined,
    priorityClass: r.priority_class ?? undefined,
    enabled: r.enabled !== 0,
    createdAt: r.created_at,
  };
}

const COLUMNS = 'username, domain, ha1_md5, ha1_sha256, display_name, priority_class, enabled, created_at';

export class SqliteSubscriberStore implements SubscriberStore {
  readonly #get: Database.Statement<[string, string], SubscriberRow>;
  readonly #listAll: Database.Statement<[number], SubscriberRow>;
  readonly #listDomain: Database.Statement<[string, number], SubscriberRow>;
  readonly #put: Database.Statement<[SubscriberRow]>;
  readonly #remove: Database.Statement<[string, string]>;

  constructor(db: Database.Database) {
    this.#get = db.prepare(`SELECT ${COLUMNS} FROM subscribers WHERE username = ? AND domain = ?`);
    this.#listAll = db.prepare(`SELECT ${COLUMNS} FROM subscribers ORDER BY domain, username LIMIT ?`);
    this.#listDomain = db.prepare(`SELECT ${COLUMNS} FROM subscribers WHERE domain = ? ORDER BY username LIMIT ?`);
    this.#put = db.prepare(`INSERT OR REPLACE INTO subscribers (${COLUMNS}) VALUES (${COLUMNS.split(', ').map((c) => `@${c}`).join(', ')})`);
    this.#remove = db.prepare('DELETE FROM subscribers WHERE username = ? AND domain = ?');
  }

  async get(username: string, domain: string): Promise<Subscriber | undefined> {
    const row = this.#get.get(username, domain);
    return row ? fromRow(row) : undefined;
  }

  async list(domain?: string, limit?: number): Promise<Subscriber[]> {
    checkLimit(limit);
    const rows = domain === undefined ? this.#listAll.all(limit ?? -1) : this.#listDomain.all(domain, limit ?? -1);
    return rows.map(fromRow);
  }

  async put(subscriber: Subscriber): Promise<void> {
    this.#put.run(toRow(subscriber));
  }

  async remove(username: string, domain: string): Promise<boolean> {
    return this.#remove.run(username, domain).changes > 0;
  }
}
