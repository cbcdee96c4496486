// createRequest / createResponse (RFC 3261 §8.1.1, §8.2.6) and the identifier generators.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse, generateBranch, generateCallId, generateTag, MAGIC_COOKIE, reasonPhrase } from './build.js';
import { parseMessage } from './parser.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseUri } from './uri.js';

function request(extra: [string, string][] = []): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: 'sip:bob@biloxi.com',
    headers: [
      ['Via', 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds'],
      ['Via', 'SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1'],
      ['Max-Forwards', '70'],
      ['To', 'Bob <sip:bob@biloxi.com>'],
      ['From', 'Alice <sip:alice@atlanta.com>;tag=1928301774'],
      ['Call-ID', 'a84b4c76e66710@pc33.atlanta.com'],
      ['CSeq', '314159 INVITE'],
      ['Timestamp', '54.2 0.5'],
      ['Record-Route', '<sip:p1.example.com;lr>'],
      ...extra,
    ],
    body: 'v=0\r\n',
  });
}

function reparse<T>(m: { toBuffer(): Buffer }): T {
  const r = parseMessage(m.toBuffer());
  if (!r.ok) assert.fail(r.error.message);
  return r.message as T;
}

describe('createRequest', () => {
  it('builds a request that parses back to the same values', () => {
    const req = request();
    assert.equal(req.method, 'INVITE');
    assert.equal(req.uri.user, 'bob');
    assert.equal(req.uriText, 'sip:bob@biloxi.com');
    assert.equal(req.topVia.branch, 'z9hG4bK776asdhds');
    const back = reparse<SipRequest>(req);
    assert.equal(back.method, 'INVITE');
    assert.equal(back.callId, req.callId);
    assert.equal(back.body.toString(), 'v=0\r\n');
    assert.match(req.toBuffer().toString(), /\r\nContent-Length: 5\r\n\r\nv=0\r\n$/);
    assert.equal(back.toBuffer().toString(), req.toBuffer().toString());
  });

  it('accepts a Uri object and compact header names', () => {
    const req = createRequest({ method: 'OPTIONS', uri: parseUri('sips:[2001:db8::1]:5061')!, headers: [['v', 'SIP/2.0/TLS h;branch=z9hG4bK1'], ['i', 'x']] });
    assert.equal(req.uriText, 'sips:[2001:db8::1]:5061');
    assert.equal(req.callId, 'x');
    assert.equal(req.topVia.transport, 'TLS');
    assert.equal(req.body.length, 0);
  });

  it('throws on an invalid Request-URI string', () => {
    assert.throws(() => createRequest({ method: 'INVITE', uri: 'not a uri', headers: [] }));
  });
});

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('copies Via (in order), From, To, Call-ID and CSeq, and adds the To tag', () => {
    const res = createResponse(request(), 200, undefined, { toTag: 'a6c85cf', headers: [['Contact', '<sip:bob@192.0.2.4>']] });
    assert.equal(res.status, 200);
    assert.equal(res.reason, 'OK');
    assert.deepEqual(res.vias.map((v) => v.branch), ['z9hG4bK776asdhds', 'z9hG4bK1']);
    assert.equal(res.from.tag, '1928301774');
    assert.equal(res.to.tag, 'a6c85cf');
    assert.equal(res.to.uri.user, 'bob');
    assert.equal(res.callId, 'a84b4c76e66710@pc33.atlanta.com');
    assert.deepEqual(res.cseq, { seq: 314159, method: 'INVITE' });
    assert.equal(res.header('Max-Forwards'), undefined);
    assert.equal(res.header('Record-Route'), undefined);
    assert.equal(res.header('Timestamp'), undefined);
    assert.equal(res.contacts[0].uri.host, '192.0.2.4');
    const back = reparse<SipResponse>(res);
    assert.equal(back.to.tag, 'a6c85cf');
    assert.equal(back.toBuffer().toString(), res.toBuffer().toString());
  });

  it('keeps an existing To tag', () => {
    const req = createRequest({
      method: 'BYE', uri: 'sip:bob@biloxi.com',
      headers: [['Via', 'SIP/2.0/UDP h;branch=z9hG4bK1'], ['To', '<sip:bob@biloxi.com>;tag=existing'], ['From', '<sip:a@b>;tag=1'], ['Call-ID', 'c'], ['CSeq', '2 BYE']],
    });
    const res = createResponse(req, 200, undefined, { toTag: 'other' });
    assert.equal(res.to.tag, 'existing');
  });

  it('a 100 Trying copies Timestamp and never adds a To tag (§8.2.6.1)', () => {
    const res = createResponse(request(), 100, undefined, { toTag: 'nope' });
    assert.equal(res.reason, 'Trying');
    assert.equal(res.header('Timestamp'), '54.2 0.5');
    assert.equal(res.to.tag, undefined);
  });

  it('uses the given reason phrase and body', () => {
    const res = createResponse(request(), 486, 'Busy Here Now', { body: Buffer.from('x') });
    assert.equal(res.reason, 'Busy Here Now');
    assert.equal(res.body.toString(), 'x');
    assert.ok(res.toBuffer().toString().startsWith('SIP/2.0 486 Busy Here Now\r\n'));
  });

  it('a response from a parsed request with compact headers keeps their spelling', () => {
    const r = parseMessage(Buffer.from('OPTIONS sip:b@c SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nt: <sip:b@c>\r\nf: <sip:a@c>;tag=1\r\ni: id\r\nCSeq: 1 OPTIONS\r\n\r\n'));
    assert.ok(r.ok && r.message.isRequest);
    const res = createResponse(r.message as SipRequest, 200, undefined, { toTag: 'tt' });
    assert.equal(res.to.tag, 'tt');
    assert.match(res.toString(), /\r\nt: <sip:b@c>;tag=tt\r\n/);
  });
});

describe('generators and reason phrases', () => {
  it('branches carry the magic cookie and are unique', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const b = generateBranch();
      assert.ok(b.startsWith(MAGIC_COOKIE));
      assert.match(b, /^[A-Za-z0-9_-]+$/);
      seen.add(b);
    }
    assert.equal(seen.size, 1000);
  });

  it('tags and Call-IDs are tokens / words', () => {
    assert.match(generateTag(), /^[A-Za-z0-9_-]{8,}$/);
    assert.match(generateCallId('example.com'), /^[A-Za-z0-9_-]+@example\.com$/);
    assert.notEqual(generateCallId(), generateCallId());
  });

  it('reasonPhrase knows the common codes and falls back by class', () => {
    assert.equal(reasonPhrase(180), 'Ringing');
    assert.equal(reasonPhrase(417), 'Unknown Resource-Priority');
    assert.equal(reasonPhrase(199), 'Provisional');
    assert.equal(reasonPhrase(299), 'OK');
    assert.equal(reasonPhrase(499), 'Error');
  });
});
