import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { StoreError, StoreErrorCode } from './store-error.js';
import { parseStoreUrl } from './store-url.js';

const fails = (url: string, code: StoreErrorCode, ...parts: RegExp[]) =>
  assert.throws(
    () => parseStoreUrl(url, '/srv/precedence'),
    (e: unknown) => e instanceof StoreError && e.code === code && e.target === url && parts.every((p) => p.test(e.message)),
  );

describe('parseStoreUrl', () => {
  it('resolves relative sqlite paths against baseDir and keeps absolute ones', () => {
    assert.deepEqual(parseStoreUrl('sqlite:./data/precedence.db', '/srv/precedence'), { kind: 'sqlite', path: '/srv/precedence/data/precedence.db' });
    assert.deepEqual(parseStoreUrl('sqlite:data.db', '/srv/precedence'), { kind: 'sqlite', path: '/srv/precedence/data.db' });
    assert.deepEqual(parseStoreUrl('sqlite:/var/lib/p.db', '/srv'), { kind: 'sqlite', path: '/var/lib/p.db' });
    assert.deepEqual(parseStoreUrl('sqlite:///var/lib/p.db', '/srv'), { kind: 'sqlite', path: '/var/lib/p.db' });
    assert.deepEqual(parseStoreUrl('SQLite:./x.db', '/srv'), { kind: 'sqlite', path: '/srv/x.db' });
  });

  it('knows sqlite::memory: and memory:', () => {
    assert.deepEqual(parseStoreUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
    assert.deepEqual(parseStoreUrl('memory:'), { kind: 'memory' });
  });

  it('rejects unusable URLs of known schemes', () => {
    fails('sqlite:', StoreErrorCode.BadUrl, /needs a file path/);
    fails('memory:foo', StoreErrorCode.BadUrl, /takes no path/);
  });

  it('names the URL and the supported schemes for unknown ones, and says postgres/redis come later', () => {
    fails('postgres://db.example/precedence', StoreErrorCode.UnsupportedUrl, /"postgres:\/\/db\.example\/precedence"/, /not implemented yet/, /later issue/, /sqlite:/, /memory:/);
    fails('redis://cache:6379', StoreErrorCode.UnsupportedUrl, /not implemented yet/, /sqlite::memory:/);
    fails('mysql://x', StoreErrorCode.UnsupportedUrl, /"mysql:\/\/x" has an unsupported scheme/, /sqlite:PATH/, /postgres: and redis: come in a later issue/);
    fails('./data/precedence.db', StoreErrorCode.UnsupportedUrl, /unsupported scheme/);
    fails('', StoreErrorCode.UnsupportedUrl, /supported: sqlite:/);
  });
});
