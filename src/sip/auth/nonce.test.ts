import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NonceTracker } from './nonce-tracker.js';
import { NONCE_LENGTH, createNonce, verifyNonce } from './nonce.js';

const secret = Buffer.from('0123456789abcdef0123456789abcdef');

describe('stateless nonce', () => {
  it('verifies its own nonces and returns the issue time', () => {
    const n = createNonce(secret, 'example.com', 1_700_000_000_123);
    assert.equal(n.length, NONCE_LENGTH);
    assert.deepEqual(verifyNonce(secret, 'example.com', n), { ok: true, issuedAt: 1_700_000_000_123 });
    assert.notEqual(createNonce(secret, 'example.com', 1), createNonce(secret, 'example.com', 1), 'random part');
  });

  it('rejects other realms, other secrets, every single-character tamper and junk', () => {
    const n = createNonce(secret, 'example.com', 1_700_000_000_000);
    assert.equal(verifyNonce(secret, 'other.example.com', n).ok, false);
    assert.equal(verifyNonce(Buffer.from('another secret, 32 bytes long!!!'), 'example.com', n).ok, false);
    for (let i = 0; i < n.length; i++) {
      const c = n[i] === 'A' ? 'B' : 'A';
      assert.equal(verifyNonce(secret, 'example.com', n.slice(0, i) + c + n.slice(i + 1)).ok, false, `position ${i}`);
    }
    for (const junk of ['', 'x', n + 'A', n.slice(1), '!'.repeat(NONCE_LENGTH), n.replace(/.$/, '=')]) {
      assert.equal(verifyNonce(secret, 'example.com', junk).ok, false, junk);
    }
  });
});

describe('NonceTracker', () => {
  it('requires strictly increasing nc per nonce', () => {
    const t = new NonceTracker();
    assert.equal(t.use('n1', 0, 1000, 1, 0), 'ok');
    assert.equal(t.use('n1', 0, 1000, 1, 0), 'replay');
    assert.equal(t.use('n1', 0, 1000, 3, 0), 'ok');
    assert.equal(t.use('n1', 0, 1000, 2, 0), 'replay');
    assert.equal(t.use('n1', 0, 1000, 4, 0), 'ok');
    assert.equal(t.use('n2', 0, 1000, 1, 0), 'ok');
  });

  it('allows a nonce once without qop', () => {
    const t = new NonceTracker();
    assert.equal(t.use('n', 0, 1000, undefined, 0), 'ok');
    assert.equal(t.use('n', 0, 1000, undefined, 0), 'replay');
    assert.equal(t.use('n', 0, 1000, 5, 0), 'replay');
    assert.equal(t.use('m', 0, 1000, 1, 0), 'ok');
    assert.equal(t.use('m', 0, 1000, undefined, 0), 'replay');
  });

  it('stays bounded and never re-admits an evicted live nonce', () => {
    const t = new NonceTracker({ maxEntries: 3 });
    for (let i = 1; i <= 5; i++) assert.equal(t.use(`n${i}`, i, 10_000, 1, 0), 'ok');
    assert.equal(t.size, 3);
    assert.equal(t.use('n1', 1, 10_000, 2, 0), 'evicted');
    assert.equal(t.use('n2', 2, 10_000, 2, 0), 'evicted');
    assert.equal(t.use('n5', 5, 10_000, 2, 0), 'ok');
    assert.equal(t.use('n6', 6, 10_000, 1, 0), 'ok', 'nonces issued after the watermark are fine');
  });

  it('drops expired entries without raising the watermark', () => {
    const t = new NonceTracker({ maxEntries: 2 });
    assert.equal(t.use('a', 10, 100, 1, 0), 'ok');
    assert.equal(t.use('b', 20, 100, 1, 0), 'ok');
    assert.equal(t.use('c', 30, 1000, 1, 200), 'ok');
    assert.equal(t.size, 1);
    assert.equal(t.use('d', 25, 1000, 1, 200), 'ok');
  });
});
