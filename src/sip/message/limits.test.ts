// Hostile input: every case must end in a ParseError value (or an ok message whose accessors only
// throw ParseError), never an exception, and in bounded time (< 250 ms per parse even cold and loaded).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage, type ParseOptions } from './parser.js';
import { ParseError, ParseErrorCode } from './parse-error.js';
import type { SipMessage } from './message.js';

const CORE = [
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
];

function invite(headers: string[], body = ''): Buffer {
  return Buffer.from(`INVITE sip:bob@biloxi.com SIP/2.0\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n${body}`);
}

// Generous for a shared 2-core machine running test files in parallel (cold JIT included), yet far
// below what a quadratic scan of these 15,000-line / 64 KB inputs costs (seconds).
const BUDGET_MS = 250;

/** Parses within the time budget and returns the result; never lets an exception through. */
function timed(buf: Buffer, opts?: ParseOptions): ReturnType<typeof parseMessage> {
  const t0 = performance.now();
  const r = parseMessage(buf, opts);
  const ms = performance.now() - t0;
  assert.ok(ms < BUDGET_MS, `parse took ${ms.toFixed(1)} ms for ${buf.length} bytes`);
  if (!r.ok) {
    assert.ok(r.error instanceof ParseError);
    assert.notEqual(r.error.reason, 'Malformed Message', r.error.message);
  }
  return r;
}

function rejected(buf: Buffer, opts?: ParseOptions): ParseError {
  const r = timed(buf, opts);
  if (r.ok) assert.fail('expected a ParseError');
  return r.error;
}

/** Every accessor returns or throws ParseError, within the time budget. */
function accessorsBounded(m: SipMessage): void {
  const t0 = performance.now();
  for (const get of [
    () => m.vias, () => m.from, () => m.to, () => m.contacts, () => m.routes, () => m.recordRoutes, () => m.contentType,
    () => m.require, () => m.supported, () => m.reasons, () => m.retryAfter, () => m.resourcePriority,
    () => m.acceptResourcePriority, () => m.headers.map((h) => m.list(h.name)), () => m.toBuffer(),
  ]) {
    try {
      get();
    } catch (e) {
      assert.ok(e instanceof ParseError, String(e));
    }
  }
  const ms = performance.now() - t0;
  assert.ok(ms < BUDGET_MS * 4, `accessors took ${ms.toFixed(1)} ms`);
}

describe('limits: size, header count, Via count', () => {
  it('a message over maxMessageSize is 513 Message Too Large (RFC 3261 §21.5.14)', () => {
    const big = invite([...CORE, `Subject: ${'x'.repeat(70000)}`]);
    const e = rejected(big);
    assert.equal(e.code, ParseErrorCode.TooLarge);
    assert.equal(e.status, 513);
    const small = rejected(invite(CORE), { maxMessageSize: 100 });
    assert.equal(small.status, 513);
    assert.equal(timed(invite(CORE), { maxMessageSize: invite(CORE).length }).ok, true);
  });

  it('a header flood over maxHeaders is rejected', () => {
    const flood = Array.from({ length: 300 }, (_, i) => `X-H${i}: ${i}`);
    const e = rejected(invite([...CORE, ...flood]));
    assert.equal(e.code, ParseErrorCode.TooManyHeaders);
    assert.equal(e.isRequest, true);
    assert.equal(rejected(invite([...CORE, 'A: 1', 'B: 2']), { maxHeaders: 6 }).code, ParseErrorCode.TooManyHeaders);
    assert.equal(timed(invite([...CORE, 'A: 1']), { maxHeaders: 6 }).ok, true);
  });

  it('10,000 Via header fields are stopped by maxVias', () => {
    const vias = Array.from({ length: 10000 }, (_, i) => `Via: SIP/2.0/UDP h${i}.example.com;branch=z9hG4bK${i}`);
    const buf = invite([...vias, ...CORE.slice(1)]);
    const e = rejected(buf, { maxMessageSize: buf.length, maxHeaders: 20000 });
    assert.equal(e.code, ParseErrorCode.TooManyHeaders);
    assert.equal(e.field, 'Via');
  });

  it('10,000 comma-separated Via values in one field are stopped by maxVias', () => {
    const one = Array.from({ length: 10000 }, (_, i) => `SIP/2.0/UDP h${i}.example.com;branch=z9hG4bK${i}`).join(', ');
    const buf = invite([`Via: ${one}`, ...CORE.slice(1)]);
    const e = rejected(buf, { maxMessageSize: buf.length });
    assert.equal(e.field, 'Via');
    assert.equal(e.code, ParseErrorCode.TooManyHeaders);
    // at the cap exactly it is fine
    const at = Array.from({ length: 64 }, (_, i) => `SIP/2.0/UDP h${i};branch=z9hG4bK${i}`).join(',');
    const ok = timed(invite([`Via: ${at}`, ...CORE.slice(1)]));
    assert.ok(ok.ok && ok.message.vias.length === 64);
    assert.equal(rejected(invite([`Via: ${at}`, ...CORE.slice(1)]), { maxVias: 63 }).field, 'Via');
  });

  it('10,000 Via values added after parsing are still parsed by the accessor without a cap', () => {
    const r = timed(invite(CORE));
    assert.ok(r.ok);
    r.message.setHeader('Via', Array.from({ length: 10000 }, (_, i) => `SIP/2.0/UDP h${i};branch=z9hG4bK${i}`).join(','));
    const t0 = performance.now();
    assert.equal(r.message.vias.length, 10000);
    assert.ok(performance.now() - t0 < BUDGET_MS * 4);
  });
});

