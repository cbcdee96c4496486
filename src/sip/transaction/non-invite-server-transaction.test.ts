// Non-INVITE server transaction: RFC 3261 Figure 8.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse } from '../message/index.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { flush, harness, inbound, leftovers, makeRequest, type Harness } from './testing/fixtures.js';

const NONE = { client: 0, server: 0, timers: 0 };
const register = () => makeRequest({ method: 'REGISTER', uri: 'sip:registrar.biloxi.example.com' });

function receiveRegister(h: Harness, protocol: 'udp' | 'tcp' = 'udp'): NonInviteServerTransaction {
  h.layer.receive(register(), inbound(protocol));
  const tx = h.user.requests.at(-1)?.tx;
  assert.ok(tx instanceof NonInviteServerTransaction);
  return tx;
}

describe('NonInviteServerTransaction', () => {
  it('Trying: passes the request up once, discards retransmissions, sends no automatic 100', () => {
    const h = harness();
    const tx = receiveRegister(h);
    assert.equal(tx.state, 'Trying');
    h.layer.receive(register(), inbound());
    h.timers.advance(10_000);
    assert.deepEqual(h.user.events, ['request:REGISTER']);
    assert.deepEqual(h.transport.summary(), []);
  });

  it('Trying → Proceeding on 1xx; retransmission re-sends the last provisional; → Completed on final', () => {
    const h = harness();
    const tx = receiveRegister(h);
    tx.respond(createResponse(tx.request, 100));
    assert.equal(tx.state, 'Proceeding');
    h.layer.receive(register(), inbound());
    assert.deepEqual(h.transport.summary(), ['100', '100']);
    tx.respond(createResponse(tx.request, 100));
    assert.deepEqual(h.transport.summary(), ['100', '100', '100']);
    tx.respond(createResponse(tx.request, 200, undefined, { toTag: 'reg' }));
    assert.equal(tx.state, 'Completed');
    assert.deepEqual(h.transport.summary(), ['100', '100', '100', '200']);
  });

  it('Completed: retransmission re-sends the final, other finals are discarded, Timer J = 64*T1 on UDP', () => {
    const h = harness();
    const tx = receiveRegister(h);
    tx.respond(createResponse(tx.request, 200, undefined, { toTag: 'reg' }));
    assert.equal(tx.state, 'Completed');
    h.timers.advance(10_000);
    h.layer.receive(register(), inbound());
    tx.respond(createResponse(tx.request, 500, undefined, { toTag: 'reg' }));
    tx.respond(createResponse(tx.request, 100));
    assert.deepEqual(h.transport.summary(), ['200', '200']);
    assert.equal(tx.lastResponse?.status, 200);
    assert.deepEqual(h.user.events, ['request:REGISTER']);
    h.timers.advance(22_000 - 1);
    assert.equal(tx.state, 'Completed');
    h.timers.advance(1);
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(leftovers(h), NONE);
  });

  it('reliable transport: Timer J = 0 (Terminated as the final response is sent)', () => {
    const h = harness();
    const tx = receiveRegister(h, 'tcp');
    tx.respond(createResponse(tx.request, 100));
    tx.respond(createResponse(tx.request, 200, undefined, { toTag: 'reg' }));
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.transport.summary(), ['100', '200']);
    assert.deepEqual(h.transport.sent[1].options, { connectionId: 'conn-1', local: inbound('tcp').local });
    assert.deepEqual(leftovers(h), NONE);
  });

  it('transport error → Terminated and onTransportError', async () => {
    const h = harness();
    const tx = receiveRegister(h);
    h.transport.failNext();
    tx.respond(createResponse(tx.request, 100));
    await flush();
    assert.equal(tx.state, 'Terminated');
    assert.deepEqual(h.user.events, ['request:REGISTER', 'transport-error:nist']);
    assert.deepEqual(leftovers(h), NONE);
    // A retransmission after that is a new request again.
    h.layer.receive(register(), inbound());
    assert.deepEqual(h.user.events, ['request:REGISTER', 'transport-error:nist', 'request:REGISTER']);
  });
});
