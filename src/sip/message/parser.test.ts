// parseMessage: start lines, header names and compact forms, folding, bodies and the core-header
// validation (RFC 3261 §7, §18.3, §20, §25). Every case is real SIP bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage, type ParseOptions } from './parser.js';
import { ParseError, ParseErrorCode } from './parse-error.js';
import type { SipMessage, SipRequest, SipResponse } from './message.js';

const CORE = [
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
];

function text(startLine: string, headers: string[], body = '', eol = '\r\n'): Buffer {
  return Buffer.from(`${startLine}${eol}${headers.map((h) => h + eol).join('')}${eol}${body}`, 'utf8');
}

function ok(buf: Buffer, opts?: ParseOptions): SipMessage {
  const r = parseMessage(buf, opts);
  if (!r.ok) assert.fail(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.message;
}

function req(buf: Buffer, opts?: ParseOptions): SipRequest {
  const m = ok(buf, opts);
  assert.equal(m.isRequest, true);
  return m as SipRequest;
}

function bad(buf: Buffer, code?: ParseErrorCode, opts?: ParseOptions): ParseError {
  const r = parseMessage(buf, opts);
  if (r.ok) assert.fail('expected a ParseError');
  assert.ok(r.error instanceof ParseError);
  if (code !== undefined) assert.equal(r.error.code, code, r.error.message);
  return r.error;
}

const invite = (headers = CORE, body = '') => text('INVITE sip:bob@biloxi.com SIP/2.0', headers, body);

describe('parseMessage: start line', () => {
  it('parses a request line', () => {
    const m = req(invite());
    assert.equal(m.method, 'INVITE');
    assert.equal(m.uriText, 'sip:bob@biloxi.com');
    assert.equal(m.uri.scheme, 'sip');
    assert.equal(m.uri.user, 'bob');
    assert.equal(m.uri.host, 'biloxi.com');
    assert.equal(m.version, 'SIP/2.0');
  });

  it('accepts extension methods and keeps the method case-sensitive (RFC 3261 §7.1)', () => {
    const m = req(text('NEWMETHOD sip:bob@biloxi.com SIP/2.0', [...CORE.slice(0, 5), 'CSeq: 1 NEWMETHOD']));
    assert.equal(m.method, 'NEWMETHOD');
    bad(text('invite sip:bob@biloxi.com SIP/2.0', CORE), ParseErrorCode.CSeqMismatch);
  });

  it('accepts a lower-case SIP version and normalises it', () => {
    const m = req(text('INVITE sip:bob@biloxi.com sip/2.0', CORE));
    assert.equal(m.version, 'SIP/2.0');
  });

  it('parses a status line, reason phrase with spaces and an empty reason', () => {
    const headers = [...CORE.slice(0, 1), ...CORE.slice(2)];
    const r = ok(text('SIP/2.0 180 Ringing Loudly', headers)) as SipResponse;
    assert.equal(r.isRequest, false);
    assert.equal(r.status, 180);
    assert.equal(r.reason, 'Ringing Loudly');
    const e = ok(text('SIP/2.0 200 ', headers)) as SipResponse;
    assert.equal(e.reason, '');
    const n = ok(text('SIP/2.0 200', headers)) as SipResponse;
    assert.equal(n.status, 200);
    assert.equal(n.reason, '');
  });

  it('accepts a UTF-8 reason phrase', () => {
    const r = ok(text('SIP/2.0 200 Très bien', [...CORE.slice(0, 1), ...CORE.slice(2)])) as SipResponse;
    assert.equal(r.reason, 'Très bien');
  });

  it('ignores empty lines before the start line (RFC 3261 §7.5)', () => {
    const m = req(Buffer.concat([Buffer.from('\r\n\r\n'), invite()]));
    assert.equal(m.method, 'INVITE');
  });

  it('rejects malformed request lines', () => {
    bad(text('INVITE sip:bob@biloxi.com', CORE), ParseErrorCode.BadStartLine);
    bad(text('INVITE  sip:bob@biloxi.com SIP/2.0', CORE), ParseErrorCode.BadRequestUri);
    bad(text('INVITE sip:bob@biloxi.com SIP/2.0 ', CORE));
    bad(text('INV@TE sip:bob@biloxi.com SIP/2.0', CORE), ParseErrorCode.BadStartLine);
    bad(text('INVITE sip:bob@biloxi.com HTTP/1.1', CORE), ParseErrorCode.BadStartLine);
    bad(text(' INVITE sip:bob@biloxi.com SIP/2.0', CORE));
  });

  it('answers 505 for another SIP version (RFC 3261 §8.2.1)', () => {
    const e = bad(text('INVITE sip:bob@biloxi.com SIP/7.0', CORE), ParseErrorCode.BadVersion);
    assert.equal(e.status, 505);
    assert.equal(e.isRequest, true);
  });

  it('rejects a bad Request-URI with isRequest set so the transport can answer', () => {
    const e = bad(text('INVITE sip:bob@bil<oxi.com SIP/2.0', CORE), ParseErrorCode.BadRequestUri);
    assert.equal(e.isRequest, true);
    assert.equal(e.field, 'Request-URI');
    assert.equal(e.status, 400);
  });

  it('rejects malformed status lines', () => {
    const headers = [...CORE.slice(0, 1), ...CORE.slice(2)];
    bad(text('SIP/2.0 20 OK', headers), ParseErrorCode.BadStartLine);
    bad(text('SIP/2.0 2000 OK', headers), ParseErrorCode.BadStartLine);
    bad(text('SIP/2.0 099 Low', headers), ParseErrorCode.BadStartLine);
    bad(text('SIP/2.0 700 High', headers), ParseErrorCode.BadStartLine);
    bad(text('SIP/2.0 2x0 OK', headers), ParseErrorCode.BadStartLine);
    bad(text('SIP/2.0', headers), ParseErrorCode.BadStartLine);
    const e = bad(text('SIP/2.0  200 OK', headers), ParseErrorCode.BadStartLine);
    assert.equal(e.isRequest, false);
  });

  it('rejects empty and whitespace-only input', () => {
    bad(Buffer.alloc(0), ParseErrorCode.Empty);
    bad(Buffer.from('\r\n\r\n'), ParseErrorCode.Empty);
  });

  it('rejects a header section that never ends', () => {
    bad(Buffer.from('INVITE sip:bob@biloxi.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1'), ParseErrorCode.Truncated);
  });
});

describe('parseMessage: header names', () => {
  it('matches names case-insensitively and keeps the spelling on the wire', () => {
    const m = req(invite([
      'VIA: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
      'max-forwards: 70',
      'tO: Bob <sip:bob@biloxi.com>',
      'FROM: Alice <sip:alice@atlanta.com>;tag=1928301774',
      'call-id: a84b4c76e66710@pc33.atlanta.com',
      'cseq: 314159 INVITE',
      'X-Custom-Thing: Hello',
    ]));
    assert.equal(m.headers[0].name, 'VIA');
    assert.equal(m.headers[0].key, 'via');
    assert.equal(m.header('Via'), 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds');
    assert.equal(m.header('x-custom-thing'), 'Hello');
    assert.equal(m.header('X-CUSTOM-THING'), 'Hello');
    assert.equal(m.headers[6].key, 'x-custom-thing');
    assert.equal(m.callId, 'a84b4c76e66710@pc33.atlanta.com');
    assert.equal(m.cseq.seq, 314159);
    assert.equal(m.maxForwards, 70);
  });

  it('allows whitespace between the name and the colon (HCOLON)', () => {
    const m = req(invite([...CORE, 'Subject  \t: lunch']));
    assert.equal(m.header('subject'), 'lunch');
    assert.equal(m.headers[6].name, 'Subject');
  });

  it('understands every compact form: i m f t v l c k s e o u r b x y', () => {
    const m = req(text('INVITE sip:bob@biloxi.com SIP/2.0', [
      'v: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
      'f: Alice <sip:alice@atlanta.com>;tag=1',
      't: <sip:bob@biloxi.com>',
      'i: abc@atlanta.com',
      'CSeq: 1 INVITE',
      'm: <sip:alice@pc33.atlanta.com>',
      'c: application/sdp',
      'k: 100rel',
      's: lunch',
      'e: gzip',
      'o: dialog',
      'u: presence',
      'r: <sip:carol@chicago.com>',
      'b: <sip:bob@biloxi.com>',
      'x: 1800',
      'y: abc.def',
      'l: 4',
    ], 'v=0\n'));
    const pairs: [string, string][] = [
      ['Via', 'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds'],
      ['From', 'Alice <sip:alice@atlanta.com>;tag=1'],
      ['To', '<sip:bob@biloxi.com>'],
      ['Call-ID', 'abc@atlanta.com'],
      ['Contact', '<sip:alice@pc33.atlanta.com>'],
      ['Content-Type', 'application/sdp'],
      ['Supported', '100rel'],
      ['Subject', 'lunch'],
      ['Content-Encoding', 'gzip'],
      ['Event', 'dialog'],
      ['Allow-Events', 'presence'],
      ['Refer-To', '<sip:carol@chicago.com>'],
      ['Referred-By', '<sip:bob@biloxi.com>'],
      ['Session-Expires', '1800'],
      ['Identity', 'abc.def'],
      ['Content-Length', '4'],
    ];
    for (const [long, value] of pairs) {
      assert.equal(m.header(long), value, long);
      assert.equal(m.header(long.toLowerCase()), value, long);
    }
    // the compact letter looks up the long name too, in either case
    assert.equal(m.header('V'), pairs[0][1]);
    assert.equal(m.header('i'), 'abc@atlanta.com');
    assert.equal(m.callId, 'abc@atlanta.com');
    assert.equal(m.from.tag, '1');
    assert.equal(m.to.uri.user, 'bob');
    assert.equal(m.contacts[0].uri.host, 'pc33.atlanta.com');
    assert.deepEqual(m.supported, ['100rel']);
    assert.equal(m.contentType?.subtype, 'sdp');
    assert.equal(m.body.toString(), 'v=0\n');
    // the compact spelling is kept on the wire
    assert.equal(m.headers[0].name, 'v');
    assert.ok(m.toBuffer().toString().includes('\r\nv: SIP/2.0/UDP'));
  });

  it('rejects a header line without a colon or with a bad name', () => {
    bad(invite([...CORE, 'NoColonHere']), ParseErrorCode.BadHeader);
    bad(invite([...CORE, ': empty name']), ParseErrorCode.BadHeader);
    bad(invite([...CORE, 'Bad Name: x']), ParseErrorCode.BadHeader);
    bad(invite([...CORE, 'Bad<Name>: x']), ParseErrorCode.BadHeader);
  });
});

describe('parseMessage: values, lists and folding', () => {
  it('trims values and keeps empty ones', () => {
    const m = req(invite([...CORE, 'Subject:   \t  lunch  \t', 'Organization:']));
    assert.equal(m.header('subject'), 'lunch');
    assert.equal(m.header('organization'), '');
    assert.deepEqual(m.headerValues('organization'), ['']);
  });

  it('unfolds obsolete line folding (RFC 3261 §7.3.1) into one SP', () => {
    const m = req(invite([
      ...CORE,
      'Subject: I know you\'re there,',
      '      pick up the phone',
      '\t and talk to me!',
      'Route: <sip:p1.example.com;lr>,',
      '  <sip:p2.example.com;lr>',
    ]));
    assert.equal(m.header('subject'), "I know you're there, pick up the phone and talk to me!");
    assert.equal(m.routes.length, 2);
    assert.equal(m.routes[1].uri.host, 'p2.example.com');
  });

  it('unfolds inside core headers', () => {
    const m = req(invite([
      'Via: SIP/2.0/UDP',
      '  pc33.atlanta.com;branch=z9hG4bK776asdhds',
      ...CORE.slice(1, 3),
      'From: Alice',
      ' <sip:alice@atlanta.com>;tag=1928301774',
      ...CORE.slice(4),
    ]));
    assert.equal(m.topVia.host, 'pc33.atlanta.com');
    assert.equal(m.from.displayName, 'Alice');
    assert.equal(m.from.tag, '1928301774');
  });

  it('rejects folding before the first header', () => {
    bad(text('INVITE sip:bob@biloxi.com SIP/2.0', [' continuation', ...CORE]), ParseErrorCode.BadHeader);
  });

  it('splits comma lists and repeated headers with list() (RFC 3261 §7.3.1)', () => {
    const m = req(invite([
      ...CORE,
      'Allow: INVITE, ACK,OPTIONS',
      'Allow: BYE',
      'Accept: application/sdp;level=1, application/x-private, text/html',
      'Contact: "Mr. Watson, Jr." <sip:watson@worcester.example.com>;x="a,b";q=0.7, <sip:w@x>',
      'Warning: 370 devnull "Choose a bigger pipe, please"',
    ]));
    assert.deepEqual(m.list('allow'), ['INVITE', 'ACK', 'OPTIONS', 'BYE']);
    assert.deepEqual(m.headerValues('Allow'), ['INVITE, ACK,OPTIONS', 'BYE']);
    assert.deepEqual(m.list('Accept'), ['application/sdp;level=1', 'application/x-private', 'text/html']);
    assert.deepEqual(m.list('Contact'), ['"Mr. Watson, Jr." <sip:watson@worcester.example.com>;x="a,b";q=0.7', '<sip:w@x>']);
    assert.deepEqual(m.list('Warning'), ['370 devnull "Choose a bigger pipe, please"']);
    assert.deepEqual(m.list('Not-There'), []);
    assert.equal(m.contacts.length, 2);
    assert.equal(m.contacts[0].displayName, 'Mr. Watson, Jr.');
    assert.equal(m.contacts[0].q, 0.7);
  });

  it('list() honours comments outside <> but not "(" inside a URI', () => {
    const m = req(invite([...CORE, 'X-L: <sip:(x@y>, (a comment, with a comma) b, c', 'Route: <sip:p1.example.com;x=(1>, <sip:p2.example.com;lr>']));
    assert.deepEqual(m.list('x-l'), ['<sip:(x@y>', '(a comment, with a comma) b', 'c']);
    assert.deepEqual(m.list('route'), ['<sip:p1.example.com;x=(1>', '<sip:p2.example.com;lr>']);
    assert.equal(m.routes.length, 2);
  });

  it('list() drops empty elements and turns an unterminated quote into a ParseError', () => {
    const m = req(invite([...CORE, 'Allow: ,INVITE,, ACK ,', 'X-Q: "open, ended']));
    assert.deepEqual(m.list('allow'), ['INVITE', 'ACK']);
    assert.throws(() => m.list('x-q'), ParseError);
  });

  it('concatenates Via header fields and comma-separated Via values in order', () => {
    const m = req(invite([
      'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2',
      ...CORE.slice(1),
      'v: SIP/2.0/TLS c.example.com;branch=z9hG4bK3',
    ]));
    assert.deepEqual(m.vias.map((v) => v.host), ['a.example.com', 'b.example.com', 'c.example.com']);
    assert.deepEqual(m.vias.map((v) => v.transport), ['UDP', 'TCP', 'TLS']);
    assert.equal(m.topVia.branch, 'z9hG4bK1');
  });

  it('accepts bare LF line endings', () => {
    const m = req(text('INVITE sip:bob@biloxi.com SIP/2.0', [...CORE, 'Content-Length: 5'], 'hello', '\n'));
    assert.equal(m.callId, 'a84b4c76e66710@pc33.atlanta.com');
    assert.equal(m.body.toString(), 'hello');
  });

  it('ends the header section at the first empty line even when the body holds CRLFCRLF', () => {
    const body = 'a\r\n\r\nb';
    const m = req(text('INVITE sip:bob@biloxi.com SIP/2.0', [...CORE, `Content-Length: ${body.length}`], body, '\n'));
    assert.equal(m.body.toString(), body);
    assert.equal(m.headers.length, 7);
  });

  it('keeps UTF-8 in header values', () => {
    const m = req(invite([...CORE.slice(0, 3), 'From: "Zoë Ünicode" <sip:zoe@atlanta.com>;tag=1', ...CORE.slice(4), 'Subject: ☎ call']));
    assert.equal(m.from.displayName, 'Zoë Ünicode');
    assert.equal(m.header('subject'), '☎ call');
  });
});

describe('parseMessage: body and Content-Length (RFC 3261 §18.3, §20.14)', () => {
  it('takes the body from Content-Length', () => {
    const m = req(invite([...CORE, 'Content-Type: text/plain', 'Content-Length: 5'], 'hello'));
    assert.equal(m.body.toString(), 'hello');
    assert.equal(m.contentLength, 5);
  });

  it('truncates a datagram body longer than Content-Length', () => {
    const m = req(invite([...CORE, 'Content-Length: 3'], 'hello world'));
    assert.equal(m.body.toString(), 'hel');
    assert.equal(m.contentLength, 3);
  });

  it('rejects a Content-Length larger than the body', () => {
    const e = bad(invite([...CORE, 'Content-Length: 50'], 'hello'), ParseErrorCode.BadContentLength);
    assert.equal(e.field, 'Content-Length');
    assert.equal(e.status, 400);
  });

  it('runs a datagram body without Content-Length to the end of the packet', () => {
    const m = req(invite(CORE, 'v=0\r\n'));
    assert.equal(m.body.toString(), 'v=0\r\n');
  });

  it('requires Content-Length in stream mode (RFC 3261 §18.3)', () => {
    const e = bad(invite(CORE), ParseErrorCode.BadContentLength, { stream: true });
    assert.equal(e.field, 'Content-Length');
    const m = req(invite([...CORE, 'l: 0']), { stream: true });
    assert.equal(m.body.length, 0);
  });

  it('requires the empty line ending the header section in stream mode', () => {
    const headerOnly = Buffer.from(`INVITE sip:bob@biloxi.com SIP/2.0\r\n${[...CORE, 'Content-Length: 0'].join('\r\n')}\r\n`);
    req(headerOnly); // a datagram may end right after the last header line
    bad(headerOnly, ParseErrorCode.Truncated, { stream: true });
  });

  it('uses Content-Length 0 for an empty body and a body that is a subarray of the input', () => {
    const buf = invite([...CORE, 'Content-Length: 4'], 'abcd');
    const m = req(buf);
    assert.equal(m.body.buffer, buf.buffer);
    const z = req(invite([...CORE, 'Content-Length: 0'], 'trailing junk on a datagram'));
    assert.equal(z.body.length, 0);
  });

  it('counts Content-Length in bytes, not characters', () => {
    const body = 'é☎';
    const m = req(invite([...CORE, `Content-Length: ${Buffer.byteLength(body)}`], body));
    assert.equal(m.body.toString(), body);
  });

  it('rejects malformed Content-Length values', () => {
    for (const v of ['99999999999999999999', '-1', '1e3', '0x10', '+5', '5 5', '', 'abc', '4294967296']) {
      const e = bad(invite([...CORE, `Content-Length: ${v}`], 'x'.repeat(10)), undefined);
      assert.equal(e.field, 'Content-Length', v);
      assert.equal(e.status, 400, v);
    }
  });

  it('rejects a duplicated Content-Length, even with equal values', () => {
    const e = bad(invite([...CORE, 'Content-Length: 4', 'l: 4'], 'abcd'), ParseErrorCode.DuplicateHeader);
    assert.equal(e.field, 'Content-Length');
  });
});

describe('parseMessage: core header validation (RFC 3261 §8.1.1, §20)', () => {
  for (const [name, idx] of [['Via', 0], ['To', 2], ['From', 3], ['Call-ID', 4], ['CSeq', 5]] as const) {
    it(`rejects a request without ${name}`, () => {
      const e = bad(invite(CORE.filter((_, i) => i !== idx)), ParseErrorCode.MissingHeader);
      assert.equal(e.field, name);
      assert.equal(e.isRequest, true);
    });
  }

  it('accepts a request without Max-Forwards (maxForwards undefined)', () => {
    assert.equal(req(invite(CORE.slice(0).filter((h) => !h.startsWith('Max'))))
      .maxForwards, undefined);
  });

  for (const [name, line] of [
    ['From', 'From: Alice <sip:a@b>;tag=1'],
    ['To', 't: <sip:bob@biloxi.com>'],
    ['Call-ID', 'i: x@y'],
    ['CSeq', 'CSeq: 2 INVITE'],
    ['Max-Forwards', 'Max-Forwards: 10'],
    ['Content-Type', 'c: text/plain'],
  ] as const) {
    it(`rejects a duplicated ${name}`, () => {
      const e = bad(invite([...CORE, 'Content-Type: text/plain', line]), ParseErrorCode.DuplicateHeader);
      assert.equal(e.field, name);
    });
  }

  it('rejects malformed core headers with the field that failed', () => {
    const cases: [string, string][] = [
      ['Via', 'Via: SIP/2.0 pc33.atlanta.com'],
      ['Via', 'Via: SIP/2.0/UDP'],
      ['Via', 'Via: SIP/2.0/UDP host:99999;branch=z9hG4bK1'],
      ['From', 'From: Alice <sip:alice@atlanta.com'],
      ['From', 'From: "Alice <sip:alice@atlanta.com>'],
      ['From', 'From: <>'],
      ['To', 'To: Bob <bad uri>'],
      ['Call-ID', 'Call-ID: has space'],
      ['Call-ID', 'Call-ID:'],
      ['CSeq', 'CSeq: INVITE'],
      ['CSeq', 'CSeq: 1'],
      ['CSeq', 'CSeq: -1 INVITE'],
      ['CSeq', 'CSeq: 2147483648 INVITE'],
      ['CSeq', 'CSeq: 1 INV ITE'],
      ['Max-Forwards', 'Max-Forwards: 256'],
      ['Max-Forwards', 'Max-Forwards: -1'],
      ['Max-Forwards', 'Max-Forwards: seventy'],
    ];
    for (const [field, line] of cases) {
      const key = line.slice(0, line.indexOf(':'));
      const headers = CORE.filter((h) => !h.startsWith(`${key}:`));
      const e = bad(invite([...headers, line]));
      assert.equal(e.field, field, line);
      assert.equal(e.isRequest, true, line);
      assert.equal(e.status, 400, line);
    }
  });

  it('rejects a CSeq method that differs from the request method', () => {
    const e = bad(text('BYE sip:bob@biloxi.com SIP/2.0', CORE), ParseErrorCode.CSeqMismatch);
    assert.equal(e.field, 'CSeq');
  });

  it('accepts the CSeq method of any request in a response', () => {
    const r = ok(text('SIP/2.0 200 OK', [...CORE.slice(0, 5), 'CSeq: 7 BYE'])) as SipResponse;
    assert.deepEqual(r.cseq, { seq: 7, method: 'BYE' });
  });

  it('accepts CSeq 0 and 2**31-1 and Max-Forwards 0 and 255', () => {
    const a = req(invite([...CORE.slice(0, 1), 'Max-Forwards: 0', ...CORE.slice(2, 5), 'CSeq: 0 INVITE']));
    assert.equal(a.cseq.seq, 0);
    assert.equal(a.maxForwards, 0);
    const b = req(invite([...CORE.slice(0, 1), 'Max-Forwards: 255', ...CORE.slice(2, 5), 'CSeq: 2147483647   INVITE']));
    assert.equal(b.cseq.seq, 2147483647);
    assert.equal(b.maxForwards, 255);
  });

  it('parses the fixtures used by the benchmark', () => {
    const dir = fileURLToPath(new URL('../../../test/fixtures/sip/', import.meta.url));
    const inv = req(readFileSync(`${dir}invite-typical.sip`));
    assert.equal(inv.vias.length, 2);
    assert.equal(inv.topVia.rport, true);
    assert.equal(inv.routes.length, 2);
    assert.deepEqual(inv.resourcePriority, [{ namespace: 'ets', priority: '2' }, { namespace: 'wps', priority: '3' }]);
    assert.equal(inv.body.length, 151);
    const res = ok(readFileSync(`${dir}ok-200.sip`)) as SipResponse;
    assert.equal(res.status, 200);
    assert.equal(res.vias.length, 3);
    assert.equal(res.recordRoutes.length, 2);
  });
});
