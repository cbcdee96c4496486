// INVITE client transaction: RFC 3261 Figure 5 as amended by RFC 6026 §8.4.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { BOB, BOB_TCP, flush, harness, inbound, leftovers, makeRequest, makeResponse, request } from './testing/fixtures.js';

const NONE = { client: 0, server: 0, timers: 0 };

function sendInvite(h: ReturnType<typeof harness>, destination = BOB): InviteClientTransaction {
  const tx = h.layer.sendRequest(makeRequest(), destination, h.user);
  assert.ok(tx instanceof InviteClientTransaction);
  return tx;
}

describe('InviteClientTransaction', () => {
  it('Calling: Timer A doubles without a T2 cap (0.5, 1, 2, 4, 8, 16 s) until Timer B fires at 64*T1 → onTimeout', () => {
    const h = harness();
    const tx = sendInvite(h);
    assert.equal(tx.state, 'Calling');
    h.timers.advance(32_000 - 1);
    assert.deepEqual(
      h.transport.sent.map((r) => r.at),
      [0, 500, 1500, 3500, 7500, 15_500, 31_500],
    );
    assert.deepEqual(h.user.events, []);
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['timeout:ict']);
    // Timer B: "The client transaction MUST NOT generate an ACK."
    assert.deepEqual(h.transport.summary(), Array(7).fill('INVITE'));
    assert.deepEqual(leftovers(h), NONE);
  });

  it('honours a configured T1 (Timer A = T1, Timer B = 64*T1)', () => {
    const h = harness({ t1: 100 });
    const tx = sendInvite(h);
    h.timers.advance(6400);
    assert.deepEqual(h.transport.sent.map((r) => r.at), [0, 100, 300, 700, 1500, 3100, 6300]);
    assert.equal(tx.state, 'Terminated');
  });

  it('Calling → Proceeding on 1xx: retransmissions and Timer B stop, every 1xx goes to the TU', () => {
    const h = harness();
    const tx = sendInvite(h);
    h.timers.advance(600);
    h.layer.receive(makeResponse(100), inbound());
    assert.equal(tx.state, 'Proceeding');
    h.layer.receive(makeResponse(180), inbound());
    h.layer.receive(makeResponse(183), inbound());
    assert.equal(tx.state, 'Proceeding');
    h.timers.advance(120_000);
    assert.deepEqual(h.transport.summary(), ['INVITE', 'INVITE']);
    assert.deepEqual(h.user.events, ['response:100', 'response:180', 'response:183']);
    assert.equal(h.layer.size().client, 1, 'no Timer B in Proceeding: the TU (Timer C) ends it');
    h.layer.receive(makeResponse(487), inbound());
    h.timers.advance(32_000);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('Proceeding → Completed on 300-699: ACK built per §17.1.1.3, response to TU, Timer D = 32 s', () => {
    const h = harness();
    const invite = makeRequest({ routes: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'] });
    const tx = h.layer.sendRequest(invite, BOB, h.user);
    h.layer.receive(makeResponse(180, { toTag: 'a6c85cf' }), inbound());
    h.layer.receive(makeResponse(486, { toTag: 'a6c85cf', reason: 'Busy Here' }), inbound());
    assert.equal(tx.state, 'Completed');
    assert.deepEqual(h.user.events, ['response:180', 'response:486']);
    assert.deepEqual(h.transport.summary(), ['INVITE', 'ACK']);

    const ack = h.transport.requests()[1];
    const sent = h.transport.sent[1];
    assert.deepEqual(sent.destination, BOB, 'ACK goes where the INVITE went');
    assert.equal(ack.method, 'ACK');
    assert.equal(ack.uri.toString(), invite.uri.toString());
    assert.deepEqual(ack.headerValues('Via'), ['SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds']);
    assert.equal(ack.header('From'), invite.header('From'));
    assert.equal(ack.header('To'), 'Bob <sip:bob@biloxi.example.com>;tag=a6c85cf');
    assert.equal(ack.callId, invite.callId);
    assert.deepEqual(ack.cseq, { seq: 314159, method: 'ACK' });
    assert.deepEqual(ack.headerValues('Route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
    assert.equal(ack.header('Max-Forwards'), '70');
    assert.equal(ack.header('Contact'), undefined);
    assert.equal(tx.kind === 'ict' ? tx.ack : undefined, ack);

    // Retransmitted 486: the ACK is re-sent, the TU does not see it again.
    h.timers.advance(10_000);
    h.layer.receive(makeResponse(486, { toTag: 'a6c85cf' }), inbound());
    assert.deepEqual(h.transport.summary(), ['INVITE', 'ACK', 'ACK']);
    assert.equal(h.transport.requests()[2], ack);
    assert.deepEqual(h.user.events, ['response:180', 'response:486']);
    // A 2xx in Completed is not for this machine.
    h.layer.receive(makeResponse(200), inbound());
    assert.deepEqual(h.user.events, ['response:180', 'response:486']);

    h.timers.advance(22_000 - 1);
    assert.equal(tx.state, 'Completed');
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(leftovers(h), NONE);
    // Afterwards a retransmission is a stray response.
    h.layer.receive(makeResponse(486), inbound());
    assert.deepEqual(h.user.events.at(-1), 'stray:486');
  });

  it('Calling → Completed directly on a final non-2xx, ACK even on a reliable transport, Timer D = 0', () => {
    const h = harness();
    const tx = sendInvite(h, BOB_TCP);
    assert.equal(tx.reliable, true);
    h.timers.advance(10_000);
    assert.deepEqual(h.transport.summary(), ['INVITE'], 'no Timer A on reliable transports');
    let stateSeenByTu = '';
    h.user.onResponse = (res, t) => {
      stateSeenByTu = `${res.status}:${t.state}`;
    };
    h.layer.receive(makeResponse(603), inbound('tcp'));
    assert.equal(stateSeenByTu, '603:Completed');
    assert.deepEqual(h.transport.summary(), ['INVITE', 'ACK']);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(leftovers(h), NONE);
  });

  it('Timer B still runs on a reliable transport', () => {
    const h = harness();
    const tx = sendInvite(h, BOB_TCP);
    h.timers.advance(32_000);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['timeout:ict']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('Calling/Proceeding → Accepted on 2xx (RFC 6026): no ACK, every later 2xx to the TU, Timer M = 64*T1', () => {
    const h = harness();
    const tx = sendInvite(h);
    h.layer.receive(makeResponse(180), inbound());
    h.layer.receive(makeResponse(200, { toTag: 'fork-1' }), inbound());
    assert.equal(tx.state, 'Accepted');
    h.timers.advance(5000);
    h.layer.receive(makeResponse(200, { toTag: 'fork-1' }), inbound());
    h.layer.receive(makeResponse(200, { toTag: 'fork-2' }), inbound());
    h.layer.receive(makeResponse(183), inbound());
    h.layer.receive(makeResponse(486), inbound());
    assert.deepEqual(h.user.events, ['response:180', 'response:200', 'response:200', 'response:200']);
    assert.deepEqual(
      h.user.responses.map((r) => r.response.to.tag),
      ['a6c85cf', 'fork-1', 'fork-1', 'fork-2'],
    );
    assert.deepEqual(h.transport.summary(), ['INVITE'], 'the transaction never ACKs a 2xx');
    h.timers.advance(32_000 - 5000 - 1);
    assert.equal(tx.state, 'Accepted');
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(leftovers(h), NONE);
    h.layer.receive(makeResponse(200, { toTag: 'fork-1' }), inbound());
    assert.equal(h.user.events.at(-1), 'stray:200');
  });

  it('Calling → Accepted stops Timer A', () => {
    const h = harness();
    sendInvite(h);
    h.timers.advance(500);
    h.layer.receive(makeResponse(200), inbound());
    h.timers.advance(10_000);
    assert.deepEqual(h.transport.summary(), ['INVITE', 'INVITE']);
  });

  it('transport error → Terminated and onTransportError', async () => {
    const h = harness();
    h.transport.failNext();
    const tx = sendInvite(h);
    assert.equal(tx.state, 'Calling', 'failures are reported asynchronously, after sendRequest returned');
    await flush();
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['transport-error:ict']);
    assert.equal(h.user.errors[0].name, 'TransportError');
    assert.deepEqual(leftovers(h), NONE);
  });

  it('transport error on a retransmission terminates too', async () => {
    const h = harness();
    const tx = sendInvite(h);
    h.transport.failNext();
    h.timers.advance(500);
    await flush();
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['transport-error:ict']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('stops retransmitting when the transport moved the request to a stream (RFC 3261 §18.1.1)', async () => {
    const h = harness();
    h.transport.usedEndpoint = BOB_TCP;
    const tx = sendInvite(h);
    await flush();
    assert.equal(tx.reliable, true);
    h.timers.advance(10_000);
    assert.deepEqual(h.transport.summary(), ['INVITE']);
  });

  it('adds a branch when the top Via has none', () => {
    const h = harness();
    const invite = request(`
      INVITE sip:bob@biloxi.example.com SIP/2.0
      Via: SIP/2.0/UDP pc33.atlanta.example.com
      To: Bob <sip:bob@biloxi.example.com>
      From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
      Call-ID: nobranch@pc33
      CSeq: 1 INVITE
      Max-Forwards: 70
    `);
    const tx = h.layer.sendRequest(invite, BOB, h.user);
    const branch = invite.topVia.branch;
    assert.ok(branch?.startsWith('z9hG4bK'));
    h.layer.receive(makeResponse(180, { branch }), inbound());
    assert.equal(tx.state, 'Proceeding');
  });
});
