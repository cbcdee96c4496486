import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { routingConfigSchema, type RoutingConfigInput } from './config.js';
import { RoutingEngine, type RouteDecision, type TrunkStatus } from './engine.js';

const TUESDAY_NOON_UTC = new Date('2024-01-09T12:00:00Z');
const NANP = { countryCode: '1', nationalPrefix: '1', internationalPrefix: '011' };

const TRUNKS: NonNullable<RoutingConfigInput['trunks']> = [
  { name: 'carrier-a', uri: 'sip:192.0.2.10:5060' },
  { name: 'carrier-b', uri: 'sip:192.0.2.20;transport=TCP', failoverOn: [503], timeout: '4s' },
  { name: 'carrier-c', uri: 'sips:[2001:db8::30]:5061' },
  { name: 'uk-gw', uri: 'sip:198.51.100.1:5080', normalize: { countryCode: '44', nationalPrefix: '0', internationalPrefix: '00' } },
];

function engine(input: RoutingConfigInput, random?: () => number): RoutingEngine {
  return new RoutingEngine(routingConfigSchema.parse({ trunks: TRUNKS, numbering: NANP, ...input }), random === undefined ? {} : { random });
}

function route(d: RouteDecision): Extract<RouteDecision, { kind: 'route' }> {
  assert.equal(d.kind, 'route', d.kind === 'no-route' ? d.reason : '');
  return d as Extract<RouteDecision, { kind: 'route' }>;
}

function noRoute(d: RouteDecision): Extract<RouteDecision, { kind: 'no-route' }> {
  assert.equal(d.kind, 'no-route', d.kind === 'route' ? `routed by ${d.rule}` : '');
  return d as Extract<RouteDecision, { kind: 'no-route' }>;
}

const trunkNames = (d: RouteDecision): string[] => route(d).targets.map((t) => t.trunk);

describe('RoutingEngine: matching and failover', () => {
  const e = engine({
    routes: [
      { name: 'default', prefix: '', trunks: ['carrier-c'] },
      { name: 'nanp', prefix: '+1', trunks: ['carrier-a'] },
      { name: 'us-long-distance', prefix: '+1555', trunks: ['carrier-a', 'carrier-b'] },
    ],
  });

  it('normalises, takes the longest prefix and builds targets in listed order', () => {
    const d = route(e.route({ called: '5551234567', at: TUESDAY_NOON_UTC }));
    assert.equal(d.rule, 'us-long-distance');
    assert.equal(d.dialled, '5551234567');
    assert.equal(d.called, '+15551234567');
    assert.deepEqual(d.targets, [
      { trunk: 'carrier-a', uri: 'sip:+15551234567@192.0.2.10:5060;user=phone', destination: { host: '192.0.2.10', port: 5060 }, failoverOn: [408, 480, 500, 502, 503, 504], timeoutMs: 8000 },
      { trunk: 'carrier-b', uri: 'sip:+15551234567@192.0.2.20;user=phone;transport=tcp', destination: { host: '192.0.2.20', transport: 'tcp' }, failoverOn: [503], timeoutMs: 4000 },
    ]);
    assert.deepEqual(d.trace, [
      'dialled "5551234567"',
      'normalised "5551234567" → "+15551234567" (global context)',
      'rule "us-long-distance" (prefix +1555) matched',
      'failover order: carrier-a, carrier-b',
      'target carrier-a: sip:+15551234567@192.0.2.10:5060;user=phone',
      'target carrier-b: sip:+15551234567@192.0.2.20;user=phone;transport=tcp',
    ]);
  });

  it('falls back to shorter prefixes and the default route', () => {
    assert.equal(route(e.route({ called: '+12125550000', at: TUESDAY_NOON_UTC })).rule, 'nanp');
    const d = route(e.route({ called: '011 44 20 7946 0000', at: TUESDAY_NOON_UTC }));
    assert.equal(d.rule, 'default');
    assert.equal(d.targets[0].uri, 'sips:+442079460000@[2001:db8::30]:5061;user=phone');
    assert.deepEqual(d.targets[0].destination, { host: '2001:db8::30', port: 5061 });
    assert.equal(d.trace[2], 'rule "default" (default prefix) matched');
  });

  it('takes tel: and sip: user=phone Request-URIs', () => {
    assert.equal(route(e.route({ called: 'tel:+1-555-123-4567', at: TUESDAY_NOON_UTC })).called, '+15551234567');
    assert.equal(route(e.route({ called: 'sip:15551234567@switch.example.net;user=phone', at: TUESDAY_NOON_UTC })).called, '+15551234567');
  });

  it('says "already E.164" when nothing changed', () => {
    assert.equal(route(e.route({ called: '+15551234567', at: TUESDAY_NOON_UTC })).trace[1], '"+15551234567" is already E.164');
  });
});

