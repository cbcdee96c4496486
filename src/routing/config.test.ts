import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';

import { addRoutingIssues, DEFAULT_FAILOVER_ON, routingConfigSchema, routingSections } from './config.js';

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out.length === 0 ? String(p) : `.${String(p)}`;
  return out;
}

function issues(input: unknown): string[] {
  const r = routingConfigSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

const trunks = [
  { name: 'carrier-a', uri: 'sip:192.0.2.10:5060' },
  { name: 'carrier-b', uri: 'sip:192.0.2.20:5060;transport=tcp' },
];

describe('routing config: defaults and durations', () => {
  it('fills trunk defaults and parses durations to milliseconds', () => {
    const c = routingConfigSchema.parse({
      trunks: [
        { name: 'a', uri: 'sip:127.0.0.1:5080', ping: { interval: '30s' } },
        { name: 'b', uri: 'sips:gw.example.net', timeout: '500ms', ping: { interval: '2m', timeout: 1500, downAfter: 5 } },
      ],
    });
    const [a, b] = c.trunks;
    assert.equal(a.trusted, false);
    assert.deepEqual(a.failoverOn, [...DEFAULT_FAILOVER_ON]);
    assert.equal(a.timeout, 8000);
    assert.deepEqual(a.ping, { interval: 30_000, timeout: 5000, downAfter: 3, upAfter: 2 });
    assert.equal(a.prefix, '');
    assert.equal(a.strip, 0);
    assert.equal(b.timeout, 500);
    assert.deepEqual(b.ping, { interval: 120_000, timeout: 1500, downAfter: 5, upAfter: 2 });
    assert.deepEqual(c.routes, []);
    assert.deepEqual(c.lnp, []);
    assert.equal(c.numbering, undefined);
    assert.deepEqual(c.enum, { enabled: false, domain: 'e164.arpa', timeout: 2000 });
  });

  it('accepts ping: false and a full route', () => {
    const c = routingConfigSchema.parse({
      trunks: [...trunks, { name: 'c', uri: 'sip:[2001:db8::1]:5070', ping: false }],
      routes: [{ name: 'us', prefix: '+1', trunks: ['carrier-a', 'carrier-b'], strategy: 'weighted', weights: { 'carrier-a': 3 }, when: { time: { from: '08:00', to: '24:00' } } }],
      numbering: { countryCode: '1', nationalPrefix: '1', internationalPrefix: '011', minLength: 11 },
    });
    assert.equal(c.trunks[2].ping, false);
    assert.equal(c.routes[0].when?.time?.tz, 'UTC');
    assert.deepEqual(c.numbering?.shortCodes, []);
  });
});

describe('routing config: cross-references', () => {
  it('names the exact path of an unknown trunk', () => {
    const routes = [
      { prefix: '+1', trunks: ['carrier-a'] },
      { prefix: '+44', trunks: ['carrier-b'] },
      { prefix: '+49', trunks: ['carrier-a'] },
      { prefix: '+33', trunks: ['carier-a', 'carrier-b'] },
    ];
    assert.deepEqual(issues({ trunks, routes }), ['routes[3].trunks[0]: unknown trunk "carier-a"']);
  });

  it('reports duplicate names, repeated trunks and the reserved name', () => {
    assert.deepEqual(
      issues({
        trunks: [...trunks, { name: 'carrier-a', uri: 'sip:192.0.2.30' }, { name: 'enum', uri: 'sip:192.0.2.40' }],
        routes: [
          { name: 'r', prefix: '+1', trunks: ['carrier-a', 'carrier-a'] },
          { name: 'r', prefix: '+2', trunks: ['carrier-b'] },
        ],
      }),
      [
        'trunks[2].name: duplicate trunk name "carrier-a"',
        'trunks[3].name: "enum" is reserved for ENUM targets',
        'routes[0].trunks[1]: trunk "carrier-a" is listed twice',
        'routes[1].name: duplicate route name "r"',
      ],
    );
  });

  it('checks weights and rates against the route and its strategy', () => {
    assert.deepEqual(
      issues({
        trunks,
        routes: [
          { prefix: '+1', trunks: ['carrier-a'], strategy: 'weighted', weights: { 'carrier-a': 1, 'carrier-b': 2 } },
          { prefix: '+2', trunks: ['carrier-a'], weights: { 'carrier-a': 1 } },
          { prefix: '+3', trunks: ['carrier-a'], strategy: 'lcr', rates: [{ trunk: 'carrier-b', prefix: '+3', rate: 0.1 }, { trunk: 'carrier-a', prefix: '+3', rate: 0.1 }, { trunk: 'carrier-a', prefix: '+3', rate: 0.2 }] },
          { prefix: '+4', trunks: ['carrier-a'], strategy: 'weighted', rates: [{ trunk: 'carrier-a', prefix: '', rate: 1 }] },
        ],
      }),
      [
        'routes[0].weights.carrier-b: weight for trunk "carrier-b", which is not in this route',
        'routes[1].weights: weights apply only to strategy "weighted", not "failover"',
        'routes[2].rates[0].trunk: rate for trunk "carrier-b", which is not in this route',
        'routes[2].rates[2].prefix: duplicate rate for trunk "carrier-a" and prefix "+3"',
        'routes[3].rates: rates apply only to strategy "lcr", not "weighted"',
      ],
    );
  });

  it('checks source trunks in conditions, shadowed rules and LNP duplicates', () => {
    assert.deepEqual(
      issues({
        trunks,
        routes: [
          { prefix: '+1', trunks: ['carrier-a'], when: { sourceTrunk: ['carrier-b', 'pbx'] } },
          { prefix: '+1', trunks: ['carrier-a'] },
          { prefix: '+1', trunks: ['carrier-b'], when: { caller: ['+44'] } },
          { prefix: '', trunks: ['carrier-b'], when: {} },
          { prefix: '', trunks: ['carrier-a'] },
        ],
        lnp: [
          { number: '+15551230000', routingNumber: '+15559990000' },
          { number: '+15551230000', routingNumber: '+15559990001' },
        ],
      }),
      [
        'routes[0].when.sourceTrunk[1]: unknown trunk "pbx"',
        'routes[2].prefix: unreachable: routes[1] has the same prefix "+1" and no conditions',
        'routes[4].prefix: unreachable: routes[3] has the same prefix "" and no conditions',
        'lnp[1].number: duplicate LNP entry for "+15551230000"',
      ],
    );
  });

  it('works inside a larger configuration through routingSections + addRoutingIssues', () => {
    const main = z.strictObject({ listen: z.array(z.string()).default([]), ...routingSections }).superRefine((c, ctx) => addRoutingIssues(c, ctx));
    const r = main.safeParse({ listen: ['udp://0.0.0.0:5060'], trunks, routes: [{ prefix: '+1', trunks: ['carrier-c'] }] });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues.map((i) => [formatPath(i.path), i.message]), [['routes[0].trunks[0]', 'unknown trunk "carrier-c"']]);
  });
});

