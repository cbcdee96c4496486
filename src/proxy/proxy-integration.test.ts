// The proxy core on its own SipStack, between user agents on other stacks, over loopback UDP sockets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../observability/logger.js';
import { SipStack } from '../sip/stack.js';
import type { Endpoint } from '../sip/transport/types.js';
import { startMinimalUac, startMinimalUas, type MinimalUac, type MinimalUas } from '../../test/support/minimal-ua.js';
import { DeferredUser } from './deferred-user.js';
import type { RouteTarget } from './ports.js';
import { ProxyCore } from './proxy-core.js';
import { FakeRegistrar, FakeRouter, MemoryCdrStore } from './testing/harness.js';
import { TestUa } from './testing/test-ua.js';
import { TrunkManager } from './trunks.js';

function to(trunk: string, e: Endpoint, user: string): RouteTarget {
  return { trunk, uri: `sip:${user}@${e.address}:${e.port}`, destination: { host: e.address, port: e.port }, failoverOn: [503], timeoutMs: 5000 };
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('proxy over loopback UDP', () => {
  let proxyStack: SipStack;
  let core: ProxyCore;
  let proxy: Endpoint;
  const cdrs = new MemoryCdrStore();
  const router = new FakeRouter();
  let uac: MinimalUac;
  let uacStack: SipStack;
  let uas: MinimalUas;
  let uasStack: SipStack;
  let caller: TestUa;
  let callee: TestUa;
  let failing: TestUa;

  before(async () => {
    const user = new DeferredUser();
    proxyStack = new SipStack({ listen: ['udp://127.0.0.1:0'], user, logger: silentLogger });
    [proxy] = await proxyStack.start();
    ({ uac, stack: uacStack } = await startMinimalUac(['udp://127.0.0.1:0']));
    ({ uas, stack: uasStack } = await startMinimalUas(['udp://127.0.0.1:0']));
    caller = await TestUa.start();
    callee = await TestUa.start();
    failing = await TestUa.start();
    failing.behaviour = () => 503;
    callee.behaviour = (r) => (r.uri.user === 'ring' ? 'ring' : 200);
    const trunks = new TrunkManager({
      trunks: [{ name: 'a', uri: `sip:${failing.endpoint.address}:${failing.endpoint.port}`, trusted: true, maxCalls: 10 }, { name: 'b', uri: `sip:${callee.endpoint.address}:${callee.endpoint.port}`, trusted: true }],
      transactions: proxyStack.transactions, timers: proxyStack.timers,
    });
    const uasEnd = uasStack.transport.endpoints[0];
    router.decide = (input) => {
      const targets =
        input.called === 'service' ? [to('uas', uasEnd, 'service')]
        : input.called === 'failover' ? [to('a', failing.endpoint, 'failover'), to('b', callee.endpoint, 'failover')]
        : [to('b', callee.endpoint, input.called)];
      return { kind: 'route', rule: 'test', dialled: input.called, called: input.called, targets, trace: [] };
    };
    core = new ProxyCore({
      transactions: proxyStack.transactions, transport: proxyStack.transport, registrar: new FakeRegistrar(), router, trunks, cdrs,
      domains: ['example.net'], timers: proxyStack.timers, logger: silentLogger, userAgent: 'precedence-test',
    });
    user.target = core;
    core.start();
  });

  after(async () => {
    await core.stop();
    await Promise.all([proxyStack.close(), uacStack.close(), uasStack.close(), caller.close(), callee.close(), failing.close()]);
  });

  async function cdrFor(callId: string): Promise<(typeof cdrs.records)[number]> {
    await until(() => cdrs.records.some((r) => r.callId === callId));
    return cdrs.records.find((r) => r.callId === callId) as (typeof cdrs.records)[number];
  }

  test('MinimalUac → proxy → MinimalUas: 180, 200, ACK, BYE from the caller', async () => {
    const outcome = await uac.call(proxy, 50);
    assert.equal(outcome.finalStatus, 200);
    assert.ok(outcome.provisional.includes(180));
    assert.equal(outcome.byeStatus, 200);
    assert.equal(uas.stats.acked, 1, 'the ACK went through the proxy');
    assert.equal(uas.stats.byesReceived, 1);
    await until(() => cdrs.records.length > 0);
    const cdr = cdrs.records[0];
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.releasedBy, 'caller');
    assert.equal(cdr.destinationTrunk, 'uas');
  });

  test('Record-Routed call with BYE from the callee', async () => {
    const call = caller.call(proxy, `sip:bob@${proxy.address}:${proxy.port}`);
    const ok = await call.final;
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.list('Record-Route'), [`<sip:${proxy.address}:${proxy.port};transport=udp;lr>`]);
    await until(() => callee.acks.some((a) => a.callId === call.callId));
    assert.equal(core.dialogs.active().filter((c) => c.callId === call.callId).length, 1);
    const status = await callee.bye(call.callId, proxy);
    assert.equal(status, 200);
    await caller.byeReceived(call.callId);
    const cdr = await cdrFor(call.callId);
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.releasedBy, 'callee');
    assert.equal(cdr.destinationTrunk, 'b');
  });

  test('CANCEL while ringing → 487 to the caller, the callee is cancelled too', async () => {
    const call = caller.call(proxy, `sip:ring@${proxy.address}:${proxy.port}`);
    await until(() => call.provisional.includes(180));
    call.cancel();
    const res = await call.final;
    assert.equal(res.status, 487);
    const cdr = await cdrFor(call.callId);
    assert.equal(cdr.disposition, 'cancelled');
    assert.equal(cdr.releasedBy, 'caller');
    await until(() => callee.cancels.some((c) => c.callId === call.callId));
  });

  test('failover: trunk a answers 503, trunk b answers the call', async () => {
    const before = failing.invites.length;
    const call = caller.call(proxy, `sip:failover@${proxy.address}:${proxy.port}`);
    const ok = await call.final;
    assert.equal(ok.status, 200);
    assert.equal(failing.invites.length, before + 1);
    assert.ok(callee.invites.some((i) => i.callId === call.callId));
    assert.equal(await caller.bye(call.callId, proxy), 200);
    const cdr = await cdrFor(call.callId);
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.destinationTrunk, 'b');
    assert.equal(core.dialogs.size, 0);
  });
});
