// From/To (RFC 3261 §20.20, §20.39), Contact (§20.10), Route/Record-Route (§20.34, §20.30).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatNameAddr } from './name-addr.js';
import { parseUri } from '../uri.js';
import { parsed, rejected, throwsParseError } from './support.test.js';

describe('From/To', () => {
  it('name-addr with a token display name and a tag', () => {
    const f = parsed('From: Alice <sip:alice@atlanta.com>;tag=1928301774').from;
    assert.equal(f.displayName, 'Alice');
    assert.equal(f.uri.user, 'alice');
    assert.equal(f.uri.host, 'atlanta.com');
    assert.equal(f.tag, '1928301774');
    assert.deepEqual([...f.params], [['tag', '1928301774']]);
  });

  it('a display name of several tokens keeps its inner spacing', () => {
    assert.equal(parsed('To: Bob  Q. Public <sip:bob@biloxi.com>').to.displayName, 'Bob  Q. Public');
  });

  it('quoted display names resolve quoted-pairs', () => {
    const f = parsed('From: "Alice \\"The Great\\" Liddell \\\\o/" <sip:alice@atlanta.com>;tag=88sja8x').from;
    assert.equal(f.displayName, 'Alice "The Great" Liddell \\o/');
    assert.equal(f.tag, '88sja8x');
    assert.equal(parsed('From: "" <sip:alice@atlanta.com>;tag=1').from.displayName, '');
    assert.equal(parsed('From: "<sip:evil@x>, ;tag=2" <sip:alice@atlanta.com>;tag=1').from.tag, '1');
    assert.equal(parsed('From:"Alice"<sip:alice@atlanta.com>;tag=1').from.displayName, 'Alice');
  });

  it('name-addr without a display name', () => {
    const t = parsed('To: <sip:bob@biloxi.com>').to;
    assert.equal(t.displayName, undefined);
    assert.equal(t.tag, undefined);
    assert.equal(t.params.size, 0);
  });

  it('params after an addr-spec belong to the header, not the URI (RFC 3261 §20)', () => {
    const f = parsed('From: sip:alice@atlanta.com;tag=123;transport=tcp').from;
    assert.equal(f.displayName, undefined);
    assert.equal(f.uri.toString(), 'sip:alice@atlanta.com');
    assert.equal(f.uri.params.size, 0);
    assert.equal(f.tag, '123');
    assert.equal(f.params.get('transport'), 'tcp');
  });

  it('params inside <> belong to the URI', () => {
    const t = parsed('To: <sip:bob@biloxi.com;transport=tcp>;tag=a6c85cf;x-flag').to;
    assert.equal(t.uri.params.get('transport'), 'tcp');
    assert.equal(t.params.has('transport'), false);
    assert.equal(t.tag, 'a6c85cf');
    assert.equal(t.params.get('x-flag'), null);
  });

  it('allows LWS around ";" and "=" and a quoted parameter value', () => {
    const t = parsed('To: <sip:bob@biloxi.com> ; tag = abc ; x="y z"').to;
    assert.equal(t.tag, 'abc');
    assert.equal(t.params.get('x'), '"y z"');
  });

  it('an addr-spec with URI headers is read by the ABNF (RFC 4475 §3.1.2.13 liberality)', () => {
    const t = parsed('To: sip:bob@biloxi.com?Route=%3Csip:p.example.com%3E;tag=7').to;
    assert.equal(t.uri.headers.get('Route'), '%3Csip:p.example.com%3E');
    assert.equal(t.tag, '7');
    // a ',' in the user part of a single-valued header is part of the URI; in a list it separates
    assert.equal(parsed('From: sip:a,b@atlanta.com;tag=1').from.uri.user, 'a,b');
    assert.deepEqual(parsed('Contact: sip:a@one.example.com,sip:b@two.example.com').contacts.map((c) => c.uri.user), ['a', 'b']);
  });

  it('tel, sips and IPv6 URIs', () => {
    assert.equal(parsed('To: <tel:+1-201-555-0123>').to.uri.number, '+1-201-555-0123');
    assert.equal(parsed('To: "B" <sips:bob@[2001:db8::10]:5061>').to.uri.host, '[2001:db8::10]');
    assert.equal(parsed('To: sip:bob@[2001:db8::10];tag=9').to.tag, '9');
  });

  it('rejects malformed From and To', () => {
    for (const [field, line] of [
      ['From', 'From: Alice sip:alice@atlanta.com;tag=1'],
      ['From', 'From: "Alice" sip:alice@atlanta.com;tag=1'],
      ['From', 'From: <sip:alice@atlanta.com;tag=1'],
      ['From', 'From: <sip:alice@atlanta.com>;tag'],
      ['From', 'From: <sip:alice@atlanta.com>;tag='],
      ['From', 'From: <sip:alice@atlanta.com> junk'],
      ['From', 'From: <sip:al ice@atlanta.com>'],
      ['From', 'From: "unterminated <sip:alice@atlanta.com>'],
      ['From', 'From: Al@ice <sip:alice@atlanta.com>'],
      ['From', 'From: <>'],
      ['From', 'From:'],
      ['To', 'To: <sip:bob@biloxi.com>>'],
      ['To', 'To: <<sip:bob@biloxi.com>>'],
      ['To', 'To: <sip:bob@biloxi.com>, <sip:carol@chicago.com>'],
      ['To', 'To: <sip:bob@biloxi.com>;tag="quoted"'],
      ['To', 'To: <sip:bob@biloxi.com>;tag=a/b'],
      ['To', 'To: <sip:bob@biloxi.com>;x=<y>'],
      ['To', 'To: <sip:bob@biloxi.com>;x=a@b'],
      ['To', 'To: <sip:bob@biloxi.com%4>'],
    ] as const) {
      assert.equal(rejected(line).field, field, line);
    }
  });
});

