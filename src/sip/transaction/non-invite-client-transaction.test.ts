// Non-INVITE client transaction: RFC 3261 Figure 6.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { BOB, BOB_TCP, flush, harness, inbound, leftovers, makeRequest, makeResponse } from './testing/fixtures.js';

const NONE = { client: 0, server: 0, timers: 0 };

function sendOptions(h: ReturnType<typeof harness>, destination = BOB): NonInviteClientTransaction {
  const tx = h.layer.sendRequest(makeRequest({ method: 'OPTIONS' }), destination, h.user);
  assert.ok(tx instanceof NonInviteClientTransaction);
  return tx;
}

const options = (status: number, toTag?: string) => makeResponse(status, { method: 'OPTIONS', toTag });

describe('NonInviteClientTransaction', () => {
  it('Trying: Timer E doubles and caps at T2; Timer F at 64*T1 → onTimeout', () => {
    const h = harness();
    const tx = sendOptions(h);
    assert.equal(tx.state, 'Trying');
    h.timers.advance(32_000 - 1);
    assert.deepEqual(
      h.transport.sent.map((r) => r.at),
      [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500],
    );
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['timeout:nict']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('honours configured T1/T2', () => {
    const h = harness({ t1: 200, t2: 1000 });
    sendOptions(h);
    h.timers.advance(4000);
    assert.deepEqual(h.transport.sent.map((r) => r.at), [0, 200, 600, 1400, 2400, 3400]);
  });

  it('Trying → Proceeding on 1xx: Timer E continues and is reset to T2; Timer F → onTimeout', () => {
    const h = harness();
    const tx = sendOptions(h);
    h.timers.advance(600); // sent at 0 and 500; next E due at 1500 (1000 ms)
    h.layer.receive(options(100), inbound());
    assert.equal(tx.state, 'Proceeding');
    h.layer.receive(options(100), inbound());
    h.timers.advance(32_000 - 600 - 1);
    assert.deepEqual(
      h.transport.sent.map((r) => r.at),
      [0, 500, 1500, 5500, 9500, 13_500, 17_500, 21_500, 25_500, 29_500],
    );
    assert.deepEqual(h.user.events, ['response:100', 'response:100']);
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['response:100', 'response:100', 'timeout:nict']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('Trying → Completed on a final response; retransmissions absorbed; Timer K = T4 on UDP', () => {
    const h = harness();
    const tx = sendOptions(h);
    h.layer.receive(options(200), inbound());
    assert.equal(tx.state, 'Completed');
    h.layer.receive(options(200), inbound());
    h.layer.receive(options(100), inbound());
    assert.deepEqual(h.user.events, ['response:200']);
    h.timers.advance(5000 - 1);
    assert.equal(tx.state, 'Completed');
    assert.deepEqual(h.transport.summary(), ['OPTIONS'], 'no retransmission after the final response');
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(leftovers(h), NONE);
  });

  it('Proceeding → Completed on a final response, Timer K = configured T4', () => {
    const h = harness({ t4: 2500 });
    const tx = sendOptions(h);
    h.layer.receive(options(100), inbound());
    h.layer.receive(options(404), inbound());
    assert.equal(tx.state, 'Completed');
    h.timers.advance(2500);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['response:100', 'response:404']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('reliable transport: no Timer E, Timer K = 0 (Terminated right after the final response)', () => {
    const h = harness();
    const tx = sendOptions(h, BOB_TCP);
    h.timers.advance(20_000);
    assert.deepEqual(h.transport.summary(), ['OPTIONS']);
    h.layer.receive(options(100), inbound('tcp'));
    h.layer.receive(options(200), inbound('tcp'));
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['response:100', 'response:200']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('reliable transport: Timer F still fires', () => {
    const h = harness();
    const tx = sendOptions(h, BOB_TCP);
    h.timers.advance(32_000);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['timeout:nict']);
  });

  it('transport error → Terminated and onTransportError', async () => {
    const h = harness();
    h.transport.failWhen();
    const tx = sendOptions(h);
    await flush();
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['transport-error:nict']);
    assert.deepEqual(leftovers(h), NONE);
  });
});
