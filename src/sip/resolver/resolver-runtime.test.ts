// SipResolver over a FakeDnsClient: SRV ordering, caching with a fake clock, failures and result shaping.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDnsClient } from './fake-dns-client.js';
import { ResolveError, ResolveErrorCode } from './resolve-error.js';
import { SipResolver } from './resolver.js';
import { uri, naptr, srv, ep, seeded, setup, rejectsWith, exampleZone } from './testing.js';

describe('SipResolver: SRV ordering (RFC 2782)', () => {
  it('tries lower priority values first', async () => {
    const { dns, resolver } = setup();
    dns
      .srv('_sip._udp.example.com', [srv(20, 100, 5060, 'backup.example.com'), srv(10, 1, 5060, 'main.example.com')])
      .a('backup.example.com', ['192.0.2.2'])
      .a('main.example.com', ['192.0.2.1']);
    for (let i = 0; i < 20; i++) {
      const targets = await resolver.resolve(uri('sip:example.com'), { supported: ['udp'] });
      assert.deepEqual(targets, [ep('udp', '192.0.2.1', 5060), ep('udp', '192.0.2.2', 5060)]);
    }
  });

  it('distributes first picks by weight within a priority', async () => {
    const { dns, resolver } = setup({ random: seeded(42) });
    dns
      .srv('_sip._udp.example.com', [srv(10, 60, 5060, 'a.example.com'), srv(10, 30, 5060, 'b.example.com'), srv(10, 10, 5060, 'c.example.com')])
      .a('a.example.com', ['192.0.2.1'])
      .a('b.example.com', ['192.0.2.2'])
      .a('c.example.com', ['192.0.2.3']);
    const draws = 2000;
    const first = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const targets = await resolver.resolve(uri('sip:example.com'), { supported: ['udp'] });
      assert.equal(targets.length, 3);
      first.set(targets[0].address, (first.get(targets[0].address) ?? 0) + 1);
    }
    const share = (address: string): number => (first.get(address) ?? 0) / draws;
    assert.ok(Math.abs(share('192.0.2.1') - 0.6) < 0.05, `weight 60 share ${share('192.0.2.1')}`);
    assert.ok(Math.abs(share('192.0.2.2') - 0.3) < 0.05, `weight 30 share ${share('192.0.2.2')}`);
    assert.ok(Math.abs(share('192.0.2.3') - 0.1) < 0.05, `weight 10 share ${share('192.0.2.3')}`);
    assert.equal(dns.count('SRV', '_sip._udp.example.com'), 1, 'reordered on every call, queried once');
  });
});

describe('SipResolver: caching', () => {
  it('answers from the cache within the TTL and queries again after expiry', async () => {
    const { dns, timers, resolver } = setup();
    dns.a('example.com', ['192.0.2.1'], 30);
    const target = uri('sip:example.com:5060');
    assert.deepEqual(await resolver.resolve(target), [ep('udp', '192.0.2.1', 5060)]);
    timers.advance(29_000);
    dns.a('example.com', ['192.0.2.2'], 30);
    assert.deepEqual(await resolver.resolve(target), [ep('udp', '192.0.2.1', 5060)], 'cached answer');
    assert.equal(dns.count('A', 'example.com'), 1);
    timers.advance(1_000);
    assert.deepEqual(await resolver.resolve(target), [ep('udp', '192.0.2.2', 5060)], 'expired after 30 s');
    assert.equal(dns.count('A', 'example.com'), 2);
  });

  it('caches negative answers for negativeTtl', async () => {
    const { dns, timers, resolver } = setup({ cache: { negativeTtl: 10 } });
    const target = uri('sip:nowhere.example.com');
    const err = await rejectsWith(resolver.resolve(target), ResolveErrorCode.NotFound, 404);
    assert.match(err.message, /nowhere\.example\.com/);
    const queries = dns.queries.length;
    assert.ok(queries >= 6);
    dns.a('nowhere.example.com', ['192.0.2.5']);
    await rejectsWith(resolver.resolve(target), ResolveErrorCode.NotFound);
    assert.equal(dns.queries.length, queries, 'no query while the negative entries live');
    timers.advance(10_000);
    assert.deepEqual(await resolver.resolve(target), [ep('udp', '192.0.2.5', 5060)]);
  });

  it('shares one query between concurrent resolutions', async () => {
    const { dns, resolver } = setup();
    exampleZone(dns);
    const [a, b] = await Promise.all([resolver.resolve(uri('sip:example.com')), resolver.resolve(uri('sip:bob@example.com'))]);
    assert.deepEqual(a, b);
    assert.equal(dns.count('NAPTR', 'example.com'), 1);
    assert.equal(dns.count('A', 'tcp1.example.com'), 1);
  });

  it('can run without a cache', async () => {
    const { dns, resolver } = setup({ cache: false });
    dns.a('example.com', ['192.0.2.1']);
    await resolver.resolve(uri('sip:example.com:5060'));
    await resolver.resolve(uri('sip:example.com:5060'));
    assert.equal(dns.count('A', 'example.com'), 2);
    assert.equal(resolver.cache, undefined);
  });
});