describe('routing config: element checks', () => {
  it('rejects trunk URIs that cannot be a next hop', () => {
    const bad = (uri: string): string[] => issues({ trunks: [{ name: 't', uri }] });
    assert.deepEqual(bad('sip:gw@192.0.2.1'), ['trunks[0].uri: must not have a user part (the called number is put there on egress)']);
    assert.deepEqual(bad('tel:+15551234567'), ['trunks[0].uri: must be a sip: or sips: URI, not tel:']);
    assert.deepEqual(bad('sip:192.0.2.1;lr'), ['trunks[0].uri: only the transport parameter is allowed, not "lr"']);
    assert.deepEqual(bad('sip:192.0.2.1;transport=foo'), ['trunks[0].uri: unknown transport "foo" (udp, tcp, tls, sctp, ws or wss)']);
    assert.deepEqual(bad('sips:192.0.2.1;transport=udp'), ['trunks[0].uri: a sips: URI cannot use transport=udp']);
    assert.deepEqual(bad('sip:192.0.2.1:99999'), ['trunks[0].uri: not a valid SIP URI (expected e.g. "sip:192.0.2.10:5060;transport=tcp")']);
    assert.deepEqual(bad('sip:192.0.2.1?x=y'), ['trunks[0].uri: must not have URI headers']);
    assert.deepEqual(bad('sips:192.0.2.1:5061;transport=TLS'), []);
  });

  it('checks trunk options', () => {
    assert.deepEqual(issues({ trunks: [{ name: 'bad name', uri: 'sip:192.0.2.1', failoverOn: [302], timeout: '8 s', strip: -1, maxCalls: 0, colour: 'red' }] }), [
      'trunks[0].name: a name of letters, digits, ".", "_" or "-" (at most 64)',
      'trunks[0].maxCalls: Too small: expected number to be >0',
      'trunks[0].failoverOn[0]: Too small: expected number to be >=400',
      'trunks[0].timeout: a duration such as 500ms, 10s or 2m',
      'trunks[0].strip: Too small: expected number to be >=0',
      'trunks[0]: Unrecognized key: "colour"',
    ]);
  });

  it('checks numbering contexts', () => {
    assert.deepEqual(issues({ numbering: { countryCode: '01', nationalPrefix: 'x', internationalPrefix: '', minLength: 0 } }), [
      'numbering.countryCode: a country calling code of 1-3 digits, e.g. "1" or "44"',
      'numbering.nationalPrefix: the national (trunk) prefix, e.g. "1" or "0" ("" for none)',
      'numbering.internationalPrefix: the international prefix, e.g. "011" or "00"',
      'numbering.minLength: Too small: expected number to be >=1',
    ]);
    assert.deepEqual(issues({ trunks: [{ name: 't', uri: 'sip:192.0.2.1', normalize: { countryCode: '44', nationalPrefix: '0' } }] }), [
      'trunks[0].normalize.internationalPrefix: Invalid input: expected string, received undefined',
    ]);
  });

  it('checks route prefixes and time windows', () => {
    assert.deepEqual(
      issues({
        trunks,
        routes: [
          { prefix: '1-555', trunks: ['carrier-a'] },
          { prefix: '+1', trunks: [] },
          { prefix: '+2', trunks: ['carrier-a'], when: { time: { days: ['monday'], from: '8:00', to: '25:00', tz: 'Mars/Olympus' } } },
          { prefix: '+3', trunks: ['carrier-a'], when: { time: { from: '08:00', to: '08:00' } } },
        ],
      }),
      [
        'routes[0].prefix: digits with an optional leading "+", e.g. "+1555" ("" matches everything)',
        'routes[1].trunks: at least one trunk',
        'routes[2].when.time.days[0]: Invalid option: expected one of "sun"|"mon"|"tue"|"wed"|"thu"|"fri"|"sat"',
        'routes[2].when.time.from: a time of day "HH:MM", e.g. "08:00"',
        'routes[2].when.time.to: a time of day "HH:MM", e.g. "18:00" (or "24:00")',
        'routes[2].when.time.tz: an IANA time zone such as "UTC" or "America/New_York"',
        'routes[3].when.time.to: must differ from "from" (an empty window never matches)',
      ],
    );
  });

  it('checks LNP entries and ENUM settings', () => {
    assert.deepEqual(issues({ lnp: [{ number: '5551230000', routingNumber: '+15559990000' }], enum: { enabled: true, servers: ['127.0.0.1:53', '[::1]:5353', 'dns.example:53'], timeout: '1s' } }), [
      'lnp[0].number: an E.164 number such as "+15551230000"',
      'enum.servers[2]: a DNS server address such as "127.0.0.1:53" or "[::1]:53"',
    ]);
    const c = routingConfigSchema.parse({ enum: { enabled: true, servers: ['127.0.0.1:53', '::1'], timeout: '1s' } });
    assert.deepEqual(c.enum, { enabled: true, domain: 'e164.arpa', servers: ['127.0.0.1:53', '::1'], timeout: 1000 });
  });
});
