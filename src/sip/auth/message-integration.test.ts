// End-to-end over the real message layer (only the API of docs/api-message.md): a REGISTER is challenged
// with a 401 built by createResponse, parsed back, answered by DigestClient.respondTo and verified by
// DigestAuthenticator.verifyRequest. Also checks that SipRequest / SipResponse fit the auth view types.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createRequest, createResponse, parseMessage, type SipRequest, type SipResponse } from '../message/index.js';

import { DigestClient } from './client.js';
import { DigestAuthenticator, type CredentialStore } from './server.js';

const REALM = 'registrar.example.com';
const store: CredentialStore = {
  lookup: async (username, realm) => (username === 'alice' && realm === REALM ? { password: 's3cret' } : undefined),
};

function register(extra: Array<[string, string]> = []): SipRequest {
  return createRequest({
    method: 'REGISTER',
    uri: 'sip:registrar.example.com',
    headers: [
      ['Via', 'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKabc123'],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@registrar.example.com>;tag=1928301774'],
      ['To', '<sip:alice@registrar.example.com>'],
      ['Call-ID', 'a84b4c76e66710@192.0.2.10'],
      ['CSeq', '1 REGISTER'],
      ['Contact', '<sip:alice@192.0.2.10:5060>'],
      ...extra,
    ],
  });
}

function reparse<T extends SipRequest | SipResponse>(message: T): T {
  const r = parseMessage(message.toBuffer());
  assert.ok(r.ok, r.ok ? '' : r.error.reason);
  return r.message as T;
}

describe('digest auth over SipRequest / SipResponse', () => {
  it('401 challenge → client answer → server verification', async () => {
    const auth = new DigestAuthenticator({ secret: 'integration-test-secret-0123456789' });
    const client = new DigestClient({ username: 'alice', password: 's3cret' });

    const first = reparse(register());
    const none = await auth.verifyRequest(first, { realm: REALM, store });
    assert.deepEqual(none, { outcome: 'challenge', stale: false, reason: 'no-credentials' });

    const challenge = reparse(createResponse(first, 401, undefined, { headers: auth.challengeResponseHeaders(401, REALM) }));
    assert.equal(challenge.headerValues('WWW-Authenticate').length, 2);
    const answer = client.respondTo(challenge, first);
    assert.ok(answer?.ok);

    const second = reparse(register(answer.headers));
    const ok = await auth.verifyRequest(second, { realm: REALM, store });
    assert.deepEqual(ok, { outcome: 'ok', username: 'alice', realm: REALM, algorithm: 'SHA-256' });
  });

  it('407 with a wrong password is reported as rejected by the client', async () => {
    const auth = new DigestAuthenticator({ secret: 'integration-test-secret-0123456789' });
    const client = new DigestClient({ username: 'alice', password: 'wrong' });
    const first = reparse(register());
    const c1 = reparse(createResponse(first, 407, undefined, { headers: auth.challengeResponseHeaders(407, REALM) }));
    const a1 = client.respondTo(c1, first);
    assert.ok(a1?.ok);
    const second = reparse(register(a1.headers));
    const result = await auth.verifyRequest(second, { realm: REALM, store, status: 407 });
    assert.equal(result.outcome, 'challenge');
    const c2 = reparse(createResponse(second, 407, undefined, { headers: auth.challengeResponseHeaders(407, REALM) }));
    assert.deepEqual(client.respondTo(c2, second), { ok: false, reason: 'rejected', realm: REALM });
  });
});
