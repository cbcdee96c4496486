import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Subscriber } from './ports.js';
import { SubscriberCredentialStore, credentialsOf } from './credential-store.js';
import { FakeSubscriberStore } from './testing/fakes.js';

const alice: Subscriber = {
  username: 'alice', domain: 'example.com', ha1Md5: 'aa', ha1Sha256: '', displayName: undefined,
  priorityClass: undefined, enabled: true, createdAt: 0,
};

describe('SubscriberCredentialStore', () => {
  it('maps a subscriber of the realm to its HA1s (empty ones left out)', async () => {
    const subscribers = new FakeSubscriberStore();
    await subscribers.put(alice);
    const store = new SubscriberCredentialStore(subscribers);
    assert.deepEqual(await store.lookup('alice', 'Example.COM'), { ha1Md5: 'aa' });
    assert.equal(await store.lookup('alice', 'other.example'), undefined);
    assert.equal(await store.lookup('bob', 'example.com'), undefined);
    assert.deepEqual(credentialsOf({ ...alice, ha1Sha256: 'bb' }), { ha1Md5: 'aa', ha1Sha256: 'bb' });
  });

  it('hides disabled subscribers unless includeDisabled; reports what it found', async () => {
    const subscribers = new FakeSubscriberStore();
    await subscribers.put({ ...alice, enabled: false });
    assert.equal(await new SubscriberCredentialStore(subscribers).lookup('alice', 'example.com'), undefined);
    const seen: Subscriber[] = [];
    const store = new SubscriberCredentialStore(subscribers, { includeDisabled: true, onSubscriber: (s) => seen.push(s) });
    assert.deepEqual(await store.lookup('alice', 'example.com'), { ha1Md5: 'aa' });
    assert.equal(seen.length, 1);
  });

  it('propagates a store failure', async () => {
    const failing = new FakeSubscriberStore();
    failing.get = () => Promise.reject(new Error('down'));
    const store = new SubscriberCredentialStore(failing);
    await assert.rejects(store.lookup('alice', 'example.com'), /down/);
  });
});
