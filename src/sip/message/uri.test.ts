// SIP/SIPS URIs (RFC 3261 §19.1, §25.1), tel URIs (RFC 3966) and opaque absolute URIs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseUri, Uri } from './uri.js';

function must(text: string): Uri {
  const u = parseUri(text);
  assert.ok(u, `expected ${text} to parse`);
  return u;
}

describe('parseUri: sip and sips (RFC 3261 §19.1.3 examples)', () => {
  it('user and host', () => {
    const u = must('sip:alice@atlanta.com');
    assert.equal(u.scheme, 'sip');
    assert.equal(u.user, 'alice');
    assert.equal(u.password, undefined);
    assert.equal(u.host, 'atlanta.com');
    assert.equal(u.port, undefined);
    assert.equal(u.params.size, 0);
    assert.equal(u.headers.size, 0);
    assert.equal(u.number, undefined);
    assert.equal(u.raw, 'sip:alice@atlanta.com');
    assert.equal(u.isSip, true);
  });

  it('password and transport parameter', () => {
    const u = must('sip:alice:secretword@atlanta.com;transport=tcp');
    assert.equal(u.user, 'alice');
    assert.equal(u.password, 'secretword');
    assert.equal(u.params.get('transport'), 'tcp');
    assert.equal(u.param('transport'), 'tcp');
  });

  it('sips with URI headers', () => {
    const u = must('sips:alice@atlanta.com?subject=project%20x&priority=urgent');
    assert.equal(u.scheme, 'sips');
    assert.equal(u.host, 'atlanta.com');
    assert.deepEqual([...u.headers], [['subject', 'project%20x'], ['priority', 'urgent']]);
  });

  it('telephone-subscriber user with user=phone', () => {
    const u = must('sip:+1-212-555-1212:1234@gateway.com;user=phone');
    assert.equal(u.user, '+1-212-555-1212');
    assert.equal(u.password, '1234');
    assert.equal(u.host, 'gateway.com');
    assert.equal(u.params.get('user'), 'phone');
  });

  it('IPv4 host and port', () => {
    const u = must('sip:alice@192.0.2.4:5070');
    assert.equal(u.host, '192.0.2.4');
    assert.equal(u.hostname, '192.0.2.4');
    assert.equal(u.port, 5070);
  });

  it('no user part, method parameter and an escaped header value', () => {
    const u = must('sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com');
    assert.equal(u.user, undefined);
    assert.equal(u.host, 'atlanta.com');
    assert.equal(u.params.get('method'), 'REGISTER');
    assert.equal(u.headers.get('to'), 'alice%40atlanta.com');
  });

  it('a user part containing ";" (user-unreserved)', () => {
    const u = must('sip:alice;day=tuesday@atlanta.com');
    assert.equal(u.user, 'alice;day=tuesday');
    assert.equal(u.host, 'atlanta.com');
    assert.equal(u.params.size, 0);
  });

  it('IPv6 references keep their brackets in host; hostname drops them', () => {
    const u = must('sip:[2001:db8::10]:5070;transport=udp');
    assert.equal(u.host, '[2001:db8::10]');
    assert.equal(u.hostname, '2001:db8::10');
    assert.equal(u.port, 5070);
    assert.equal(u.params.get('transport'), 'udp');
    const v = must('sips:bob@[::ffff:192.0.2.1]');
    assert.equal(v.host, '[::ffff:192.0.2.1]');
    assert.equal(v.port, undefined);
  });

  it('flag parameters are null, names are lower-cased, values keep their case', () => {
    const u = must('sip:p1.example.com;lr;Transport=TCP;maddr=239.255.255.1;ttl=15');
    assert.equal(u.params.get('lr'), null);
    assert.ok(u.params.has('lr'));
    assert.equal(u.params.get('transport'), 'TCP');
    assert.equal(u.params.get('maddr'), '239.255.255.1');
    assert.equal(u.params.get('ttl'), '15');
  });

  it('the scheme is case-insensitive; user and host keep their case', () => {
    const u = must('SIP:Alice@AtLanTa.CoM');
    assert.equal(u.scheme, 'sip');
    assert.equal(u.user, 'Alice');
    assert.equal(u.host, 'AtLanTa.CoM');
  });

  it('keeps %-escapes in user, params and headers as written', () => {
    const u = must('sip:sip%3Auser%40example.com@company.com;other-param=summit%20x');
    assert.equal(u.user, 'sip%3Auser%40example.com');
    assert.equal(u.host, 'company.com');
    assert.equal(u.params.get('other-param'), 'summit%20x');
  });

  it('accepts the user-unreserved and mark characters', () => {
    const u = must("sip:a-_.!~*'()&=+$,;?/b@host.example");
    assert.equal(u.user, "a-_.!~*'()&=+$,;?/b");
  });

  it('rejects malformed SIP URIs', () => {
    for (const t of [
      'sip:', 'sip:@atlanta.com', 'sip:alice@', 'sip:atlanta.com:', 'sip:atlanta.com:5o60', 'sip:atlanta.com:70000',
      'sip:atlanta.com:123456', 'sip:[2001:db8::1', 'sip:[]', 'sip:[2001:db8::g]', 'sip:a b@atlanta.com', 'sip:alice@atl anta.com',
      'sip:%zz@atlanta.com', 'sip:%4@atlanta.com', 'sip:alice@atlanta.com;=x', 'sip:alice@atlanta.com?x', 'sip:<alice@atlanta.com>',
      'sip:alice@atl_anta.com', 'sip:alice@atlanta.com>', 'sip:"alice"@atlanta.com', 'sip:alicé@atlanta.com', ':alice@atlanta.com',
      'alice@atlanta.com', '1sip:alice@atlanta.com', 'sip:alice@[2001:db8::1]x', 'sip:alice@atlanta.com;transport=',
    ]) {
      assert.equal(parseUri(t), undefined, t);
    }
  });
});

