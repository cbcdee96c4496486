// SipMessage: raw header access, mutation (with typed-cache invalidation) and serialization.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage } from './parser.js';
import { ParseError } from './parse-error.js';
import type { SipMessage, SipRequest } from './message.js';
import { parseUri } from './uri.js';

function parse(s: string | Buffer): SipMessage {
  const r = parseMessage(typeof s === 'string' ? Buffer.from(s) : s);
  if (!r.ok) assert.fail(`${r.error.code}: ${r.error.message}`);
  return r.message;
}

const INVITE = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds ; rport',
  'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1, SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK2',
  'Max-Forwards: 70',
  'X-Unknown-Header: keep   inner   spacing',
  'To: Bob <sip:bob@biloxi.com>',
  'f: "Alice" <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
  'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
  'Require: 100rel',
  'Content-Type: text/plain',
  'Content-Length: 5',
  '',
  'hello',
].join('\r\n');

describe('serializer', () => {
  it('round-trips: start line, header order, spelling and unknown headers preserved', () => {
    const m = parse(INVITE);
    assert.equal(m.toBuffer().toString(), INVITE);
    assert.equal(m.toString(), INVITE.slice(0, INVITE.indexOf('\r\n\r\n') + 4));
    const again = parse(m.toBuffer());
    assert.equal(again.toBuffer().toString(), INVITE);
  });

  it('round-trips the fixtures byte for byte', () => {
    const dir = fileURLToPath(new URL('../../../test/fixtures/sip/', import.meta.url));
    for (const f of ['invite-typical.sip', 'ok-200.sip']) {
      const buf = readFileSync(dir + f);
      assert.equal(parse(buf).toBuffer().toString('latin1'), buf.toString('latin1'), f);
    }
  });

  it('fixes up Content-Length from the body', () => {
    const m = parse(INVITE);
    m.body = Buffer.from('hello world');
    assert.match(m.toBuffer().toString(), /\r\nContent-Length: 11\r\n\r\nhello world$/);
  });

  it('adds a missing Content-Length and writes "l" in the compact spelling', () => {
    const noLen = INVITE.replace('Content-Length: 5\r\n', '');
    const m = parse(noLen);
    const out = m.toBuffer().toString();
    assert.match(out, /\r\nContent-Length: 5\r\n\r\nhello$/);
    const compact = parse(INVITE.replace('Content-Length: 5', 'l: 5'));
    assert.match(compact.toBuffer().toString(), /\r\nl: 5\r\n\r\nhello$/);
  });

  it('truncated datagram bodies are re-emitted at their Content-Length', () => {
    const m = parse(INVITE + ' and more');
    assert.equal(m.toBuffer().toString(), INVITE);
  });

  it('unfolds folded headers on output', () => {
    const m = parse(INVITE.replace('X-Unknown-Header: keep   inner   spacing', 'Subject: a\r\n  b'));
    assert.match(m.toBuffer().toString(), /\r\nSubject: a b\r\n/);
  });

  it('writes binary bodies as they are', () => {
    const head = INVITE.slice(0, INVITE.indexOf('\r\n\r\n') + 4).replace('Content-Length: 5', 'Content-Length: 4');
    const body = Buffer.from([0, 0xff, 0x0d, 0x0a]);
    const m = parse(Buffer.concat([Buffer.from(head), body]));
    assert.deepEqual(m.body, body);
    assert.deepEqual(m.toBuffer().subarray(-4), body);
  });
});

