import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type FrameEvent, FramingErrorCode, StreamFramer, scanContentLength } from './stream-framer.js';

function msg(body: string, lengthHeader = 'Content-Length'): string {
  return (
    'INVITE sip:bob@example.com SIP/2.0\r\n' +
    'Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK1\r\n' +
    'Call-ID: abc@127.0.0.1\r\n' +
    `${lengthHeader}: ${Buffer.byteLength(body)}\r\n` +
    '\r\n' +
    body
  );
}

function messages(events: FrameEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'message' ? [e.data.toString('latin1')] : []));
}

function feed(framer: StreamFramer, chunks: Buffer[]): FrameEvent[] {
  return chunks.flatMap((c) => framer.push(c));
}

describe('StreamFramer', () => {
  it('frames back-to-back messages in one chunk without copying', () => {
    const a = msg('hello');
    const b = msg('', 'l');
    const framer = new StreamFramer();
    const events = framer.push(Buffer.from(a + b, 'latin1'));
    assert.deepEqual(messages(events), [a, b]);
    assert.equal(framer.buffered, 0);
  });

  it('skips CRLF keep-alives and reports each double-CRLF ping (RFC 5626 §3.5.1)', () => {
    const a = msg('x');
    const framer = new StreamFramer();
    const events = framer.push(Buffer.from('\r\n\r\n' + a + '\r\n' + '\r\n\r\n' + a, 'latin1'));
    assert.deepEqual(
      events.map((e) => e.type),
      ['ping', 'message', 'ping', 'message'],
    );
    // a lone CRLF (a pong) is skipped silently
    assert.deepEqual(framer.push(Buffer.from('\r\n')), []);
  });

  it('recognises a ping split across chunks', () => {
    const framer = new StreamFramer();
    assert.deepEqual(feed(framer, [Buffer.from('\r'), Buffer.from('\n\r'), Buffer.from('\n')]), [{ type: 'ping' }]);
  });

  it('reads Content-Length in any case, compact form, with folding', () => {
    const head = (h: string) => Buffer.from(`OPTIONS sip:a SIP/2.0\r\n${h}\r\nX: y\r\n\r\n`, 'latin1');
    const scan = (h: string) => {
      const b = head(h);
      return scanContentLength(b, 0, b.length);
    };
    assert.equal(scan('CONTENT-LENGTH: 12'), 12);
    assert.equal(scan('l:7'), 7);
    assert.equal(scan('L : 7'), 7);
    assert.equal(scan('Content-Length:\r\n 42'), 42);
    assert.equal(scan('Content-Type: text/plain'), undefined);
    assert.equal(scan('Content-Length: abc'), -1);
    assert.equal(scan('Content-Length: 1\r\nl: 2'), -1);
    assert.equal(scan('Content-Length: 3\r\nl: 3'), 3);
  });

  it('gives the same messages when input is split at random points (fast-check)', () => {
    const piece = fc.constantFrom('a', 'xyz', ' ', '\r\n', '\r\n\r\n', 'é', 'l: 9', '\u00ff');
    const body = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''));
    const bodies = fc.array(body, { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(bodies, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (bs, cuts, keepAlives) => {
        const msgs = bs.map((b, i) => msg(b, i % 2 ? 'l' : 'Content-Length'));
        const wire = Buffer.from(msgs.map((m) => (keepAlives ? '\r\n\r\n' + m : m)).join(''), 'utf8');
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((x, y) => x - y);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, wire.length]) {
          chunks.push(wire.subarray(prev, p));
          prev = p;
        }
        const framer = new StreamFramer();
        const events = feed(framer, chunks);
        assert.deepEqual(messages(events), msgs.map((m) => Buffer.from(m, 'utf8').toString('latin1')));
        assert.equal(events.filter((e) => e.type === 'ping').length, keepAlives ? msgs.length : 0);
        assert.equal(framer.buffered, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('is correct when input arrives one byte at a time', () => {
    const wire = Buffer.from('\r\n\r\n' + msg('abc') + msg('') + '\r\n\r\n' + msg('body with\r\n\r\ninside'), 'latin1');
    const framer = new StreamFramer({ maxHeaderSize: 200, maxMessageSize: 400 });
    const events: FrameEvent[] = [];
    for (let i = 0; i < wire.length; i++) events.push(...framer.push(wire.subarray(i, i + 1)));
    assert.deepEqual(messages(events), [msg('abc'), msg(''), msg('body with\r\n\r\ninside')]);
    assert.equal(events.filter((e) => e.type === 'ping').length, 2);
  });

  it('fails on a missing Content-Length and keeps the header section for a 400', () => {
    const framer = new StreamFramer();
    const events = framer.push(Buffer.from('OPTIONS sip:a SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n'));
    const err = events.find((e) => e.type === 'error');
    assert.ok(err && err.type === 'error');
    assert.equal(err.error.code, FramingErrorCode.MissingContentLength);
    assert.equal(err.error.status, 400);
    assert.match(err.error.head?.toString() ?? '', /^OPTIONS/);
    assert.ok(framer.failed);
    assert.deepEqual(framer.push(Buffer.from(msg(''))), [], 'a failed framer ignores further input');
  });

  it('fails when the header section exceeds the limit, whole or split', () => {
    const big = 'OPTIONS sip:a SIP/2.0\r\n' + 'X: ' + 'a'.repeat(300) + '\r\n';
    const whole = new StreamFramer({ maxHeaderSize: 256 }).push(Buffer.from(big));
    assert.equal(whole.length, 1);
    assert.equal(whole[0].type === 'error' && whole[0].error.code, FramingErrorCode.HeadersTooLarge);
    const split = new StreamFramer({ maxHeaderSize: 256 });
    const events: FrameEvent[] = [];
    for (let i = 0; i < big.length; i += 10) events.push(...split.push(Buffer.from(big.slice(i, i + 10))));
    assert.equal(events.length, 1);
    assert.equal(events[0].type === 'error' && events[0].error.code, FramingErrorCode.HeadersTooLarge);
    assert.ok(split.buffered <= 256);
  });

  it('rejects an absurd Content-Length before buffering the body', () => {
    const framer = new StreamFramer({ maxMessageSize: 65536 });
    const head = 'INVITE sip:a SIP/2.0\r\nContent-Length: 99999999999\r\n\r\n';
    const events = framer.push(Buffer.from(head));
    assert.equal(events[0].type === 'error' && events[0].error.code, FramingErrorCode.BadContentLength);
    const f2 = new StreamFramer({ maxMessageSize: 1000 });
    const e2 = f2.push(Buffer.from('INVITE sip:a SIP/2.0\r\nContent-Length: 5000\r\n\r\nabc'));
    assert.equal(e2[0].type === 'error' && e2[0].error.code, FramingErrorCode.MessageTooLarge);
    assert.equal(e2[0].type === 'error' && e2[0].error.status, 513);
    assert.equal(f2.buffered, 0);
  });

  it('frames a message exactly at the size limits', () => {
    const m = msg('z'.repeat(100));
    const framer = new StreamFramer({ maxMessageSize: Buffer.byteLength(m), maxHeaderSize: Buffer.byteLength(m) - 100 });
    const events = feed(framer, [Buffer.from(m.slice(0, 7)), Buffer.from(m.slice(7))]);
    assert.deepEqual(messages(events), [m]);
  });
});
