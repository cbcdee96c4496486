// RFC 3665 (SIP Basic Call Flow Examples) §2.1 registration F1–F4 and §3.1 session establishment
// F1–F6 against the message layer (docs/api-message.md): each parses with the facts the flow shows,
// and parseMessage(msg.toBuffer()) gives back an equal message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseMessage, ParseError, type SipMessage } from '../../src/sip/message/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rfc3665');

function load(name: string): SipMessage {
  const buf = readFileSync(join(dir, `${name}.sip`));
  let res;
  try {
    res = parseMessage(buf);
  } catch (e) {
    assert.fail(`${name}: parseMessage threw ${String(e)}`);
  }
  if (!res.ok) {
    assert.ok(res.error instanceof ParseError);
    assert.fail(`${name}: ParseError ${res.error.code} field=${String(res.error.field)} status=${res.error.status}: ${res.error.message}`);
  }
  return res.message;
}

function roundTrip(name: string, a: SipMessage): void {
  const out = a.toBuffer();
  const res = parseMessage(out);
  assert.ok(res.ok, `${name}: toBuffer() output does not re-parse: ${res.ok ? '' : res.error.message}\n${out.toString('latin1')}`);
  const b = res.message;
  assert.equal(b.isRequest, a.isRequest);
  if (a.isRequest && b.isRequest) {
    assert.equal(b.method, a.method);
    assert.equal(b.uri.toString(), a.uri.toString());
  } else if (!a.isRequest && !b.isRequest) {
    assert.equal(b.status, a.status);
    assert.equal(b.reason, a.reason);
  }
  const fields = (m: SipMessage) => m.headers.map((h) => ({ name: h.name, value: h.value }));
  assert.deepStrictEqual(fields(b), fields(a), `${name}: header fields differ after toBuffer()`);
  assert.ok(b.body.equals(a.body), `${name}: body differs after toBuffer()`);
  // Serialising a parsed message is stable.
  assert.ok(b.toBuffer().equals(out), `${name}: toBuffer() is not stable across a re-parse`);
}

const SDP_ALICE =
  'v=0\r\no=alice 2890844526 2890844526 IN IP4 client.atlanta.example.com\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const SDP_BOB =
  'v=0\r\no=bob 2890844527 2890844527 IN IP4 client.biloxi.example.com\r\ns=-\r\nc=IN IP4 192.0.2.201\r\nt=0 0\r\nm=audio 3456 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

// ---- §2.1 Successful New Registration ---------------------------------------------------------

test('RFC 3665 §2.1 F1 REGISTER Bob -> SIP Server', () => {
  const m = load('reg-F1');
  assert.ok(m.isRequest);
  assert.equal(m.method, 'REGISTER');
  assert.equal(m.uri.scheme, 'sips');
  assert.equal(m.uri.host, 'ss2.biloxi.example.com');
  assert.equal(m.uri.user, undefined);
  assert.equal(m.vias.length, 1);
  assert.equal(m.topVia.protocol, 'SIP/2.0');
  assert.equal(m.topVia.transport, 'TLS');
  assert.equal(m.topVia.host, 'client.biloxi.example.com');
  assert.equal(m.topVia.port, 5061);
  assert.equal(m.topVia.branch, 'z9hG4bKnashds7');
  assert.equal(m.maxForwards, 70);
  assert.equal(m.from.displayName, 'Bob');
  assert.equal(m.from.uri.scheme, 'sips');
  assert.equal(m.from.uri.user, 'bob');
  assert.equal(m.from.uri.host, 'biloxi.example.com');
  assert.equal(m.from.tag, 'a73kszlfl');
  assert.equal(m.to.displayName, 'Bob');
  assert.equal(m.to.tag, undefined);
  assert.equal(m.callId, '1j9FpLxk3uxtm8tn@biloxi.example.com');
  assert.deepStrictEqual(m.cseq, { seq: 1, method: 'REGISTER' });
  assert.equal(m.contacts.length, 1);
  assert.equal(m.contactStar, false);
  assert.equal(m.contacts[0].uri.toString(), 'sips:bob@client.biloxi.example.com');
  assert.equal(m.contentLength, 0);
  assert.equal(m.body.length, 0);
  roundTrip('reg-F1', m);
});

