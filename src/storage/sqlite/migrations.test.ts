import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import Database from 'better-sqlite3';

import { StoreError, StoreErrorCode } from '../store-error.js';
import { MIGRATIONS, migrate, schemaVersion, type Migration } from './migrations.js';

const V2: Migration = { version: 2, description: 'binding tag', up: "ALTER TABLE bindings ADD COLUMN tag TEXT NOT NULL DEFAULT 'none'" };

describe('migrate', () => {
  it('creates schema_version and applies every migration on an empty database', () => {
    const db = new Database(':memory:');
    assert.equal(schemaVersion(db), 0);
    assert.deepEqual(migrate(db, 'test', MIGRATIONS, 42), { from: 0, to: MIGRATIONS.length });
    assert.equal(schemaVersion(db), MIGRATIONS.length);
    assert.deepEqual(db.prepare('SELECT version, applied_at FROM schema_version').all(), [{ version: 1, applied_at: 42 }]);
    assert.deepEqual(migrate(db, 'test'), { from: 1, to: 1 });
    db.close();
  });

  it('applies only the missing migrations, in order, keeping the data', () => {
    const db = new Database(':memory:');
    migrate(db, 'test', MIGRATIONS);
    db.prepare("INSERT INTO bindings (aor, contact, expires_at, call_id, cseq, path, updated_at) VALUES ('a', 'c', 1, 'x', 1, '[]', 1)").run();
    assert.deepEqual(migrate(db, 'test', [...MIGRATIONS, V2]), { from: 1, to: 2 });
    assert.deepEqual(db.prepare('SELECT aor, tag FROM bindings').all(), [{ aor: 'a', tag: 'none' }]);
    assert.deepEqual(db.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all(), [1, 2]);
    db.close();
  });

  it('rolls a failed migration back and leaves the previous version', () => {
    const db = new Database(':memory:');
    migrate(db, 'test', MIGRATIONS);
    const broken: Migration = { version: 2, description: 'broken', up: 'CREATE TABLE t2 (x); SELECT * FROM no_such_table' };
    assert.throws(
      () => migrate(db, 'test.db', [...MIGRATIONS, broken]),
      (e: unknown) => e instanceof StoreError && e.code === StoreErrorCode.MigrationFailed && /migration 2 \(broken\)/.test(e.message),
    );
    assert.equal(schemaVersion(db), 1);
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 't2'").get(), undefined);
    db.close();
  });

  it('refuses a database newer than the migration list and an out-of-order list', () => {
    const db = new Database(':memory:');
    migrate(db, 'test', [...MIGRATIONS, V2]);
    assert.throws(() => migrate(db, 'x.db', MIGRATIONS), (e: unknown) => e instanceof StoreError && e.code === StoreErrorCode.SchemaTooNew && /x\.db.*version 2/.test(e.message));
    assert.throws(() => migrate(db, 'x.db', [V2]), /out of order/);
    db.close();
  });
});
