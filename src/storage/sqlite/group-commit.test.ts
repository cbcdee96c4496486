import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { GroupCommit } from './group-commit.js';

function db(): Database.Database {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  return d;
}

test('writes submitted in one turn commit in one transaction and resolve only after it', async () => {
  const d = db();
  const commit = new GroupCommit(d);
  const insert = d.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
  let commits = 0;
  const realTx = d.transaction.bind(d);
  (d as unknown as { transaction: typeof d.transaction }).transaction = ((fn: () => void) => {
    const tx = realTx(fn);
    return () => {
      tx();
      commits++;
    };
  }) as typeof d.transaction;
  const writes = Array.from({ length: 50 }, (_, i) => commit.submit(() => insert.run(i, `v${i}`)));
  assert.equal((d.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 0, 'nothing is written before the batch runs');
  await Promise.all(writes);
  assert.equal(commits, 1);
  assert.equal((d.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 50);
});

test('a failing write is rejected alone; the others of its batch are committed', async () => {
  const d = db();
  const commit = new GroupCommit(d);
  const insert = d.prepare('INSERT INTO t (id, v) VALUES (?, ?)');
  const ok1 = commit.submit(() => insert.run(1, 'a'));
  const bad = commit.submit(() => insert.run(1, 'duplicate key'));
  const ok2 = commit.submit(() => insert.run(2, 'b'));
  await ok1;
  await ok2;
  await assert.rejects(bad, /UNIQUE constraint failed/);
  assert.deepEqual(d.prepare('SELECT id, v FROM t ORDER BY id').all(), [{ id: 1, v: 'a' }, { id: 2, v: 'b' }]);
});

test('flush() commits what is queued at once (used on close)', async () => {
  const d = db();
  const commit = new GroupCommit(d);
  const w = commit.submit(() => d.prepare('INSERT INTO t (id, v) VALUES (7, ?)').run('x'));
  commit.flush();
  assert.equal((d.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 1);
  await w;
});
