import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DnsCache, normalizeName } from './cache.js';
import type { AddressRecord } from './dns-client.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const addr = (address: string, ttl?: number): AddressRecord => ({ address, ttl });

describe('DnsCache', () => {
  it('keeps a positive answer for its smallest record TTL', () => {
    const c = clock();
    const cache = new DnsCache({}, c.now);
    cache.set('A', 'example.com', [addr('192.0.2.1', 60), addr('192.0.2.2', 20)]);
    c.advance(19_999);
    assert.equal(cache.get('A', 'EXAMPLE.com.')?.length, 2, 'names are case-insensitive, root dot optional');
    c.advance(1);
    assert.equal(cache.get('A', 'example.com'), undefined);
    assert.equal(cache.size, 0);
  });

  it('uses defaultTtl for records without a TTL and caps at maxTtl', () => {
    const c = clock();
    const cache = new DnsCache({ defaultTtl: 5, maxTtl: 100 }, c.now);
    cache.set('SRV', '_sip._udp.example.com', [{ priority: 0, weight: 0, port: 5060, name: 'h' }]);
    cache.set('A', 'long.example.com', [addr('192.0.2.1', 86_400)]);
    c.advance(5_000);
    assert.equal(cache.get('SRV', '_sip._udp.example.com'), undefined);
    c.advance(94_999);
    assert.ok(cache.get('A', 'long.example.com'));
    c.advance(1);
    assert.equal(cache.get('A', 'long.example.com'), undefined);
  });

  it('keeps empty answers for negativeTtl and stores nothing for TTL 0', () => {
    const c = clock();
    const cache = new DnsCache({ negativeTtl: 10 }, c.now);
    cache.set('NAPTR', 'example.com', []);
    cache.set('A', 'zero.example.com', [addr('192.0.2.1', 0)]);
    assert.deepEqual(cache.get('NAPTR', 'example.com'), []);
    assert.equal(cache.get('A', 'zero.example.com'), undefined);
    c.advance(10_000);
    assert.equal(cache.get('NAPTR', 'example.com'), undefined);
  });

  it('is bounded: the least recently used entry goes first', () => {
    const cache = new DnsCache({ maxEntries: 2 }, () => 0);
    cache.set('A', 'a', [addr('192.0.2.1')]);
    cache.set('A', 'b', [addr('192.0.2.2')]);
    assert.ok(cache.get('A', 'a'), 'touch a so b is the oldest');
    cache.set('A', 'c', [addr('192.0.2.3')]);
    assert.equal(cache.size, 2);
    assert.ok(cache.get('A', 'a'));
    assert.equal(cache.get('A', 'b'), undefined);
    assert.ok(cache.get('A', 'c'));
    assert.equal(cache.stats().evictions, 1);
  });

  it('keys by record type', () => {
    const cache = new DnsCache({}, () => 0);
    cache.set('A', 'example.com', [addr('192.0.2.1')]);
    assert.equal(cache.get('AAAA', 'example.com'), undefined);
  });

  it('lookup: fetches once, serves hits, coalesces concurrent misses', async () => {
    const cache = new DnsCache({}, () => 0);
    let fetches = 0;
    const fetch = async (): Promise<AddressRecord[]> => {
      fetches++;
      return [addr('192.0.2.1', 30)];
    };
    const [x, y] = await Promise.all([cache.lookup('A', 'example.com', fetch), cache.lookup('A', 'example.com', fetch)]);
    assert.equal(x, y);
    assert.equal(fetches, 1);
    await cache.lookup('A', 'example.com', fetch);
    assert.equal(fetches, 1);
    assert.deepEqual(cache.stats(), { size: 1, hits: 2, misses: 1, evictions: 0 });
    assert.ok(Object.isFrozen(x));
  });

  it('lookup: failures (even synchronous throws) are passed on and never cached', async () => {
    const cache = new DnsCache({}, () => 0);
    await assert.rejects(cache.lookup('A', 'example.com', () => Promise.reject(new Error('boom'))), /boom/);
    await assert.rejects(
      cache.lookup('A', 'example.com', () => {
        throw new Error('sync');
      }),
      /sync/,
    );
    assert.equal(cache.size, 0);
    const ok = await cache.lookup('A', 'example.com', async () => [addr('192.0.2.1')]);
    assert.equal(ok.length, 1);
  });

  it('delete and clear drop entries', () => {
    const cache = new DnsCache({}, () => 0);
    cache.set('A', 'a', [addr('192.0.2.1')]);
    cache.set('A', 'b', [addr('192.0.2.2')]);
    cache.delete('A', 'a');
    assert.equal(cache.get('A', 'a'), undefined);
    cache.clear();
    assert.equal(cache.size, 0);
  });

  it('normalizeName lower-cases and drops the root dot', () => {
    assert.equal(normalizeName('Example.COM.'), 'example.com');
    assert.equal(normalizeName('example.com'), 'example.com');
  });
});
