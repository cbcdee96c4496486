// Runs every storage contract suite against the SQLite adapters (a file per case in a temp directory, and
// `:memory:`), then the SQLite-only guarantees: pragmas, restart survival, a second process sharing the
// file, schema creation from an empty file, refusal of a newer schema.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import Database from 'better-sqlite3';

import { collect } from './harness.js';
import { cdr, cdrStoreSuite } from './cdr-store.suite.js';
import { binding, locationStoreSuite } from './location-store.suite.js';
import { subscriberStoreSuite } from './subscriber-store.suite.js';
import { makeSubscriber, openSqliteStores, openStore, StoreError, StoreErrorCode, type Stores } from '../../src/storage/index.js';
import { MIGRATIONS, openSqliteDatabase } from '../../src/storage/sqlite/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'precedence-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const freshFile = (): string => join(dir, `case-${++n}.db`);

/** Small batches so the CDR stream crosses batch boundaries in the suite. */
function sqliteHandle<K extends 'locations' | 'subscribers' | 'cdrs'>(path: string, key: K) {
  const stores = openSqliteStores(path, { batchSize: 4 });
  return { store: stores[key], close: () => stores.close() };
}

locationStoreSuite('sqlite file', () => sqliteHandle(freshFile(), 'locations'));
subscriberStoreSuite('sqlite file', () => sqliteHandle(freshFile(), 'subscribers'));
cdrStoreSuite('sqlite file', () => sqliteHandle(freshFile(), 'cdrs'));
locationStoreSuite('sqlite :memory:', () => sqliteHandle(':memory:', 'locations'));
subscriberStoreSuite('sqlite :memory:', () => sqliteHandle(':memory:', 'subscribers'));
cdrStoreSuite('sqlite :memory:', () => sqliteHandle(':memory:', 'cdrs'));

const NOW = 1_700_000_000_000;

async function writeSample(stores: Stores, tag: string): Promise<void> {
  await stores.locations.save(binding({ contact: `sip:${tag}@192.0.2.1`, expiresAt: NOW + 3600_000 }));
  await stores.subscribers.put(makeSubscriber({ username: tag, domain: 'example.com', password: 'secret', createdAt: NOW }));
  await stores.cdrs.write(cdr({ id: `cdr-${tag}`, callId: `call-${tag}` }));
}

describe('SQLite adapter specifics', () => {
  it('uses WAL and synchronous=FULL, with the schema indexes in place', () => {
    const db = openSqliteDatabase(freshFile());
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('synchronous', { simple: true }), 2); // FULL
      const indexes = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all();
      assert.deepEqual(indexes, ['bindings_by_expiry', 'cdrs_by_call_id', 'cdrs_by_setup']);
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM bindings WHERE aor = 'a' AND expires_at > 0").all() as { detail: string }[];
      assert.match(plan.map((p) => p.detail).join(' '), /PRIMARY KEY \(aor=\?\)/);
    } finally {
      db.close();
    }
  });

  it('registrations, subscribers and CDRs survive close and reopen', async () => {
    const url = `sqlite:${freshFile()}`;
    const first = openStore(url);
    await writeSample(first, 'alice');
    await first.close();
    await first.close(); // idempotent

    const second = openStore(url);
    try {
      assert.deepEqual((await second.locations.lookup('sip:alice@example.com', NOW)).map((b) => b.contact), ['sip:alice@192.0.2.1']);
      assert.equal((await second.subscribers.get('alice', 'example.com'))?.ha1Md5, makeSubscriber({ username: 'alice', domain: 'example.com', password: 'secret' }).ha1Md5);
      assert.deepEqual((await collect(second.cdrs.query({}))).map((r) => r.id), ['cdr-alice']);
    } finally {
      await second.close();
    }
  });

  it('a second process sees the data, and what it wrote before being killed is not lost', async () => {
    const file = freshFile();
    const stores = openStore(`sqlite:${file}`);
    try {
      await writeSample(stores, 'alice');
      const child = `
        import { writeSync } from 'node:fs';
        const { openStore } = await import(${JSON.stringify(pathToFileURL(join(root, 'src/storage/index.ts')).href)});
        const s = openStore(${JSON.stringify(`sqlite:${file}`)});
        const seen = {
          bindings: await s.locations.count(${NOW}),
          subscriber: (await s.subscribers.get('alice', 'example.com'))?.username,
          cdrs: [],
        };
        for await (const r of s.cdrs.query({})) seen.cdrs.push(r.id);
        await s.locations.save(${JSON.stringify(binding({ contact: 'sip:child@192.0.2.2' }))});
        await s.cdrs.write(${JSON.stringify(cdr({ id: 'cdr-child', setupAt: NOW + 1 }))});
        writeSync(1, JSON.stringify(seen));
        process.kill(process.pid, 'SIGKILL'); // crash: no close(), no checkpoint
      `;
      const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      assert.equal(res.signal, 'SIGKILL', `child failed: ${res.stderr}`);
      assert.deepEqual(JSON.parse(res.stdout), { bindings: 1, subscriber: 'alice', cdrs: ['cdr-alice'] });

      assert.deepEqual((await stores.locations.lookup('sip:alice@example.com', NOW)).map((b) => b.contact), ['sip:alice@192.0.2.1', 'sip:child@192.0.2.2']);
      assert.deepEqual((await collect(stores.cdrs.query({}))).map((r) => r.id), ['cdr-alice', 'cdr-child']);
    } finally {
      await stores.close();
    }
    const reopened = openStore(`sqlite:${file}`);
    try {
      assert.equal(await reopened.locations.count(NOW), 2);
    } finally {
      await reopened.close();
    }
  });

  it('creates the directory and the schema from nothing, and from an empty file', async () => {
    const nested = openStore('sqlite:deep/er/store.db', { baseDir: dir });
    await nested.close();
    assert.ok(existsSync(join(dir, 'deep/er/store.db')));

    const file = freshFile();
    writeFileSync(file, '');
    const stores = openStore(`sqlite:${file}`);
    await writeSample(stores, 'bob');
    await stores.close();
    await openStore(`sqlite:${file}`).close(); // reopening applies nothing twice

    const db = new Database(file, { readonly: true });
    try {
      const versions = db.prepare('SELECT version, description FROM schema_version ORDER BY version').all();
      assert.deepEqual(versions, MIGRATIONS.map((m) => ({ version: m.version, description: m.description })));
      const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      assert.deepEqual(tables, ['bindings', 'cdrs', 'schema_version', 'subscribers']);
    } finally {
      db.close();
    }
  });

  it('refuses a database with a newer schema than it knows', async () => {
    const file = freshFile();
    await openStore(`sqlite:${file}`).close();
    const db = new Database(file);
    db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(MIGRATIONS.length + 1, 'from the future', NOW);
    db.close();
    assert.throws(
      () => openStore(`sqlite:${file}`),
      (e: unknown) => e instanceof StoreError && e.code === StoreErrorCode.SchemaTooNew && e.message.includes(file),
    );
  });

  it('reports a file that is not a database as SSW_STORE_OPEN_FAILED', () => {
    const file = freshFile();
    writeFileSync(file, 'this is not an SQLite database, just some text that is long enough to have a header '.repeat(4));
    assert.throws(
      () => openStore(`sqlite:${file}`),
      (e: unknown) => e instanceof StoreError && e.code === StoreErrorCode.OpenFailed && e.message.includes(file),
    );
  });
});