describe('SipResolver: failures', () => {
  it('reports DNS timeouts as SSW_RESOLVE_TIMEOUT (503) and does not cache them', async () => {
    const { dns, resolver } = setup();
    const timeout = Object.assign(new Error('queryA ETIMEOUT example.com'), { code: 'ETIMEOUT' });
    dns.fail('A', 'example.com', timeout).fail('AAAA', 'example.com', timeout);
    await rejectsWith(resolver.resolve(uri('sip:example.com:5060')), ResolveErrorCode.Timeout, 503);
    dns.remove('AAAA', 'example.com').a('example.com', ['192.0.2.1']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com:5060')), [ep('udp', '192.0.2.1', 5060)]);
  });

  it('rejects at the overall deadline when DNS does not answer', async () => {
    const { dns, timers, resolver } = setup({ timeout: 3000 });
    dns.hang('NAPTR', 'example.com');
    const pending = resolver.resolve(uri('sip:example.com'));
    timers.advance(2999);
    timers.advance(1);
    await rejectsWith(pending, ResolveErrorCode.Timeout, 503);
    dns.release();
    assert.equal(timers.pending(), 0);
  });

  it('honours a per-call deadline and clears its timer on success', async () => {
    const { dns, timers, resolver } = setup({ timeout: 0 });
    dns.hang('A', 'slow.example.com');
    const pending = resolver.resolve(uri('sip:slow.example.com:5060'), { timeout: 100 });
    timers.advance(100);
    await rejectsWith(pending, ResolveErrorCode.Timeout);
    dns.a('fast.example.com', ['192.0.2.1']);
    await resolver.resolve(uri('sip:fast.example.com:5060'), { timeout: 100 });
    assert.equal(timers.pending(), 0);
    dns.release();
  });

  it('carries on past a failed lookup when a later stage finds targets', async () => {
    const { dns, resolver } = setup();
    dns.fail('NAPTR', 'example.com', Object.assign(new Error('servfail'), { code: 'ESERVFAIL' })).a('example.com', ['192.0.2.1']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com')), [ep('udp', '192.0.2.1', 5060)]);
  });

  it('rejects with the most severe failure when nothing is found', async () => {
    const { dns, resolver } = setup({ cache: false });
    dns.fail('NAPTR', 'example.com', Object.assign(new Error('servfail'), { code: 'ESERVFAIL' }));
    await rejectsWith(resolver.resolve(uri('sip:example.com')), ResolveErrorCode.ServerFailure, 503);
    dns.fail('SRV', '_sip._udp.example.com', new ResolveError(ResolveErrorCode.Timeout, '_sip._udp.example.com', 'timed out'));
    dns.fail('NAPTR', 'example.com', new Error('weird'));
    await rejectsWith(resolver.resolve(uri('sip:example.com')), ResolveErrorCode.Timeout);
  });
});

describe('SipResolver: result shaping', () => {
  it('removes duplicate targets and caps the list', async () => {
    const { dns, resolver } = setup({ maxTargets: 2 });
    dns
      .naptr('example.com', [naptr(10, 10, 'SIP+D2U', '_sip._udp.example.com'), naptr(10, 20, 'SIP+D2U', '_sip._udp.example.com')])
      .srv('_sip._udp.example.com', [srv(0, 0, 5060, 'h.example.com')])
      .a('h.example.com', ['192.0.2.1', '192.0.2.1', '192.0.2.2', '192.0.2.3']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com')), [ep('udp', '192.0.2.1', 5060), ep('udp', '192.0.2.2', 5060)]);
  });
});
