import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { lcrOrder, weightedOrder } from './strategy.js';

/** mulberry32: small seeded PRNG for reproducible distributions. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('weightedOrder', () => {
  it('puts each item first in proportion to its weight', () => {
    const random = seeded(7);
    const first = new Map<string, number>();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const order = weightedOrder(['a', 'b', 'c'], [6, 3, 1], random);
      assert.deepEqual([...order].sort(), ['a', 'b', 'c']);
      first.set(order[0], (first.get(order[0]) ?? 0) + 1);
    }
    assert.ok(Math.abs((first.get('a') ?? 0) / n - 0.6) < 0.02, `a first ${first.get('a')}`);
    assert.ok(Math.abs((first.get('b') ?? 0) / n - 0.3) < 0.02, `b first ${first.get('b')}`);
    assert.ok(Math.abs((first.get('c') ?? 0) / n - 0.1) < 0.02, `c first ${first.get('c')}`);
  });

  it('draws the rest of the order from what is left', () => {
    // random() = 0.99 picks the last remaining item each time
    assert.deepEqual(weightedOrder(['a', 'b', 'c'], [1, 1, 1], () => 0.99), ['c', 'b', 'a']);
    assert.deepEqual(weightedOrder(['a', 'b', 'c'], [1, 1, 1], () => 0), ['a', 'b', 'c']);
  });

  it('places weight 0 last, as listed, and never calls random for a single item', () => {
    let calls = 0;
    const random = (): number => {
      calls++;
      return 0.5;
    };
    assert.deepEqual(weightedOrder(['z1', 'a', 'z2'], [0, 5, 0], random), ['a', 'z1', 'z2']);
    assert.equal(calls, 0);
  });
});

describe('lcrOrder', () => {
  it('orders cheapest first, ties as listed, unknown rates last', () => {
    assert.deepEqual(lcrOrder(['a', 'b', 'c', 'd', 'e'], [0.02, undefined, 0.01, 0.02, undefined]), ['c', 'a', 'd', 'b', 'e']);
    assert.deepEqual(lcrOrder(['x', 'y'], [0, 0.001]), ['x', 'y']);
  });
});