describe('RoutingEngine: 404 and 484', () => {
  const e = engine({
    numbering: { ...NANP, minLength: 11, shortCodes: ['911'] },
    routes: [
      { name: 'nanp', prefix: '+1', trunks: ['carrier-a'] },
      { name: 'emergency', prefix: '911', trunks: ['carrier-b'] },
    ],
  });

  it('404 when no rule matches', () => {
    const d = noRoute(e.route({ called: '+442079460000', at: TUESDAY_NOON_UTC }));
    assert.equal(d.status, 404);
    assert.equal(d.reason, 'no route for "+442079460000"');
    assert.equal(d.trace.at(-1), 'no route (404): no route for "+442079460000"');
  });

  it('404 for something that is not a number', () => {
    const d = noRoute(e.route({ called: 'alice', at: TUESDAY_NOON_UTC }));
    assert.equal(d.status, 404);
    assert.equal(d.reason, '"alice" is not a telephone number');
  });

  it('404 for a national number without any numbering context', () => {
    const bare = new RoutingEngine(routingConfigSchema.parse({ trunks: TRUNKS, routes: [{ prefix: '', trunks: ['carrier-a'] }] }));
    assert.equal(noRoute(bare.route({ called: '5551234567', at: TUESDAY_NOON_UTC })).reason, '"5551234567" cannot be normalised: no numbering context for a national number');
    assert.equal(route(bare.route({ called: '+5511987654321', at: TUESDAY_NOON_UTC })).called, '+5511987654321');
  });

  it('484 when the number is shorter than minLength', () => {
    const d = noRoute(e.route({ called: '555-1234', at: TUESDAY_NOON_UTC }));
    assert.equal(d.status, 484);
    assert.equal(d.reason, '"+15551234" is incomplete: 8 digits, minLength is 11');
  });

  it('routes short codes as dialled, exempt from minLength', () => {
    const d = route(e.route({ called: '911', at: TUESDAY_NOON_UTC }));
    assert.equal(d.rule, 'emergency');
    assert.equal(d.called, '911');
    assert.equal(d.targets[0].uri, 'sip:911@192.0.2.20;user=phone;transport=tcp');
    assert.equal(d.trace[1], '"911" is a short code: routed as dialled');
  });
});

describe('RoutingEngine: trunk state', () => {
  const e = engine({ routes: [{ name: 'us', prefix: '+1', trunks: ['carrier-a', 'carrier-b', 'carrier-c'] }] });
  const states: Record<string, TrunkStatus> = {
    'carrier-a': { up: false, full: false },
    'carrier-b': { up: true, full: true },
    'carrier-c': { up: true, full: false },
  };

  it('drops trunks that are down or full and says so', () => {
    const asked: string[] = [];
    const d = route(e.route({ called: '+15551234567', at: TUESDAY_NOON_UTC }, (t) => (asked.push(t), states[t])));
    assert.deepEqual(trunkNames(d), ['carrier-c']);
    assert.deepEqual(asked, ['carrier-a', 'carrier-b', 'carrier-c']);
    assert.ok(d.trace.includes('carrier-a skipped: down'));
    assert.ok(d.trace.includes('carrier-b skipped: full'));
  });

  it('404 naming every trunk when none is available', () => {
    const d = noRoute(e.route({ called: '+15551234567', at: TUESDAY_NOON_UTC }, (t) => (t === 'carrier-c' ? { up: false, full: true } : states[t])));
    assert.equal(d.status, 404);
    assert.equal(d.reason, 'all trunks of rule "us" are unavailable: carrier-a down, carrier-b full, carrier-c down');
  });
});

