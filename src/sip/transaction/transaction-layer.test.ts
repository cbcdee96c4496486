// TransactionLayer: matching (RFC 3261 §17.1.3, §17.2.3 incl. the RFC 2543 fallback), CANCEL
// (§9.1, §9.2), stray responses, table hygiene, and whole flows between two layers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createResponse,
  parseMessage,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../message/index.js';
import type { Endpoint, InboundInfo, MessageTransport, SendOptions } from '../transport/types.js';
import { FakeTimerService } from '../../util/timers.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { TransactionError } from './transaction-error.js';
import { TransactionLayer } from './transaction-layer.js';
import type { ClientTransaction, ClientTransactionUser, ServerTransaction, TransactionUser } from './types.js';
import {
  BOB,
  harness,
  inbound,
  leftovers,
  makeRequest,
  makeResponse,
  request,
  RecordingUser,
  type Harness,
} from './testing/fixtures.js';

const NONE = { client: 0, server: 0, timers: 0 };

function lastServerTx(h: Harness): ServerTransaction {
  const tx = h.user.requests.at(-1)?.tx;
  assert.ok(tx);
  return tx;
}

function sendInvite(h: Harness, user: ClientTransactionUser = h.user): InviteClientTransaction {
  const tx = h.layer.sendRequest(makeRequest({ routes: ['<sip:p1.example.com;lr>'] }), BOB, user);
  assert.ok(tx instanceof InviteClientTransaction);
  return tx;
}

describe('TransactionLayer: client side', () => {
  it('matches responses on top Via branch + CSeq method (INVITE and its CANCEL share a branch)', () => {
    const h = harness();
    const cancelUser = new RecordingUser();
    const invite = sendInvite(h);
    h.layer.receive(makeResponse(180), inbound());
    assert.equal(h.layer.cancel(invite, { user: cancelUser }), true);
    assert.equal(h.layer.size().client, 2);
    h.layer.receive(makeResponse(200, { method: 'CANCEL' }), inbound());
    h.layer.receive(makeResponse(487), inbound());
    assert.deepEqual(cancelUser.events, ['response:200']);
    assert.deepEqual(h.user.events, ['response:180', 'response:487']);
    assert.equal(invite.state, 'Completed');
  });

  it('passes unmatched responses to onStrayResponse', () => {
    const h = harness();
    sendInvite(h);
    h.layer.receive(makeResponse(200, { branch: 'z9hG4bKother' }), inbound());
    h.layer.receive(makeResponse(200, { method: 'BYE' }), inbound());
    assert.deepEqual(h.user.events, ['stray:200', 'stray:200']);
  });

  it('cancel(): CANCEL per §9.1 sent once a provisional has arrived', () => {
    const h = harness();
    const invite = sendInvite(h);
    h.layer.receive(makeResponse(183), inbound());
    h.layer.cancel(invite, { headers: [['Reason', 'SIP;cause=200;text="Call completed elsewhere"']] });
    assert.equal(h.layer.cancel(invite), false, 'idempotent');
    const [inv, cancel] = h.transport.requests();
    assert.equal(h.transport.requests().length, 2);
    assert.deepEqual(h.transport.sent[1].destination, BOB);
    assert.equal(cancel.method, 'CANCEL');
    assert.equal(cancel.uri.toString(), inv.uri.toString());
    assert.deepEqual(cancel.headerValues('Via'), [inv.list('Via')[0]]);
    assert.equal(cancel.header('From'), inv.header('From'));
    assert.equal(cancel.header('To'), inv.header('To'));
    assert.equal(cancel.callId, inv.callId);
    assert.deepEqual(cancel.cseq, { seq: 314159, method: 'CANCEL' });
    assert.deepEqual(cancel.headerValues('Route'), ['<sip:p1.example.com;lr>']);
    assert.equal(cancel.header('Reason'), 'SIP;cause=200;text="Call completed elsewhere"');
  });

  it('cancel() in Calling is deferred until a provisional arrives', () => {
    const h = harness();
    const invite = sendInvite(h);
    assert.equal(h.layer.cancel(invite), true);
    h.timers.advance(600);
    assert.deepEqual(h.transport.summary(), ['INVITE', 'INVITE']);
    h.layer.receive(makeResponse(100), inbound());
    assert.deepEqual(h.transport.summary(), ['INVITE', 'INVITE', 'CANCEL']);
  });

  it('a deferred cancel is dropped when a final response arrives first; cancel() after a final does nothing', () => {
    const h = harness();
    const invite = sendInvite(h);
    h.layer.cancel(invite);
    h.layer.receive(makeResponse(486), inbound());
    assert.deepEqual(h.transport.summary(), ['INVITE', 'ACK']);
    const second = h.layer.sendRequest(makeRequest({ branch: 'z9hG4bKsecond' }), BOB, h.user);
    assert.ok(second instanceof InviteClientTransaction);
    h.layer.receive(makeResponse(200, { branch: 'z9hG4bKsecond' }), inbound());
    assert.equal(h.layer.cancel(second), false);
    assert.deepEqual(h.transport.summary(), ['INVITE', 'ACK', 'INVITE']);
  });

  it('rejects ACK and duplicate branches', () => {
    const h = harness();
    assert.throws(() => h.layer.sendRequest(makeRequest({ method: 'ACK' }), BOB, h.user), (e: unknown) => e instanceof TransactionError && e.code === 'SSW_TX_ACK_NOT_TRANSACTION');
    sendInvite(h);
    assert.throws(() => sendInvite(h), (e: unknown) => e instanceof TransactionError && e.code === 'SSW_TX_DUPLICATE');
  });

  it('rejects invalid timer values', () => {
    const timers = new FakeTimerService();
    const h = harness();
    assert.throws(() => new TransactionLayer({ transport: h.transport, timers, user: h.user, t1: 0 }), RangeError);
    assert.deepEqual(new TransactionLayer({ transport: h.transport, timers, user: h.user }).timerValues, { t1: 500, t2: 4000, t4: 5000 });
  });

  it('close() drops every transaction and timer without TU callbacks', () => {
    const h = harness();
    sendInvite(h);
    h.layer.sendRequest(makeRequest({ method: 'OPTIONS', branch: 'z9hG4bKopt' }), BOB, h.user);
    h.layer.receive(makeRequest({ branch: 'z9hG4bKin' }), inbound());
    h.layer.close();
    assert.deepEqual(leftovers(h), NONE);
    assert.deepEqual(h.user.events, ['request:INVITE']);
  });
});

