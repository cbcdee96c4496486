// SipResolver over a FakeDnsClient: the RFC 3263 §4 decision branches (literal, NAPTR, SRV, A/AAAA, port, transport, maddr).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeDnsClient } from './fake-dns-client.js';
import { ResolveErrorCode } from './resolve-error.js';
import { SipResolver } from './resolver.js';
import { uri, naptr, srv, ep, seeded, setup, rejectsWith, exampleZone } from './testing.js';

describe('SipResolver: numeric targets (no DNS)', () => {
  it('uses an IPv4 literal directly with UDP and 5060 for sip', async () => {
    const { dns, resolver } = setup();
    assert.deepEqual(await resolver.resolve(uri('sip:alice@192.0.2.1')), [ep('udp', '192.0.2.1', 5060)]);
    assert.deepEqual(dns.queries, []);
  });

  it('uses an IPv6 reference [::1] without brackets, port and transport from the URI', async () => {
    const { dns, resolver } = setup();
    assert.deepEqual(await resolver.resolve(uri('sip:[::1]')), [ep('udp', '::1', 5060)]);
    assert.deepEqual(await resolver.resolve(uri('sip:bob@[::1]:5070;transport=tcp')), [ep('tcp', '::1', 5070)]);
    assert.deepEqual(dns.queries, []);
  });

  it('defaults sips to TLS on 5061 and maps transport=tcp to TLS', async () => {
    const { resolver } = setup();
    assert.deepEqual(await resolver.resolve(uri('sips:192.0.2.1')), [ep('tls', '192.0.2.1', 5061)]);
    assert.deepEqual(await resolver.resolve(uri('sips:192.0.2.1;transport=tcp')), [ep('tls', '192.0.2.1', 5061)]);
    assert.deepEqual(await resolver.resolve(uri('sips:192.0.2.1:6000')), [ep('tls', '192.0.2.1', 6000)]);
  });

  it('honours the transport parameter with its default port', async () => {
    const { resolver } = setup({ supported: ['udp', 'tcp', 'tls', 'ws', 'wss'] });
    assert.deepEqual(await resolver.resolve(uri('sip:192.0.2.1;transport=tls')), [ep('tls', '192.0.2.1', 5061)]);
    assert.deepEqual(await resolver.resolve(uri('sip:192.0.2.1;transport=TCP')), [ep('tcp', '192.0.2.1', 5060)]);
    assert.deepEqual(await resolver.resolve(uri('sip:192.0.2.1;transport=ws')), [ep('ws', '192.0.2.1', 80)]);
    assert.deepEqual(await resolver.resolve(uri('sips:192.0.2.1;transport=ws')), [ep('wss', '192.0.2.1', 443)]);
  });

  it('falls back to TCP for a literal when UDP is not supported', async () => {
    const { resolver } = setup();
    assert.deepEqual(await resolver.resolve(uri('sip:192.0.2.1'), { supported: ['tcp', 'tls'] }), [ep('tcp', '192.0.2.1', 5060)]);
  });
});

describe('SipResolver: URI checks', () => {
  it('rejects tel URIs as an unsupported scheme (416)', async () => {
    const { resolver } = setup();
    await rejectsWith(resolver.resolve(uri('tel:+1-201-555-0123')), ResolveErrorCode.UnsupportedScheme, 416);
  });

  it('rejects sips over UDP, unknown and unsupported transports', async () => {
    const { resolver } = setup();
    await rejectsWith(resolver.resolve(uri('sips:example.com;transport=udp')), ResolveErrorCode.UnsupportedTransport, 503);
    await rejectsWith(resolver.resolve(uri('sip:example.com;transport=sctp')), ResolveErrorCode.UnsupportedTransport);
    await rejectsWith(resolver.resolve(uri('sip:example.com;transport=ws')), ResolveErrorCode.UnsupportedTransport);
    await rejectsWith(resolver.resolve(uri('sips:example.com'), { supported: ['udp', 'tcp'] }), ResolveErrorCode.UnsupportedTransport);
  });
});