test('RFC 3665 §2.1 F2 401 Unauthorized SIP Server -> Bob', () => {
  const m = load('reg-F2');
  assert.ok(!m.isRequest);
  assert.equal(m.status, 401);
  assert.equal(m.reason, 'Unauthorized');
  assert.equal(m.topVia.branch, 'z9hG4bKnashds7');
  assert.equal(m.topVia.received, '192.0.2.201'); // folded onto a continuation line
  assert.equal(m.to.tag, '1410948204');
  assert.equal(m.from.tag, 'a73kszlfl');
  assert.deepStrictEqual(m.cseq, { seq: 1, method: 'REGISTER' });
  assert.equal(
    m.header('WWW-Authenticate'),
    'Digest realm="atlanta.example.com", qop="auth", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="", stale=FALSE, algorithm=MD5',
  );
  assert.equal(m.contentLength, 0);
  roundTrip('reg-F2', m);
});

test('RFC 3665 §2.1 F3 REGISTER Bob -> SIP Server (with credentials)', () => {
  const m = load('reg-F3');
  assert.ok(m.isRequest);
  assert.equal(m.method, 'REGISTER');
  assert.equal(m.topVia.branch, 'z9hG4bKnashd92');
  assert.equal(m.from.tag, 'ja743ks76zlflH');
  assert.equal(m.to.tag, undefined);
  assert.deepStrictEqual(m.cseq, { seq: 2, method: 'REGISTER' });
  // The RFC's example lacks the comma after realm="..."; Authorization is opaque to the message layer.
  assert.equal(
    m.header('Authorization'),
    'Digest username="bob", realm="atlanta.example.com" nonce="ea9c8e88df84f1cec4341ae6cbe5a359", opaque="", uri="sips:ss2.biloxi.example.com", response="dfe56131d1958046689d83306477ecc"',
  );
  roundTrip('reg-F3', m);
});

test('RFC 3665 §2.1 F4 200 OK SIP Server -> Bob', () => {
  const m = load('reg-F4');
  assert.ok(!m.isRequest);
  assert.equal(m.status, 200);
  assert.equal(m.reason, 'OK');
  assert.equal(m.topVia.received, '192.0.2.201');
  assert.equal(m.to.tag, '37GkEhwl6');
  assert.equal(m.contacts.length, 1);
  assert.equal(m.contacts[0].uri.toString(), 'sips:bob@client.biloxi.example.com');
  assert.equal(m.contacts[0].expires, 3600);
  assert.deepStrictEqual(m.cseq, { seq: 2, method: 'REGISTER' });
  roundTrip('reg-F4', m);
});

// ---- §3.1 Successful Session Establishment --------------------------------------------------

test('RFC 3665 §3.1 F1 INVITE Alice -> Bob', () => {
  const m = load('call-F1');
  assert.ok(m.isRequest);
  assert.equal(m.method, 'INVITE');
  assert.equal(m.uri.toString(), 'sip:bob@biloxi.example.com');
  assert.equal(m.topVia.transport, 'TCP');
  assert.equal(m.topVia.host, 'client.atlanta.example.com');
  assert.equal(m.topVia.port, 5060);
  assert.equal(m.topVia.branch, 'z9hG4bK74bf9');
  assert.equal(m.maxForwards, 70);
  assert.equal(m.from.displayName, 'Alice');
  assert.equal(m.from.tag, '9fxced76sl');
  assert.equal(m.to.displayName, 'Bob');
  assert.equal(m.to.tag, undefined);
  assert.equal(m.callId, '3848276298220188511@atlanta.example.com');
  assert.deepStrictEqual(m.cseq, { seq: 1, method: 'INVITE' });
  assert.equal(m.contacts[0].uri.params.get('transport'), 'tcp');
  assert.equal(m.contentType?.type, 'application');
  assert.equal(m.contentType?.subtype, 'sdp');
  assert.equal(m.contentLength, 151);
  assert.equal(m.body.toString('latin1'), SDP_ALICE);
  roundTrip('call-F1', m);
});

