import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRequest } from '../sip/message/index.js';
import { proxyHarness, req, routeTo, target } from './testing/harness.js';

const A = '192.0.2.50';
const B = '192.0.2.60';

function destOf(h: ReturnType<typeof proxyHarness>, method: string): string[] {
  // one entry per request (retransmissions send the same object again)
  const seen = new Set<unknown>();
  return h.transport.sent
    .filter((s) => s.message.isRequest && s.message.method === method && !seen.has(s.message) && seen.add(s.message))
    .map((s) => s.destination?.address ?? '?');
}

describe('failover across route targets', () => {
  test('503 from the first trunk → the second; its 200 goes upstream, the 503 is ACKed', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', A), target('b', B));
    h.receive(req());
    await h.flush();
    h.answer(h.sent('INVITE')[0], 503);
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE'), [A, B]);
    assert.deepEqual(destOf(h, 'ACK'), [A]);
    h.answer(h.sent('INVITE')[1], 180);
    h.answer(h.sent('INVITE')[1], 200);
    await h.flush();
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [180, 200]);
  });

  test('a status outside failoverOn stops the failover and goes upstream', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', A), target('b', B));
    h.receive(req());
    await h.flush();
    h.answer(h.sent('INVITE')[0], 486);
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE'), [A]);
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [486]);
  });

  test('no response within timeoutMs → branch cancelled, counted as 408, next target', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', A, { timeoutMs: 2000 }), target('b', B, { timeoutMs: 2000 }));
    h.receive(req());
    await h.flush();
    h.timers.advance(2000);
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE').filter((d, i, all) => all.indexOf(d) === i), [A, B]);
    // the abandoned branch rings late: the deferred CANCEL goes out, its 487 is absorbed
    h.answer(h.sent('INVITE')[0], 180);
    await h.flush();
    assert.deepEqual(destOf(h, 'CANCEL'), [A]);
    assert.ok(!h.upstream().includes(180));
    h.timers.advance(2000);
    await h.flush();
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [408], 'all targets timed out → 408');
  });

  test('transport error → 503 for that branch, next target; all failing → 503 upstream', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', A), target('b', B));
    h.transport.failWhen((m) => m.isRequest && m.method === 'INVITE');
    h.receive(req());
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE'), [A, B]);
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [503]);
  });

  test('a down or full trunk is skipped with no request sent', async () => {
    const h = proxyHarness({ trunkConfigs: [{ name: 'a', uri: `sip:${A}`, maxCalls: 1, trusted: true }] });
    h.router.decide = routeTo(target('a', A), target('b', B));
    h.receive(req({ callId: 'first' }));
    await h.flush();
    h.answer(h.sent('INVITE')[0], 200);
    await h.flush();
    assert.equal(h.trunks.snapshot()[0].activeCalls, 1, 'the answered call holds its slot');
    h.receive(req({ callId: 'second' }));
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE'), [A, B], 'a is full: the second call goes to b');
    // BYE ends the first call and frees the slot
    const toTag = h.transport.responses().find((r) => r.status === 200)?.to.tag;
    h.receive(req({ callId: 'first', method: 'BYE', toTag, cseq: 2, uri: `sip:x@${A}` }));
    await h.flush();
    assert.equal(h.trunks.snapshot()[0].activeCalls, 0);
  });

  test('cps limit: a second call within the second skips the trunk, a later one may use it', async () => {
    const h = proxyHarness({ trunkConfigs: [{ name: 'a', uri: `sip:${A}`, cps: 1, trusted: true }] });
    h.router.decide = routeTo(target('a', A), target('b', B));
    h.receive(req({ callId: 'c1' }));
    h.receive(req({ callId: 'c2' }));
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE'), [A, B]);
    h.timers.advance(1000);
    h.receive(req({ callId: 'c3' }));
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE'), [A, B, A]);
  });
});