describe('SipResolver: NAPTR → SRV → A/AAAA (RFC 3263 §4.1)', () => {
  it('follows NAPTR by order, then SRV, then A and AAAA', async () => {
    const { dns, resolver } = setup();
    exampleZone(dns);
    assert.deepEqual(await resolver.resolve(uri('sip:alice@example.com')), [
      ep('tcp', '192.0.2.10', 5080),
      ep('tcp', '2001:db8::10', 5080),
      ep('udp', '192.0.2.20', 5070),
    ]);
    assert.equal(dns.count('NAPTR', 'example.com'), 1);
    assert.equal(dns.count('SRV', '_sip._tcp.example.com'), 1);
    assert.equal(dns.count('SRV', '_sips._tcp.example.com'), 0, 'no SRV fallback when NAPTR produced targets');
    assert.equal(dns.count('A', 'example.com'), 0);
  });

  it('orders by preference within the same order', async () => {
    const { dns, resolver } = setup();
    dns
      .naptr('example.com', [naptr(10, 50, 'SIP+D2U', '_sip._udp.example.com'), naptr(10, 5, 'SIP+D2T', '_sip._tcp.example.com')])
      .srv('_sip._udp.example.com', [srv(0, 0, 5060, 'h.example.com')])
      .srv('_sip._tcp.example.com', [srv(0, 0, 5060, 'h.example.com')])
      .a('h.example.com', ['192.0.2.1']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com')), [ep('tcp', '192.0.2.1', 5060), ep('udp', '192.0.2.1', 5060)]);
  });

  it('drops NAPTR records for unsupported transports, unknown services and non-"s" flags', async () => {
    const { dns, resolver } = setup();
    exampleZone(dns);
    dns.naptr('example.com', [
      naptr(1, 1, 'SIP+D2S', '_sip._sctp.example.com'),
      naptr(2, 1, 'SIP+D2T', '_sip._tcp.example.com', 'a'),
      naptr(3, 1, 'E2U+sip', '_sip._tcp.example.com'),
      naptr(10, 10, 'SIP+D2T', '_sip._tcp.example.com'),
      naptr(20, 10, 'sip+d2u', '_sip._udp.example.com'),
    ]);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com'), { supported: ['udp'] }), [ep('udp', '192.0.2.20', 5070)]);
    assert.equal(dns.count('SRV', '_sip._tcp.example.com'), 0);
    assert.equal(dns.count('SRV', '_sip._sctp.example.com'), 0);
  });

  it('keeps SIPS+D2T for a sip URI when TLS is supported (RFC 3263 §4.1)', async () => {
    const { dns, resolver } = setup();
    dns
      .naptr('example.com', [naptr(10, 10, 'SIPS+D2T', '_sips._tcp.example.com')])
      .srv('_sips._tcp.example.com', [srv(0, 0, 5061, 'tls.example.com')])
      .a('tls.example.com', ['192.0.2.30']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com')), [ep('tls', '192.0.2.30', 5061)]);
  });

  it('uses SIP+D2W / SIPS+D2W for WebSocket when ws/wss are supported (RFC 7118)', async () => {
    const { dns, resolver } = setup();
    dns
      .naptr('example.com', [
        naptr(10, 10, 'SIPS+D2W', '_sips._ws.example.com'),
        naptr(10, 20, 'SIP+D2W', '_sip._ws.example.com'),
      ])
      .srv('_sips._ws.example.com', [srv(0, 0, 443, 'ws.example.com')])
      .srv('_sip._ws.example.com', [srv(0, 0, 80, 'ws.example.com')])
      .a('ws.example.com', ['192.0.2.40']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com'), { supported: ['ws', 'wss'] }), [
      ep('wss', '192.0.2.40', 443),
      ep('ws', '192.0.2.40', 80),
    ]);
    assert.deepEqual(await resolver.resolve(uri('sips:example.com'), { supported: ['ws', 'wss'] }), [ep('wss', '192.0.2.40', 443)]);
  });

  it('for sips keeps only SIPS services, hence only TLS', async () => {
    const { dns, resolver } = setup();
    exampleZone(dns);
    dns
      .naptr('example.com', [
        naptr(10, 10, 'SIP+D2T', '_sip._tcp.example.com'),
        naptr(10, 20, 'SIP+D2U', '_sip._udp.example.com'),
        naptr(30, 10, 'SIPS+D2T', '_sips._tcp.example.com'),
      ])
      .srv('_sips._tcp.example.com', [srv(0, 0, 5061, 'tls.example.com')])
      .a('tls.example.com', ['192.0.2.30']);
    assert.deepEqual(await resolver.resolve(uri('sips:example.com')), [ep('tls', '192.0.2.30', 5061)]);
    assert.equal(dns.count('SRV', '_sip._tcp.example.com'), 0);
  });

  it('falls through to SRV queries when no NAPTR record is usable', async () => {
    const { dns, resolver } = setup();
    dns
      .naptr('example.com', [naptr(10, 10, 'SIPS+D2T', '_sips._tcp.example.com')])
      .srv('_sip._udp.example.com', [srv(0, 0, 5060, 'udp1.example.com')])
      .a('udp1.example.com', ['192.0.2.20']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com'), { supported: ['udp'] }), [ep('udp', '192.0.2.20', 5060)]);
  });

  it('skips SRV targets of "." and unresolvable SRV targets', async () => {
    const { dns, resolver } = setup();
    dns
      .srv('_sip._udp.example.com', [srv(0, 0, 5060, '.')])
      .srv('_sip._tcp.example.com', [srv(0, 0, 5060, 'ghost.example.com'), srv(1, 0, 5062, 'tcp1.example.com')])
      .a('tcp1.example.com', ['192.0.2.10']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com')), [ep('tcp', '192.0.2.10', 5062)]);
  });
});

describe('SipResolver: without NAPTR or SRV', () => {
  it('queries _sip._udp, _sip._tcp and _sips._tcp in supported order when there is no NAPTR', async () => {
    const { dns, resolver } = setup();
    dns
      .srv('_sip._udp.example.com', [srv(0, 0, 5060, 'udp1.example.com')])
      .srv('_sip._tcp.example.com', [srv(0, 0, 5060, 'tcp1.example.com')])
      .srv('_sips._tcp.example.com', [srv(0, 0, 5061, 'tls1.example.com')])
      .a('udp1.example.com', ['192.0.2.1'])
      .a('tcp1.example.com', ['192.0.2.2'])
      .a('tls1.example.com', ['192.0.2.3']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com')), [
      ep('udp', '192.0.2.1', 5060),
      ep('tcp', '192.0.2.2', 5060),
      ep('tls', '192.0.2.3', 5061),
    ]);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com'), { supported: ['tls', 'udp'] }), [
      ep('tls', '192.0.2.3', 5061),
      ep('udp', '192.0.2.1', 5060),
    ]);
    assert.deepEqual(await resolver.resolve(uri('sips:example.com')), [ep('tls', '192.0.2.3', 5061)]);
    assert.equal(dns.count('SRV', '_sip._udp.example.com'), 1, 'answer cached across calls');
  });

  it('uses A then AAAA at the default port when there is no SRV either', async () => {
    const { dns, resolver } = setup();
    dns.a('example.com', ['192.0.2.1', '192.0.2.2']).aaaa('example.com', ['2001:db8::1']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com')), [
      ep('udp', '192.0.2.1', 5060),
      ep('udp', '192.0.2.2', 5060),
      ep('udp', '2001:db8::1', 5060),
    ]);
    assert.deepEqual(await resolver.resolve(uri('sips:example.com')), [
      ep('tls', '192.0.2.1', 5061),
      ep('tls', '192.0.2.2', 5061),
      ep('tls', '2001:db8::1', 5061),
    ]);
    assert.deepEqual(dns.queries.slice(0, 5), [
      'NAPTR example.com',
      'SRV _sip._udp.example.com',
      'SRV _sip._tcp.example.com',
      'SRV _sips._tcp.example.com',
      'A example.com',
    ]);
  });

  it('follows the address family preference', async () => {
    const { dns, resolver } = setup({ addressFamilies: [6, 4] });
    dns.a('example.com', ['192.0.2.1']).aaaa('example.com', ['2001:db8::1']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com')), [ep('udp', '2001:db8::1', 5060), ep('udp', '192.0.2.1', 5060)]);
    const v4only = setup({ addressFamilies: [4] });
    v4only.dns.a('example.com', ['192.0.2.1']).aaaa('example.com', ['2001:db8::1']);
    assert.deepEqual(await v4only.resolver.resolve(uri('sip:example.com')), [ep('udp', '192.0.2.1', 5060)]);
    assert.equal(v4only.dns.count('AAAA', 'example.com'), 0);
  });
});

