// SubscriberStore contract (src/registrar/ports.ts): every adapter must pass all of it.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import type { Subscriber, SubscriberStore } from '../../src/registrar/ports.js';
import { caseDefiner, type StoreFactory, type SuiteOptions } from './harness.js';

export function subscriber(over: Partial<Subscriber> = {}): Subscriber {
  return {
    username: 'alice',
    domain: 'example.com',
    ha1Md5: '0123456789abcdef0123456789abcdef',
    ha1Sha256: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    displayName: undefined,
    priorityClass: undefined,
    enabled: true,
    createdAt: 1_700_000_000_000,
    ...over,
  };
}

export function subscriberStoreSuite(name: string, factory: StoreFactory<SubscriberStore>, options?: SuiteOptions): void {
  describe(`SubscriberStore contract: ${name}`, () => {
    const { check, done } = caseDefiner(factory, options);

    check('put then get round-trips every field; unknown users are undefined', async (store) => {
      const full = subscriber({ displayName: 'Alice Ünicode "A"', priorityClass: 'wps.2' });
      const bare = subscriber({ username: 'bob' });
      await store.put(full);
      await store.put(bare);
      assert.deepEqual(await store.get('alice', 'example.com'), full);
      assert.deepEqual(await store.get('bob', 'example.com'), bare);
      assert.equal(await store.get('carol', 'example.com'), undefined);
      assert.equal(await store.get('alice', 'example.org'), undefined);
    });

    check('put replaces the subscriber with the same username and domain', async (store) => {
      await store.put(subscriber({ displayName: 'Old', priorityClass: 'wps.1' }));
      const replaced = subscriber({ ha1Md5: 'f'.repeat(32), ha1Sha256: 'e'.repeat(64), displayName: undefined, priorityClass: undefined });
      await store.put(replaced);
      assert.deepEqual(await store.get('alice', 'example.com'), replaced);
      assert.equal((await store.list()).length, 1);
    });

    check('domains compare case-insensitively, usernames case-sensitively', async (store) => {
      await store.put(subscriber());
      assert.equal((await store.get('alice', 'EXAMPLE.com'))?.username, 'alice');
      assert.equal(await store.get('Alice', 'example.com'), undefined);
      await store.put(subscriber({ username: 'Alice' }));
      assert.equal((await store.list('Example.COM')).length, 2);
      await store.put(subscriber({ domain: 'Example.COM', displayName: 'same key' }));
      assert.equal((await store.list()).length, 2);
      assert.equal((await store.get('alice', 'example.com'))?.displayName, 'same key');
    });

    check('the enabled flag is stored and can be toggled', async (store) => {
      await store.put(subscriber({ enabled: false }));
      assert.equal((await store.get('alice', 'example.com'))?.enabled, false);
      await store.put(subscriber({ enabled: true }));
      assert.equal((await store.get('alice', 'example.com'))?.enabled, true);
    });

    check('list orders by (domain, username), filters by domain and honours limit', async (store) => {
      await store.put(subscriber({ username: 'zed', domain: 'b.example' }));
      await store.put(subscriber({ username: 'bob', domain: 'a.example' }));
      await store.put(subscriber({ username: 'amy', domain: 'b.example', enabled: false }));
      await store.put(subscriber({ username: 'carl', domain: 'a.example' }));
      const key = (s: Subscriber): string => `${s.username}@${s.domain}`;
      assert.deepEqual((await store.list()).map(key), ['bob@a.example', 'carl@a.example', 'amy@b.example', 'zed@b.example']);
      assert.deepEqual((await store.list('b.example')).map(key), ['amy@b.example', 'zed@b.example']);
      assert.deepEqual((await store.list(undefined, 3)).map(key), ['bob@a.example', 'carl@a.example', 'amy@b.example']);
      assert.deepEqual((await store.list('a.example', 1)).map(key), ['bob@a.example']);
      assert.deepEqual(await store.list(undefined, 0), []);
      assert.deepEqual(await store.list('nowhere.example'), []);
      await assert.rejects(store.list(undefined, -1), RangeError);
    });

    check('remove reports whether a subscriber was removed', async (store) => {
      await store.put(subscriber());
      await store.put(subscriber({ username: 'bob' }));
      assert.equal(await store.remove('alice', 'example.com'), true);
      assert.equal(await store.remove('alice', 'example.com'), false);
      assert.equal(await store.remove('nobody', 'example.org'), false);
      assert.equal(await store.get('alice', 'example.com'), undefined);
      assert.deepEqual((await store.list()).map((s) => s.username), ['bob']);
    });

    check('stored subscribers are not aliased to the caller’s objects', async (store) => {
      const s = subscriber();
      await store.put(s);
      s.enabled = false;
      const got = await store.get('alice', 'example.com');
      assert.equal(got?.enabled, true);
      if (got) got.displayName = 'changed';
      assert.equal((await store.get('alice', 'example.com'))?.displayName, undefined);
    });

    done();
  });
}