describe('forking to registered contacts', () => {
  const contact = (uri: string, q: number) => ({ uri, path: [], source: undefined, connectionId: undefined, q });

  test('equal q in parallel; the first 2xx goes up and the other branch is cancelled', async () => {
    const h = proxyHarness();
    h.registrar.contacts.set('sip:bob@example.net', [contact('sip:bob@192.0.2.71', 1), contact('sip:bob@192.0.2.72', 1)]);
    h.receive(req({ uri: 'sip:bob@example.net' }));
    await h.flush();
    const [one, two] = h.sent('INVITE');
    assert.deepEqual(destOf(h, 'INVITE'), ['192.0.2.71', '192.0.2.72']);
    h.answer(one, 180);
    h.answer(two, 180);
    h.answer(two, 200);
    await h.flush();
    assert.deepEqual(destOf(h, 'CANCEL'), ['192.0.2.71']);
    const cancel = h.sent('CANCEL')[0];
    assert.match(cancel.header('Reason') ?? '', /cause=200/);
    h.answer(one, 487);
    await h.flush();
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [180, 180, 200]);
  });

  test('q groups serially: the lower q only after the higher one failed', async () => {
    const h = proxyHarness();
    h.registrar.contacts.set('sip:bob@example.net', [contact('sip:bob@192.0.2.72', 0.5), contact('sip:bob@192.0.2.71', 1)]);
    h.receive(req({ uri: 'sip:bob@example.net' }));
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE'), ['192.0.2.71']);
    h.answer(h.sent('INVITE')[0], 486);
    await h.flush();
    assert.deepEqual(destOf(h, 'INVITE'), ['192.0.2.71', '192.0.2.72']);
    h.answer(h.sent('INVITE')[1], 480);
    await h.flush();
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [486], 'same class: the first final wins');
  });

  test('6xx: remaining branches cancelled, no next group, 6xx upstream', async () => {
    const h = proxyHarness();
    h.registrar.contacts.set('sip:bob@example.net', [contact('sip:bob@192.0.2.71', 1), contact('sip:bob@192.0.2.72', 1), contact('sip:bob@192.0.2.73', 0.1)]);
    h.receive(req({ uri: 'sip:bob@example.net' }));
    await h.flush();
    const [one, two] = h.sent('INVITE');
    h.answer(two, 180);
    h.answer(one, 603);
    await h.flush();
    assert.deepEqual(destOf(h, 'CANCEL'), ['192.0.2.72']);
    h.answer(two, 487);
    await h.flush();
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [180, 603]);
    assert.equal(h.sent('INVITE').length, 2);
  });

  test('NAT: a contact registered from another address is reached at its source; Path becomes Route', async () => {
    const h = proxyHarness();
    h.registrar.contacts.set('sip:bob@example.net', [
      { uri: 'sip:bob@10.0.0.5:5060', path: [], source: { protocol: 'udp', address: '198.51.100.7', port: 40000 }, connectionId: undefined, q: 1 },
      { uri: 'sip:bob@10.0.0.6:5060', path: ['<sip:192.0.2.200;lr>'], source: { protocol: 'udp', address: '198.51.100.8', port: 40001 }, connectionId: undefined, q: 0.5 },
    ]);
    h.receive(req({ uri: 'sip:bob@example.net' }));
    await h.flush();
    const first = h.transport.sent.find((s) => s.message.isRequest && s.message.method === 'INVITE');
    assert.deepEqual(first?.destination, { protocol: 'udp', address: '198.51.100.7', port: 40000 });
    assert.equal(h.sent('INVITE')[0].uriText, 'sip:bob@10.0.0.5:5060');
    h.answer(h.sent('INVITE')[0], 480);
    await h.flush();
    const second = h.sent('INVITE')[1];
    assert.deepEqual(second.list('Route'), ['<sip:192.0.2.200;lr>']);
    assert.equal(destOf(h, 'INVITE')[1], '192.0.2.200');
  });
});

