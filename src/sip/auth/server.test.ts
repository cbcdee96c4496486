import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { parseDigestChallenges, parseDigestCredentials, serializeDigestCredentials, type DigestChallenge } from './auth-header.js';
import { buildDigestCredentials, DigestClient } from './client.js';
import { computeHa1 } from './digest.js';
import {
  authFailureStatus,
  DigestAuthenticator,
  sameRequestUri,
  type AuthRequestView,
  type CredentialStore,
  type DigestAuthenticatorOptions,
  type StoredCredentials,
} from './server.js';

const REALM = 'example.com';
const RURI = 'sip:example.com';
const SECRET = 'a shared secret of sufficient length';

class MemoryStore implements CredentialStore {
  readonly users = new Map<string, StoredCredentials>([
    ['alice', { password: 'wonderland' }],
    // HA1-only user: no clear-text password in storage.
    ['bob', { ha1Md5: computeHa1('md5', 'bob', REALM, 'builder'), ha1Sha256: computeHa1('sha256', 'bob', REALM, 'builder') }],
    ['carol', { ha1Md5: computeHa1('md5', 'carol', REALM, 'md5only') }],
  ]);
  lookups = 0;
  async lookup(username: string, realm: string): Promise<StoredCredentials | undefined> {
    this.lookups++;
    return realm === REALM ? this.users.get(username) : undefined;
  }
}

function setup(options: Partial<DigestAuthenticatorOptions> = {}) {
  const clock = { t: 1_700_000_000_000 };
  const auth = new DigestAuthenticator({ secret: SECRET, now: () => clock.t, ...options });
  return { clock, auth, store: new MemoryStore() };
}

/** Client answers a fresh 401 from `auth`; returns the single Authorization value. */
function answer(auth: DigestAuthenticator, client: DigestClient, method = 'REGISTER', uri = RURI, body?: string): string {
  const r = client.respond({ status: 401, challenges: auth.challengeValues(REALM), method, uri, body });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.headers.length, 1);
  assert.equal(r.headers[0][0], 'Authorization');
  return r.headers[0][1];
}

function firstChallenge(auth: DigestAuthenticator, index = 0): DigestChallenge {
  const p = parseDigestChallenges(auth.challengeValues(REALM)[index]);
  assert.ok(p.ok);
  return p.value[0];
}

describe('DigestAuthenticator challenges', () => {
  it('offers SHA-256 then MD5 with qop="auth", one nonce and an opaque (RFC 8760 §2.4)', () => {
    const { auth } = setup();
    const headers = auth.challengeResponseHeaders(407, REALM);
    assert.equal(headers.length, 2);
    assert.deepEqual(headers.map(([n]) => n), ['Proxy-Authenticate', 'Proxy-Authenticate']);
    const [sha, md5] = headers.map(([, v]) => {
      const p = parseDigestChallenges(v);
      assert.ok(p.ok);
      return p.value[0];
    });
    assert.equal(sha.algorithm, 'SHA-256');
    assert.equal(md5.algorithm, 'MD5');
    assert.deepEqual(sha.qop, ['auth']);
    assert.equal(sha.nonce, md5.nonce);
    assert.ok(sha.opaque !== undefined && sha.opaque === md5.opaque);
    assert.equal(sha.stale, false);
    assert.deepEqual(auth.challengeResponseHeaders(401, REALM).map(([n]) => n), ['WWW-Authenticate', 'WWW-Authenticate']);
    assert.match(auth.challengeResponseHeaders(401, REALM, { stale: true })[0][1], /stale=true/);
  });

  it('nonces made on one node verify on another with the same secret', async () => {
    const a = setup();
    const b = new DigestAuthenticator({ secret: SECRET, now: () => a.clock.t });
    const value = answer(a.auth, new DigestClient({ username: 'alice', password: 'wonderland' }));
    const r = await b.verify({ method: 'REGISTER', requestUri: RURI, credentials: value, realm: REALM, store: a.store });
    assert.equal(r.outcome, 'ok');
  });

  it('rejects bad configuration', () => {
    assert.throws(() => new DigestAuthenticator({ secret: 'short' }), RangeError);
    assert.throws(() => new DigestAuthenticator({ secret: SECRET, nonceTtlSeconds: 0 }), RangeError);
    assert.throws(() => new DigestAuthenticator({ secret: SECRET, algorithms: [] }), RangeError);
  });
});

