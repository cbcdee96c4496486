// Call bookkeeping through the proxy: DialogTracker entries and the CDR each call attempt leaves.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CdrRecord } from '../cdr/cdr.js';
import { proxyHarness, req, routeTo, target, type ProxyHarness } from './testing/harness.js';

const A = '192.0.2.50';

async function cdrs(h: ProxyHarness): Promise<CdrRecord[]> {
  await h.flush();
  await h.core.cdr.flush();
  return h.cdrs.records;
}

function answeredTag(h: ProxyHarness): string | undefined {
  return h.transport.responses().find((r) => r.status === 200 && r.cseq.method === 'INVITE')?.to.tag;
}

describe('calls and CDRs', () => {
  test('answered, BYE from the callee: tracked while up, CDR answered with duration and side', async () => {
    const h = proxyHarness({ trunkConfigs: [{ name: 'a', uri: `sip:${A}`, trusted: true }, { name: 'in', uri: 'sip:192.0.2.10', trusted: true }] });
    h.router.decide = routeTo(target('a', A));
    h.receive(req({ extra: ['Resource-Priority: ets.2, wps.3'] }));
    await h.flush();
    h.timers.advance(1000);
    h.answer(h.sent('INVITE')[0], 200);
    await h.flush();
    const active = h.core.dialogs.active();
    assert.equal(active.length, 1);
    assert.equal(active[0].state, 'answered');
    assert.equal(active[0].destinationTrunk, 'a');
    assert.equal(active[0].sourceTrunk, 'in');
    h.timers.advance(61_500);
    const toTag = answeredTag(h) ?? '';
    // the callee hangs up: From carries the callee's tag, To the caller's
    h.receive(req({ method: 'BYE', uri: 'sip:alice@192.0.2.10', fromTag: toTag, toTag: 'caller-tag', cseq: 7, extra: ['Reason: Q.850;cause=16;text="Normal call clearing"'] }), { protocol: 'udp', address: A, port: 5060 });
    const [cdr] = await cdrs(h);
    assert.equal(h.core.dialogs.size, 0);
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.finalStatus, 200);
    assert.equal(cdr.releasedBy, 'callee');
    assert.equal(cdr.releaseCause, 'Q.850;cause=16;text="Normal call clearing"');
    assert.equal(cdr.durationSec, 61.5);
    assert.equal(cdr.calledDialled, '+15551234567');
    assert.equal(cdr.calledRouted, '+15551234567');
    assert.equal(cdr.routeRule, 'test-rule');
    assert.equal(cdr.destinationTrunk, 'a');
    assert.equal(cdr.sourceTrunk, 'in');
    assert.equal(cdr.priorityNamespace, 'ets');
    assert.equal(cdr.priorityValue, '2');
    assert.equal(cdr.answeredAt !== undefined && cdr.answeredAt - cdr.setupAt, 1000);
    assert.equal(h.sent('BYE').length, 1, 'the BYE itself is forwarded');
  });

  test('BYE from the caller → releasedBy caller, cause BYE', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', A));
    h.receive(req());
    await h.flush();
    h.answer(h.sent('INVITE')[0], 200);
    await h.flush();
    h.receive(req({ method: 'BYE', uri: `sip:x@${A}`, toTag: answeredTag(h), cseq: 2 }));
    const [cdr] = await cdrs(h);
    assert.equal(cdr.releasedBy, 'caller');
    assert.equal(cdr.releaseCause, 'BYE');
  });

  const failures: Array<[string, (h: ProxyHarness) => void, string, number, string, string]> = [
    ['busy 486', (h) => h.answer(h.sent('INVITE')[0], 486), 'busy', 486, 'SIP 486', 'callee'],
    ['busy everywhere 600', (h) => h.answer(h.sent('INVITE')[0], 600), 'busy', 600, 'SIP 600', 'callee'],
    ['480 no answer', (h) => h.answer(h.sent('INVITE')[0], 480), 'no-answer', 480, 'SIP 480', 'callee'],
    ['rejected 403', (h) => h.answer(h.sent('INVITE')[0], 403), 'rejected', 403, 'SIP 403', 'callee'],
    ['failed 500', (h) => h.answer(h.sent('INVITE')[0], 500), 'failed', 500, 'SIP 500', 'callee'],
    ['timeout', (h) => h.timers.advance(64 * 500), 'no-answer', 408, 'timeout', 'switch'],
  ];
  for (const [name, act, disposition, status, cause, by] of failures) {
    test(`${name} → ${disposition}`, async () => {
      const h = proxyHarness();
      h.router.decide = routeTo(target('a', A, { failoverOn: [] }));
      h.receive(req());
      await h.flush();
      act(h);
      const [cdr] = await cdrs(h);
      assert.equal(cdr.disposition, disposition);
      assert.equal(cdr.finalStatus, status);
      assert.equal(cdr.releaseCause, cause);
      assert.equal(cdr.releasedBy, by);
      assert.equal(cdr.durationSec, 0);
      assert.equal(cdr.destinationTrunk, 'a');
    });
  }

  test('no route → CDR no-route with the router status', async () => {
    const h = proxyHarness();
    h.receive(req());
    const [cdr] = await cdrs(h);
    assert.equal(cdr.disposition, 'no-route');
    assert.equal(cdr.finalStatus, 404);
    assert.equal(cdr.releasedBy, 'switch');
  });

  test('non-INVITE requests leave no CDR; in-dialog re-INVITE neither', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', A));
    h.receive(req({ method: 'MESSAGE' }));
    h.receive(req({ callId: 'x2', toTag: 't', uri: `sip:bob@${A}` }));
    await h.flush();
    assert.equal(h.core.dialogs.size, 0);
    assert.deepEqual(await cdrs(h), []);
  });

  test('a CDR write that fails is retried and lands', async () => {
    const h = proxyHarness();
    h.cdrs.failures = 2;
    h.receive(req());
    await h.flush();
    for (let i = 0; i < 5; i++) {
      h.timers.advance(2000);
      await h.flush();
    }
    const records = await cdrs(h);
    assert.equal(records.length, 1);
    assert.equal(h.cdrs.writes, 3);
  });
});
