import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SrvRecord } from './dns-client.js';
import { orderSrv } from './srv-order.js';

const srv = (priority: number, weight: number, name: string): SrvRecord => ({ priority, weight, port: 5060, name });

/** Cycles through fixed values: lets a test pick exact points of the weight line. */
function fixed(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('orderSrv (RFC 2782)', () => {
  it('sorts by priority, lowest first', () => {
    const out = orderSrv([srv(30, 0, 'c'), srv(10, 0, 'a'), srv(20, 0, 'b')], fixed(0));
    assert.deepEqual(out.map((r) => r.name), ['a', 'b', 'c']);
  });

  it('selects by running weight sum within a priority', () => {
    // weights 10, 30 → running sums 10, 40; pick = floor(r * 41)
    const records = [srv(0, 10, 'light'), srv(0, 30, 'heavy')];
    assert.deepEqual(orderSrv(records, fixed(0.1, 0)).map((r) => r.name), ['light', 'heavy']); // pick 4 ≤ 10
    assert.deepEqual(orderSrv(records, fixed(0.5, 0)).map((r) => r.name), ['heavy', 'light']); // pick 20 > 10
  });

  it('puts zero weights first in the draw, so they are rarely chosen first when others weigh', () => {
    const records = [srv(0, 100, 'weighted'), srv(0, 0, 'zero')];
    assert.deepEqual(orderSrv(records, fixed(0)).map((r) => r.name), ['zero', 'weighted']); // pick 0
    assert.deepEqual(orderSrv(records, fixed(0.5)).map((r) => r.name), ['weighted', 'zero']);
  });

  it('keeps every record once and drops "." targets', () => {
    const out = orderSrv([srv(0, 1, 'a'), srv(0, 1, '.'), srv(0, 1, 'b'), srv(1, 1, 'c')]);
    assert.deepEqual(out.map((r) => r.name).sort(), ['a', 'b', 'c']);
    assert.equal(out[2].name, 'c');
  });

  it('roughly respects weights over many draws (Math.random)', () => {
    const records = [srv(0, 70, 'a'), srv(0, 20, 'b'), srv(0, 10, 'c')];
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    const draws = 5000;
    for (let i = 0; i < draws; i++) counts[orderSrv(records)[0].name]++;
    assert.ok(Math.abs(counts.a / draws - 0.7) < 0.05, `a ${counts.a}`);
    assert.ok(Math.abs(counts.b / draws - 0.2) < 0.05, `b ${counts.b}`);
    assert.ok(Math.abs(counts.c / draws - 0.1) < 0.05, `c ${counts.c}`);
  });

  it('does not modify its input', () => {
    const records = [srv(1, 1, 'b'), srv(0, 1, 'a')];
    orderSrv(records);
    assert.deepEqual(records.map((r) => r.name), ['b', 'a']);
  });
});
