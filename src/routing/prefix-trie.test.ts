import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { PrefixTrie } from './prefix-trie.js';

describe('PrefixTrie', () => {
  it('finds the longest stored prefix', () => {
    const t = PrefixTrie.from([
      ['+1', 'nanp'],
      ['+1555', 'area-555'],
      ['+15551', 'exchange'],
      ['+44', 'uk'],
    ]);
    assert.equal(t.lookup('+15551234567'), 'exchange');
    assert.equal(t.lookup('+15559999999'), 'area-555');
    assert.equal(t.lookup('+12125550000'), 'nanp');
    assert.equal(t.lookup('+442079460000'), 'uk');
    assert.equal(t.lookup('+33142685300'), undefined);
    assert.deepEqual(t.match('+15559999999'), { prefix: '+1555', value: 'area-555' });
    assert.equal(t.size, 4);
  });

  it('uses the empty prefix as the default entry', () => {
    const t = PrefixTrie.from([
      ['', 'default'],
      ['+1', 'nanp'],
    ]);
    assert.equal(t.lookup('+33142685300'), 'default');
    assert.equal(t.lookup(''), 'default');
    assert.equal(t.lookup('alice'), 'default');
    assert.deepEqual(t.match('+1555'), { prefix: '+1', value: 'nanp' });
  });

  it('lists every matching prefix longest first', () => {
    const t = PrefixTrie.from([
      ['', 0],
      ['+1', 1],
      ['+155', 3],
      ['+1555', 4],
      ['+2', 9],
    ]);
    assert.deepEqual(t.matchAll('+15551234').map((m) => m.prefix), ['+1555', '+155', '+1', '']);
    assert.deepEqual(t.matchAll('+3').map((m) => m.value), [0]);
    assert.deepEqual(new PrefixTrie<number>().matchAll('+1'), []);
  });

  it('distinguishes "+" numbers from national digits and short codes with * and #', () => {
    const t = PrefixTrie.from([
      ['1', 'national'],
      ['+1', 'e164'],
      ['*67', 'feature'],
      ['#31#', 'clir'],
    ]);
    assert.equal(t.lookup('15551234567'), 'national');
    assert.equal(t.lookup('+15551234567'), 'e164');
    assert.equal(t.lookup('*675551234'), 'feature');
    assert.equal(t.lookup('#31#5551234'), 'clir');
  });

  it('stops at characters outside the alphabet', () => {
    const t = PrefixTrie.from([['+1', 'a'], ['+1555', 'b']]);
    assert.equal(t.lookup('+1-555'), 'a');
    assert.equal(t.lookup('+1é555'), 'a');
  });

  it('replaces values and answers exact gets', () => {
    const t = new PrefixTrie<string>(1);
    t.set('+1', 'x').set('+1', 'y');
    assert.equal(t.size, 1);
    assert.equal(t.get('+1'), 'y');
    assert.equal(t.get('+'), undefined);
    assert.equal(t.get('+12'), undefined);
    assert.equal(t.get('x'), undefined);
    assert.throws(() => t.set('+1-555', 'z'), /only digits/);
  });

  it('agrees with a brute-force scan over many random prefixes', () => {
    let seed = 42;
    const rnd = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(rnd() * 10))).join('');
    const t = new PrefixTrie<number>(4);
    const map = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const p = `+${digits(1 + Math.floor(rnd() * 6))}`;
      t.set(p, i);
      map.set(p, i);
    }
    assert.equal(t.size, map.size);
    for (let i = 0; i < 2000; i++) {
      const key = `+${digits(11)}`;
      let best: string | undefined;
      for (const p of map.keys()) if (key.startsWith(p) && (best === undefined || p.length > best.length)) best = p;
      assert.equal(t.lookup(key), best === undefined ? undefined : map.get(best), key);
    }
  });
});