describe('SipResolver: explicit port, transport and maddr (RFC 3263 §4.1, §4.2)', () => {
  it('skips NAPTR and SRV when the URI has a port', async () => {
    const { dns, resolver } = setup();
    exampleZone(dns);
    dns.a('example.com', ['192.0.2.99']);
    assert.deepEqual(await resolver.resolve(uri('sip:alice@example.com:5080')), [ep('udp', '192.0.2.99', 5080)]);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com:5080;transport=tcp')), [ep('tcp', '192.0.2.99', 5080)]);
    assert.deepEqual(await resolver.resolve(uri('sips:example.com:5081')), [ep('tls', '192.0.2.99', 5081)]);
    assert.equal(dns.queries.filter((q) => q.startsWith('NAPTR') || q.startsWith('SRV')).length, 0);
  });

  it('does SRV for the given transport only, then A at its default port', async () => {
    const { dns, resolver } = setup({ supported: ['udp', 'tcp', 'tls', 'ws'] });
    exampleZone(dns);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com;transport=tcp')), [
      ep('tcp', '192.0.2.10', 5080),
      ep('tcp', '2001:db8::10', 5080),
    ]);
    assert.equal(dns.count('NAPTR', 'example.com'), 0);
    assert.equal(dns.count('SRV', '_sip._udp.example.com'), 0);
    dns.a('example.com', ['192.0.2.99']);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com;transport=tls')), [ep('tls', '192.0.2.99', 5061)]);
    assert.equal(dns.count('SRV', '_sips._tcp.example.com'), 1);
    assert.deepEqual(await resolver.resolve(uri('sip:example.com;transport=ws')), [ep('ws', '192.0.2.99', 80)]);
  });

  it('lets maddr override the host', async () => {
    const { dns, resolver } = setup();
    exampleZone(dns);
    assert.deepEqual(await resolver.resolve(uri('sip:alice@example.com;maddr=192.0.2.7')), [ep('udp', '192.0.2.7', 5060)]);
    assert.deepEqual(await resolver.resolve(uri('sip:alice@example.com:5090;maddr=[2001:db8::7];transport=tcp')), [
      ep('tcp', '2001:db8::7', 5090),
    ]);
    assert.equal(dns.queries.length, 0);
    dns.a('proxy.example.net', ['198.51.100.1']);
    assert.deepEqual(await resolver.resolve(uri('sip:alice@example.com;maddr=Proxy.Example.NET')), [ep('udp', '198.51.100.1', 5060)]);
    assert.equal(dns.count('NAPTR', 'proxy.example.net'), 1);
    assert.equal(dns.count('NAPTR', 'example.com'), 0);
  });
});
