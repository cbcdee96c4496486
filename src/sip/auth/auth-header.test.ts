import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  parseAuthElements,
  parseDigestChallenges,
  parseDigestCredentials,
  quoteString,
  serializeDigestChallenge,
  serializeDigestCredentials,
} from './auth-header.js';

const RFC2617_CHALLENGE =
  'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
const RFC2617_CREDENTIALS =
  'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
  'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';

describe('auth-header parsing', () => {
  it('parses the RFC 2617 §3.5 challenge', () => {
    const r = parseDigestChallenges(RFC2617_CHALLENGE);
    assert.ok(r.ok);
    assert.equal(r.value.length, 1);
    const ch = r.value[0];
    assert.equal(ch.realm, 'testrealm@host.com');
    assert.deepEqual(ch.qop, ['auth', 'auth-int']);
    assert.equal(ch.nonce, 'dcd98b7102dd2f0e8b11d0f600bfb0c093');
    assert.equal(ch.opaque, '5ccc069c403ebaf9f0171e9517f40e41');
    assert.equal(ch.stale, false);
    assert.equal(ch.algorithm, undefined);
  });

  it('parses the RFC 2617 §3.5 credentials', () => {
    const r = parseDigestCredentials(RFC2617_CREDENTIALS);
    assert.ok(r.ok);
    assert.equal(r.value.username, 'Mufasa');
    assert.equal(r.value.uri, '/dir/index.html');
    assert.equal(r.value.qop, 'auth');
    assert.equal(r.value.nc, '00000001');
    assert.equal(r.value.cnonce, '0a4f113b');
    assert.equal(r.value.response, '6629fae49393a05397450978507c4ef1');
  });

  it('is case-insensitive for scheme and parameter names, tolerates LWS around "=" and ","', () => {
    const r = parseDigestChallenges('dIgEsT  REALM = "a" ,NONCE="n" , Stale=TRUE,ALGORITHM=sha-256');
    assert.ok(r.ok);
    assert.equal(r.value[0].realm, 'a');
    assert.equal(r.value[0].stale, true);
    assert.equal(r.value[0].algorithm, 'sha-256');
  });

  it('unescapes quoted-pairs', () => {
    const r = parseDigestChallenges('Digest realm="a \\"quoted\\" \\\\ realm", nonce="n"');
    assert.ok(r.ok);
    assert.equal(r.value[0].realm, 'a "quoted" \\ realm');
    const comma = parseDigestChallenges('Digest realm="x, y=z", nonce="n"');
    assert.ok(comma.ok);
    assert.equal(comma.value[0].realm, 'x, y=z');
  });

  it('splits multiple challenges in one value (including token68 and non-Digest schemes)', () => {
    const r = parseAuthElements('Basic abc+/==, Digest realm="a", nonce="1", algorithm=SHA-256, Digest realm="a", nonce="1", Negotiate, Foo x=y');
    assert.ok(r.ok);
    assert.deepEqual(r.value.map((e) => e.scheme), ['Basic', 'Digest', 'Digest', 'Negotiate', 'Foo']);
    assert.equal(r.value[0].token68, 'abc+/==');
    assert.equal(r.value[2].params.get('nonce'), '1');
    const d = parseDigestChallenges('Digest realm="a", nonce="1", algorithm=SHA-256, Digest realm="a", nonce="1", algorithm=MD5');
    assert.ok(d.ok);
    assert.deepEqual(d.value.map((c) => c.algorithm), ['SHA-256', 'MD5']);
  });

  it('rejects hostile input with typed faults', () => {
    const cases: Array<[string, string]> = [
      ['', 'SSW_AUTH_EMPTY'],
      [' , ,', 'SSW_AUTH_EMPTY'],
      ['Digest realm="abc, nonce=n', 'SSW_AUTH_UNTERMINATED_QUOTE'],
      ['Digest realm="abc, nonce="n"', 'SSW_AUTH_BAD_SYNTAX'],
      ['Digest realm="abc\\', 'SSW_AUTH_UNTERMINATED_QUOTE'],
      ['Digest realm="a", realm="b", nonce="n"', 'SSW_AUTH_DUPLICATE_PARAM'],
      ['Digest realm="a", REALM="a", nonce="n"', 'SSW_AUTH_DUPLICATE_PARAM'],
      ['Digest realm', 'SSW_AUTH_BAD_SYNTAX'],
      ['Digest realm="a" nonce="n"', 'SSW_AUTH_BAD_SYNTAX'],
      ['Digest realm=, nonce="n"', 'SSW_AUTH_BAD_SYNTAX'],
      ['Digest realm="a\r\nVia: x", nonce="n"', 'SSW_AUTH_BAD_SYNTAX'],
      ['Digest nonce="n"', 'SSW_AUTH_MISSING_PARAM'],
      ['Digest realm="r"', 'SSW_AUTH_MISSING_PARAM'],
      ['Digest realm="r", nonce="n", qop=""', 'SSW_AUTH_BAD_PARAM'],
      ['"Digest" realm="r"', 'SSW_AUTH_BAD_SYNTAX'],
      [`Digest realm="${'a'.repeat(9000)}", nonce="n"`, 'SSW_AUTH_TOO_LARGE'],
      [`Digest realm="r", nonce="n", ${Array.from({ length: 40 }, (_, i) => `p${i}=1`).join(', ')}`, 'SSW_AUTH_TOO_MANY_PARAMS'],
      [Array.from({ length: 9 }, () => 'Digest realm="r", nonce="n"').join(', '), 'SSW_AUTH_TOO_MANY_ELEMENTS'],
    ];
    for (const [input, code] of cases) {
      const r = parseDigestChallenges(input);
      assert.equal(r.ok, false, input.slice(0, 60));
      if (!r.ok) {
        assert.equal(r.fault.code, code, input.slice(0, 60));
        assert.equal(r.fault.status, 400);
      }
    }
  });

  it('validates credentials (required params, qop needs cnonce+nc, nc format, hex response, one per header)', () => {
    const base = 'Digest username="u", realm="r", nonce="n", uri="sip:a@b", response="0123456789abcdef0123456789abcdef"';
    assert.ok(parseDigestCredentials(base).ok);
    const bad: Array<[string, string, string]> = [
      ['Digest realm="r", nonce="n", uri="sip:a@b", response="00"', 'SSW_AUTH_MISSING_PARAM', 'username'],
      [`${base}, qop=auth, nc=00000001`, 'SSW_AUTH_MISSING_PARAM', 'cnonce'],
      [`${base}, qop=auth, cnonce="c"`, 'SSW_AUTH_MISSING_PARAM', 'nc'],
      [`${base}, qop=auth, cnonce="c", nc=1`, 'SSW_AUTH_BAD_PARAM', 'nc'],
      [`${base}, qop=auth, cnonce="c", nc=0000000g`, 'SSW_AUTH_BAD_PARAM', 'nc'],
      ['Digest username="u", realm="r", nonce="n", uri="sip:a@b", response="zz"', 'SSW_AUTH_BAD_PARAM', 'response'],
      ['Basic dXNlcjpwYXNz', 'SSW_AUTH_NOT_DIGEST', 'scheme'],
      [`${base}, Digest username="v"`, 'SSW_AUTH_BAD_SYNTAX', 'scheme'],
    ];
    for (const [input, code, field] of bad) {
      const r = parseDigestCredentials(input);
      assert.equal(r.ok, false, input);
      if (!r.ok) {
        assert.equal(r.fault.code, code, input);
        assert.equal(r.fault.field, field, input);
      }
    }
  });

  it('accepts qop quoted in credentials (interop) and normalises case', () => {
    const r = parseDigestCredentials(
      'Digest username="u", realm="r", nonce="n", uri="sip:a@b", response="ABCDEF0123456789ABCDEF0123456789", qop="AUTH", nc=0000000A, cnonce="c"',
    );
    assert.ok(r.ok);
    assert.equal(r.value.qop, 'auth');
    assert.equal(r.value.nc, '0000000a');
    assert.equal(r.value.response, 'abcdef0123456789abcdef0123456789');
  });
});

