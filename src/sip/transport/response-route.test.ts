import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sameAddress } from './address.js';
import { responseDestination } from './response-route.js';

describe('responseDestination (RFC 3261 §18.2.2, RFC 3581 §4)', () => {
  const base = { host: '192.0.2.1', port: 5070 };
  it('UDP: maddr, then received + rport, then received + sent-by port, then sent-by', () => {
    assert.deepEqual(responseDestination({ ...base, transport: 'UDP', maddr: '239.0.0.1', received: '198.51.100.1', rport: 9 }), { protocol: 'udp', address: '239.0.0.1', port: 5070 });
    assert.deepEqual(responseDestination({ ...base, transport: 'UDP', received: '198.51.100.1', rport: 40000 }), { protocol: 'udp', address: '198.51.100.1', port: 40000 });
    assert.deepEqual(responseDestination({ ...base, transport: 'UDP', received: '198.51.100.1', rport: true }), { protocol: 'udp', address: '198.51.100.1', port: 5070 });
    assert.deepEqual(responseDestination({ ...base, transport: 'UDP' }), { protocol: 'udp', address: '192.0.2.1', port: 5070 });
    assert.deepEqual(responseDestination({ transport: 'UDP', host: '[2001:db8::1]', port: undefined }), { protocol: 'udp', address: '2001:db8::1', port: 5060 });
  });

  it('reliable: received (or sent-by host) with the sent-by port or the transport default', () => {
    assert.deepEqual(responseDestination({ ...base, transport: 'TCP', received: '198.51.100.1', rport: 40000 }), { protocol: 'tcp', address: '198.51.100.1', port: 5070 });
    assert.deepEqual(responseDestination({ transport: 'TLS', host: '192.0.2.9', port: undefined }), { protocol: 'tls', address: '192.0.2.9', port: 5061 });
  });

  it('gives up on host names without received and on unknown transports', () => {
    assert.equal(responseDestination({ transport: 'UDP', host: 'pc33.example.com', port: 5060 }), undefined);
    assert.equal(responseDestination({ ...base, transport: 'SCTP' }), undefined);
  });
});

describe('sameAddress', () => {
  it('compares IPv6 spellings, brackets and IPv4-mapped forms', () => {
    assert.ok(sameAddress('::1', '[0:0:0:0:0:0:0:1]'));
    assert.ok(sameAddress('2001:DB8::1', '2001:db8:0::1'));
    assert.ok(sameAddress('::ffff:127.0.0.1', '127.0.0.1'));
    assert.ok(!sameAddress('::1', '::2'));
    assert.ok(!sameAddress('example.com', '127.0.0.1'));
  });
});
