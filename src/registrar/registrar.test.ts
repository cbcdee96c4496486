import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';

import { createLogger } from '../observability/logger.js';
import { DigestAuthenticator, DigestClient, computeHa1 } from '../sip/auth/index.js';
import { parseMessage, type SipRequest, type SipResponse } from '../sip/message/index.js';
import { FakeTimerService } from '../util/timers.js';

import type { Subscriber } from './ports.js';
import { Registrar, type RegistrarOptions } from './registrar.js';
import { FakeLocationStore, FakeSubscriberStore, RecordingTransaction, register, tcpInfo, udpInfo, type RegisterInit } from './testing/fakes.js';

const EPOCH = Date.UTC(2024, 0, 1);

function subscriber(username: string, password: string, enabled = true): Subscriber {
  return {
    username,
    domain: 'example.com',
    ha1Md5: computeHa1('md5', username, 'example.com', password),
    ha1Sha256: computeHa1('sha256', username, 'example.com', password),
    displayName: undefined,
    priorityClass: undefined,
    enabled,
    createdAt: EPOCH,
  };
}

function setup(options: Partial<RegistrarOptions> & { auth?: boolean } = {}) {
  const timers = new FakeTimerService();
  const locations = new FakeLocationStore();
  const subscribers = new FakeSubscriberStore();
  const now = (): number => EPOCH + timers.now();
  const authenticator = options.auth === true ? new DigestAuthenticator({ secret: 'registrar-test-secret-0123456789', now }) : undefined;
  const registrar = new Registrar({ domains: ['example.com', '192.0.2.1'], locations, subscribers, authenticator, now, timers, ...options });
  async function send(init: RegisterInit | SipRequest, info = udpInfo()): Promise<SipResponse> {
    const request = 'method' in init ? init : register(init);
    const tx = new RecordingTransaction();
    await registrar.handle(tx, request, info);
    assert.equal(tx.responses.length, 1, 'exactly one response');
    return tx.last;
  }
  return { timers, locations, subscribers, registrar, send };
}

function reparse(response: SipResponse): SipResponse {
  const r = parseMessage(response.toBuffer());
  assert.ok(r.ok);
  assert.ok(!r.message.isRequest);
  return r.message;
}