describe('TransactionLayer: server side matching (RFC 3261 §17.2.3)', () => {
  it('same branch and sent-by but another method is another transaction', () => {
    const h = harness();
    h.layer.receive(makeRequest({ method: 'INFO', branch: 'z9hG4bKsame' }), inbound());
    h.layer.receive(makeRequest({ method: 'OPTIONS', branch: 'z9hG4bKsame' }), inbound());
    assert.deepEqual(h.user.events, ['request:INFO', 'request:OPTIONS']);
    assert.equal(h.layer.size().server, 2);
  });

  it('same branch from another sent-by is another transaction', () => {
    const h = harness();
    h.layer.receive(makeRequest({ sentBy: 'a.example.com' }), inbound());
    h.layer.receive(makeRequest({ sentBy: 'b.example.com' }), inbound());
    h.layer.receive(makeRequest({ sentBy: 'A.EXAMPLE.COM' }), inbound());
    assert.deepEqual(h.user.events, ['request:INVITE', 'request:INVITE']);
  });

  it('a TU that throws on a new request: 500 is sent so the transaction still completes, the error propagates', () => {
    const h = harness();
    h.user.onRequest = () => {
      throw new Error('TU bug');
    };
    assert.throws(() => h.layer.receive(makeRequest({ method: 'OPTIONS' }), inbound('tcp')), /TU bug/);
    assert.deepEqual(h.transport.summary(), ['500']);
    assert.deepEqual(leftovers(h), NONE);
  });

  it('an ACK matching nothing goes to the TU and creates no transaction', () => {
    const h = harness();
    h.layer.receive(makeRequest({ method: 'ACK', toTag: 'x' }), inbound());
    assert.deepEqual(h.user.events, ['ack']);
    assert.deepEqual(h.layer.size(), { client: 0, server: 0 });
  });

  it('RFC 2543 fallback: retransmission, ACK (To tag of the response) and CANCEL matched without a cookie branch', () => {
    const h = harness({ handleCancel: true });
    const legacy = { branch: '' };
    h.layer.receive(makeRequest(legacy), inbound());
    const ist = lastServerTx(h);
    assert.ok(ist instanceof InviteServerTransaction);
    ist.respond(createResponse(ist.request, 180, undefined, { toTag: 'uas-tag' }));
    h.layer.receive(makeRequest(legacy), inbound());
    assert.deepEqual(h.transport.summary(), ['180', '180'], 'retransmitted INVITE answered from the transaction');
    // Different CSeq, Call-ID, From tag or top Via → a new transaction.
    h.layer.receive(makeRequest({ ...legacy, cseq: 314160 }), inbound());
    h.layer.receive(makeRequest({ ...legacy, fromTag: 'other' }), inbound());
    h.layer.receive(makeRequest({ ...legacy, sentBy: 'elsewhere.example.com' }), inbound());
    h.layer.receive(makeRequest({ ...legacy, uri: 'sip:carol@biloxi.example.com' }), inbound());
    assert.equal(h.user.requests.length, 5);
    // CANCEL (To without tag, like the INVITE) matches the INVITE.
    h.layer.receive(makeRequest({ ...legacy, method: 'CANCEL' }), inbound());
    assert.equal(h.user.cancels.length, 1);
    assert.equal(h.user.cancels[0].invite, ist);
    h.user.cancels[0].cancelTx.respond(createResponse(h.user.cancels[0].cancelTx.request, 200, undefined, { toTag: 'uas-tag' }));
    ist.respond(createResponse(ist.request, 487, undefined, { toTag: 'uas-tag' }));
    // An ACK whose To tag is not the tag of the response is not for this transaction.
    h.layer.receive(makeRequest({ ...legacy, method: 'ACK', toTag: 'wrong' }), inbound());
    assert.equal(ist.state, 'Completed');
    assert.deepEqual(h.user.events.filter((e) => e === 'ack'), ['ack']);
    h.layer.receive(makeRequest({ ...legacy, method: 'ACK', toTag: 'uas-tag' }), inbound());
    assert.equal(ist.state, 'Confirmed');
  });

  it('RFC 2543 fallback also covers non-cookie branches, and in-dialog requests with a To tag', () => {
    const h = harness();
    const old = { branch: '8b4f3a', toTag: 'dlg' };
    h.layer.receive(makeRequest(old), inbound());
    const ist = lastServerTx(h);
    assert.ok(ist instanceof InviteServerTransaction);
    ist.respond(createResponse(ist.request, 500, undefined, { toTag: 'dlg' }));
    h.layer.receive(makeRequest(old), inbound());
    assert.deepEqual(h.transport.summary(), ['500', '500']);
    h.layer.receive(makeRequest({ ...old, method: 'ACK' }), inbound());
    assert.equal(ist.state, 'Confirmed');
    h.layer.receive(makeRequest({ ...old, method: 'BYE', cseq: 314160 }), inbound());
    h.layer.receive(makeRequest({ ...old, method: 'BYE', cseq: 314160 }), inbound());
    assert.deepEqual(h.user.events, ['request:INVITE', 'request:BYE']);
  });
});

