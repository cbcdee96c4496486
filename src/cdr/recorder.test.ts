import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { silentLogger } from '../observability/logger.js';
import { FakeTimerService } from '../util/timers.js';
import type { CdrQuery, CdrRecord, CdrStore } from './cdr.js';
import { type AttemptEnd, buildCdr, type CallAttempt, CdrRecorder, dispositionOf } from './recorder.js';

const attempt: CallAttempt = {
  id: 'id-1', callId: 'c1', caller: 'sip:alice@example.net', calledDialled: '5551234', calledRouted: '+15551234',
  sourceTrunk: 'in', destinationTrunk: 'out', routeRule: 'us', setupAt: 1000, answeredAt: undefined, priority: { namespace: 'dsn', value: 'flash' },
};
const end = (kind: AttemptEnd['kind'], status: number, extra: Partial<AttemptEnd> = {}): AttemptEnd => ({ kind, status, cause: undefined, releasedBy: 'callee', ...extra });

describe('CDR dispositions', () => {
  const table: Array<[AttemptEnd, boolean, string]> = [
    [end('bye', 200), true, 'answered'],
    [end('response', 486), false, 'busy'],
    [end('response', 600), false, 'busy'],
    [end('response', 408, { synthetic: true }), false, 'no-answer'],
    [end('response', 480), false, 'no-answer'],
    [end('stale', 408), false, 'no-answer'],
    [end('cancel', 487), false, 'cancelled'],
    [end('no-route', 404), false, 'no-route'],
    [end('no-route', 484), false, 'no-route'],
    [end('response', 403), false, 'rejected'],
    [end('response', 603), false, 'rejected'],
    [end('response', 487), false, 'rejected'],
    [end('response', 503, { synthetic: true }), false, 'failed'],
    [end('response', 302), false, 'failed'],
  ];
  for (const [e, answered, expected] of table) {
    test(`${e.kind} ${e.status}${answered ? ' (answered)' : ''} → ${expected}`, () => {
      assert.equal(dispositionOf(e, answered), expected);
    });
  }

  test('record fields: times, duration, causes, priority', () => {
    const answered = buildCdr({ ...attempt, answeredAt: 3000 }, end('bye', 200, { releasedBy: 'caller' }), 65_500);
    assert.equal(answered.durationSec, 62.5);
    assert.equal(answered.finalStatus, 200);
    assert.equal(answered.releaseCause, 'BYE');
    assert.equal(answered.priorityNamespace, 'dsn');
    assert.equal(answered.priorityValue, 'flash');
    const busy = buildCdr(attempt, end('response', 486, { cause: 'Q.850;cause=17' }), 2000);
    assert.equal(busy.durationSec, 0);
    assert.equal(busy.releaseCause, 'Q.850;cause=17');
    assert.equal(buildCdr(attempt, end('response', 408, { synthetic: true, releasedBy: 'switch' }), 2000).releaseCause, 'timeout');
    assert.equal(buildCdr(attempt, end('cancel', 487, { releasedBy: 'caller' }), 2000).releaseCause, 'CANCEL');
  });
});

class FlakyStore implements CdrStore {
  failures: number;
  readonly written: CdrRecord[] = [];
  constructor(failures: number) {
    this.failures = failures;
  }
  write(record: CdrRecord): Promise<void> {
    if (this.failures-- > 0) return Promise.reject(new Error('disk full'));
    this.written.push(record);
    return Promise.resolve();
  }
  async *query(_q: CdrQuery): AsyncIterable<CdrRecord> {
    yield* this.written;
  }
}

async function drive(timers: FakeTimerService, recorder: CdrRecorder): Promise<void> {
  for (let i = 0; i < 10 && recorder.stats.pending > 0; i++) {
    await new Promise((r) => setImmediate(r));
    timers.advance(10_000);
  }
  await recorder.flush();
}

describe('CdrRecorder', () => {
  test('retries a failed write, then succeeds', async () => {
    const timers = new FakeTimerService();
    const store = new FlakyStore(2);
    const recorder = new CdrRecorder({ store, timers, logger: silentLogger });
    recorder.record(attempt, end('response', 486), 2000);
    await drive(timers, recorder);
    assert.equal(store.written.length, 1);
    assert.deepEqual(recorder.stats, { written: 1, lost: 0, pending: 0 });
  });

  test('gives up after the last attempt without throwing', async () => {
    const timers = new FakeTimerService();
    const store = new FlakyStore(100);
    const recorder = new CdrRecorder({ store, timers, logger: silentLogger, attempts: 3 });
    recorder.record(attempt, end('response', 486), 2000);
    await drive(timers, recorder);
    assert.deepEqual(recorder.stats, { written: 0, lost: 1, pending: 0 });
  });
});