describe('DigestAuthenticator verification', () => {
  it('round trip SHA-256 (client prefers it) with a password-backed user', async () => {
    const { auth, store } = setup();
    const value = answer(auth, new DigestClient({ username: 'alice', password: 'wonderland' }));
    assert.match(value, /algorithm=SHA-256/);
    const r = await auth.verify({ method: 'REGISTER', requestUri: RURI, credentials: value, realm: REALM, store });
    assert.deepEqual(r, { outcome: 'ok', username: 'alice', realm: REALM, algorithm: 'SHA-256' });
  });

  it('round trip MD5 and SHA-256 against HA1-only storage', async () => {
    const { auth, store } = setup();
    const sha = answer(auth, new DigestClient({ username: 'bob', password: 'builder' }), 'INVITE', 'sip:bob@example.com');
    assert.equal((await auth.verify({ method: 'INVITE', requestUri: 'sip:bob@example.com', credentials: sha, realm: REALM, store })).outcome, 'ok');
    const md5Client = new DigestClient({ username: 'bob', realm: REALM, ha1: { md5: computeHa1('md5', 'bob', REALM, 'builder') } });
    const md5 = answer(auth, md5Client, 'INVITE', 'sip:bob@example.com');
    assert.match(md5, /algorithm=MD5/);
    const r = await auth.verify({ method: 'INVITE', requestUri: 'sip:bob@example.com', credentials: md5, realm: REALM, store });
    assert.deepEqual(r, { outcome: 'ok', username: 'bob', realm: REALM, algorithm: 'MD5' });
  });

  it('MD5-only server and the -sess variants', async () => {
    const { auth, store } = setup({ algorithms: ['MD5'] });
    const value = answer(auth, new DigestClient({ username: 'alice', password: 'wonderland' }));
    assert.equal((await auth.verify({ method: 'REGISTER', requestUri: RURI, credentials: value, realm: REALM, store })).outcome, 'ok');
    const sess = setup({ algorithms: ['SHA-256-sess', 'MD5-sess'] });
    const v2 = answer(sess.auth, new DigestClient({ username: 'bob', password: 'builder' }));
    assert.match(v2, /algorithm=SHA-256-sess/);
    assert.equal((await sess.auth.verify({ method: 'REGISTER', requestUri: RURI, credentials: v2, realm: REALM, store })).outcome, 'ok');
  });

  it('qop=auth-int covers the body', async () => {
    const { auth, store } = setup({ qop: ['auth-int'] });
    const body = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n';
    const value = answer(auth, new DigestClient({ username: 'alice', password: 'wonderland' }), 'INVITE', 'sip:x@example.com', body);
    assert.match(value, /qop=auth-int/);
    const input = { method: 'INVITE', requestUri: 'sip:x@example.com', credentials: value, realm: REALM, store };
    assert.equal((await auth.verify({ ...input, body: 'v=0\r\n' })).outcome, 'challenge');
    assert.equal((await auth.verify({ ...input, body })).outcome, 'ok');
  });

  it('replay: the same nc twice is rejected (stale, so honest clients recover)', async () => {
    const { auth, store } = setup();
    const value = answer(auth, new DigestClient({ username: 'alice', password: 'wonderland' }));
    const input = { method: 'REGISTER', requestUri: RURI, credentials: value, realm: REALM, store };
    assert.equal((await auth.verify(input)).outcome, 'ok');
    assert.deepEqual(await auth.verify(input), { outcome: 'challenge', stale: true, reason: 'nonce-reused' });
  });

  it('nc must strictly increase: going backwards is rejected', async () => {
    const { auth, store } = setup();
    const client = new DigestClient({ username: 'alice', password: 'wonderland' });
    const nc1 = answer(auth, client);
    const [[, nc2]] = client.authorize({ method: 'REGISTER', uri: RURI });
    const [[, nc3]] = client.authorize({ method: 'REGISTER', uri: RURI });
    assert.match(nc3, /nc=00000003/);
    const v = (credentials: string) => auth.verify({ method: 'REGISTER', requestUri: RURI, credentials, realm: REALM, store });
    assert.equal((await v(nc1)).outcome, 'ok');
    assert.equal((await v(nc3)).outcome, 'ok');
    const back = await v(nc2);
    assert.equal(back.outcome, 'challenge');
    assert.equal(back.outcome === 'challenge' && back.reason, 'nonce-reused');
  });

  it('expired nonce with a correct response → stale=true, and the client re-authenticates silently', async () => {
    const { auth, store, clock } = setup({ nonceTtlSeconds: 300 });
    const client = new DigestClient({ username: 'alice', password: 'wonderland' });
    const value = answer(auth, client);
    clock.t += 301_000;
    const r = await auth.verify({ method: 'REGISTER', requestUri: RURI, credentials: value, realm: REALM, store });
    assert.deepEqual(r, { outcome: 'challenge', stale: true, reason: 'nonce-expired' });
    assert.equal(authFailureStatus(r, 401), 401);
    const challenges = auth.challengeResponseHeaders(401, REALM, { stale: r.outcome === 'challenge' && r.stale }).map(([, v]) => v);
    const again = client.respond({ status: 401, challenges, method: 'REGISTER', uri: RURI, sentCredentials: [value] });
    assert.ok(again.ok);
    const ok = await auth.verify({ method: 'REGISTER', requestUri: RURI, credentials: again.headers[0][1], realm: REALM, store });
    assert.equal(ok.outcome, 'ok');
  });

  it('expired nonce with a wrong password is not stale', async () => {
    const { auth, store, clock } = setup();
    const value = answer(auth, new DigestClient({ username: 'alice', password: 'wrong' }));
    clock.t += 301_000;
    assert.deepEqual(await auth.verify({ method: 'REGISTER', requestUri: RURI, credentials: value, realm: REALM, store }), {
      outcome: 'challenge',
      stale: false,
      reason: 'bad-response',
    });
  });

  it('tampered, foreign-realm or future nonces are not ok', async () => {
    const { auth, store, clock } = setup();
    const ch = firstChallenge(auth);
    const build = (nonce: string) =>
      buildDigestCredentials({ challenge: { ...ch, nonce }, username: 'alice', password: 'wonderland', method: 'REGISTER', uri: RURI, nc: 1, cnonce: 'c' }) as string;
    const tampered = (ch.nonce[0] === 'A' ? 'B' : 'A') + ch.nonce.slice(1);
    const v = (credentials: string) => auth.verify({ method: 'REGISTER', requestUri: RURI, credentials, realm: REALM, store });
    assert.deepEqual(await v(build(tampered)), { outcome: 'challenge', stale: false, reason: 'bad-nonce' });
    assert.deepEqual(await v(build('dcd98b7102dd2f0e8b11d0f600bfb0c093')), { outcome: 'challenge', stale: false, reason: 'bad-nonce' });
    const other = new DigestAuthenticator({ secret: SECRET, now: () => clock.t });
    const foreign = parseDigestChallenges(other.challengeValues('other.example.com')[0]);
    assert.ok(foreign.ok);
    assert.equal((await v(build(foreign.value[0].nonce))).outcome, 'challenge');
    const future = new DigestAuthenticator({ secret: SECRET, now: () => clock.t + 3_600_000 });
    const f = parseDigestChallenges(future.challengeValues(REALM)[0]);
    assert.ok(f.ok);
    assert.deepEqual(await v(build(f.value[0].nonce)), { outcome: 'challenge', stale: false, reason: 'bad-nonce' });
    // A correct digest over the genuine nonce but a tampered response.
    const good = build(ch.nonce).replace(/response="(.)/, (_m, c: string) => `response="${c === '0' ? '1' : '0'}`);
    assert.equal((await v(good)).outcome, 'challenge');
  });

  it('wrong password / unknown user: challenge again, or forbidden by policy', async () => {
    const { auth, store } = setup();
    const wrong = answer(auth, new DigestClient({ username: 'alice', password: 'nope' }));
    const input = { method: 'REGISTER', requestUri: RURI, credentials: wrong, realm: REALM, store };
    assert.deepEqual(await auth.verify(input), { outcome: 'challenge', stale: false, reason: 'bad-response' });
    const strict = setup({ onBadCredentials: 'forbidden' });
    const wrong2 = answer(strict.auth, new DigestClient({ username: 'alice', password: 'nope' }));
    const r = await strict.auth.verify({ ...input, credentials: wrong2 });
    assert.deepEqual(r, { outcome: 'forbidden', reason: 'bad-response' });
    assert.equal(authFailureStatus(r), 403);
    const ghost = answer(strict.auth, new DigestClient({ username: 'mallory', password: 'x' }));
    assert.deepEqual(await strict.auth.verify({ ...input, credentials: ghost }), { outcome: 'forbidden', reason: 'unknown-user' });
  });

  it('a user without an HA1 for the chosen hash is forbidden (store both HA1s)', async () => {
    const { auth, store } = setup();
    const value = answer(auth, new DigestClient({ username: 'carol', password: 'md5only' }));
    assert.deepEqual(await auth.verify({ method: 'REGISTER', requestUri: RURI, credentials: value, realm: REALM, store }), {
      outcome: 'forbidden',
      reason: 'no-ha1-for-algorithm',
    });
  });

  it('uri must match the Request-URI (RFC 2617 §3.2.2.5); realm must match', async () => {
    const { auth, store } = setup();
    const value = answer(auth, new DigestClient({ username: 'alice', password: 'wonderland' }), 'INVITE', 'sip:bob@Example.COM;transport=tcp');
    const base = { method: 'INVITE', credentials: value, realm: REALM, store };
    assert.deepEqual(await auth.verify({ ...base, requestUri: 'sip:carol@example.com' }), { outcome: 'bad-request', reason: 'uri-mismatch' });
    assert.equal((await auth.verify({ ...base, requestUri: 'SIP:bob@example.com;transport=tcp' })).outcome, 'ok');
    assert.deepEqual(await auth.verify({ ...base, requestUri: 'sip:bob@example.com;transport=tcp', realm: 'other' }), {
      outcome: 'bad-request',
      reason: 'realm-mismatch',
    });
    const lax = setup({ checkUri: false });
    const v2 = answer(lax.auth, new DigestClient({ username: 'alice', password: 'wonderland' }), 'INVITE', 'sip:a@b');
    assert.equal((await lax.auth.verify({ ...base, credentials: v2, requestUri: 'sip:c@d' })).outcome, 'ok');
    assert.equal(sameRequestUri('sip:alice@EXAMPLE.com:5060;lr', 'sip:alice@example.com:5060;lr'), true);
    assert.equal(sameRequestUri('sip:Alice@example.com', 'sip:alice@example.com'), false, 'user part is case-sensitive');
    assert.equal(sameRequestUri('sip:a@b', 'junk'), false);
  });

  it('method is part of HA2', async () => {
    const { auth, store } = setup();
    const value = answer(auth, new DigestClient({ username: 'alice', password: 'wonderland' }), 'INVITE');
    assert.equal((await auth.verify({ method: 'BYE', requestUri: RURI, credentials: value, realm: REALM, store })).outcome, 'challenge');
  });

  it('RFC 2069 responses (no qop): allowed once, or refused by policy', async () => {
    const { auth, store } = setup();
    const ch = { ...firstChallenge(auth), qop: undefined };
    const value = buildDigestCredentials({ challenge: ch, username: 'alice', password: 'wonderland', method: 'REGISTER', uri: RURI, nc: 1, cnonce: 'x' });
    assert.ok(value !== undefined && !/qop=|nc=|cnonce=/.test(value));
    const input = { method: 'REGISTER', requestUri: RURI, credentials: value, realm: REALM, store };
    assert.equal((await auth.verify(input)).outcome, 'ok');
    assert.deepEqual(await auth.verify(input), { outcome: 'challenge', stale: true, reason: 'nonce-reused' });
    const strict = setup({ allowNoQop: false });
    const ch2 = { ...firstChallenge(strict.auth), qop: undefined };
    const v2 = buildDigestCredentials({ challenge: ch2, username: 'alice', password: 'wonderland', method: 'REGISTER', uri: RURI, nc: 1, cnonce: 'x' });
    assert.deepEqual(await strict.auth.verify({ ...input, credentials: v2 as string }), { outcome: 'challenge', stale: false, reason: 'unsupported-qop' });
  });

  it('algorithms or qops that were not offered are challenged; wrong-length responses and nc=0 are bad requests', async () => {
    const { auth, store } = setup({ algorithms: ['SHA-256'] });
    const ch = firstChallenge(auth);
    const md5 = buildDigestCredentials({ challenge: { ...ch, algorithm: 'MD5' }, username: 'alice', password: 'wonderland', method: 'REGISTER', uri: RURI, nc: 1, cnonce: 'c' });
    const input = { method: 'REGISTER', requestUri: RURI, credentials: md5 as string, realm: REALM, store };
    assert.deepEqual(await auth.verify(input), { outcome: 'challenge', stale: false, reason: 'unsupported-algorithm' });
    const intQop = buildDigestCredentials({ challenge: { ...ch, qop: ['auth-int'] }, username: 'alice', password: 'wonderland', method: 'REGISTER', uri: RURI, nc: 1, cnonce: 'c' });
    assert.deepEqual(await auth.verify({ ...input, credentials: intQop as string }), { outcome: 'challenge', stale: false, reason: 'unsupported-qop' });
    const p = parseDigestCredentials(buildDigestCredentials({ challenge: ch, username: 'alice', password: 'wonderland', method: 'REGISTER', uri: RURI, nc: 1, cnonce: 'c' }) as string);
    assert.ok(p.ok);
    const base = { ...p.value, userhash: false };
    assert.equal((await auth.verify({ ...input, credentials: serializeDigestCredentials({ ...base, response: 'ab'.repeat(16) }) })).outcome, 'bad-request');
    assert.equal((await auth.verify({ ...input, credentials: serializeDigestCredentials({ ...base, nc: '00000000' }) })).outcome, 'bad-request');
    assert.deepEqual(await auth.verify({ ...input, credentials: serializeDigestCredentials({ ...base, opaque: 'forged' }) }), {
      outcome: 'challenge',
      stale: false,
      reason: 'bad-opaque',
    });
    assert.equal((await auth.verify({ ...input, credentials: serializeDigestCredentials({ ...base, userhash: true }) })).outcome, 'bad-request');
  });

  it('a full replay-tracking map evicts safely: the evicted nonce must be refreshed (stale)', async () => {
    const { auth, store, clock } = setup({ maxTrackedNonces: 2 });
    const values: string[] = [];
    for (let i = 0; i < 3; i++) {
      values.push(answer(auth, new DigestClient({ username: 'alice', password: 'wonderland' })));
      clock.t += 1;
    }
    const v = (credentials: string) => auth.verify({ method: 'REGISTER', requestUri: RURI, credentials, realm: REALM, store });
    for (const value of values) assert.equal((await v(value)).outcome, 'ok');
    // values[0]'s nonce was evicted; a replay of it must still fail.
    assert.deepEqual(await v(values[0]), { outcome: 'challenge', stale: true, reason: 'nonce-reused' });
  });

  it('malformed credentials are bad requests', async () => {
    const { auth, store } = setup();
    for (const credentials of ['', 'Digest', 'Digest username="a', 'Basic Zm9vOmJhcg==', 'Digest username="u", realm="example.com"']) {
      const r = await auth.verify({ method: 'REGISTER', requestUri: RURI, credentials, realm: REALM, store });
      assert.equal(r.outcome, 'bad-request', credentials);
      assert.equal(authFailureStatus(r), 400);
    }
    assert.equal(store.lookups, 0);
  });

  it('fuzz: verify never throws and never says ok for random credentials', async () => {
    const { auth, store } = setup();
    const ch = firstChallenge(auth);
    const genuine = buildDigestCredentials({ challenge: ch, username: 'alice', password: 'wonderland', method: 'REGISTER', uri: RURI, nc: 1, cnonce: 'c' }) as string;
    const mutated = fc
      .tuple(fc.nat({ max: genuine.length }), fc.nat({ max: 20 }), fc.string({ maxLength: 20 }))
      .map(([at, del, ins]) => genuine.slice(0, at) + ins + genuine.slice(at + del));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), mutated), async (credentials) => {
        const r = await auth.verify({ method: 'REGISTER', requestUri: RURI, credentials, realm: REALM, store });
        if (r.outcome === 'ok') assert.equal(credentials.includes(ch.nonce), true);
      }),
      { numRuns: 400 },
    );
  });
});

describe('request helpers', () => {
  function request(method: string, uri: string, headers: Array<[string, string]>, body?: string): AuthRequestView {
    return {
      method,
      uri: { toString: () => uri },
      body: body === undefined ? undefined : Buffer.from(body),
      headerValues: (name: string) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v),
    };
  }

  it('picks the Proxy-Authorization for our realm among several (RFC 3261 §22.3)', async () => {
    const { auth, store } = setup();
    const client = new DigestClient({ username: 'alice', password: 'wonderland' });
    const r = client.respond({ status: 407, challenges: auth.challengeValues(REALM), method: 'INVITE', uri: 'sip:bob@example.com' });
    assert.ok(r.ok);
    assert.equal(r.headers[0][0], 'Proxy-Authorization');
    const foreign = 'Digest username="alice", realm="upstream.example.net", nonce="n", uri="sip:bob@example.com", response="00000000000000000000000000000000"';
    const req = request('INVITE', 'sip:bob@example.com', [['Proxy-Authorization', 'Bearer abc=='], ['Proxy-Authorization', foreign], ...r.headers]);
    assert.equal((await auth.verifyRequest(req, { realm: REALM, store, status: 407 })).outcome, 'ok');
    assert.deepEqual(await auth.verifyRequest(req, { realm: REALM, store }), { outcome: 'challenge', stale: false, reason: 'no-credentials' });
  });

  it('no credentials → challenge; a malformed header → bad-request', async () => {
    const { auth, store } = setup();
    assert.deepEqual(await auth.verifyRequest(request('REGISTER', RURI, []), { realm: REALM, store }), {
      outcome: 'challenge',
      stale: false,
      reason: 'no-credentials',
    });
    const bad = await auth.verifyRequest(request('REGISTER', RURI, [['Authorization', 'Digest realm="example.com", username="x']]), { realm: REALM, store });
    assert.equal(bad.outcome, 'bad-request');
    const missing = await auth.verifyRequest(request('REGISTER', RURI, [['Authorization', 'Digest realm="example.com", username="x"']]), { realm: REALM, store });
    assert.equal(missing.outcome, 'bad-request');
  });

  it('uses the request body for auth-int', async () => {
    const { auth, store } = setup({ qop: ['auth-int'] });
    const client = new DigestClient({ username: 'alice', password: 'wonderland' });
    const r = client.respond({ status: 401, challenges: auth.challengeValues(REALM), method: 'MESSAGE', uri: 'sip:bob@example.com', body: 'hello' });
    assert.ok(r.ok);
    assert.equal((await auth.verifyRequest(request('MESSAGE', 'sip:bob@example.com', r.headers, 'hello'), { realm: REALM, store })).outcome, 'ok');
  });
});
