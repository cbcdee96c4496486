import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MemoryCdrStore, MemoryLocationStore, MemorySubscriberStore, openStore, StoreError, StoreErrorCode } from './index.js';
import { SqliteCdrStore, SqliteLocationStore, SqliteSubscriberStore } from './sqlite/index.js';

describe('openStore', () => {
  it('memory: gives the memory adapters', async () => {
    const s = openStore('memory:');
    assert.ok(s.locations instanceof MemoryLocationStore);
    assert.ok(s.subscribers instanceof MemorySubscriberStore);
    assert.ok(s.cdrs instanceof MemoryCdrStore);
    await s.close();
  });

  it('sqlite::memory: gives the SQLite adapters on one private database', async () => {
    const s = openStore('sqlite::memory:');
    assert.ok(s.locations instanceof SqliteLocationStore);
    assert.ok(s.subscribers instanceof SqliteSubscriberStore);
    assert.ok(s.cdrs instanceof SqliteCdrStore);
    assert.equal(await s.locations.count(0), 0);
    await s.close();
    await s.close();
  });

  it('throws a StoreError naming the URL for an unknown scheme', () => {
    assert.throws(
      () => openStore('postgres://localhost/precedence'),
      (e: unknown) =>
        e instanceof StoreError && e.code === StoreErrorCode.UnsupportedUrl && e.message.includes('postgres://localhost/precedence') && /later issue/.test(e.message),
    );
  });
});