describe('TransactionLayer: CANCEL (RFC 3261 §9.2)', () => {
  it('onCancel gets its own NIST and the matched INVITE transaction', () => {
    const h = harness({ handleCancel: true });
    h.layer.receive(makeRequest(), inbound());
    const ist = lastServerTx(h);
    h.layer.receive(makeRequest({ method: 'CANCEL' }), inbound());
    assert.deepEqual(h.user.events, ['request:INVITE', 'cancel:ist']);
    const { cancelTx, invite } = h.user.cancels[0];
    assert.ok(cancelTx instanceof NonInviteServerTransaction);
    assert.equal(invite, ist);
    assert.equal(h.layer.size().server, 2);
  });

  it('default handling: 200 to the CANCEL and 487 to the INVITE with the same To tag; CANCEL retransmission answered', () => {
    const h = harness();
    h.layer.receive(makeRequest(), inbound());
    const ist = lastServerTx(h);
    ist.respond(createResponse(ist.request, 180, undefined, { toTag: 'uas-tag' }));
    h.layer.receive(makeRequest({ method: 'CANCEL' }), inbound());
    assert.deepEqual(h.transport.summary(), ['180', '200', '487']);
    const [, ok, terminated] = h.transport.responses();
    assert.equal(ok.cseq.method, 'CANCEL');
    assert.equal(ok.to.tag, 'uas-tag');
    assert.equal(terminated.cseq.method, 'INVITE');
    assert.equal(terminated.to.tag, 'uas-tag');
    assert.equal(ist.state, 'Completed');
    h.layer.receive(makeRequest({ method: 'CANCEL' }), inbound());
    assert.deepEqual(h.transport.summary(), ['180', '200', '487', '200']);
    assert.deepEqual(h.user.events, ['request:INVITE'], 'the TU never saw the CANCEL');
  });

  it('default handling after a final response: 200 to the CANCEL only', () => {
    const h = harness();
    h.layer.receive(makeRequest(), inbound());
    const ist = lastServerTx(h);
    ist.respond(createResponse(ist.request, 200, undefined, { toTag: 'uas-tag' }));
    h.layer.receive(makeRequest({ method: 'CANCEL' }), inbound());
    assert.deepEqual(h.transport.summary(), ['200', '200']);
    assert.equal(ist.state, 'Accepted');
  });

  it('no matching INVITE: 481 by default, onCancel(cancelTx, undefined) otherwise', () => {
    const h = harness();
    h.layer.receive(makeRequest({ method: 'CANCEL' }), inbound());
    assert.deepEqual(h.transport.summary(), ['481']);
    assert.ok(h.transport.responses()[0].to.tag);
    const h2 = harness({ handleCancel: true });
    h2.layer.receive(makeRequest({ method: 'CANCEL' }), inbound());
    assert.deepEqual(h2.user.events, ['cancel:none']);
  });
});