test('RFC 3665 §3.1 F2 180 Ringing Bob -> Alice', () => {
  const m = load('call-F2');
  assert.ok(!m.isRequest);
  assert.equal(m.status, 180);
  assert.equal(m.reason, 'Ringing');
  assert.equal(m.topVia.branch, 'z9hG4bK74bf9');
  assert.equal(m.topVia.received, '192.0.2.101');
  assert.equal(m.to.tag, '8321234356');
  assert.deepStrictEqual(m.cseq, { seq: 1, method: 'INVITE' });
  assert.equal(m.contacts[0].uri.toString(), 'sip:bob@client.biloxi.example.com;transport=tcp');
  assert.equal(m.contentLength, 0);
  roundTrip('call-F2', m);
});

test('RFC 3665 §3.1 F3 200 OK Bob -> Alice', () => {
  const m = load('call-F3');
  assert.ok(!m.isRequest);
  assert.equal(m.status, 200);
  assert.equal(m.to.tag, '8321234356');
  assert.equal(m.contentLength, 147);
  assert.equal(m.body.toString('latin1'), SDP_BOB);
  roundTrip('call-F3', m);
});

test('RFC 3665 §3.1 F4 ACK Alice -> Bob', () => {
  const m = load('call-F4');
  assert.ok(m.isRequest);
  assert.equal(m.method, 'ACK');
  assert.equal(m.uri.toString(), 'sip:bob@client.biloxi.example.com');
  assert.equal(m.topVia.branch, 'z9hG4bK74bd5');
  assert.deepStrictEqual(m.cseq, { seq: 1, method: 'ACK' });
  assert.equal(m.to.tag, '8321234356');
  assert.equal(m.from.tag, '9fxced76sl');
  roundTrip('call-F4', m);
});

test('RFC 3665 §3.1 F5 BYE Bob -> Alice', () => {
  const m = load('call-F5');
  assert.ok(m.isRequest);
  assert.equal(m.method, 'BYE');
  assert.equal(m.uri.toString(), 'sip:alice@client.atlanta.example.com');
  assert.equal(m.topVia.host, 'client.biloxi.example.com');
  assert.equal(m.topVia.branch, 'z9hG4bKnashds7');
  assert.equal(m.from.tag, '8321234356');
  assert.equal(m.to.tag, '9fxced76sl');
  assert.deepStrictEqual(m.cseq, { seq: 1, method: 'BYE' });
  roundTrip('call-F5', m);
});

test('RFC 3665 §3.1 F6 200 OK Alice -> Bob', () => {
  const m = load('call-F6');
  assert.ok(!m.isRequest);
  assert.equal(m.status, 200);
  assert.equal(m.topVia.received, '192.0.2.201');
  assert.deepStrictEqual(m.cseq, { seq: 1, method: 'BYE' });
  roundTrip('call-F6', m);
});

test('RFC 3665 §3.1: the dialog identifiers line up across the flow', () => {
  const invite = load('call-F1');
  const ok = load('call-F3');
  const ack = load('call-F4');
  const bye = load('call-F5');
  for (const m of [ok, ack, bye]) assert.equal(m.callId, invite.callId);
  assert.equal(ack.from.tag, invite.from.tag);
  assert.equal(ack.to.tag, ok.to.tag);
  // BYE from the callee: its From tag is the callee's tag, its To tag the caller's.
  assert.equal(bye.from.tag, ok.to.tag);
  assert.equal(bye.to.tag, invite.from.tag);
});
