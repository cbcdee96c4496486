// Via (RFC 3261 §20.42, §25.1; received and rport RFC 3581 §3; IPv6 RFC 5118).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatVia, parseVia } from './via.js';
import { parsed, rejected } from './support.test.js';

describe('Via', () => {
  it('parses sent-protocol, sent-by and branch', () => {
    const v = parsed('Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds').topVia;
    assert.equal(v.protocol, 'SIP/2.0');
    assert.equal(v.transport, 'UDP');
    assert.equal(v.host, 'pc33.atlanta.com');
    assert.equal(v.port, undefined);
    assert.equal(v.branch, 'z9hG4bK776asdhds');
    assert.equal(v.received, undefined);
    assert.equal(v.rport, undefined);
    assert.equal(v.maddr, undefined);
    assert.equal(v.ttl, undefined);
    assert.deepEqual([...v.params], [['branch', 'z9hG4bK776asdhds']]);
  });

  it('upper-cases the transport and keeps the branch case', () => {
    const v = parsed('Via: sip/2.0/tcp client.example.com:5060;Branch=Z9hG4bKAbC').topVia;
    assert.equal(v.transport, 'TCP');
    assert.equal(v.protocol, 'sip/2.0');
    assert.equal(v.port, 5060);
    assert.equal(v.branch, 'Z9hG4bKAbC');
    assert.equal(v.params.get('branch'), 'Z9hG4bKAbC');
  });

  it('allows LWS around "/", ":" and ";" (RFC 4475 §3.1.1.1 wsinv)', () => {
    const v = parsed('Via: SIP  /   2.0 /  UDP first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 ; branch=z9hG4bKa7c6a8dlze.1').topVia;
    assert.equal(v.protocol, 'SIP/2.0');
    assert.equal(v.transport, 'UDP');
    assert.equal(v.host, 'first.example.com');
    assert.equal(v.port, 4000);
    assert.equal(v.ttl, 16);
    assert.equal(v.maddr, '224.2.0.1');
    assert.equal(v.branch, 'z9hG4bKa7c6a8dlze.1');
  });

  it('reads received and a bare rport (RFC 3581 request)', () => {
    const v = parsed('Via: SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bK1;received=192.0.2.1').topVia;
    assert.equal(v.rport, true);
    assert.equal(v.received, '192.0.2.1');
    assert.equal(v.params.get('rport'), null);
  });

  it('reads a valued rport', () => {
    const v = parsed('Via: SIP/2.0/UDP 10.0.0.1:5060;received=192.0.2.1;rport=61234;branch=z9hG4bK1').topVia;
    assert.equal(v.rport, 61234);
  });

  it('handles IPv6 sent-by and received (RFC 5118 §4.5)', () => {
    const v = parsed('Via: SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKas3-111;received=2001:db8::9:255;rport').topVia;
    assert.equal(v.host, '[2001:db8::9:1]');
    assert.equal(v.port, 5070);
    assert.equal(v.received, '2001:db8::9:255');
    assert.equal(v.rport, true);
    const w = parsed('Via: SIP/2.0/TCP [::1];branch=z9hG4bK2;received=[2001:db8::1]').topVia;
    assert.equal(w.host, '[::1]');
    assert.equal(w.port, undefined);
    assert.equal(w.received, '[2001:db8::1]');
  });

  it('keeps extension parameters and flags in params, in order', () => {
    const v = parsed('Via: SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKnashds7;alias;X-Hop=3;keep').topVia;
    assert.equal(v.transport, 'WSS');
    assert.deepEqual([...v.params], [['branch', 'z9hG4bKnashds7'], ['alias', null], ['x-hop', '3'], ['keep', null]]);
  });

  it('reads several Via values in one header field, including IPv6', () => {
    const m = parsed('Via: SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1 , SIP/2.0/TCP b.example.com;branch=z9hG4bK2,SIP/2.0/UDP c;branch=z9hG4bK3');
    assert.deepEqual(m.vias.map((v) => `${v.transport} ${v.host} ${v.port ?? '-'} ${v.branch}`), [
      'UDP [2001:db8::1] 5060 z9hG4bK1',
      'TCP b.example.com - z9hG4bK2',
      'UDP c - z9hG4bK3',
    ]);
  });

  it('accepts a quoted extension parameter value', () => {
    const v = parsed('Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1;x="a;b, c"').topVia;
    assert.equal(v.params.get('x'), '"a;b, c"');
    assert.equal(v.branch, 'z9hG4bK1');
  });

  it('rejects malformed Via values with field "Via"', () => {
    for (const value of [
      'SIP/2.0/UDP',
      'SIP/2.0 pc33.atlanta.com',
      'SIP/2.0/ pc33.atlanta.com',
      '/2.0/UDP pc33.atlanta.com',
      'SIP/2.0/UDP pc33.atlanta.com junk',
      'SIP/2.0/UDP pc33.atlanta.com:',
      'SIP/2.0/UDP pc33.atlanta.com:99999',
      'SIP/2.0/UDP pc33.atlanta.com:50x0',
      'SIP/2.0/UDP [2001:db8::1',
      'SIP/2.0/UDP [2001:db8::zz]',
      'SIP/2.0/UDP []',
      'SIP/2.0/UDP ho<st',
      'SIP/2.0/UDP h;branch',
      'SIP/2.0/UDP h;branch=',
      'SIP/2.0/UDP h;received',
      'SIP/2.0/UDP h;maddr',
      'SIP/2.0/UDP h;rport=abc',
      'SIP/2.0/UDP h;rport=70000',
      'SIP/2.0/UDP h;ttl=256',
      'SIP/2.0/UDP h;ttl=x',
      'SIP/2.0/UDP h;=x',
      'SIP/2.0/UDP h;branch=z9hG4bK1;x="unterminated',
      'SIP/2.0/UDP h;branch=a<b>',
      'SIP/2.0/UDP h;branch=z9hG4bK1,',
      ', SIP/2.0/UDP h;branch=z9hG4bK1,,',
    ]) {
      if (value.endsWith(',')) continue; // empty list elements are dropped: see below
      const e = rejected(`Via: ${value}`);
      assert.equal(e.field, 'Via', value);
    }
  });

  it('drops empty list elements (RFC 3261 §7.3.1 #rule) but needs at least one Via', () => {
    assert.equal(parsed('Via: , SIP/2.0/UDP h;branch=z9hG4bK1,,').vias.length, 1);
    assert.equal(rejected('Via: , ,').field, 'Via');
  });

  it('formatVia serializes a parsed Via', () => {
    const v = parseVia('SIP/2.0/udp [::1]:5060;branch=z9hG4bK1;rport=5062;received=192.0.2.9');
    assert.equal(formatVia(v), 'SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;rport=5062;received=192.0.2.9');
  });
});