describe('Timer C and CANCEL', () => {
  test('Timer C fires after a provisional: CANCEL downstream, 408 upstream', async () => {
    const h = proxyHarness({ timerCMs: 181_000 });
    h.router.decide = routeTo(target('a', A));
    h.receive(req());
    await h.flush();
    const out = h.sent('INVITE')[0];
    h.answer(out, 180);
    h.timers.advance(100_000);
    h.answer(out, 183); // resets Timer C
    h.timers.advance(100_000);
    await h.flush();
    assert.equal(h.sent('CANCEL').length, 0, 'reset by the 183');
    h.timers.advance(81_000);
    await h.flush();
    assert.equal(h.sent('CANCEL').length, 1);
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [180, 183, 408]);
    h.answer(out, 487);
    await h.flush();
    assert.deepEqual(h.upstream().filter((s) => s !== 100), [180, 183, 408], 'the 487 is absorbed');
  });

  test('a cancelled branch that never answers is destroyed after 64·T1', async () => {
    const h = proxyHarness({ timerCMs: 181_000 });
    h.router.decide = routeTo(target('a', A));
    h.receive(req());
    await h.flush();
    h.answer(h.sent('INVITE')[0], 180);
    h.timers.advance(181_000);
    await h.flush();
    h.timers.advance(64 * 500);
    await h.flush();
    assert.equal(h.layer.size().client <= 1, true, 'only the CANCEL transaction may remain');
    h.timers.advance(64 * 500);
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
  });

  test('CANCEL from the caller: 200, CANCEL to every pending branch with its Reason, 487 upstream', async () => {
    const h = proxyHarness();
    const contact = (uri: string) => ({ uri, path: [], source: undefined, connectionId: undefined, q: 1 });
    h.registrar.contacts.set('sip:bob@example.net', [contact('sip:bob@192.0.2.71'), contact('sip:bob@192.0.2.72')]);
    const invite = req({ uri: 'sip:bob@example.net' });
    h.receive(invite);
    await h.flush();
    const [one, two] = h.sent('INVITE');
    h.answer(one, 180);
    h.answer(two, 100);
    const cancel = createRequest({
      method: 'CANCEL', uri: invite.uriText,
      headers: [['Via', invite.list('Via')[0]], ['Max-Forwards', '70'], ['From', invite.header('From') ?? ''], ['To', invite.header('To') ?? ''], ['Call-ID', invite.callId], ['CSeq', '1 CANCEL'], ['Reason', 'Q.850;cause=16']],
    });
    h.receive(cancel);
    await h.flush();
    const cancels = h.sent('CANCEL');
    assert.deepEqual(destOf(h, 'CANCEL'), ['192.0.2.71', '192.0.2.72']);
    assert.equal(cancels[0].header('Reason'), 'Q.850;cause=16');
    const up = h.transport.responses().filter((r) => r.status !== 100);
    assert.deepEqual(up.map((r) => `${r.status} ${r.cseq.method}`), ['180 INVITE', '200 CANCEL', '487 INVITE']);
    h.answer(one, 487);
    h.answer(two, 487);
    await h.flush();
    assert.equal(h.upstream().filter((s) => s === 487).length, 1);
  });

  test('CANCEL while the INVITE is still being routed → 487 and nothing sent', async () => {
    const h = proxyHarness();
    let release: () => void = () => undefined;
    h.router.route = (input) => new Promise((resolve) => (release = () => resolve(routeTo(target('a', A))(input))));
    const invite = req();
    h.receive(invite);
    await h.flush();
    h.receive(createRequest({
      method: 'CANCEL', uri: invite.uriText,
      headers: [['Via', invite.list('Via')[0]], ['Max-Forwards', '70'], ['From', invite.header('From') ?? ''], ['To', invite.header('To') ?? ''], ['Call-ID', invite.callId], ['CSeq', '1 CANCEL']],
    }));
    release();
    await h.flush();
    assert.equal(h.sent('INVITE').length, 0);
    assert.deepEqual(h.upstream().filter((s) => s !== 100).sort(), [200, 487]);
    await h.core.cdr.flush();
    assert.equal(h.cdrs.records[0]?.disposition, 'cancelled');
  });
});

describe('redirect mode', () => {
  test('INVITE → 302 with one Contact per target, q decreasing', async () => {
    const h = proxyHarness({ mode: 'redirect' });
    h.router.decide = routeTo(target('a', A), target('b', B));
    h.receive(req());
    await h.flush();
    const res = h.transport.responses().find((r) => r.status === 302);
    assert.ok(res);
    assert.deepEqual(res.headerValues('Contact'), [`<sip:+15551234567@${A}>;q=1.0`, `<sip:+15551234567@${B}>;q=0.5`]);
    assert.equal(h.sent('INVITE').length, 0);
  });
});
