import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeTimerService } from '../util/timers.js';
import { type CallEnd, DialogTracker, type TrackedCall } from './dialogs.js';

function setup(options: { setupTimeoutMs?: number; maxCallMs?: number } = {}) {
  const timers = new FakeTimerService();
  const ended: Array<{ call: TrackedCall; end: CallEnd; at: number }> = [];
  const tracker = new DialogTracker({ timers, now: () => 1_000_000 + timers.now(), onEnd: (call, end, at) => ended.push({ call, end, at }), sweepIntervalMs: 1000, ...options });
  const begin = (callId = 'c1'): TrackedCall =>
    tracker.begin({ callId, fromTag: 'ft', caller: 'sip:alice@example.net', calledDialled: '+15551234567', sourceTrunk: undefined, priority: undefined });
  return { timers, tracker, ended, begin };
}

describe('DialogTracker', () => {
  test('setup → answered → found from either side → ended once', () => {
    const { tracker, ended, begin, timers } = setup();
    const call = begin();
    assert.equal(tracker.find('c1', 'ft', undefined), undefined, 'not a dialog before the answer');
    timers.advance(500);
    assert.equal(tracker.answered(call, 'tt', 'a', 'a'), true);
    assert.equal(tracker.answered(call, 'other', 'b', 'b'), false, 'a second 2xx does not re-answer');
    assert.deepEqual(tracker.find('c1', 'ft', 'tt'), { call, fromCaller: true });
    assert.deepEqual(tracker.find('c1', 'tt', 'ft'), { call, fromCaller: false });
    const [live] = tracker.active();
    assert.equal(live.state, 'answered');
    assert.equal(live.answeredAt, 1_000_500);
    assert.equal(live.heldTrunk, 'a');
    tracker.end(call, { kind: 'bye', status: 200, cause: undefined, releasedBy: 'caller' });
    tracker.end(call, { kind: 'bye', status: 200, cause: undefined, releasedBy: 'callee' });
    assert.equal(ended.length, 1);
    assert.equal(tracker.size, 0);
  });

  test('stale calls are swept: setup past setupTimeoutMs, answered past maxCallMs', () => {
    const { tracker, ended, begin, timers } = setup({ setupTimeoutMs: 5000, maxCallMs: 20_000 });
    tracker.start();
    const stuck = begin('stuck');
    const up = begin('up');
    tracker.answered(up, 'tt', undefined, undefined);
    timers.advance(6000);
    assert.deepEqual(ended.map((e) => [e.call.callId, e.end.kind, e.end.status]), [['stuck', 'stale', 408]]);
    timers.advance(15_000);
    assert.deepEqual(ended.map((e) => e.call.callId), ['stuck', 'up']);
    assert.equal(ended[1].end.releasedBy, 'switch');
    assert.equal(stuck.state, 'setup');
    tracker.stop();
    assert.equal(timers.pending(), 0);
  });
});