// ---- two layers wired back to back -------------------------------------------------------------

/** Delivers a re-parsed copy of every message to the peer layer after 10 ms of fake network. */
class Wire implements MessageTransport {
  peer: TransactionLayer | undefined;
  readonly log: string[] = [];
  /** Drops (and logs with a '-' prefix) messages for which this returns true. */
  lose: (m: SipMessage) => boolean = () => false;
  readonly #timers: FakeTimerService;
  readonly #self: Endpoint;

  constructor(timers: FakeTimerService, self: Endpoint) {
    this.#timers = timers;
    this.#self = self;
  }

  isReliable(protocol: Endpoint['protocol']): boolean {
    return protocol !== 'udp';
  }

  sendRequest(req: SipRequest, _destination: Endpoint, _options?: SendOptions): Promise<Endpoint> {
    this.#deliver(req);
    return Promise.resolve(this.#self);
  }

  sendResponse(res: SipResponse, _options?: SendOptions): Promise<void> {
    this.#deliver(res);
    return Promise.resolve();
  }

  #deliver(m: SipMessage): void {
    const label = m.isRequest ? m.method : String(m.status);
    if (this.lose(m)) {
      this.log.push(`-${label}`);
      return;
    }
    this.log.push(label);
    const parsed = parseMessage(m.toBuffer());
    assert.ok(parsed.ok);
    const info: InboundInfo = { source: this.#self, local: this.#self, reliable: false, receivedAt: this.#timers.now() };
    this.#timers.set(() => this.peer?.receive(parsed.message, info), 10);
  }
}

interface Pair {
  timers: FakeTimerService;
  alice: TransactionLayer;
  bob: TransactionLayer;
  aliceWire: Wire;
  bobWire: Wire;
  aliceUser: RecordingUser;
}

function pair(uas: TransactionUser): Pair {
  const timers = new FakeTimerService();
  const aliceWire = new Wire(timers, { protocol: 'udp', address: '192.0.2.10', port: 5060 });
  const bobWire = new Wire(timers, BOB);
  const aliceUser = new RecordingUser();
  const alice = new TransactionLayer({ transport: aliceWire, timers, user: aliceUser });
  const bob = new TransactionLayer({ transport: bobWire, timers, user: uas });
  aliceWire.peer = bob;
  bobWire.peer = alice;
  return { timers, alice, bob, aliceWire, bobWire, aliceUser };
}

function settled(p: Pair): { alice: object; bob: object; timers: number } {
  return { alice: p.alice.size(), bob: p.bob.size(), timers: p.timers.pending() };
}

const EMPTY = { alice: { client: 0, server: 0 }, bob: { client: 0, server: 0 }, timers: 0 };

describe('TransactionLayer: complete flows between two layers over lossy UDP', () => {
  it('INVITE (first copy lost) → 180 → 486 → ACK; both tables empty afterwards', () => {
    const p = pair({
      onRequest(tx) {
        tx.respond(createResponse(tx.request, 180, undefined, { toTag: 'b' }));
        tx.respond(createResponse(tx.request, 486, undefined, { toTag: 'b' }));
      },
    });
    let lostOnce = false;
    p.aliceWire.lose = (m) => m.isRequest && m.method === 'INVITE' && !lostOnce && (lostOnce = true);
    const tx = p.alice.sendRequest(makeRequest(), BOB, p.aliceUser);
    p.timers.advance(1000);
    assert.deepEqual(p.aliceWire.log, ['-INVITE', 'INVITE', 'ACK']);
    assert.deepEqual(p.bobWire.log, ['180', '486']);
    assert.deepEqual(p.aliceUser.events, ['response:180', 'response:486']);
    assert.equal(tx.state, 'Completed');
    p.timers.advance(40_000);
    assert.deepEqual(settled(p), EMPTY);
  });

  it('INVITE → 200 → ACK for the 2xx in its own transaction → BYE → 200; both tables empty afterwards', () => {
    const acks: SipRequest[] = [];
    const p = pair({
      onRequest(tx) {
        tx.respond(createResponse(tx.request, 200, undefined, { toTag: 'b' }));
      },
      onAck(ack) {
        acks.push(ack);
      },
    });
    let ackSent = false;
    p.aliceUser.onResponse = (res: SipResponse, tx: ClientTransaction): void => {
      p.aliceUser.events.push(`response:${res.status}`);
      if (tx.kind !== 'ict' || ackSent) return;
      ackSent = true;
      // The UAC core ACKs a 2xx itself, with a new branch, straight through the transport.
      const ack = request(`
        ACK sip:bob@192.0.2.20 SIP/2.0
        Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKack2xx
        Max-Forwards: 70
        To: Bob <sip:bob@biloxi.example.com>;tag=b
        From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
        Call-ID: a84b4c76e66710@pc33.atlanta.example.com
        CSeq: 314159 ACK
      `);
      void p.aliceWire.sendRequest(ack, BOB);
      p.alice.sendRequest(makeRequest({ method: 'BYE', branch: 'z9hG4bKbye', toTag: 'b', cseq: 314160 }), BOB, p.aliceUser);
    };
    p.alice.sendRequest(makeRequest(), BOB, p.aliceUser);
    p.timers.advance(1000);
    assert.deepEqual(p.aliceWire.log, ['INVITE', 'ACK', 'BYE']);
    assert.deepEqual(p.bobWire.log, ['200', '200']);
    assert.deepEqual(p.aliceUser.events, ['response:200', 'response:200']);
    assert.equal(acks.length, 1);
    p.timers.advance(40_000);
    assert.deepEqual(settled(p), EMPTY);
  });

  it('INVITE → 180 → CANCEL → 200 (CANCEL) + 487 → ACK; lost 487 is retransmitted by Timer G', () => {
    const p = pair({
      onRequest(tx) {
        tx.respond(createResponse(tx.request, 180, undefined, { toTag: 'b' }));
      },
    });
    let lost487 = false;
    p.bobWire.lose = (m) => !m.isRequest && m.status === 487 && !lost487 && (lost487 = true);
    const cancelUser = new RecordingUser();
    const tx = p.alice.sendRequest(makeRequest(), BOB, p.aliceUser);
    assert.ok(tx instanceof InviteClientTransaction);
    p.alice.cancel(tx, { user: cancelUser });
    p.timers.advance(2000);
    assert.deepEqual(p.aliceWire.log, ['INVITE', 'CANCEL', 'ACK']);
    assert.deepEqual(p.bobWire.log, ['180', '200', '-487', '487']);
    assert.deepEqual(cancelUser.events, ['response:200']);
    assert.deepEqual(p.aliceUser.events, ['response:180', 'response:487']);
    p.timers.advance(40_000);
    assert.deepEqual(settled(p), EMPTY);
  });

  it('all responses lost: the IST re-sends its 100 for each retransmission, Timer B fires at the UAC', () => {
    const p = pair({ onRequest: () => undefined });
    p.bobWire.lose = () => true;
    p.alice.sendRequest(makeRequest(), BOB, p.aliceUser);
    p.timers.advance(32_000);
    assert.deepEqual(p.aliceUser.events, ['timeout:ict']);
    assert.equal(p.aliceWire.log.length, 7);
    assert.deepEqual(p.bobWire.log, Array(7).fill('-100'), '100 after 200 ms, then once per INVITE retransmission');
    assert.deepEqual(p.alice.size(), { client: 0, server: 0 });
    assert.deepEqual(p.bob.size(), { client: 0, server: 1 }, 'the IST waits for its TU');
    p.bob.close();
    assert.deepEqual(settled(p), EMPTY);
  });
});
