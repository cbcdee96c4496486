// CdrStore contract (src/cdr/cdr.ts): every adapter must pass all of it.
import assert from 'node:assert/strict';
import { describe } from 'node:test';

import type { CdrRecord, CdrStore } from '../../src/cdr/cdr.js';
import { caseDefiner, collect, type StoreFactory, type SuiteOptions } from './harness.js';

const T0 = 1_700_000_000_000;

export function cdr(over: Partial<CdrRecord> = {}): CdrRecord {
  return {
    id: 'cdr-1',
    callId: 'call-1@192.0.2.10',
    caller: 'sip:alice@example.com',
    calledDialled: '+15550100',
    calledRouted: undefined,
    sourceTrunk: undefined,
    destinationTrunk: undefined,
    setupAt: T0,
    answeredAt: undefined,
    endedAt: T0 + 5_000,
    durationSec: 0,
    disposition: 'no-answer',
    finalStatus: 408,
    releaseCause: undefined,
    releasedBy: undefined,
    routeRule: undefined,
    priorityNamespace: undefined,
    priorityValue: undefined,
    ...over,
  };
}

/** `n` records, `setupAt = T0 + i * 1000`, ids `c<i>`, alternating dispositions. */
async function seed(store: CdrStore, n: number): Promise<CdrRecord[]> {
  const out: CdrRecord[] = [];
  for (let i = 0; i < n; i++) {
    const r = cdr({ id: `c${i}`, callId: `call-${i % 3}`, setupAt: T0 + i * 1000, endedAt: T0 + i * 1000 + 500, disposition: i % 2 === 0 ? 'answered' : 'busy' });
    await store.write(r);
    out.push(r);
  }
  return out;
}

const ids = (rs: CdrRecord[]): string[] => rs.map((r) => r.id);

