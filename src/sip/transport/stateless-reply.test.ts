import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawPeek } from './raw-peek.js';
import { buildStatelessReply, hasTag } from './stateless-reply.js';
import { formatViaText, parseViaText, splitFirstElement, stampReceived } from './via-text.js';

const src = { protocol: 'udp' as const, address: '192.0.2.50', port: 40000 };

function raw(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
}

describe('RawPeek', () => {
  const msg = raw([
    '\r\nINVITE sip:bob@example.com SIP/2.0',
    'v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1',
    'VIA: SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
    'Resource-Priority: dsn.flash,',
    ' wps.2',
    'i: abc@x',
    'Subject: caf\u00c3\u00a9',
  ]);

  it('reads the start line and headers in long or compact form, unfolding', () => {
    const peek = new RawPeek(msg);
    assert.equal(peek.isRequest, true);
    assert.equal(peek.method, 'INVITE');
    assert.equal(peek.header('Via'), 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1');
    assert.equal(peek.header('call-id'), 'abc@x');
    assert.equal(peek.header('I'), 'abc@x');
    assert.equal(peek.header('resource-priority'), 'dsn.flash, wps.2');
    assert.equal(peek.header('s'), 'café', 'header() decodes UTF-8');
    assert.equal(peek.header('To'), undefined);
    assert.deepEqual(peek.rawValues('via').length, 2);
  });

  it('treats a SIP/ start line as a response and stops at the blank line', () => {
    const peek = new RawPeek(Buffer.from('SIP/2.0 200 OK\r\nTo: <sip:a>\r\n\r\nTo: body'));
    assert.equal(peek.isRequest, false);
    assert.equal(peek.method, '');
    assert.deepEqual(peek.rawValues('to'), ['<sip:a>']);
  });
});

describe('Via text', () => {
  it('parses and re-forms one via-parm, with odd spacing and IPv6', () => {
    const v = parseViaText('SIP / 2.0 / UDP  [2001:db8::1] : 5070 ;branch=z9hG4bKx;rport;x="a;b"');
    assert.ok(v);
    assert.equal(v.host, '[2001:db8::1]');
    assert.equal(v.port, 5070);
    assert.deepEqual(v.params, [['branch', 'z9hG4bKx'], ['rport', null], ['x', '"a;b"']]);
    assert.equal(formatViaText(v), 'SIP/2.0/UDP [2001:db8::1]:5070;branch=z9hG4bKx;rport;x="a;b"');
    assert.equal(parseViaText('garbage'), undefined);
  });

  it('stamps received and rport per RFC 3581 §4', () => {
    const a = parseViaText('SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK1');
    assert.ok(a && !stampReceived(a, src), 'same host, no rport: untouched');
    const b = parseViaText('SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK1;rport');
    assert.ok(b && stampReceived(b, src));
    assert.equal(formatViaText(b), 'SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bK1;rport=40000;received=192.0.2.50');
    const c = parseViaText('SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1');
    assert.ok(c && stampReceived(c, src));
    assert.equal(formatViaText(c), 'SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.50');
  });

  it('splits the first element of a combined Via value', () => {
    assert.deepEqual(splitFirstElement('SIP/2.0/UDP a;x="1,2" , SIP/2.0/UDP b'), { first: 'SIP/2.0/UDP a;x="1,2"', rest: 'SIP/2.0/UDP b' });
  });
});

describe('buildStatelessReply', () => {
  const request = (method: string, extra: string[] = []): RawPeek =>
    new RawPeek(
      raw([
        `${method} sip:bob@example.com SIP/2.0`,
        'Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKa;rport, SIP/2.0/UDP p1.example.com;branch=z9hG4bKb',
        'Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bKc',
        'From: "A, B" <sip:alice@example.com>;tag=9',
        'To: <sip:bob@example.com;tag=uri-param-not-a-tag>',
        'Call-ID: c1@example.com',
        `CSeq: 7 ${method}`,
        ...extra,
      ]),
    );

  it('copies Via, From, To (adding a tag), Call-ID and CSeq, and stamps the top Via', () => {
    const r = buildStatelessReply(request('INVITE'), 503, 'Overloaded\r\nX: injected', src, { retryAfter: 30 });
    assert.ok(r);
    const text = r.data.toString('latin1');
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'SIP/2.0 503 Overloaded  X: injected');
    assert.equal(lines[1], 'Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bKa;rport=40000;received=192.0.2.50, SIP/2.0/UDP p1.example.com;branch=z9hG4bKb');
    assert.equal(lines[2], 'Via: SIP/2.0/UDP p2.example.com;branch=z9hG4bKc');
    assert.equal(lines[3], 'From: "A, B" <sip:alice@example.com>;tag=9');
    assert.match(lines[4], /^To: <sip:bob@example.com;tag=uri-param-not-a-tag>;tag=[0-9a-f]{12}$/);
    assert.ok(text.includes('\r\nRetry-After: 30\r\n'));
    assert.ok(text.endsWith('Content-Length: 0\r\n\r\n'));
  });

  it('never answers ACK, responses, or requests missing routing headers', () => {
    assert.equal(buildStatelessReply(request('ACK'), 400, 'Bad', src), undefined);
    assert.equal(buildStatelessReply(new RawPeek(Buffer.from('SIP/2.0 200 OK\r\n\r\n')), 400, 'Bad', src), undefined);
    assert.equal(buildStatelessReply(new RawPeek(raw(['OPTIONS sip:a SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1'])), 400, 'Bad', src), undefined);
  });

  it('recognises To tags outside the URI only', () => {
    assert.equal(hasTag('<sip:a@b>;tag=1'), true);
    assert.equal(hasTag('sip:a@b;TAG=1'), true);
    assert.equal(hasTag('"x;tag=y" <sip:a@b>'), false);
    assert.equal(hasTag('<sip:a@b;tag=1>'), false);
  });
});
