import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseUri, type Uri } from '../sip/message/index.js';

import { aorOf, aorParts, canonicalAor, decodedUser, isAorUri, normaliseUser, sameContactUri } from './aor.js';
import { formatSource, parseSource } from './binding-source.js';

function uri(text: string): Uri {
  const u = parseUri(text);
  assert.ok(u !== undefined, text);
  return u;
}

describe('aorOf', () => {
  it('folds sips to sip, lower-cases the host and drops port, params and headers', () => {
    assert.equal(aorOf(uri('sips:Alice@EXAMPLE.com:5061;transport=tcp?subject=x')), 'sip:Alice@example.com');
    assert.equal(aorOf(uri('sip:example.com')), 'sip:example.com');
  });

  it('normalises escapes: safe characters decoded, others upper-cased', () => {
    assert.equal(aorOf(uri('sip:%61lice@example.com')), 'sip:alice@example.com');
    assert.equal(aorOf(uri('sip:a%2fb%3a@example.com')), 'sip:a/b%3A@example.com');
    assert.equal(normaliseUser('x%7e%20y'), 'x~%20y');
  });

  it('canonicalAor, aorParts, isAorUri, decodedUser', () => {
    assert.equal(canonicalAor(' sip:bob@Example.COM;user=phone '), 'sip:bob@example.com');
    assert.equal(canonicalAor('tel:+15551234'), 'tel:+15551234');
    assert.deepEqual(aorParts('sip:bob@example.com'), { user: 'bob', domain: 'example.com' });
    assert.equal(aorParts('sip:example.com'), undefined);
    assert.ok(isAorUri(uri('sip:bob@example.com')));
    assert.ok(!isAorUri(uri('sip:example.com')));
    assert.ok(!isAorUri(uri('tel:+15551234')));
    assert.equal(decodedUser(uri('sip:b%40b@example.com')), 'b@b');
  });
});

describe('sameContactUri (RFC 3261 §19.1.4)', () => {
  it('host case-insensitive, user case-sensitive, escapes equivalent', () => {
    assert.ok(sameContactUri(uri('sip:alice@HOST.example.org'), uri('sip:alice@host.example.org')));
    assert.ok(!sameContactUri(uri('sip:Alice@host'), uri('sip:alice@host')));
    assert.ok(sameContactUri(uri('sip:%61lice@host'), uri('sip:alice@host')));
  });

  it('ports must match; an absent port is not the default port', () => {
    assert.ok(!sameContactUri(uri('sip:a@host'), uri('sip:a@host:5060')));
  });

  it('transport/user/ttl/method/maddr must match when either has them; others only when both do', () => {
    assert.ok(!sameContactUri(uri('sip:a@host;transport=tcp'), uri('sip:a@host')));
    assert.ok(sameContactUri(uri('sip:a@host;transport=TCP'), uri('sip:a@host;transport=tcp')));
    assert.ok(sameContactUri(uri('sip:a@host;ob'), uri('sip:a@host')));
    assert.ok(!sameContactUri(uri('sip:a@host;x=1'), uri('sip:a@host;x=2')));
    assert.ok(!sameContactUri(uri('sips:a@host'), uri('sip:a@host')));
  });
});

describe('binding source', () => {
  it('round-trips IPv4 and IPv6 endpoints', () => {
    assert.equal(formatSource({ protocol: 'udp', address: '192.0.2.1', port: 5060 }), 'udp:192.0.2.1:5060');
    assert.equal(formatSource({ protocol: 'tcp', address: '2001:db8::1', port: 5060 }), 'tcp:[2001:db8::1]:5060');
    assert.deepEqual(parseSource('tcp:[2001:db8::1]:5060'), { protocol: 'tcp', address: '2001:db8::1', port: 5060 });
    assert.deepEqual(parseSource('udp:192.0.2.1:5060'), { protocol: 'udp', address: '192.0.2.1', port: 5060 });
  });

  it('rejects garbage', () => {
    for (const s of [undefined, '', 'udp', 'sctp:1.2.3.4:5060', 'udp:1.2.3.4:', 'udp:1.2.3.4:99999', 'udp::5060']) assert.equal(parseSource(s), undefined, String(s));
  });
});
