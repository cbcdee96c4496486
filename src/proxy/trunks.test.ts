import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createResponse, generateTag, type SipRequest } from '../sip/message/index.js';
import { TransactionLayer } from '../sip/transaction/index.js';
import { FakeMessageTransport } from '../sip/transaction/testing/fake-message-transport.js';
import type { Endpoint } from '../sip/transport/types.js';
import { FakeTimerService } from '../util/timers.js';
import { DeferredUser } from './deferred-user.js';
import type { TrunkConfig } from './ports.js';
import { TrunkManager } from './trunks.js';
import { reparse } from './testing/harness.js';

const PING = { intervalMs: 10_000, timeoutMs: 2000, downAfter: 2, upAfter: 2 };

function setup(trunks: TrunkConfig[], resolver?: { resolve(): Promise<Endpoint[]> }) {
  const timers = new FakeTimerService();
  const transport = new FakeMessageTransport(timers);
  const layer = new TransactionLayer({ transport, timers, user: new DeferredUser() });
  const changes: string[] = [];
  const manager = new TrunkManager({ trunks, transactions: layer, timers, resolver, onStateChange: (name, up) => changes.push(`${name}:${up ? 'up' : 'down'}`) });
  const pings = (): SipRequest[] => [...new Set(transport.requests().filter((r) => r.method === 'OPTIONS'))];
  const answer = (ping: SipRequest, status: number): void => {
    layer.receive(reparse(createResponse(ping, status, undefined, { toTag: generateTag() })), { source: { protocol: 'udp', address: '192.0.2.50', port: 5060 }, local: { protocol: 'udp', address: '192.0.2.1', port: 5060 }, reliable: false, receivedAt: 0 });
  };
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  };
  return { timers, transport, layer, manager, changes, pings, answer, flush };
}

describe('TrunkManager', () => {
  test('a trunk without ping config is up; unknown trunks are up and never full', () => {
    const { manager } = setup([{ name: 'a', uri: 'sip:192.0.2.50', trusted: false }]);
    assert.deepEqual(manager.status('a'), { up: true, full: false });
    assert.deepEqual(manager.status('nope'), { up: true, full: false });
    assert.equal(manager.acquire('nope'), true);
  });

  test('pings: 503 and timeouts take it down after downAfter; any other answer brings it up after upAfter', async () => {
    const s = setup([{ name: 'a', uri: 'sip:192.0.2.50:5070', trusted: true, ping: PING }]);
    s.manager.start();
    s.timers.advance(0);
    await s.flush();
    assert.equal(s.pings().length, 1);
    assert.equal(s.pings()[0].uriText, 'sip:192.0.2.50:5070');
    assert.equal(s.transport.sent[0].destination?.port, 5070);
    s.answer(s.pings()[0], 503);
    assert.equal(s.manager.status('a').up, true, 'one failure is not enough');
    s.timers.advance(10_000);
    await s.flush();
    s.timers.advance(2000); // no answer: timeout
    assert.equal(s.manager.status('a').up, false);
    assert.deepEqual(s.changes, ['a:down']);
    assert.equal(s.manager.acquire('a'), false, 'a down trunk takes no calls');
    s.timers.advance(8000);
    await s.flush();
    s.answer(s.pings()[2], 404); // any response proves it is reachable
    s.timers.advance(10_000);
    await s.flush();
    s.answer(s.pings()[3], 200);
    assert.equal(s.manager.status('a').up, true);
    assert.deepEqual(s.changes, ['a:down', 'a:up']);
    const snap = s.manager.snapshot()[0];
    assert.equal(snap.lastPingResult, 200);
    assert.equal(snap.consecutiveFailures, 0);
    s.manager.stop();
  });

  test('a transport error counts as a failure', async () => {
    const s = setup([{ name: 'a', uri: 'sip:192.0.2.50', trusted: true, ping: { ...PING, downAfter: 1 } }]);
    s.transport.failWhen(() => true);
    s.manager.start();
    s.timers.advance(0);
    await s.flush();
    assert.equal(s.manager.status('a').up, false);
    assert.equal(s.manager.snapshot()[0].lastPingResult, 'transport-error');
    s.manager.stop();
  });

  test('maxCalls: acquire until full, release frees a slot', () => {
    const { manager } = setup([{ name: 'a', uri: 'sip:192.0.2.50', trusted: true, maxCalls: 2 }]);
    assert.equal(manager.acquire('a'), true);
    assert.equal(manager.acquire('a'), true);
    assert.deepEqual(manager.status('a'), { up: true, full: true });
    assert.equal(manager.acquire('a'), false);
    manager.release('a');
    assert.equal(manager.acquire('a'), true);
    assert.equal(manager.snapshot()[0].activeCalls, 2);
  });

  test('cps: a token bucket of cps tokens refilled at cps per second', () => {
    const { manager, timers } = setup([{ name: 'a', uri: 'sip:192.0.2.50', trusted: true, cps: 2 }]);
    assert.equal(manager.acquire('a'), true);
    assert.equal(manager.acquire('a'), true);
    assert.equal(manager.acquire('a'), false);
    timers.advance(499);
    assert.equal(manager.acquire('a'), false);
    timers.advance(1);
    assert.equal(manager.acquire('a'), true);
    assert.equal(manager.acquire('a'), false);
  });

  test('identify: host and port first, then host alone; names resolved at start', async () => {
    const s = setup(
      [
        { name: 'a', uri: 'sip:192.0.2.50:5070', trusted: true },
        { name: 'b', uri: 'sip:192.0.2.50', trusted: true },
        { name: 'c', uri: 'sip:gw.example.com', trusted: true },
      ],
      { resolve: () => Promise.resolve([{ protocol: 'udp', address: '198.51.100.9', port: 5060 }]) },
    );
    assert.equal(s.manager.identify({ protocol: 'udp', address: '192.0.2.50', port: 5070 }), 'a');
    assert.equal(s.manager.identify({ protocol: 'udp', address: '192.0.2.50', port: 5060 }), 'b');
    assert.equal(s.manager.identify({ protocol: 'udp', address: '192.0.2.50', port: 40000 }), 'a');
    assert.equal(s.manager.identify({ protocol: 'udp', address: '192.0.2.51', port: 5060 }), undefined);
    s.manager.start();
    await s.flush();
    assert.equal(s.manager.identify({ protocol: 'udp', address: '198.51.100.9', port: 5060 }), 'c');
    s.manager.stop();
  });
});