async function flush(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('Registrar: open mode (no authenticator)', () => {
  it('registers a contact and answers 200 with Contact;expires, Date and a To tag', async () => {
    const { send, registrar } = setup();
    const res = reparse(await send({ expires: 1800 }));
    assert.equal(res.status, 200);
    assert.deepEqual(res.headerValues('Contact'), ['<sip:alice@192.0.2.10:5060>;expires=1800']);
    assert.equal(res.header('Date'), new Date(EPOCH).toUTCString());
    assert.ok(res.to.tag !== undefined);
    const targets = await registrar.lookup('sip:alice@example.com');
    assert.deepEqual(targets, [
      { uri: 'sip:alice@192.0.2.10:5060', path: [], source: { protocol: 'udp', address: '192.0.2.10', port: 5060 }, connectionId: undefined, q: 1 },
    ]);
  });

  it('stores the connection of a stream transport and the canonical AOR', async () => {
    const { send, registrar, locations } = setup();
    const request = register({ contacts: ['<sip:alice@198.51.100.7:40123;transport=tcp>'] });
    assert.equal((await send(request, tcpInfo('conn-7'))).status, 200);
    const [binding] = [...locations.bindings.values()];
    assert.equal(binding.aor, 'sip:alice@example.com');
    assert.equal(binding.source, 'tcp:198.51.100.7:40123');
    assert.equal(binding.connectionId, 'conn-7');
    const [target] = await registrar.lookup('sips:alice@EXAMPLE.com');
    assert.equal(target.connectionId, 'conn-7');
  });

  it('answers a query (no Contact) with the current bindings', async () => {
    const { send } = setup();
    await send({ expires: 600 });
    const res = await send({ contacts: [], cseq: 2 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.headerValues('Contact'), ['<sip:alice@192.0.2.10:5060>;expires=600']);
  });

  it('answers 404 Not Here for a foreign Request-URI domain and 404 for a foreign To domain', async () => {
    const { send, locations } = setup();
    const res = await send({ requestUri: 'sip:other.example.net' });
    assert.equal(res.status, 404);
    assert.equal(res.reason, 'Not Here');
    const res2 = await send({ requestUri: 'sip:example.com', domain: 'other.example.net' });
    assert.equal(res2.status, 404);
    assert.equal(locations.bindings.size, 0);
  });

  it('answers 420 with Unsupported for unknown Require option tags, accepts Require: path', async () => {
    const { send } = setup();
    const res = await send({ headers: [['Require', 'path, gruu']] });
    assert.equal(res.status, 420);
    assert.equal(res.header('Unsupported'), 'gruu');
    assert.equal((await send({ headers: [['Require', 'path']] })).status, 200);
  });

  it('caps the expiry at maxExpires and applies the default when none is given', async () => {
    const { send } = setup({ defaultExpires: 1200 });
    assert.deepEqual((await send({ expires: 7200 })).headerValues('Contact'), ['<sip:alice@192.0.2.10:5060>;expires=3600']);
    assert.deepEqual((await send({ cseq: 2 })).headerValues('Contact'), ['<sip:alice@192.0.2.10:5060>;expires=1200']);
  });

  it('answers 423 with Min-Expires for a too brief interval (header or contact parameter)', async () => {
    const { send, locations } = setup();
    const res = await send({ expires: 30 });
    assert.equal(res.status, 423);
    assert.equal(res.header('Min-Expires'), '60');
    const res2 = await send({ contacts: ['<sip:alice@192.0.2.10>;expires=10'], expires: 3600, cseq: 2 });
    assert.equal(res2.status, 423);
    assert.equal(locations.bindings.size, 0);
  });

  it('re-registration refreshes the binding instead of adding one', async () => {
    const { send, timers, locations } = setup();
    await send({ expires: 600 });
    timers.advance(300_000);
    const res = await send({ expires: 600, cseq: 2 });
    assert.deepEqual(res.headerValues('Contact'), ['<sip:alice@192.0.2.10:5060>;expires=600']);
    assert.equal(locations.bindings.size, 1);
    const [b] = [...locations.bindings.values()];
    assert.equal(b.expiresAt, EPOCH + 900_000);
    assert.equal(b.cseq, 2);
  });

  it('treats equivalent Contact URIs as the same binding (RFC 3261 §19.1.4)', async () => {
    const { send, locations } = setup();
    await send({ contacts: ['<sip:alice@HOST.example.org;transport=UDP>'] });
    const res = await send({ contacts: ['<sip:alice@host.example.org;transport=udp>'], cseq: 2 });
    assert.equal(res.headerValues('Contact').length, 1);
    assert.equal(locations.bindings.size, 1);
  });

  it('removes one contact with expires=0', async () => {
    const { send, registrar } = setup();
    await send({ contacts: ['<sip:alice@192.0.2.10>', '<sip:alice@192.0.2.11>'] });
    const res = await send({ contacts: ['<sip:alice@192.0.2.10>;expires=0'], cseq: 2 });
    assert.deepEqual(res.headerValues('Contact'), ['<sip:alice@192.0.2.11>;expires=3600']);
    assert.deepEqual((await registrar.lookup('sip:alice@example.com')).map((t) => t.uri), ['sip:alice@192.0.2.11']);
  });

  it('Contact: * with Expires: 0 removes every binding', async () => {
    const { send, locations } = setup();
    await send({ contacts: ['<sip:alice@192.0.2.10>', '<sip:alice@192.0.2.11>'] });
    const res = await send({ contacts: ['*'], expires: 0, cseq: 2 });
    assert.equal(res.status, 200);
    assert.deepEqual(res.headerValues('Contact'), []);
    assert.equal(locations.bindings.size, 0);
  });

  it('Contact: * without Expires: 0, or next to another Contact, is 400', async () => {
    const { send, locations } = setup();
    await send({});
    assert.equal((await send({ contacts: ['*'], expires: 3600, cseq: 2 })).status, 400);
    assert.equal((await send({ contacts: ['*'], cseq: 3 })).status, 400);
    assert.equal((await send({ contacts: ['*', '<sip:alice@192.0.2.12>'], expires: 0, cseq: 4 })).status, 400);
    assert.equal(locations.bindings.size, 1);
  });

  it('rejects a malformed Contact or Expires with 400', async () => {
    const { send } = setup();
    assert.equal((await send({ contacts: ['<sip:alice@192.0.2.10>;expires=abc'] })).status, 400);
    assert.equal((await send({ expires: 'soon' })).status, 400);
  });

  it('same Call-ID with a CSeq not higher than stored → 500 Out Of Order; another Call-ID replaces', async () => {
    const { send, locations } = setup();
    assert.equal((await send({ cseq: 5 })).status, 200);
    for (const cseq of [5, 4]) {
      const res = await send({ cseq, expires: 120 });
      assert.equal(res.status, 500);
      assert.equal(res.reason, 'Out Of Order');
    }
    assert.equal((await send({ contacts: ['*'], expires: 0, cseq: 5 })).status, 500);
    const res = await send({ callId: 'other-call@192.0.2.10', cseq: 1, expires: 120 });
    assert.equal(res.status, 200);
    const [b] = [...locations.bindings.values()];
    assert.equal(b.callId, 'other-call@192.0.2.10');
    assert.equal(b.expiresAt, EPOCH + 120_000);
  });

  it('stores and echoes Path when the UA supports it (RFC 3327)', async () => {
    const { send, registrar } = setup();
    const path = [['Path', '<sip:edge1.example.net;lr>'], ['Path', '<sip:edge2.example.net;lr>']] as Array<[string, string]>;
    const res = reparse(await send({ headers: [['Supported', 'path'], ...path] }));
    assert.deepEqual(res.headerValues('Path'), ['<sip:edge1.example.net;lr>', '<sip:edge2.example.net;lr>']);
    const [target] = await registrar.lookup('sip:alice@example.com');
    assert.deepEqual(target.path, ['<sip:edge1.example.net;lr>', '<sip:edge2.example.net;lr>']);
  });

  it('ignores Path when the UA did not indicate support for it', async () => {
    const { send, registrar } = setup();
    const res = await send({ headers: [['Path', '<sip:edge1.example.net;lr>']] });
    assert.deepEqual(res.headerValues('Path'), []);
    assert.deepEqual((await registrar.lookup('sip:alice@example.com'))[0].path, []);
  });

  it('stores +sip.instance and reg-id; a new flow of the same instance replaces the old contact (RFC 5626)', async () => {
    const { send, locations } = setup();
    const instance = '+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"';
    await send({ contacts: [`<sip:alice@192.0.2.10:5060>;${instance};reg-id=1`] });
    const [b] = [...locations.bindings.values()];
    assert.equal(b.instanceId, '<urn:uuid:00000000-0000-1000-8000-000A95A0E128>');
    assert.equal(b.regId, 1);
    const res = await send({ contacts: [`<sip:alice@192.0.2.99:5062>;${instance};reg-id=1`], callId: 'new-flow@x', cseq: 1 });
    assert.deepEqual(res.headerValues('Contact'), ['<sip:alice@192.0.2.99:5062>;expires=3600']);
    assert.deepEqual([...locations.bindings.values()].map((x) => x.contact), ['sip:alice@192.0.2.99:5062']);
  });

  it('serialises concurrent REGISTERs of one AOR (the later CSeq wins, the stale one is out of order)', async () => {
    const { send, locations } = setup();
    const [a, b] = await Promise.all([send({ cseq: 2, expires: 600 }), send({ cseq: 1, expires: 900 })]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 500);
    assert.equal([...locations.bindings.values()][0].cseq, 2);
  });

  it('lookup orders by q descending', async () => {
    const { send, registrar } = setup();
    await send({ contacts: ['<sip:a@192.0.2.10>;q=0.5', '<sip:b@192.0.2.10>;q=0.9', '<sip:c@192.0.2.10>', '<sip:d@192.0.2.10>;q=0.1'] });
    const targets = await registrar.lookup('sip:alice@example.com');
    assert.deepEqual(targets.map((t) => [t.uri, t.q]), [
      ['sip:c@192.0.2.10', 1],
      ['sip:b@192.0.2.10', 0.9],
      ['sip:a@192.0.2.10', 0.5],
      ['sip:d@192.0.2.10', 0.1],
    ]);
  });

  it('expired bindings are not returned by lookup and are purged by the timer', async () => {
    const { send, registrar, timers, locations } = setup({ purgeIntervalSeconds: 30 });
    registrar.start();
    await send({ expires: 60 });
    await send({ contacts: ['<sip:alice@192.0.2.11>'], expires: 3600, cseq: 2 });
    timers.advance(30_000);
    await flush();
    assert.equal(locations.purges, 1);
    assert.equal(locations.bindings.size, 2);
    timers.advance(30_000); // t = 60 s: the 60 s binding has just expired
    await flush();
    assert.equal(locations.purges, 2);
    assert.equal(locations.bindings.size, 1);
    assert.deepEqual((await registrar.lookup('sip:alice@example.com')).map((t) => t.uri), ['sip:alice@192.0.2.11']);
    registrar.stop();
    assert.equal(timers.pending(), 0);
    timers.advance(120_000);
    await flush();
    assert.equal(locations.purges, 2);
  });

  it('lookup hides an expired binding even before the purge ran', async () => {
    const { send, registrar, timers } = setup();
    await send({ expires: 60 });
    timers.advance(60_000);
    assert.deepEqual(await registrar.lookup('sip:alice@example.com'), []);
  });

  it('a store failure is answered 500 with Retry-After and logged, never rejected', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const { send, locations } = setup({ logger: createLogger('error', sink), retryAfterSeconds: 7 });
    locations.failWith = new Error('database is down');
    const res = await send({});
    assert.equal(res.status, 500);
    assert.equal(res.header('Retry-After'), '7');
    await flush();
    assert.ok(lines.some((l) => l.includes('database is down') && l.includes('REGISTER failed')));
  });

  it('answers 405 to other methods', async () => {
    const { registrar } = setup();
    const r = parseMessage(Buffer.from(register({}).toBuffer().toString().replace(/REGISTER/g, 'OPTIONS')));
    assert.ok(r.ok && r.message.isRequest);
    const tx = new RecordingTransaction();
    await registrar.handle(tx, r.message, udpInfo());
    assert.equal(tx.last.status, 405);
    assert.equal(tx.last.header('Allow'), 'REGISTER');
  });

  it('isLocalDomain ignores case, brackets and a trailing dot', () => {
    const { registrar } = setup({ domains: ['Example.COM', '2001:db8::1'] });
    assert.ok(registrar.isLocalDomain('example.com.'));
    assert.ok(registrar.isLocalDomain('[2001:DB8::1]'));
    assert.ok(!registrar.isLocalDomain('example.org'));
  });

  it('rejects inconsistent expiry options', () => {
    assert.throws(() => setup({ minExpires: 600, maxExpires: 60 }), /SSW_REG_BAD_CONFIG/);
    assert.throws(() => setup({ minExpires: 600, defaultExpires: 60 }), /SSW_REG_BAD_CONFIG/);
  });
});

describe('Registrar: digest authentication', () => {
  async function challengeThenAnswer(ctx: ReturnType<typeof setup>, client: DigestClient, init: RegisterInit = {}) {
    const first = register({ cseq: 1, ...init });
    const challenge = reparse(await ctx.send(first));
    assert.equal(challenge.status, 401);
    assert.equal(challenge.headerValues('WWW-Authenticate').length, 2);
    assert.match(challenge.header('WWW-Authenticate') ?? '', /realm="example\.com"/);
    const answer = client.respondTo(challenge, first);
    assert.ok(answer?.ok);
    const second = register({ cseq: 2, ...init, headers: [...(init.headers ?? []), ...answer.headers] });
    return { second, response: reparse(await ctx.send(second)) };
  }

  it('challenge → authorised REGISTER → 200 with Contact;expires', async () => {
    const ctx = setup({ auth: true });
    await ctx.subscribers.put(subscriber('alice', 's3cret'));
    const { response } = await challengeThenAnswer(ctx, new DigestClient({ username: 'alice', password: 's3cret' }), { expires: 900 });
    assert.equal(response.status, 200);
    assert.deepEqual(response.headerValues('Contact'), ['<sip:alice@192.0.2.10:5060>;expires=900']);
    assert.equal((await ctx.registrar.lookup('sip:alice@example.com')).length, 1);
  });

  it('a wrong password is challenged again and the client gives up', async () => {
    const ctx = setup({ auth: true });
    await ctx.subscribers.put(subscriber('alice', 's3cret'));
    const client = new DigestClient({ username: 'alice', password: 'wrong' });
    const { second, response } = await challengeThenAnswer(ctx, client);
    assert.equal(response.status, 401);
    assert.deepEqual(client.respondTo(response, second), { ok: false, reason: 'rejected', realm: 'example.com' });
    assert.equal(ctx.locations.bindings.size, 0);
  });

  it('an unknown user is challenged again', async () => {
    const ctx = setup({ auth: true });
    const { response } = await challengeThenAnswer(ctx, new DigestClient({ username: 'alice', password: 's3cret' }));
    assert.equal(response.status, 401);
  });

  it('credentials of another user → 403 Not Authorized For This AOR', async () => {
    const ctx = setup({ auth: true });
    await ctx.subscribers.put(subscriber('alice', 's3cret'));
    await ctx.subscribers.put(subscriber('bob', 'b0b'));
    const { response } = await challengeThenAnswer(ctx, new DigestClient({ username: 'bob', password: 'b0b' }), { user: 'alice' });
    assert.equal(response.status, 403);
    assert.equal(response.reason, 'Not Authorized For This AOR');
    assert.equal(ctx.locations.bindings.size, 0);
  });

  it('a disabled subscriber with the right password → 403', async () => {
    const ctx = setup({ auth: true });
    await ctx.subscribers.put(subscriber('alice', 's3cret', false));
    const { response } = await challengeThenAnswer(ctx, new DigestClient({ username: 'alice', password: 's3cret' }));
    assert.equal(response.status, 403);
    assert.equal(ctx.locations.bindings.size, 0);
  });

  it('malformed credentials → 400', async () => {
    const ctx = setup({ auth: true });
    const res = await ctx.send({ headers: [['Authorization', 'Digest username="alice", realm="example.com", nonce=']] });
    assert.equal(res.status, 400);
  });
});