describe('auth-header serialization', () => {
  it('round-trips a challenge', () => {
    const text = serializeDigestChallenge({ realm: 'we "love" \\ sip', nonce: 'abc', opaque: 'o', algorithm: 'SHA-256', qop: ['auth', 'auth-int'], stale: true });
    assert.equal(text, 'Digest realm="we \\"love\\" \\\\ sip", nonce="abc", opaque="o", stale=true, algorithm=SHA-256, qop="auth,auth-int"');
    const r = parseDigestChallenges(text);
    assert.ok(r.ok);
    assert.equal(r.value[0].realm, 'we "love" \\ sip');
    assert.equal(r.value[0].stale, true);
    assert.deepEqual(r.value[0].qop, ['auth', 'auth-int']);
  });

  it('round-trips credentials with unquoted qop and nc', () => {
    const text = serializeDigestCredentials({
      username: 'alice',
      realm: 'r',
      nonce: 'n',
      uri: 'sip:bob@example.com;transport=tcp',
      response: '6629fae49393a05397450978507c4ef1',
      algorithm: 'MD5',
      cnonce: 'c',
      opaque: 'o',
      qop: 'auth',
      nc: '00000001',
    });
    assert.match(text, /qop=auth, nc=00000001$/);
    const r = parseDigestCredentials(text);
    assert.ok(r.ok);
    assert.equal(r.value.uri, 'sip:bob@example.com;transport=tcp');
  });

  it('refuses values no quoted-string can carry', () => {
    assert.throws(() => quoteString('a\r\nb'), RangeError);
    assert.throws(() => serializeDigestChallenge({ realm: 'r', nonce: 'n', algorithm: 'SHA 256' }), RangeError);
  });
});

describe('auth-header fuzzing (fast-check)', () => {
  const alphabet = fc.constantFrom(
    'Digest', 'digest', ' ', ' ', '\t', ',', '=', '"', '\\', 'realm', 'nonce', 'qop', 'nc', 'uri', 'response',
    'username', 'a', 'Z', '0', '9', '/', '+', '\r', '\n', '\u0000', 'é', '😀', 'auth', 'stale', 'true', ';', '<', '>',
  );
  const hostile = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(alphabet, { maxLength: 80 }).map((parts) => parts.join('')),
  );

  it('never throws on random input (parse functions)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const a = parseAuthElements(s);
        const b = parseDigestChallenges(s);
        const c = parseDigestCredentials(s);
        for (const r of [a, b, c]) {
          if (!r.ok) assert.equal(r.fault.status, 400);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('serialize → parse is the identity for arbitrary printable values', () => {
    const printable = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n\0]/.test(s));
    fc.assert(
      fc.property(printable, printable, printable, (realm, nonce, username) => {
        const ch = parseDigestChallenges(serializeDigestChallenge({ realm, nonce, qop: ['auth'] }));
        assert.ok(ch.ok);
        assert.equal(ch.value[0].realm, realm);
        assert.equal(ch.value[0].nonce, nonce);
        const cr = parseDigestCredentials(serializeDigestCredentials({ username, realm, nonce, uri: 'sip:x', response: 'ab' }));
        assert.ok(cr.ok);
        assert.equal(cr.value.username, username);
      }),
      { numRuns: 300 },
    );
  });
});
