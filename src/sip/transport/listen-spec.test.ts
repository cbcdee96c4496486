import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ListenSpecError, parseListenSpec } from './listen-spec.js';

describe('parseListenSpec', () => {
  it('reads protocol, address, port and family', () => {
    assert.deepEqual(parseListenSpec('udp://127.0.0.1:5060'), { protocol: 'udp', address: '127.0.0.1', port: 5060, family: 4 });
    assert.deepEqual(parseListenSpec('tcp://[::1]:5070'), { protocol: 'tcp', address: '::1', port: 5070, family: 6 });
    assert.deepEqual(parseListenSpec('UDP://0.0.0.0'), { protocol: 'udp', address: '0.0.0.0', port: 5060, family: 4 });
    assert.equal(parseListenSpec('ws://127.0.0.1').port, 80);
    assert.equal(parseListenSpec('udp://[::]:0').port, 0);
  });

  it('reads tls credentials, ws paths and advertise', () => {
    const tls = parseListenSpec('tls://[::]:5061?key=/etc/k.pem&cert=/etc/c%20d.pem&advertise=sip.example.com:5061');
    assert.deepEqual(tls, {
      protocol: 'tls', address: '::', port: 5061, family: 6,
      tls: { keyPath: '/etc/k.pem', certPath: '/etc/c d.pem' },
      advertise: { host: 'sip.example.com', port: 5061 },
    });
    assert.equal(parseListenSpec('ws://127.0.0.1:8088/sip').path, '/sip');
    assert.equal(parseListenSpec('ws://127.0.0.1:8088/').path, undefined);
    assert.deepEqual(parseListenSpec('udp://0.0.0.0:5060?advertise=203.0.113.9').advertise, { host: '203.0.113.9' });
  });

  it('rejects bad specs with an error naming the spec', () => {
    for (const bad of [
      '127.0.0.1:5060',
      'sctp://127.0.0.1:5060',
      'udp://localhost:5060',
      'udp://::1:5060',
      'udp://127.0.0.1:70000',
      'udp://127.0.0.1:50x',
      'tls://127.0.0.1:5061',
      'tls://127.0.0.1:5061?key=/k.pem',
      'udp://127.0.0.1:5060?key=/k.pem&cert=/c.pem',
      'udp://127.0.0.1:5060/path',
      'udp://127.0.0.1:5060?color=blue',
      'udp://[::1',
    ]) {
      assert.throws(() => parseListenSpec(bad), (e: unknown) => e instanceof ListenSpecError && e.spec === bad && e.message.includes(`"${bad}"`), bad);
    }
  });
});