describe('Contact', () => {
  it('parses name-addr contacts with expires and q', () => {
    const m = parsed('Contact: "Mr. Watson" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, "Mr. Watson" <mailto:watson@bell-telephone.com> ;q=0.1');
    assert.equal(m.contacts.length, 2);
    assert.equal(m.contacts[0].displayName, 'Mr. Watson');
    assert.equal(m.contacts[0].q, 0.7);
    assert.equal(m.contacts[0].expires, 3600);
    assert.equal(m.contacts[1].uri.scheme, 'mailto');
    assert.equal(m.contacts[1].q, 0.1);
    assert.equal(m.contacts[1].expires, undefined);
    assert.equal(m.contactStar, false);
  });

  it('concatenates repeated Contact fields and the compact form', () => {
    const m = parsed('Contact: <sip:a@one.example.com>', 'm: sip:b@two.example.com;expires=0');
    assert.deepEqual(m.contacts.map((c) => c.uri.host), ['one.example.com', 'two.example.com']);
    assert.equal(m.contacts[1].expires, 0);
    assert.equal(m.contacts[1].uri.params.size, 0);
  });

  it('Contact: * (RFC 3261 §10.2.2)', () => {
    const m = parsed('Contact: *', 'Expires: 0');
    assert.equal(m.contactStar, true);
    assert.deepEqual(m.contacts, []);
    assert.equal(parsed('Contact:   *  ').contactStar, true);
    const n = parsed('Contact: <sip:a@b>');
    assert.equal(n.contactStar, false);
  });

  it('accepts the q and expires boundaries', () => {
    for (const [q, v] of [['0', 0], ['1', 1], ['1.0', 1], ['1.000', 1], ['0.001', 0.001], ['0.', 0]] as const) {
      assert.equal(parsed(`Contact: <sip:a@b>;q=${q}`).contacts[0].q, v, q);
    }
    assert.equal(parsed('Contact: <sip:a@b>;expires=4294967295').contacts[0].expires, 4294967295);
  });

  it('throws ParseError for malformed contacts, q and expires', () => {
    for (const line of [
      'Contact: <sip:a@b>;q=1.5', 'Contact: <sip:a@b>;q=2', 'Contact: <sip:a@b>;q=0.1234', 'Contact: <sip:a@b>;q=abc',
      'Contact: <sip:a@b>;q=-0.5', 'Contact: <sip:a@b>;expires=abc', 'Contact: <sip:a@b>;expires=-1',
      'Contact: <sip:a@b>;expires=99999999999', 'Contact: <sip:a@b', 'Contact: *, <sip:a@b>', 'Contact: <sip:a@b>;expires',
    ]) {
      const m = parsed(line);
      throwsParseError(() => m.contacts, 'Contact');
    }
  });
});

describe('Route and Record-Route', () => {
  it('parses route sets in order across fields', () => {
    const m = parsed('Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>', 'Route: <sip:[2001:db8::1]:5070;lr;transport=tcp>', 'Record-Route: <sip:p3.example.com;lr>');
    assert.deepEqual(m.routes.map((r) => r.uri.host), ['p1.example.com', 'p2.example.com', '[2001:db8::1]']);
    assert.equal(m.routes[0].uri.params.get('lr'), null);
    assert.equal(m.routes[2].uri.port, 5070);
    assert.equal(m.recordRoutes.length, 1);
    assert.equal(m.recordRoutes[0].uri.host, 'p3.example.com');
  });

  it('is empty when absent', () => {
    const m = parsed();
    assert.deepEqual(m.routes, []);
    assert.deepEqual(m.recordRoutes, []);
    assert.deepEqual(m.contacts, []);
  });

  it('throws ParseError for a malformed route', () => {
    throwsParseError(() => parsed('Route: <sip:p1.example.com;lr>, <sip:p2 example.com>').routes, 'Route');
    throwsParseError(() => parsed('Record-Route: sip:p1.example.com>').recordRoutes, 'Record-Route');
  });
});

describe('formatNameAddr', () => {
  it('quotes display names and keeps params', () => {
    const uri = parseUri('sip:alice@atlanta.com')!;
    assert.equal(formatNameAddr({ displayName: 'A "B" \\C', uri, params: new Map([['tag', '1']]) }), '"A \\"B\\" \\\\C" <sip:alice@atlanta.com>;tag=1');
    assert.equal(formatNameAddr({ uri: 'sip:x@y' }), '<sip:x@y>');
  });

  it('round-trips a parsed From', () => {
    const f = parsed('From: "Zoë \\"Z\\"" <sip:zoe@atlanta.com;transport=tcp>;tag=abc;x').from;
    assert.equal(formatNameAddr(f), '"Zoë \\"Z\\"" <sip:zoe@atlanta.com;transport=tcp>;tag=abc;x');
  });
});
