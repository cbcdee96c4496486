// Resource-Priority and Accept-Resource-Priority (RFC 4412 §3.1): r-value = namespace "." r-priority,
// both token-nodot and case-insensitive. Invalid r-values never make the message unparseable; they
// are reported in resourcePriorityErrors so priority policy can answer 417 or ignore them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatRValue, parseRValue, parseRValues } from './resource-priority.js';
import { parsed } from './support.test.js';

describe('Resource-Priority', () => {
  it('parses valid r-values and lower-cases them', () => {
    const m = parsed('Resource-Priority: ets.0, dsn.flash-override, Ets.0, WPS.3, q735.4, drsn.routine, esnet.2');
    assert.deepEqual(m.resourcePriority.map(formatRValue), ['ets.0', 'dsn.flash-override', 'ets.0', 'wps.3', 'q735.4', 'drsn.routine', 'esnet.2']);
    assert.deepEqual(m.resourcePriority[1], { namespace: 'dsn', priority: 'flash-override' });
    assert.deepEqual(m.resourcePriorityErrors, []);
  });

  it('concatenates repeated headers in order', () => {
    const m = parsed('Resource-Priority: ets.1', 'Accept-Resource-Priority: ets.0, ets.1', 'resource-priority: wps.2', 'Accept-Resource-Priority: wps.4');
    assert.deepEqual(m.resourcePriority.map(formatRValue), ['ets.1', 'wps.2']);
    assert.deepEqual(m.acceptResourcePriority.map(formatRValue), ['ets.0', 'ets.1', 'wps.4']);
  });

  it('reports invalid r-values and keeps the valid ones', () => {
    const m = parsed('Resource-Priority: ets, ets., .0, a.b.c, ets.0, garbage!@#, dsn .routine, "ets.0", ets.0;x=1');
    assert.deepEqual(m.resourcePriority.map(formatRValue), ['ets.0']);
    assert.deepEqual(m.resourcePriorityErrors, ['ets', 'ets.', '.0', 'a.b.c', 'garbage!@#', 'dsn .routine', '"ets.0"', 'ets.0;x=1']);
  });

  it('never throws, even for an unterminated quote', () => {
    const m = parsed('Resource-Priority: ets.0, "oops');
    assert.deepEqual(m.resourcePriority, []);
    assert.equal(m.resourcePriorityErrors.length, 1);
    const a = parsed('Accept-Resource-Priority: ets.0, <oops', 'Accept-Resource-Priority: "x');
    assert.deepEqual(a.acceptResourcePriority.map(formatRValue), ['ets.0']);
  });

  it('is empty when absent', () => {
    const m = parsed();
    assert.deepEqual(m.resourcePriority, []);
    assert.deepEqual(m.resourcePriorityErrors, []);
    assert.deepEqual(m.acceptResourcePriority, []);
  });

  it('bounds 10,000 values: at most 32 kept, the excess reported, in bounded time', () => {
    const values = Array.from({ length: 10000 }, (_, i) => `ets.${i % 5}`).join(',');
    const t0 = performance.now();
    const r = parseRValues([values]);
    const ms = performance.now() - t0;
    assert.equal(r.values.length, 32);
    assert.ok(r.errors.length >= 1 && r.errors.length <= 33, `errors: ${r.errors.length}`);
    assert.match(r.errors[r.errors.length - 1], /9968/);
    assert.ok(ms < 50, `took ${ms} ms`);
  });

  it('bounds 10,000 values through the message accessor', () => {
    const values = Array.from({ length: 10000 }, (_, i) => (i % 2 === 0 ? `ets.${i % 5}` : 'x')).join(',');
    const m = parsed(`Resource-Priority: ${values}`);
    assert.equal(m.resourcePriority.length, 32);
    assert.ok(m.resourcePriorityErrors.length <= 33);
  });
});

describe('parseRValue', () => {
  it('accepts token-nodot characters on both sides', () => {
    assert.deepEqual(parseRValue("x-!%*_+`'~.A-1"), { namespace: "x-!%*_+`'~", priority: 'a-1' });
  });

  it('rejects everything else', () => {
    for (const t of ['', '.', 'ets', 'ets.', '.0', 'a.b.c', 'e ts.0', 'ets.0 ', 'ets.(0)', 'é.0', 'ets.0,']) assert.equal(parseRValue(t), undefined, t);
  });
});
