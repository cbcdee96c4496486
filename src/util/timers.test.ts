import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeTimerService, RealTimerService } from './timers.js';

describe('FakeTimerService', () => {
  it('fires due timers in due-time order, ties in scheduling order', () => {
    const timers = new FakeTimerService();
    const log: string[] = [];
    timers.set(() => log.push('b@20'), 20);
    timers.set(() => log.push('a@10'), 10);
    timers.set(() => log.push('c@20'), 20);
    timers.set(() => log.push('d@30'), 30);
    assert.equal(timers.advance(25), 3);
    assert.deepEqual(log, ['a@10', 'b@20', 'c@20']);
    assert.equal(timers.now(), 25);
    assert.equal(timers.pending(), 1);
    timers.advance(5);
    assert.deepEqual(log, ['a@10', 'b@20', 'c@20', 'd@30']);
    assert.equal(timers.pending(), 0);
  });

  it('fires timers scheduled while advancing when they fall inside the window', () => {
    const timers = new FakeTimerService();
    const at: number[] = [];
    const tick = (): void => {
      at.push(timers.now());
      timers.set(tick, 100);
    };
    timers.set(tick, 100);
    timers.advance(350);
    assert.deepEqual(at, [100, 200, 300]);
    assert.equal(timers.now(), 350);
    assert.equal(timers.pending(), 1);
  });

  it('reports the clock at the due time inside callbacks and fires zero-delay timers on advance(0)', () => {
    const timers = new FakeTimerService(1000);
    let seen = -1;
    timers.set(() => {
      seen = timers.now();
      timers.set(() => (seen = -2), 0);
    }, 0);
    timers.advance(0);
    assert.equal(seen, -2);
    assert.equal(timers.now(), 1000);
  });

  it('clear() cancels, and is a no-op for undefined or fired handles', () => {
    const timers = new FakeTimerService();
    let fired = 0;
    const h = timers.set(() => fired++, 10);
    const g = timers.set(() => fired++, 5);
    timers.clear(h);
    timers.clear(undefined);
    timers.advance(10);
    timers.clear(g);
    assert.equal(fired, 1);
    assert.equal(timers.pending(), 0);
  });

  it('next() jumps to the next due timer', () => {
    const timers = new FakeTimerService();
    let fired = false;
    timers.set(() => (fired = true), 32_000);
    assert.equal(timers.next(), 32_000);
    assert.equal(fired, true);
    assert.equal(timers.next(), undefined);
  });

  it('rejects a negative advance', () => {
    assert.throws(() => new FakeTimerService().advance(-1), RangeError);
  });
});

describe('RealTimerService', () => {
  it('fires after the delay and tracks pending timers', async () => {
    const timers = new RealTimerService();
    const start = timers.now();
    await new Promise<void>((resolve) => timers.set(resolve, 5));
    assert.ok(timers.now() - start >= 4);
    assert.equal(timers.pending(), 0);
  });

  it('clear() prevents the callback', async () => {
    const timers = new RealTimerService({ unref: false });
    let fired = false;
    const h = timers.set(() => (fired = true), 1);
    timers.clear(h);
    timers.clear(h);
    assert.equal(timers.pending(), 0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(fired, false);
  });
});