export function cdrStoreSuite(name: string, factory: StoreFactory<CdrStore>, options?: SuiteOptions): void {
  describe(`CdrStore contract: ${name}`, () => {
    const { check, done } = caseDefiner(factory, options);

    check('write then query round-trips every field', async (store) => {
      const full = cdr({
        id: '6f1c2a8e-1d1e-4c39-9f9a-2d7f4e1b0c11',
        calledRouted: '+15550100;npdi',
        sourceTrunk: 'carrier-a',
        destinationTrunk: 'pbx-2',
        answeredAt: T0 + 2_000,
        endedAt: T0 + 62_500,
        durationSec: 60.5,
        disposition: 'answered',
        finalStatus: 200,
        releaseCause: 'Q.850;cause=16;text="Normal call clearing"',
        releasedBy: 'callee',
        routeRule: 'us-national',
        priorityNamespace: 'wps',
        priorityValue: '2',
      });
      const bare = cdr({ id: 'bare', setupAt: T0 + 1 });
      await store.write(full);
      await store.write(bare);
      assert.deepEqual(await collect(store.query({})), [full, bare]);
    });

    check('query orders by setup time, ties in write order', async (store) => {
      await store.write(cdr({ id: 'late', setupAt: T0 + 3000 }));
      await store.write(cdr({ id: 'tie-1', setupAt: T0 + 1000 }));
      await store.write(cdr({ id: 'early', setupAt: T0 }));
      await store.write(cdr({ id: 'tie-2', setupAt: T0 + 1000 }));
      assert.deepEqual(ids(await collect(store.query({}))), ['early', 'tie-1', 'tie-2', 'late']);
    });

    check('time range is since-inclusive, until-exclusive', async (store) => {
      await seed(store, 6);
      assert.deepEqual(ids(await collect(store.query({ since: T0 + 2000 }))), ['c2', 'c3', 'c4', 'c5']);
      assert.deepEqual(ids(await collect(store.query({ until: T0 + 2000 }))), ['c0', 'c1']);
      assert.deepEqual(ids(await collect(store.query({ since: T0 + 1000, until: T0 + 4000 }))), ['c1', 'c2', 'c3']);
      assert.deepEqual(ids(await collect(store.query({ since: T0 + 1500, until: T0 + 1600 }))), []);
      assert.deepEqual(ids(await collect(store.query({ since: T0 + 9000 }))), []);
    });

    check('query by callId', async (store) => {
      await seed(store, 7);
      assert.deepEqual(ids(await collect(store.query({ callId: 'call-1' }))), ['c1', 'c4']);
      assert.deepEqual(ids(await collect(store.query({ callId: 'call-0', since: T0 + 1000 }))), ['c3', 'c6']);
      assert.deepEqual(ids(await collect(store.query({ callId: 'no-such-call' }))), []);
    });

    check('query by disposition, alone and with other filters', async (store) => {
      await seed(store, 7);
      assert.deepEqual(ids(await collect(store.query({ disposition: 'busy' }))), ['c1', 'c3', 'c5']);
      assert.deepEqual(ids(await collect(store.query({ disposition: 'answered', callId: 'call-0' }))), ['c0', 'c6']);
      assert.deepEqual(ids(await collect(store.query({ disposition: 'answered', until: T0 + 4000, limit: 1 }))), ['c0']);
      assert.deepEqual(ids(await collect(store.query({ disposition: 'cancelled' }))), []);
    });

    check('limit bounds the number of records', async (store) => {
      await seed(store, 5);
      assert.deepEqual(ids(await collect(store.query({ limit: 2 }))), ['c0', 'c1']);
      assert.deepEqual(ids(await collect(store.query({ limit: 0 }))), []);
      assert.deepEqual(ids(await collect(store.query({ limit: 50 }))), ['c0', 'c1', 'c2', 'c3', 'c4']);
      assert.deepEqual(ids(await collect(store.query({ since: T0 + 1000, limit: 3 }))), ['c1', 'c2', 'c3']);
    });

    check('query rejects a bad limit or NaN bounds when iterated', async (store) => {
      await assert.rejects(collect(store.query({ limit: -1 })), RangeError);
      await assert.rejects(collect(store.query({ limit: 2.5 })), RangeError);
      await assert.rejects(collect(store.query({ since: Number.NaN })), RangeError);
    });

    check('writing an existing id again replaces the record', async (store) => {
      await store.write(cdr({ id: 'x', disposition: 'no-answer', finalStatus: 408 }));
      await store.write(cdr({ id: 'y', setupAt: T0 + 10 }));
      const retried = cdr({ id: 'x', disposition: 'cancelled', finalStatus: 487, releasedBy: 'caller', releaseCause: 'CANCEL' });
      await store.write(retried);
      assert.deepEqual(await collect(store.query({})), [retried, cdr({ id: 'y', setupAt: T0 + 10 })]);
    });

    check('a long result streams in order, and the store stays usable while and after it is read', async (store) => {
      const written = await seed(store, 40);
      const seen: string[] = [];
      for await (const r of store.query({})) {
        seen.push(r.id);
        if (seen.length === 5) await store.write(cdr({ id: 'during', setupAt: T0 - 1 })); // behind the cursor
      }
      assert.deepEqual(seen, ids(written));
      for await (const r of store.query({ since: T0 + 10_000 })) {
        assert.equal(r.id, 'c10');
        break; // abandon the stream early
      }
      await store.write(cdr({ id: 'after', setupAt: T0 + 999_000 }));
      const all = await collect(store.query({}));
      assert.equal(all.length, 42);
      assert.deepEqual([all[0].id, all[41].id], ['during', 'after']);
    });

    check('each query is independent and can be iterated concurrently', async (store) => {
      await seed(store, 12);
      const a = store.query({ disposition: 'answered' })[Symbol.asyncIterator]();
      const b = store.query({ disposition: 'busy' })[Symbol.asyncIterator]();
      const got: string[] = [];
      for (;;) {
        const [x, y] = await Promise.all([a.next(), b.next()]);
        if (x.done && y.done) break;
        if (!x.done) got.push(x.value.id);
        if (!y.done) got.push(y.value.id);
      }
      assert.deepEqual(got, ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9', 'c10', 'c11']);
    });

    check('returned records are not aliased to stored state', async (store) => {
      const r = cdr();
      await store.write(r);
      r.disposition = 'failed';
      const [got] = await collect(store.query({}));
      assert.equal(got.disposition, 'no-answer');
      got.caller = 'changed';
      assert.equal((await collect(store.query({})))[0].caller, 'sip:alice@example.com');
    });

    done();
  });
}
