// LocationStore contract (src/registrar/ports.ts): every adapter must pass all of it.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import type { Binding, LocationStore } from '../../src/registrar/ports.js';
import { caseDefiner, type StoreFactory, type SuiteOptions } from './harness.js';

const NOW = 1_700_000_000_000;

export function binding(over: Partial<Binding> = {}): Binding {
  return {
    aor: 'sip:alice@example.com',
    contact: 'sip:alice@192.0.2.10:5060;transport=udp',
    expiresAt: NOW + 3600_000,
    q: undefined,
    callId: 'reg-1@192.0.2.10',
    cseq: 1,
    path: [],
    source: undefined,
    connectionId: undefined,
    instanceId: undefined,
    regId: undefined,
    userAgent: undefined,
    updatedAt: NOW,
    ...over,
  };
}

export function locationStoreSuite(name: string, factory: StoreFactory<LocationStore>, options?: SuiteOptions): void {
  describe(`LocationStore contract: ${name}`, () => {
    const { check, done } = caseDefiner(factory, options);

    check('save then lookup round-trips every field', async (store) => {
      const full = binding({
        q: 0.7,
        path: ['<sip:edge1.example.net;lr>', '<sip:edge2.example.net;lr;ob>'],
        source: 'tcp:198.51.100.7:40001',
        connectionId: 'tcp-42',
        instanceId: '<urn:uuid:00000000-0000-1000-8000-000A95A0E128>',
        regId: 1,
        userAgent: 'Phone "X" 1.0; été',
        contact: 'sip:alice@198.51.100.7:40001;transport=tcp;ob',
      });
      const bare = binding({ contact: 'sip:alice@192.0.2.11', q: 0 });
      await store.save(full);
      await store.save(bare);
      assert.deepEqual(await store.lookup(full.aor, NOW), [bare, full]);
    });

    check('save replaces the binding with the same (aor, contact)', async (store) => {
      await store.save(binding());
      const refreshed = binding({ cseq: 2, expiresAt: NOW + 7200_000, q: 1, path: ['<sip:p.example.net;lr>'], updatedAt: NOW + 5 });
      await store.save(refreshed);
      assert.deepEqual(await store.lookup(refreshed.aor, NOW), [refreshed]);
      assert.equal(await store.count(NOW), 1);
    });

    check('lookup returns only the AOR asked for, ordered by contact', async (store) => {
      await store.save(binding({ contact: 'sip:c@192.0.2.3' }));
      await store.save(binding({ contact: 'sip:a@192.0.2.1' }));
      await store.save(binding({ aor: 'sip:bob@example.com', contact: 'sip:bob@192.0.2.9' }));
      await store.save(binding({ contact: 'sip:b@192.0.2.2' }));
      const got = await store.lookup('sip:alice@example.com', NOW);
      assert.deepEqual(got.map((b) => b.contact), ['sip:a@192.0.2.1', 'sip:b@192.0.2.2', 'sip:c@192.0.2.3']);
      assert.deepEqual(await store.lookup('sip:carol@example.com', NOW), []);
    });

    check('lookup leaves out expired bindings (expiresAt <= now)', async (store) => {
      await store.save(binding({ contact: 'sip:past@192.0.2.1', expiresAt: NOW - 1 }));
      await store.save(binding({ contact: 'sip:edge@192.0.2.2', expiresAt: NOW }));
      await store.save(binding({ contact: 'sip:live@192.0.2.3', expiresAt: NOW + 1 }));
      assert.deepEqual((await store.lookup('sip:alice@example.com', NOW)).map((b) => b.contact), ['sip:live@192.0.2.3']);
      assert.deepEqual((await store.lookup('sip:alice@example.com', NOW - 10)).length, 3);
    });

    check('remove deletes one binding; removing an absent one is a no-op', async (store) => {
      await store.save(binding({ contact: 'sip:a@192.0.2.1' }));
      await store.save(binding({ contact: 'sip:b@192.0.2.2' }));
      await store.remove('sip:alice@example.com', 'sip:a@192.0.2.1');
      await store.remove('sip:alice@example.com', 'sip:nobody@192.0.2.99');
      await store.remove('sip:nobody@example.com', 'sip:a@192.0.2.1');
      assert.deepEqual((await store.lookup('sip:alice@example.com', NOW)).map((b) => b.contact), ['sip:b@192.0.2.2']);
    });

    check('removeAll deletes every binding of one AOR only', async (store) => {
      await store.save(binding({ contact: 'sip:a@192.0.2.1' }));
      await store.save(binding({ contact: 'sip:b@192.0.2.2', expiresAt: NOW - 5 }));
      await store.save(binding({ aor: 'sip:bob@example.com', contact: 'sip:bob@192.0.2.9' }));
      await store.removeAll('sip:alice@example.com');
      await store.removeAll('sip:nobody@example.com');
      assert.deepEqual(await store.lookup('sip:alice@example.com', NOW - 10), []);
      assert.equal((await store.lookup('sip:bob@example.com', NOW)).length, 1);
      assert.equal(await store.purgeExpired(NOW), 0, 'the expired alice binding went with removeAll');
    });

    check('purgeExpired deletes expired bindings and returns how many', async (store) => {
      await store.save(binding({ contact: 'sip:a@192.0.2.1', expiresAt: NOW - 1000 }));
      await store.save(binding({ contact: 'sip:b@192.0.2.2', expiresAt: NOW }));
      await store.save(binding({ contact: 'sip:c@192.0.2.3', expiresAt: NOW + 1000 }));
      await store.save(binding({ aor: 'sip:bob@example.com', contact: 'sip:bob@192.0.2.9', expiresAt: NOW - 1 }));
      assert.equal(await store.purgeExpired(NOW), 3);
      assert.equal(await store.purgeExpired(NOW), 0);
      assert.deepEqual((await store.lookup('sip:alice@example.com', 0)).map((b) => b.contact), ['sip:c@192.0.2.3']);
      assert.deepEqual(await store.lookup('sip:bob@example.com', 0), []);
    });

    check('list returns live bindings ordered by (aor, contact), bounded by limit; count counts them', async (store) => {
      await store.save(binding({ aor: 'sip:bob@example.com', contact: 'sip:bob@192.0.2.9' }));
      await store.save(binding({ contact: 'sip:b@192.0.2.2' }));
      await store.save(binding({ contact: 'sip:a@192.0.2.1' }));
      await store.save(binding({ aor: 'sip:carol@example.com', contact: 'sip:carol@192.0.2.7', expiresAt: NOW }));
      const all = await store.list(NOW);
      assert.deepEqual(
        all.map((b) => `${b.aor} ${b.contact}`),
        ['sip:alice@example.com sip:a@192.0.2.1', 'sip:alice@example.com sip:b@192.0.2.2', 'sip:bob@example.com sip:bob@192.0.2.9'],
      );
      assert.deepEqual(await store.list(NOW, 2), all.slice(0, 2));
      assert.deepEqual(await store.list(NOW, 0), []);
      assert.deepEqual(await store.list(NOW, 10), all);
      assert.equal(await store.count(NOW), 3);
      assert.equal(await store.count(NOW - 1), 4);
      assert.equal(await store.count(NOW + 3600_000), 0);
    });

    check('list rejects a negative or fractional limit', async (store) => {
      await assert.rejects(store.list(NOW, -1), RangeError);
      await assert.rejects(store.list(NOW, 1.5), RangeError);
    });

    check('stored bindings are not aliased to the caller’s objects', async (store) => {
      const b = binding({ path: ['<sip:p1.example.net;lr>'] });
      await store.save(b);
      b.path.push('<sip:evil.example.net;lr>');
      b.cseq = 99;
      const [got] = await store.lookup(b.aor, NOW);
      assert.deepEqual(got.path, ['<sip:p1.example.net;lr>']);
      assert.equal(got.cseq, 1);
      got.path.push('<sip:again.example.net;lr>');
      assert.deepEqual((await store.lookup(b.aor, NOW))[0].path, ['<sip:p1.example.net;lr>']);
    });

    done();
  });
}