describe('RoutingEngine: strategies', () => {
  it('weighted: random order by weight with the injected random source', () => {
    let a = 0x9e3779b9;
    const random = (): number => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const e = engine({ routes: [{ name: 'w', prefix: '+1', strategy: 'weighted', trunks: ['carrier-a', 'carrier-b'], weights: { 'carrier-a': 3, 'carrier-b': 1 } }] }, random);
    let aFirst = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const names = trunkNames(e.route({ called: '+15551234567', at: TUESDAY_NOON_UTC }));
      assert.equal(names.length, 2);
      if (names[0] === 'carrier-a') aFirst++;
    }
    assert.ok(Math.abs(aFirst / n - 0.75) < 0.03, `carrier-a first in ${aFirst} of ${n}`);
    const d = route(engine({ routes: [{ name: 'w', prefix: '+1', strategy: 'weighted', trunks: ['carrier-a', 'carrier-b'], weights: { 'carrier-a': 3 } }] }, () => 0.9).route({ called: '+15551234567', at: TUESDAY_NOON_UTC }));
    assert.ok(d.trace.includes('weighted order: carrier-b (weight 1), carrier-a (weight 3)'), d.trace.join('\n'));
  });

  it('lcr: cheapest by the longest rate prefix per trunk, unknown rate last', () => {
    const e = engine({
      routes: [{
        name: 'cheap', prefix: '+1', strategy: 'lcr', trunks: ['carrier-c', 'carrier-a', 'carrier-b'],
        rates: [
          { trunk: 'carrier-a', prefix: '+1', rate: 0.02 },
          { trunk: 'carrier-a', prefix: '+1555', rate: 0.008 },
          { trunk: 'carrier-b', prefix: '+1', rate: 0.012 },
        ],
      }],
    });
    const d = route(e.route({ called: '+15551234567', at: TUESDAY_NOON_UTC }));
    assert.deepEqual(trunkNames(d), ['carrier-a', 'carrier-b', 'carrier-c']);
    assert.ok(d.trace.includes('lcr order: carrier-a 0.008 (+1555), carrier-b 0.012 (+1), carrier-c no rate'), d.trace.join('\n'));
    assert.deepEqual(trunkNames(e.route({ called: '+12125550000', at: TUESDAY_NOON_UTC })), ['carrier-b', 'carrier-a', 'carrier-c']);
  });
});