describe('raw header access', () => {
  it('header(), headerValues(), hasHeader() understand compact forms and case', () => {
    const m = parse(INVITE);
    assert.equal(m.header('via'), 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds ; rport');
    assert.deepEqual(m.headerValues('V'), [
      'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds ; rport',
      'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1, SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK2',
    ]);
    assert.equal(m.hasHeader('FROM'), true);
    assert.equal(m.hasHeader('Subject'), false);
    assert.equal(m.header('x-unknown-header'), 'keep   inner   spacing');
    assert.deepEqual(m.list('via').length, 3);
  });
});

describe('headers list', () => {
  it('lists the fields of a parsed message in wire order, spelling kept and folding undone', () => {
    const m = parse(INVITE.replace('X-Unknown-Header: keep   inner   spacing', 'Subject: a\r\n  b'));
    assert.deepEqual(m.headers.slice(0, 5), [
      { name: 'v', value: 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds ; rport', key: 'via' },
      { name: 'Via', value: 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1, SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK2', key: 'via' },
      { name: 'Max-Forwards', value: '70', key: 'max-forwards' },
      { name: 'Subject', value: 'a b', key: 'subject' },
      { name: 'To', value: 'Bob <sip:bob@biloxi.com>', key: 'to' },
    ]);
    assert.equal(m.headers.length, 12);
    assert.equal(m.headers, m.headers); // one list, not rebuilt on every read
  });

  it('direct edits of the list are serialized; assigning a new list replaces it', () => {
    const m = parse(INVITE);
    m.headers.push({ name: 'X-Added', value: '1', key: 'x-added' });
    assert.equal(m.header('x-added'), '1');
    assert.match(m.toString(), /\r\nX-Added: 1\r\n/);
    assert.deepEqual(m.require, ['100rel']);
    assert.equal(m.topVia.branch, 'z9hG4bK776asdhds');
    m.headers = m.headers.filter((h) => h.key !== 'require' && h.name !== 'v');
    assert.deepEqual(m.headerValues('Require'), []);
    assert.deepEqual(m.require, []);
    assert.equal(m.topVia.branch, 'z9hG4bK1');
  });
});

describe('mutation invalidates typed caches', () => {
  it('setHeader replaces all fields of that name at the first position', () => {
    const m = parse(INVITE);
    assert.equal(m.vias.length, 3);
    m.setHeader('Via', 'SIP/2.0/TCP new.example.com;branch=z9hG4bKnew');
    assert.equal(m.vias.length, 1);
    assert.equal(m.topVia.host, 'new.example.com');
    assert.equal(m.headers[0].name, 'v');
    assert.equal(m.headers[1].name, 'Max-Forwards');
    assert.equal(m.headers.filter((h) => h.key === 'via').length, 1);

    assert.equal(m.from.tag, '1928301774');
    m.setHeader('From', '<sip:carol@chicago.com>;tag=x');
    assert.equal(m.from.tag, 'x');
    assert.equal(m.from.uri.user, 'carol');

    assert.equal(m.cseq.seq, 314159);
    m.setHeader('CSeq', '314160 INVITE');
    assert.equal(m.cseq.seq, 314160);

    m.setHeader('Call-ID', 'new@id');
    assert.equal(m.callId, 'new@id');

    assert.equal(m.maxForwards, 70);
    m.setHeader('max-forwards', '69');
    assert.equal(m.maxForwards, 69);

    m.setHeader('Subject', 'appended');
    assert.equal(m.headers[m.headers.length - 1].name, 'Subject');
  });

  it('appendHeader and prependHeader add fields and refresh the typed views', () => {
    const m = parse(INVITE);
    assert.equal(m.routes.length, 2);
    m.appendHeader('Route', '<sip:p3.example.com;lr>');
    assert.deepEqual(m.routes.map((r) => r.uri.host), ['p1.example.com', 'p2.example.com', 'p3.example.com']);
    m.prependHeader('Route', '<sip:p0.example.com;lr>');
    assert.deepEqual(m.routes.map((r) => r.uri.host), ['p0.example.com', 'p1.example.com', 'p2.example.com', 'p3.example.com']);

    m.prependHeader('Via', 'SIP/2.0/UDP me.example.com;branch=z9hG4bKtop');
    assert.equal(m.topVia.branch, 'z9hG4bKtop');
    assert.equal(m.headers[0].value, 'SIP/2.0/UDP me.example.com;branch=z9hG4bKtop');
    assert.equal(m.headers[0].name, 'Via');
    assert.equal(m.vias.length, 4);

    assert.deepEqual(m.require, ['100rel']);
    m.appendHeader('Require', 'timer');
    assert.deepEqual(m.require, ['100rel', 'timer']);

    assert.equal(m.recordRoutes.length, 0);
    m.prependHeader('Record-Route', '<sip:me.example.com;lr>');
    assert.equal(m.recordRoutes[0].uri.host, 'me.example.com');
    assert.equal(m.headers[0].name, 'Record-Route');

    m.appendHeader('m', '<sip:alice@pc33.atlanta.com>');
    assert.equal(m.headers[m.headers.length - 1].name, 'Contact');
    assert.equal(m.contacts.length, 1);

    m.appendHeader('Resource-Priority', 'ets.0');
    assert.equal(m.resourcePriority.length, 1);
    m.appendHeader('Resource-Priority', 'wps.1, bad');
    assert.equal(m.resourcePriority.length, 2);
    assert.deepEqual(m.resourcePriorityErrors, ['bad']);
  });

  it('removeHeader removes every field and the typed views follow', () => {
    const m = parse(INVITE);
    assert.equal(m.routes.length, 2);
    m.removeHeader('route');
    assert.deepEqual(m.routes, []);
    assert.equal(m.header('Route'), undefined);
    assert.equal(m.maxForwards, 70);
    m.removeHeader('Max-Forwards');
    assert.equal(m.maxForwards, undefined);
    assert.equal(m.contentType?.subtype, 'plain');
    m.removeHeader('c');
    assert.equal(m.contentType, undefined);
    m.removeHeader('Via');
    assert.deepEqual(m.vias, []);
    assert.throws(() => m.topVia, ParseError);
    m.removeHeader('Call-ID');
    assert.throws(() => m.callId, ParseError);
  });

  it('removeFirstValue pops the top element of a comma list or the whole field', () => {
    const m = parse(INVITE);
    m.removeFirstValue('Via');
    assert.deepEqual(m.vias.map((v) => v.branch), ['z9hG4bK1', 'z9hG4bK2']);
    m.removeFirstValue('Via');
    assert.deepEqual(m.vias.map((v) => v.branch), ['z9hG4bK2']);
    assert.equal(m.header('via'), 'SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK2');
    m.removeFirstValue('Route');
    assert.deepEqual(m.routes.map((r) => r.uri.host), ['p2.example.com']);
    m.removeFirstValue('route');
    assert.deepEqual(m.routes, []);
    m.removeFirstValue('route');
    assert.deepEqual(m.routes, []);
  });

  it('a bad value set later surfaces as a ParseError from the accessor', () => {
    const m = parse(INVITE);
    m.setHeader('CSeq', 'garbage');
    assert.throws(() => m.cseq, ParseError);
    m.setHeader('Max-Forwards', 'lots');
    assert.throws(() => m.maxForwards, ParseError);
    m.setHeader('Via', 'nonsense');
    assert.throws(() => m.vias, ParseError);
    m.setHeader('To', '<sip:x');
    assert.throws(() => m.to, ParseError);
  });

  it('removeFirstValue on an unterminated quote throws ParseError', () => {
    const m = parse(INVITE.replace('X-Unknown-Header: keep   inner   spacing', 'Route: "open <sip:x>, <sip:y>'));
    assert.throws(() => m.removeFirstValue('Route'), ParseError);
  });

  it('setting the Request-URI updates the start line', () => {
    const m = parse(INVITE) as SipRequest;
    m.uri = parseUri('sip:carol@chicago.com;transport=tcp')!;
    assert.equal(m.uriText, 'sip:carol@chicago.com;transport=tcp');
    assert.ok(m.toString().startsWith('INVITE sip:carol@chicago.com;transport=tcp SIP/2.0\r\n'));
  });

  it('edits survive a serialize/parse round trip', () => {
    const m = parse(INVITE);
    m.prependHeader('Via', 'SIP/2.0/UDP me.example.com;branch=z9hG4bKtop');
    m.removeFirstValue('Route');
    m.setHeader('Max-Forwards', '69');
    const again = parse(m.toBuffer());
    assert.equal(again.topVia.branch, 'z9hG4bKtop');
    assert.equal(again.routes.length, 1);
    assert.equal(again.maxForwards, 69);
    assert.equal(again.toBuffer().toString(), m.toBuffer().toString());
  });
});