describe('parseUri: tel (RFC 3966)', () => {
  it('global number with visual separators', () => {
    const u = must('tel:+1-201-555-0123');
    assert.equal(u.scheme, 'tel');
    assert.equal(u.number, '+1-201-555-0123');
    assert.equal(u.host, '');
    assert.equal(u.isSip, false);
    assert.equal(u.toString(), 'tel:+1-201-555-0123');
  });

  it('local numbers with a phone-context (domain or global digits)', () => {
    const a = must('tel:7042;phone-context=example.com');
    assert.equal(a.number, '7042');
    assert.equal(a.params.get('phone-context'), 'example.com');
    const b = must('tel:863-1234;phone-context=+1-914-555');
    assert.equal(b.number, '863-1234');
    assert.equal(b.params.get('phone-context'), '+1-914-555');
    const c = must('tel:*31;phone-context=+1');
    assert.equal(c.number, '*31');
    const d = must('tel:1a2F;phone-context=example.com');
    assert.equal(d.number, '1a2F');
  });

  it('parameters: ext, isub and extensions', () => {
    const u = must('tel:+1-201-555-0123;ext=1234;isub=a1;Foo');
    assert.equal(u.params.get('ext'), '1234');
    assert.equal(u.params.get('isub'), 'a1');
    assert.equal(u.params.get('foo'), null);
    assert.equal(u.toString(), 'tel:+1-201-555-0123;ext=1234;isub=a1;foo');
  });

  it('is case-insensitive in the scheme', () => {
    assert.equal(must('TEL:+15551234').number, '+15551234');
  });

  it('rejects malformed tel URIs', () => {
    for (const t of ['tel:', 'tel:+', 'tel:+-', 'tel:+1-abc', 'tel:+1 555', 'tel:+1*2', 'tel:;phone-context=x', 'tel:1234', 'tel:--;phone-context=x', 'tel:123G;phone-context=x']) {
      assert.equal(parseUri(t), undefined, t);
    }
  });
});

describe('parseUri: other schemes', () => {
  it('keeps absolute URIs of other schemes opaque', () => {
    const u = must('mailto:alice@atlanta.com');
    assert.equal(u.scheme, 'mailto');
    assert.equal(u.host, '');
    assert.equal(u.raw, 'mailto:alice@atlanta.com');
    assert.equal(u.toString(), 'mailto:alice@atlanta.com');
    assert.equal(must('urn:service:sos').scheme, 'urn');
    assert.equal(must('HTTP://example.com/a?b').scheme, 'http');
  });

  it('rejects whitespace, angle brackets, quotes and empty opaque parts', () => {
    for (const t of ['http:', 'http://a b', 'urn:a<b', 'urn:a>b', 'urn:"x"', 'ht tp:x', '-x:y']) assert.equal(parseUri(t), undefined, t);
  });
});

describe('Uri: serialization and copies', () => {
  it('serializes sip URIs from their fields', () => {
    assert.equal(must('SIP:alice:pw@atlanta.com:5060;Transport=tcp;lr?Subject=x&b=c').toString(), 'sip:alice:pw@atlanta.com:5060;transport=tcp;lr?Subject=x&b=c');
    assert.equal(must('sip:[::1]:5062').toString(), 'sip:[::1]:5062');
  });

  it('reflects field changes in toString', () => {
    const u = must('sip:alice@atlanta.com;transport=udp');
    u.host = 'biloxi.com';
    u.port = 5080;
    u.user = undefined;
    u.params.set('lr', null);
    assert.equal(u.toString(), 'sip:biloxi.com:5080;transport=udp;lr');
  });

  it('clone() is deep for params and headers', () => {
    const u = must('sip:alice@atlanta.com;transport=udp?a=b');
    const c = u.clone();
    c.params.set('transport', 'tcp');
    c.headers.set('a', 'z');
    c.host = 'elsewhere.com';
    assert.equal(u.params.get('transport'), 'udp');
    assert.equal(u.headers.get('a'), 'b');
    assert.equal(u.host, 'atlanta.com');
    assert.equal(c.toString(), 'sip:alice@elsewhere.com;transport=tcp?a=z');
    assert.ok(c instanceof Uri);
  });

  it('builds from an init object', () => {
    const u = new Uri({ scheme: 'SIPS', user: 'bob', host: 'biloxi.com', port: 5061, params: new Map([['transport', 'tls']]) });
    assert.equal(u.scheme, 'sips');
    assert.equal(u.toString(), 'sips:bob@biloxi.com:5061;transport=tls');
    assert.equal(u.raw, '');
    const t = new Uri({ scheme: 'tel', number: '+15551234' });
    assert.equal(t.toString(), 'tel:+15551234');
  });

  it('round-trips through parseUri', () => {
    for (const t of ['sip:alice@atlanta.com', 'sips:bob:x@[2001:db8::1]:5061;transport=tls;lr', 'sip:+1555@gw.example.com;user=phone', 'tel:+1-555-0100;ext=7']) {
      const u = must(t);
      assert.equal(must(u.toString()).toString(), u.toString(), t);
    }
  });
});