describe('limits: absurd Content-Length', () => {
  for (const v of ['99999999999999999999', '-1', '-0', '1e3', '0x10', '5.0', '５', 'Infinity', 'NaN', '4294967296', '1 2', '', ' ']) {
    it(`Content-Length: ${JSON.stringify(v)} is a 400`, () => {
      const e = rejected(invite([...CORE, `Content-Length: ${v}`], 'hello'));
      assert.equal(e.field, 'Content-Length');
      assert.equal(e.status, 400);
    });
  }

  it('a duplicated Content-Length (even l: and Content-Length: with equal values) is a 400', () => {
    const e = rejected(invite([...CORE, 'Content-Length: 5', 'l: 5'], 'hello'));
    assert.equal(e.code, ParseErrorCode.DuplicateHeader);
    assert.equal(e.status, 400);
  });

  it('leading zeros are allowed (1*DIGIT), whatever their number', () => {
    const r = timed(invite([...CORE, `Content-Length: ${'0'.repeat(40)}5`], 'hello'));
    assert.ok(r.ok);
    assert.equal(r.message.body.length, 5);
  });

  it('a Content-Length larger than a 64 KiB datagram is a 400, not an allocation', () => {
    const e = rejected(invite([...CORE, 'Content-Length: 4294967295'], 'x'));
    assert.equal(e.code, ParseErrorCode.BadContentLength);
  });
});

describe('limits: nesting, quoting and long lines stay linear', () => {
  const N = 60000;
  const cases: [string, string[]][] = [
    ['<<<< in From', [...CORE.filter((h) => !h.startsWith('From')), `From: ${'<'.repeat(N)}sip:a@b${'>'.repeat(N)}`]],
    ['<<<< in Route', [...CORE, `Route: ${'<'.repeat(N)}`]],
    ['>>>> in Contact', [...CORE, `Contact: ${'>'.repeat(N)}`]],
    ['<> pairs in an unknown header', [...CORE, `X-Nest: ${'<>'.repeat(N / 2)}`]],
    ['quotes in From', [...CORE.filter((h) => !h.startsWith('From')), `From: ${'"'.repeat(N)} <sip:a@b>`]],
    ['escaped quotes in a display name', [...CORE.filter((h) => !h.startsWith('From')), `From: "${'\\"'.repeat(N / 2)}" <sip:a@b>;tag=1`]],
    ['backslashes in a quoted string', [...CORE, `Contact: "${'\\'.repeat(N)}" <sip:a@b>`]],
    ['unterminated quote in a list', [...CORE, `Route: "${'a,'.repeat(N / 2)}`]],
    ['parentheses in Retry-After', [...CORE, `Retry-After: 5 ${'('.repeat(N)}`]],
    ['commas in Require', [...CORE, `Require: ${','.repeat(N)}`]],
    ['commas in Resource-Priority', [...CORE, `Resource-Priority: ${'ets.0,'.repeat(N / 6)}`]],
    ['a long Subject line', [...CORE, `Subject: ${'x'.repeat(N)}`]],
    ['a long Call-ID', [...CORE.filter((h) => !h.startsWith('Call-ID')), `Call-ID: ${'c'.repeat(N)}`]],
    ['a long Via host', [`Via: SIP/2.0/UDP ${'h'.repeat(N)};branch=z9hG4bK1`, ...CORE.slice(1)]],
    ['many Via parameters', [`Via: SIP/2.0/UDP h;branch=z9hG4bK1${';x'.repeat(N / 2)}`, ...CORE.slice(1)]],
    ['many URI parameters', [...CORE.filter((h) => !h.startsWith('To')), `To: <sip:b@h${';lr'.repeat(N / 3)}>`]],
    ['a long header name', [...CORE, `${'X'.repeat(N)}: v`]],
    ['folding lines', [...CORE, 'Subject: a', ...Array.from({ length: 200 }, () => ` ${'f'.repeat(250)}`)]],
    ['many short folding lines', [...CORE, 'Subject: a', ...Array.from({ length: 15000 }, () => ' b')]],
  ];
  for (const [name, headers] of cases) {
    it(name, () => {
      const buf = invite(headers);
      const r = timed(buf, { maxMessageSize: 200000 });
      if (r.ok) accessorsBounded(r.message);
    });
  }

  it('a long Request-URI', () => {
    const buf = Buffer.from(`INVITE sip:${'u'.repeat(N)}@h SIP/2.0\r\n${CORE.join('\r\n')}\r\n\r\n`);
    const r = timed(buf, { maxMessageSize: 200000 });
    assert.ok(r.ok);
    assert.equal((r.message as { uri: { user?: string } }).uri.user?.length, N);
  });

  it('a request line of 60,000 spaces', () => {
    timed(Buffer.from(`INVITE${' '.repeat(N)}sip:a@b SIP/2.0\r\n${CORE.join('\r\n')}\r\n\r\n`), { maxMessageSize: 200000 });
  });

  it('60,000 empty lines before the start line', () => {
    const r = timed(Buffer.concat([Buffer.from('\r\n'.repeat(N / 2)), invite(CORE)]), { maxMessageSize: 200000 });
    assert.ok(r.ok);
  });

  it('60,000 bytes of NUL, of CR and of LF', () => {
    for (const c of [0, 13, 10]) timed(Buffer.alloc(N, c), { maxMessageSize: 200000 });
  });

  it('2,048+ distinct unknown header names do not grow anything without bound', () => {
    for (let round = 0; round < 10; round++) {
      const names = Array.from({ length: 250 }, (_, i) => `X-R${round}-${i}: v`);
      const r = timed(invite([...CORE, ...names]));
      assert.ok(r.ok);
      assert.equal(r.message.header(`x-r${round}-7`), 'v');
    }
  });
});
