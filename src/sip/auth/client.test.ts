import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseDigestChallenges, parseDigestCredentials } from './auth-header.js';
import { buildDigestCredentials, chooseQop, DigestClient } from './client.js';
import { computeHa1, computeUserhash } from './digest.js';

const MD5_CH = 'Digest realm="trunk.example.net", nonce="abc123", algorithm=MD5, qop="auth", opaque="op"';
const SHA_CH = 'Digest realm="trunk.example.net", nonce="abc123", algorithm=SHA-256, qop="auth", opaque="op"';

function creds(value: string) {
  const p = parseDigestCredentials(value);
  assert.ok(p.ok, value);
  return p.value;
}

describe('buildDigestCredentials', () => {
  it('reproduces the RFC 2617 §3.5 Authorization', () => {
    const ch = parseDigestChallenges(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    assert.ok(ch.ok);
    const value = buildDigestCredentials({
      challenge: ch.value[0],
      username: 'Mufasa',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nc: 1,
      cnonce: '0a4f113b',
    });
    assert.equal(
      value,
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
        'response="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001',
    );
  });

  it('reproduces the RFC 7616 §3.9.1 SHA-256 response', () => {
    const ch = parseDigestChallenges(
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    assert.ok(ch.ok);
    const value = buildDigestCredentials({
      challenge: ch.value[0],
      username: 'Mufasa',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nc: 1,
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    });
    assert.ok(value !== undefined);
    assert.equal(creds(value).response, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    assert.equal(creds(value).algorithm, 'SHA-256');
  });

  it('refuses what it cannot answer', () => {
    const parse = (v: string) => {
      const p = parseDigestChallenges(v);
      assert.ok(p.ok);
      return p.value[0];
    };
    const base = { username: 'u', password: 'p', method: 'REGISTER', uri: 'sip:x', nc: 1, cnonce: 'c' };
    assert.equal(buildDigestCredentials({ ...base, challenge: parse('Digest realm="r", nonce="n", algorithm=SHA-512-256') }), undefined);
    assert.equal(buildDigestCredentials({ ...base, challenge: parse('Digest realm="r", nonce="n", qop="auth-conf"') }), undefined);
    assert.equal(buildDigestCredentials({ ...base, challenge: parse('Digest realm="r", nonce="n", algorithm=MD5-sess') }), undefined);
    assert.equal(buildDigestCredentials({ ...base, password: undefined, challenge: parse('Digest realm="r", nonce="n"') }), undefined);
    assert.equal(chooseQop(parse('Digest realm="r", nonce="n", qop="auth-int,auth"')), 'auth');
  });
});

describe('DigestClient', () => {
  it('prefers SHA-256 over MD5 whatever the order offered', () => {
    const client = new DigestClient({ username: 'pbx', password: 'secret' });
    const r = client.respond({ status: 401, challenges: [MD5_CH, SHA_CH], method: 'REGISTER', uri: 'sip:trunk.example.net' });
    assert.ok(r.ok);
    assert.equal(r.headers.length, 1);
    const c = creds(r.headers[0][1]);
    assert.equal(c.algorithm, 'SHA-256');
    assert.equal(c.nc, '00000001');
    assert.equal(c.qop, 'auth');
    assert.equal(c.opaque, 'op');
    assert.equal(c.response.length, 64);
    // both challenges in one header value
    const one = new DigestClient({ username: 'pbx', password: 'secret' }).respond({ status: 401, challenges: `${MD5_CH}, ${SHA_CH}`, method: 'REGISTER', uri: 'sip:trunk.example.net' });
    assert.ok(one.ok);
    assert.equal(creds(one.headers[0][1]).algorithm, 'SHA-256');
  });

  it('uses MD5 when only an MD5 HA1 is configured', () => {
    const client = new DigestClient({ username: 'pbx', realm: 'trunk.example.net', ha1: { md5: computeHa1('md5', 'pbx', 'trunk.example.net', 'secret') } });
    const r = client.respond({ status: 401, challenges: [SHA_CH, MD5_CH], method: 'REGISTER', uri: 'sip:trunk.example.net' });
    assert.ok(r.ok);
    assert.equal(creds(r.headers[0][1]).algorithm, 'MD5');
  });

  it('increments nc and changes cnonce on reuse; omits algorithm when the server did', () => {
    let n = 0;
    const client = new DigestClient({ username: 'pbx', password: 'secret', cnonce: () => `c${++n}` });
    const r = client.respond({ status: 401, challenges: 'Digest realm="r", nonce="n", qop="auth"', method: 'REGISTER', uri: 'sip:r' });
    assert.ok(r.ok);
    assert.equal(creds(r.headers[0][1]).algorithm, undefined);
    const [[name, next]] = client.authorize({ method: 'REGISTER', uri: 'sip:r' });
    assert.equal(name, 'Authorization');
    assert.equal(creds(next).nc, '00000002');
    assert.equal(creds(next).cnonce, 'c2');
    client.reset();
    assert.deepEqual(client.authorize({ method: 'REGISTER', uri: 'sip:r' }), []);
  });

  it('answers stale=true silently, but reports a non-stale re-challenge as rejected', () => {
    const client = new DigestClient({ username: 'pbx', password: 'secret' });
    const first = client.respond({ status: 407, challenges: SHA_CH, method: 'INVITE', uri: 'sip:+15551234@trunk.example.net' });
    assert.ok(first.ok);
    assert.equal(first.headers[0][0], 'Proxy-Authorization');
    const sent = first.headers.map(([, v]) => v);
    const stale = client.respond({
      status: 407,
      challenges: SHA_CH.replace('abc123', 'fresh').concat(', stale=TRUE'),
      method: 'INVITE',
      uri: 'sip:+15551234@trunk.example.net',
      sentCredentials: sent,
    });
    assert.ok(stale.ok);
    assert.equal(creds(stale.headers[0][1]).nonce, 'fresh');
    const rejected = client.respond({ status: 407, challenges: SHA_CH.replace('abc123', 'newer'), method: 'INVITE', uri: 'sip:+15551234@trunk.example.net', sentCredentials: sent });
    assert.deepEqual(rejected, { ok: false, reason: 'rejected', realm: 'trunk.example.net' });
    // Same nonce again without stale (no sentCredentials given) is a rejection too.
    const c2 = new DigestClient({ username: 'pbx', password: 'secret' });
    assert.ok(c2.respond({ status: 401, challenges: SHA_CH, method: 'REGISTER', uri: 'sip:t' }).ok);
    assert.equal(c2.respond({ status: 401, challenges: SHA_CH, method: 'REGISTER', uri: 'sip:t' }).ok, false);
  });

  it('answers every realm of a forked 407, and honours a realm restriction', () => {
    const other = 'Digest realm="proxy2.example.org", nonce="zz", qop="auth", algorithm=MD5';
    const all = new DigestClient({ username: 'pbx', password: 'secret' }).respond({ status: 407, challenges: [SHA_CH, other], method: 'INVITE', uri: 'sip:x@y' });
    assert.ok(all.ok);
    assert.deepEqual(all.headers.map(([, v]) => creds(v).realm), ['trunk.example.net', 'proxy2.example.org']);
    const only = new DigestClient({ username: 'pbx', password: 'secret', realm: 'proxy2.example.org' }).respond({ status: 407, challenges: [SHA_CH, other], method: 'INVITE', uri: 'sip:x@y' });
    assert.ok(only.ok);
    assert.equal(only.headers.length, 1);
    const none = new DigestClient({ username: 'pbx', password: 'secret', realm: 'elsewhere' }).respond({ status: 407, challenges: [SHA_CH], method: 'INVITE', uri: 'sip:x@y' });
    assert.deepEqual(none, { ok: false, reason: 'no-usable-challenge' });
  });

  it('skips malformed or unsupported challenges', () => {
    const client = new DigestClient({ username: 'pbx', password: 'secret' });
    const r = client.respond({
      status: 401,
      challenges: ['Digest realm="x', 'Basic realm="x"', 'Digest realm="r", nonce="n", algorithm=SHA-512-256', MD5_CH],
      method: 'REGISTER',
      uri: 'sip:r',
    });
    assert.ok(r.ok);
    assert.equal(creds(r.headers[0][1]).algorithm, 'MD5');
    assert.deepEqual(client.respond({ status: 401, challenges: ['garbage "', ''], method: 'REGISTER', uri: 'sip:r' }), { ok: false, reason: 'no-usable-challenge' });
  });

  it('hashes the username when the challenge asks for userhash (RFC 7616 §3.4.4)', () => {
    const client = new DigestClient({ username: 'pbx', password: 'secret' });
    const r = client.respond({ status: 401, challenges: `${SHA_CH}, userhash=true`, method: 'REGISTER', uri: 'sip:r' });
    assert.ok(r.ok);
    const c = creds(r.headers[0][1]);
    assert.equal(c.userhash, true);
    assert.equal(c.username, computeUserhash('sha256', 'pbx', 'trunk.example.net'));
  });

  it('respondTo works on response/request views and ignores other statuses', () => {
    const client = new DigestClient({ username: 'pbx', password: 'secret' });
    const headersOf = (h: Array<[string, string]>) => (name: string) => h.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    const request = { method: 'REGISTER', uri: { toString: () => 'sip:trunk.example.net' }, headerValues: headersOf([]) };
    assert.equal(client.respondTo({ status: 200, headerValues: headersOf([]) }, request), undefined);
    const r = client.respondTo({ status: 401, headerValues: headersOf([['WWW-Authenticate', SHA_CH]]) }, request);
    assert.ok(r?.ok);
    assert.equal(creds(r.headers[0][1]).uri, 'sip:trunk.example.net');
  });

  it('rejects impossible configuration', () => {
    assert.throws(() => new DigestClient({ username: 'u' }), RangeError);
    assert.throws(() => new DigestClient({ username: 'u', ha1: { md5: 'x' } }), RangeError);
  });
});
