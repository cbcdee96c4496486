// CSeq, Call-ID, Max-Forwards, Content-Type, option tags, Reason (RFC 3326), Retry-After.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsed, rejected, throwsParseError } from './support.test.js';

describe('CSeq, Call-ID, Max-Forwards', () => {
  it('CSeq with LWS between number and method', () => {
    assert.deepEqual(parsed('CSeq:   4711 \t INVITE').cseq, { seq: 4711, method: 'INVITE' });
  });

  it('Call-ID with and without "@", case kept', () => {
    assert.equal(parsed('Call-ID: f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com').callId, 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com');
    assert.equal(parsed('i: AbC123').callId, 'AbC123');
  });

  it('numbers accept leading zeros (1*DIGIT), however many', () => {
    assert.equal(parsed('Max-Forwards: 007').maxForwards, 7);
    assert.equal(parsed(`Max-Forwards: ${'0'.repeat(30)}70`).maxForwards, 70);
    assert.deepEqual(parsed(`CSeq: ${'0'.repeat(20)}314159 INVITE`).cseq, { seq: 314159, method: 'INVITE' });
    assert.equal(parsed('Contact: <sip:a@b>;expires=000000000003600').contacts[0].expires, 3600);
  });

  it('rejects a Call-ID with inner whitespace', () => {
    assert.equal(rejected('Call-ID: a b').field, 'Call-ID');
  });
});

describe('Content-Type (RFC 3261 §20.15)', () => {
  it('lower-cases type and subtype, keeps parameter values', () => {
    const ct = parsed('Content-Type: Application/SDP ; charset=UTF-8').contentType;
    assert.deepEqual(ct && { type: ct.type, subtype: ct.subtype, params: [...ct.params] }, { type: 'application', subtype: 'sdp', params: [['charset', 'UTF-8']] });
  });

  it('keeps quoted parameter values with their quotes', () => {
    const ct = parsed('c: multipart/mixed;boundary="unique boundary 1"').contentType;
    assert.equal(ct?.type, 'multipart');
    assert.equal(ct?.params.get('boundary'), '"unique boundary 1"');
  });

  it('is undefined when absent', () => {
    assert.equal(parsed().contentType, undefined);
  });

  it('throws ParseError on malformed values', () => {
    for (const v of ['application', '/sdp', 'application/', 'app lication/sdp', 'application/sdp junk', 'application/sdp;', 'text/plain;charset="x']) {
      throwsParseError(() => parsed(`Content-Type: ${v}`).contentType, 'Content-Type');
    }
  });
});

describe('Require, Proxy-Require, Supported, Unsupported (RFC 3261 §20.32, §20.29, §20.37, §20.40)', () => {
  it('splits, trims and lower-cases option tags across fields', () => {
    const m = parsed('Require: 100rel, Timer', 'Require: precondition', 'Proxy-Require: sec-agree', 'k: replaces,timer', 'Unsupported: foo');
    assert.deepEqual(m.require, ['100rel', 'timer', 'precondition']);
    assert.deepEqual(m.proxyRequire, ['sec-agree']);
    assert.deepEqual(m.supported, ['replaces', 'timer']);
    assert.deepEqual(m.unsupported, ['foo']);
  });

  it('is empty when absent or empty (Supported may be empty)', () => {
    const m = parsed('Supported:');
    assert.deepEqual(m.supported, []);
    assert.deepEqual(m.require, []);
    assert.deepEqual(m.proxyRequire, []);
    assert.deepEqual(m.unsupported, []);
  });

  it('throws ParseError for a tag that is not a token', () => {
    throwsParseError(() => parsed('Require: 100rel timer').require, 'Require');
    throwsParseError(() => parsed('Proxy-Require: "x"').proxyRequire, 'Proxy-Require');
    throwsParseError(() => parsed('Supported: a;b').supported, 'Supported');
    throwsParseError(() => parsed('Unsupported: <x>').unsupported, 'Unsupported');
  });
});

describe('Reason (RFC 3326)', () => {
  it('parses protocol, cause and quoted text with LWS', () => {
    const m = parsed('Reason: SIP ;cause=200 ;text="Call completed elsewhere"', 'Reason: Q.850;cause=16;text="Terminated \\"normally\\"", preemption ;cause=1 ;text="UA Preemption"');
    assert.deepEqual(m.reasons.map((r) => [r.protocol, r.cause, r.text]), [
      ['SIP', 200, 'Call completed elsewhere'],
      ['Q.850', 16, 'Terminated "normally"'],
      ['preemption', 1, 'UA Preemption'],
    ]);
    assert.equal(m.reasons[0].params.get('text'), '"Call completed elsewhere"');
  });

  it('allows a protocol without cause or text', () => {
    const [r] = parsed('Reason: SIP').reasons;
    assert.equal(r.protocol, 'SIP');
    assert.equal(r.cause, undefined);
    assert.equal(r.text, undefined);
  });

  it('throws ParseError on malformed values', () => {
    for (const v of ['SIP;cause=abc', ';cause=1', 'SIP;cause', 'SIP;text="open', 'S@P;cause=1', 'SIP cause=1']) {
      throwsParseError(() => parsed(`Reason: ${v}`).reasons, 'Reason');
    }
  });
});

describe('Retry-After (RFC 3261 §20.33)', () => {
  it('seconds, comment and duration', () => {
    const r = parsed("Retry-After: 18000;duration=3600").retryAfter;
    assert.equal(r?.seconds, 18000);
    assert.equal(r?.duration, 3600);
    assert.equal(r?.comment, undefined);
    const c = parsed("Retry-After: 120 (I'm in a meeting (really)) ;duration=60;x=y").retryAfter;
    assert.equal(c?.seconds, 120);
    assert.equal(c?.comment, "I'm in a meeting (really)");
    assert.equal(c?.duration, 60);
    assert.equal(c?.params.get('x'), 'y');
  });

  it('is undefined when absent', () => {
    assert.equal(parsed().retryAfter, undefined);
  });

  it('throws ParseError on malformed values', () => {
    for (const v of ['abc', '-5', '', '120 (unbalanced', '120;duration=x', '120;duration', '120 junk', '12 0']) {
      throwsParseError(() => parsed(`Retry-After: ${v}`).retryAfter, 'Retry-After');
    }
  });
});
