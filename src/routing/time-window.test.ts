import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { timeWindowSchema } from './config.js';
import { TimeWindow } from './time-window.js';

const win = (spec: object): TimeWindow => new TimeWindow(timeWindowSchema.parse(spec));

describe('TimeWindow', () => {
  it('checks from (inclusive) and to (exclusive) in UTC by default', () => {
    const w = win({ from: '08:00', to: '18:00' });
    assert.equal(w.check(new Date('2024-01-09T07:59:00Z')).inside, false);
    assert.equal(w.check(new Date('2024-01-09T08:00:00Z')).inside, true);
    assert.equal(w.check(new Date('2024-01-09T17:59:59Z')).inside, true);
    assert.equal(w.check(new Date('2024-01-09T18:00:00Z')).inside, false);
    assert.deepEqual(w.check(new Date('2024-01-09T18:00:00Z')), { inside: false, local: 'tue 18:00 UTC' });
    assert.equal(w.toString(), 'every day 08:00-18:00 UTC');
  });

  it('follows the zone, daylight saving time included', () => {
    const w = win({ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', tz: 'America/New_York' });
    assert.equal(w.check(new Date('2024-01-09T12:30:00Z')).inside, false); // 07:30 EST
    assert.equal(w.check(new Date('2024-07-09T12:30:00Z')).inside, true); // 08:30 EDT
    assert.deepEqual(w.check(new Date('2024-01-10T02:00:00Z')), { inside: false, local: 'tue 21:00 America/New_York' });
  });

  it('checks the day in the zone, not in UTC', () => {
    const w = win({ days: ['sat', 'sun'], from: '00:00', to: '24:00', tz: 'Asia/Tokyo' });
    assert.equal(w.check(new Date('2024-01-12T16:00:00Z')).inside, true); // Sat 01:00 in Tokyo, Fri in UTC
    assert.equal(w.check(new Date('2024-01-14T15:00:00Z')).inside, false); // Mon 00:00 in Tokyo
  });

  it('runs over midnight, the early part belonging to the day it started', () => {
    const w = win({ days: ['fri'], from: '22:00', to: '06:00' });
    assert.equal(w.check(new Date('2024-01-12T23:00:00Z')).inside, true); // Fri 23:00
    assert.equal(w.check(new Date('2024-01-13T02:00:00Z')).inside, true); // Sat 02:00, Friday's night
    assert.equal(w.check(new Date('2024-01-13T06:00:00Z')).inside, false); // Sat 06:00
    assert.equal(w.check(new Date('2024-01-12T02:00:00Z')).inside, false); // Fri 02:00 is Thursday's night
    assert.equal(w.check(new Date('2024-01-12T12:00:00Z')).inside, false);
  });
});