describe('RoutingEngine: conditions', () => {
  const e = engine({
    routes: [
      { name: 'business-hours', prefix: '+1', trunks: ['carrier-a'], when: { time: { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00', tz: 'America/New_York' } } },
      { name: 'from-uk', prefix: '+1', trunks: ['carrier-c'], when: { sourceTrunk: ['uk-gw'] } },
      { name: 'vip-callers', prefix: '+1', trunks: ['carrier-c'], when: { caller: ['+1212', '+1646'] } },
      { name: 'after-hours', prefix: '+1', trunks: ['carrier-b'] },
    ],
  });

  it('matches a day/time window in its time zone', () => {
    assert.equal(route(e.route({ called: '+15551234567', at: new Date('2024-01-09T14:00:00Z') })).rule, 'business-hours'); // Tue 09:00 New York
    const evening = route(e.route({ called: '+15551234567', at: new Date('2024-01-09T23:30:00Z') })); // Tue 18:30
    assert.equal(evening.rule, 'after-hours');
    assert.ok(evening.trace.includes('rule "business-hours" (prefix +1) skipped: time tue 18:30 America/New_York is outside mon,tue,wed,thu,fri 08:00-18:00 America/New_York'), evening.trace.join('\n'));
    assert.equal(route(e.route({ called: '+15551234567', at: new Date('2024-01-13T15:00:00Z') })).rule, 'after-hours'); // Sat 10:00
  });

  it('matches the source trunk, normalising in that trunk\'s context', () => {
    const night = new Date('2024-01-10T04:00:00Z');
    const d = route(e.route({ called: '001 555 123 4567', sourceTrunk: 'uk-gw', at: night }));
    assert.equal(d.rule, 'from-uk');
    assert.equal(d.trace[1], 'normalised "001 555 123 4567" → "+15551234567" (context of uk-gw)');
    const other = route(e.route({ called: '+15551234567', sourceTrunk: 'carrier-a', at: night }));
    assert.equal(other.rule, 'after-hours');
    assert.ok(other.trace.includes('rule "from-uk" (prefix +1) skipped: source trunk carrier-a is not one of [uk-gw]'));
    assert.ok(route(e.route({ called: '+15551234567', at: night })).trace.includes('rule "from-uk" (prefix +1) skipped: no source trunk'));
  });

  it('matches caller prefixes on the normalised caller', () => {
    const night = new Date('2024-01-10T04:00:00Z');
    assert.equal(route(e.route({ called: '+15551234567', caller: '(212) 555-0100', at: night })).rule, 'vip-callers');
    const d = route(e.route({ called: '+15551234567', caller: 'sip:+13125550100@pbx.example.net', at: night }));
    assert.equal(d.rule, 'after-hours');
    assert.ok(d.trace.includes('rule "vip-callers" (prefix +1) skipped: caller "+13125550100" matches none of [+1212, +1646]'), d.trace.join('\n'));
  });

  it('404 says that rules matched the prefix but not the conditions', () => {
    const strict = engine({ routes: [{ name: 'office', prefix: '+1', trunks: ['carrier-a'], when: { time: { from: '08:00', to: '18:00' } } }] });
    const d = noRoute(strict.route({ called: '+15551234567', at: new Date('2024-01-09T20:00:00Z') }));
    assert.equal(d.reason, 'no route for "+15551234567": 1 rule matched the prefix but not the conditions');
  });
});

describe('RoutingEngine: LNP and translation', () => {
  const e = engine({
    trunks: [...TRUNKS, { name: 'legacy', uri: 'sip:203.0.113.5', strip: 2, prefix: '9' }],
    routes: [
      { name: 'ported-in', prefix: '+1555999', trunks: ['carrier-b'] },
      { name: 'national', prefix: '+1', trunks: ['legacy', 'carrier-a'], translate: { strip: 2, prefix: '1' } },
    ],
    lnp: [{ number: '+15551230000', routingNumber: '+15559990000' }],
  });

  it('replaces a ported number by its routing number before matching', () => {
    const d = route(e.route({ called: '5551230000', at: TUESDAY_NOON_UTC }));
    assert.equal(d.rule, 'ported-in');
    assert.equal(d.called, '+15559990000');
    assert.deepEqual(d.ported, { number: '+15551230000', routingNumber: '+15559990000' });
    assert.equal(d.trace[2], 'LNP: "+15551230000" is ported → routing number "+15559990000"');
    const other = route(e.route({ called: '+12125550000', at: TUESDAY_NOON_UTC }));
    assert.equal(other.ported, undefined);
    assert.equal(other.trace[2], 'LNP: "+12125550000" is not ported');
  });

  it('applies the route translation, then each trunk\'s egress strip and prefix', () => {
    const d = route(e.route({ called: '+12125550000', at: TUESDAY_NOON_UTC }));
    assert.equal(d.called, '12125550000');
    assert.ok(d.trace.includes('translated "+12125550000" → "12125550000" (strip 2, prefix "1")'));
    assert.ok(d.trace.includes('legacy: egress strip 2, prefix "9" → "9125550000"'));
    assert.deepEqual(d.targets.map((t) => t.uri), ['sip:9125550000@203.0.113.5;user=phone', 'sip:12125550000@192.0.2.10:5060;user=phone']);
  });
});

describe('RoutingEngine: ENUM results', () => {
  const e = engine({ routes: [{ name: 'us', prefix: '+1555', trunks: ['carrier-a'] }] });

  it('puts a sip: ENUM result ahead of the trunks', () => {
    const d = route(e.route({ called: '+15551234567', at: TUESDAY_NOON_UTC, enumResult: 'sip:alice@voip.example.net:5070;transport=tcp' }));
    assert.deepEqual(trunkNames(d), ['enum', 'carrier-a']);
    assert.deepEqual(d.targets[0], {
      trunk: 'enum', uri: 'sip:alice@voip.example.net:5070;transport=tcp', destination: { host: 'voip.example.net', port: 5070, transport: 'tcp' },
      failoverOn: [408, 480, 500, 502, 503, 504], timeoutMs: 8000,
    });
  });

  it('routes to the ENUM target alone when no rule matches', () => {
    const d = route(e.route({ called: '+442079460000', at: TUESDAY_NOON_UTC, enumResult: 'sips:+442079460000@ims.example.co.uk' }));
    assert.equal(d.rule, 'enum');
    assert.deepEqual(trunkNames(d), ['enum']);
  });

  it('ignores non-SIP ENUM results', () => {
    const d = route(e.route({ called: '+15551234567', at: TUESDAY_NOON_UTC, enumResult: 'mailto:alice@example.net' }));
    assert.deepEqual(trunkNames(d), ['carrier-a']);
    assert.ok(d.trace.includes('ENUM result "mailto:alice@example.net" ignored: not a sip: or sips: URI'));
  });
});

describe('RoutingEngine: construction', () => {
  it('refuses a configuration with broken references', () => {
    const cfg = routingConfigSchema.parse({ trunks: TRUNKS });
    cfg.routes.push({ prefix: '+1', trunks: ['nope'], strategy: 'failover' });
    assert.throws(() => new RoutingEngine(cfg), /routes\[0\]\.trunks\[0\]: unknown trunk "nope"/);
  });

  it('escapes "#" in egress user parts', () => {
    const e = new RoutingEngine(routingConfigSchema.parse({ trunks: TRUNKS, numbering: { ...NANP, shortCodes: ['#31#'] }, routes: [{ prefix: '#', trunks: ['carrier-a'] }] }));
    assert.equal(route(e.route({ called: '#31#', at: TUESDAY_NOON_UTC })).targets[0].uri, 'sip:%2331%23@192.0.2.10:5060;user=phone');
  });
});
