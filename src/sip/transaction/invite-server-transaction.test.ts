// INVITE server transaction: RFC 3261 Figure 7 as amended by RFC 6026 §7.1 / §8.5-§8.8.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../message/index.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { TransactionError } from './transaction-error.js';
import { flush, harness, inbound, leftovers, makeRequest, type Harness } from './testing/fixtures.js';

const NONE = { client: 0, server: 0, timers: 0 };

function receiveInvite(h: Harness, protocol: 'udp' | 'tcp' = 'udp'): InviteServerTransaction {
  h.layer.receive(makeRequest(), inbound(protocol));
  const tx = h.user.requests.at(-1)?.tx;
  assert.ok(tx instanceof InviteServerTransaction);
  return tx;
}

const ackFor = (toTag = 'uas-tag') => makeRequest({ method: 'ACK', toTag });

describe('InviteServerTransaction', () => {
  it('is created in Proceeding and passes the INVITE to the TU', () => {
    const h = harness();
    const tx = receiveInvite(h);
    assert.equal(tx.state, 'Proceeding');
    assert.deepEqual(h.user.events, ['request:INVITE']);
    assert.equal(h.layer.size().server, 1);
  });

  it('sends 100 Trying after 200 ms when the TU has not answered', () => {
    const h = harness();
    const tx = receiveInvite(h);
    h.timers.advance(199);
    assert.deepEqual(h.transport.summary(), []);
    h.timers.advance(1);
    assert.deepEqual(h.transport.summary(), ['100']);
    const trying = h.transport.responses()[0];
    assert.equal(trying.to.tag, undefined, 'a 100 carries no To tag');
    assert.equal(trying.topVia.branch, 'z9hG4bK776asdhds');
    assert.equal(tx.lastProvisional, trying);
    // An INVITE retransmission re-sends the most recent provisional.
    h.layer.receive(makeRequest(), inbound());
    assert.deepEqual(h.transport.summary(), ['100', '100']);
    assert.deepEqual(h.user.events, ['request:INVITE'], 'retransmissions are not passed to the TU');
  });

  it('sends no 100 Trying when the TU answers within 200 ms', () => {
    const h = harness();
    const tx = receiveInvite(h);
    h.timers.advance(50);
    tx.respond(createResponse(tx.request, 180, undefined, { toTag: 'uas-tag' }));
    h.timers.advance(1000);
    assert.deepEqual(h.transport.summary(), ['180']);
  });

  it('Proceeding: before any provisional, a retransmitted INVITE gets nothing; later ones get the last provisional', () => {
    const h = harness();
    const tx = receiveInvite(h);
    h.layer.receive(makeRequest(), inbound());
    assert.deepEqual(h.transport.summary(), []);
    tx.respond(createResponse(tx.request, 180, undefined, { toTag: 'uas-tag' }));
    tx.respond(createResponse(tx.request, 183, undefined, { toTag: 'uas-tag' }));
    h.layer.receive(makeRequest(), inbound());
    assert.deepEqual(h.transport.summary(), ['180', '183', '183']);
    assert.equal(tx.state, 'Proceeding');
  });

  it('Proceeding → Completed on 300-699: Timer G retransmits (T1 doubling, capped at T2), INVITE retransmission re-sends, ACK → Confirmed, Timer I = T4', () => {
    const h = harness();
    const tx = receiveInvite(h);
    tx.respond(createResponse(tx.request, 486, undefined, { toTag: 'uas-tag' }));
    assert.equal(tx.state, 'Completed');
    h.timers.advance(12_000);
    assert.deepEqual(
      h.transport.sent.map((r) => `${r.at}:${r.message.isRequest ? '' : r.message.status}`),
      ['0:486', '500:486', '1500:486', '3500:486', '7500:486', '11500:486'],
    );
    h.layer.receive(makeRequest(), inbound());
    assert.equal(h.transport.sent.length, 7, 'INVITE retransmission → final response re-sent');
    h.layer.receive(ackFor(), inbound());
    assert.equal(tx.state, 'Confirmed');
    assert.deepEqual(h.user.events, ['request:INVITE'], 'the ACK for a non-2xx is absorbed');
    h.layer.receive(ackFor(), inbound());
    h.layer.receive(makeRequest(), inbound());
    h.timers.advance(5000 - 1);
    assert.equal(h.transport.sent.length, 7, 'Confirmed: no more retransmissions, ACKs absorbed');
    assert.equal(tx.state, 'Confirmed');
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['request:INVITE']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('Completed: Timer H at 64*T1 without an ACK → Terminated and onTimeout', () => {
    const h = harness();
    const tx = receiveInvite(h);
    tx.respond(createResponse(tx.request, 404, undefined, { toTag: 'uas-tag' }));
    h.timers.advance(32_000 - 1);
    assert.equal(tx.state, 'Completed');
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['request:INVITE', 'timeout:ist']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('reliable transport: no Timer G, Timer I = 0 (Terminated on the ACK)', () => {
    const h = harness();
    const tx = receiveInvite(h, 'tcp');
    tx.respond(createResponse(tx.request, 486, undefined, { toTag: 'uas-tag' }));
    h.timers.advance(10_000);
    assert.deepEqual(h.transport.summary(), ['486']);
    h.layer.receive(ackFor(), inbound('tcp'));
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(leftovers(h), NONE);
  });

  it('reliable transport: Timer H still fires', () => {
    const h = harness();
    const tx = receiveInvite(h, 'tcp');
    tx.respond(createResponse(tx.request, 486, undefined, { toTag: 'uas-tag' }));
    h.timers.advance(32_000);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['request:INVITE', 'timeout:ist']);
  });

  it('Proceeding → Accepted on 2xx (RFC 6026): INVITE retransmissions absorbed, ACK to the TU, TU 2xx retransmissions sent, Timer L', () => {
    const h = harness();
    const tx = receiveInvite(h);
    const ok = createResponse(tx.request, 200, undefined, { toTag: 'uas-tag' });
    tx.respond(ok);
    assert.equal(tx.state, 'Accepted');
    h.timers.advance(10_000);
    assert.deepEqual(h.transport.summary(), ['200'], 'the transaction never retransmits a 2xx itself');
    h.layer.receive(makeRequest(), inbound());
    assert.deepEqual(h.transport.summary(), ['200'], 'INVITE retransmission absorbed');
    assert.deepEqual(h.user.events, ['request:INVITE']);
    tx.respond(ok);
    assert.deepEqual(h.transport.summary(), ['200', '200'], "the TU's 2xx retransmission goes out");
    tx.respond(createResponse(tx.request, 487, undefined, { toTag: 'uas-tag' }));
    assert.deepEqual(h.transport.summary(), ['200', '200'], 'a non-2xx after the 2xx is discarded');
    // An ACK matching the transaction (same branch) in Accepted goes to the TU.
    h.layer.receive(ackFor(), inbound());
    assert.deepEqual(h.user.events, ['request:INVITE', 'ack']);
    assert.equal(tx.state, 'Accepted');
    h.timers.advance(22_000 - 1);
    assert.equal(tx.state, 'Accepted');
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(leftovers(h), NONE);
    // A TU 2xx retransmission racing Timer L still reaches the transport.
    tx.respond(ok);
    assert.deepEqual(h.transport.summary(), ['200', '200', '200']);
  });

  it('ACK for a 2xx with its own branch never creates a transaction and goes to the TU', () => {
    const h = harness();
    const tx = receiveInvite(h);
    tx.respond(createResponse(tx.request, 200, undefined, { toTag: 'uas-tag' }));
    h.layer.receive(makeRequest({ method: 'ACK', branch: 'z9hG4bKnewack', toTag: 'uas-tag' }), inbound());
    assert.deepEqual(h.user.events, ['request:INVITE', 'ack']);
    assert.equal(h.user.acks[0].topVia.branch, 'z9hG4bKnewack');
    assert.equal(h.layer.size().server, 1);
  });

  it('responds over the connection and listener the INVITE arrived on', () => {
    const h = harness();
    const tx = receiveInvite(h, 'tcp');
    tx.respond(createResponse(tx.request, 180, undefined, { toTag: 'uas-tag' }));
    const info = inbound('tcp');
    assert.deepEqual(h.transport.sent[0].options, { connectionId: 'conn-1', local: info.local });
  });

  it('transport error: TU told once, the transaction stays (RFC 6026 §8.8) until its timer ends it', async () => {
    const h = harness();
    const tx = receiveInvite(h);
    h.transport.failWhen();
    tx.respond(createResponse(tx.request, 503, undefined, { toTag: 'uas-tag' }));
    h.timers.advance(4000);
    await flush();
    assert.equal(tx.state, 'Completed');
    assert.deepEqual(h.user.events, ['request:INVITE', 'transport-error:ist']);
    // Still absorbs retransmissions instead of creating a new transaction.
    h.layer.receive(makeRequest(), inbound());
    assert.equal(h.user.requests.length, 1);
    h.timers.advance(28_000);
    await flush();
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['request:INVITE', 'transport-error:ist', 'timeout:ist']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('transport error on a 2xx: stays Accepted until Timer L', async () => {
    const h = harness();
    const tx = receiveInvite(h);
    h.transport.failNext();
    tx.respond(createResponse(tx.request, 200, undefined, { toTag: 'uas-tag' }));
    await flush();
    assert.equal(tx.state, 'Accepted');
    assert.deepEqual(h.user.events, ['request:INVITE', 'transport-error:ist']);
    h.timers.advance(32_000);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('rejects a status outside 100-699', () => {
    const h = harness();
    const tx = receiveInvite(h);
    const bad = createResponse(tx.request, 200);
    bad.status = 99;
    assert.throws(() => tx.respond(bad), TransactionError);
  });
});
