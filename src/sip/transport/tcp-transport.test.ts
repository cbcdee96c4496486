// TCP through TransportLayer on loopback (IPv4 and IPv6): round trips on the request's connection,
// connection reuse, RFC 3261 §18.2.2 reconnect, keep-alives, limits and the failure paths.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse, parseMessage, type SipRequest, type SipResponse } from '../message/index.js';
import type { TransportLayer, TransportLayerOptions } from './transport-layer.js';
import { TransportError } from './types.js';
import { type Inbox, type Received, requestText, startLayer, StreamPeer, waitFor } from './testing/loopback.js';

const layers: TransportLayer[] = [];
const peers: StreamPeer[] = [];
after(async () => {
  for (const p of peers) p.close();
  await Promise.all(layers.map((l) => l.close()));
});

async function layer(listen: string[], options: Partial<TransportLayerOptions> = {}): Promise<{ layer: TransportLayer; inbox: Inbox<Received> }> {
  const r = await startLayer(listen, options);
  layers.push(r.layer);
  return r;
}

async function peer(port: number, host: string): Promise<StreamPeer> {
  const p = await StreamPeer.connect(port, host);
  peers.push(p);
  return p;
}

function invite(branch: string): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: 'sip:bob@example.com',
    headers: [
      ['Via', `SIP/2.0/TCP placeholder.invalid;branch=${branch}`],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@example.com>;tag=1'],
      ['To', '<sip:bob@example.com>'],
      ['Call-ID', `${branch}@test`],
      ['CSeq', '1 INVITE'],
    ],
  });
}

function status(data: Buffer): number {
  const r = parseMessage(data);
  assert.ok(r.ok && !r.message.isRequest, 'a response');
  return (r.message as SipResponse).status;
}

for (const [family, host, bracket] of [
  ['IPv4', '127.0.0.1', '127.0.0.1'],
  ['IPv6', '::1', '[::1]'],
] as const) {
  describe(`TransportLayer over TCP (${family})`, () => {
    it('answers on the request connection and reuses it for the next request', async () => {
      const a = await layer([`tcp://${bracket}:0`]);
      const b = await layer([`tcp://${bracket}:0`]);
      const dest = { protocol: 'tcp' as const, address: host, port: b.layer.endpoints[0].port };
      await a.layer.sendRequest(invite('z9hG4bKt1'), dest);
      const first = await b.inbox.next();
      assert.equal(first.info.reliable, true);
      assert.ok(first.info.connectionId);
      assert.equal(first.message.topVia.transport, 'TCP');
      assert.equal(first.message.topVia.port, a.layer.endpoints[0].port);
      assert.equal(first.message.topVia.received, undefined, 'sent-by equals the source address');

      await b.layer.sendResponse(createResponse(first.message as SipRequest, 180), { connectionId: first.info.connectionId });
      const res = await a.inbox.next();
      assert.equal((res.message as SipResponse).status, 180);
      assert.ok(res.info.connectionId);

      await a.layer.sendRequest(invite('z9hG4bKt2'), dest);
      const second = await b.inbox.next();
      assert.equal(second.info.connectionId, first.info.connectionId, 'same connection');
      assert.deepEqual(second.info.source, first.info.source);
      assert.equal(a.layer.connectionCount, 1);
      assert.equal(b.layer.connectionCount, 1);
      assert.equal(b.layer.counters.tcp.received, 2);
    });

    it('reconnects to received + sent-by port when the request connection has closed (RFC 3261 §18.2.2)', async () => {
      const b = await layer([`tcp://${bracket}:0`]);
      const c = await layer([`tcp://${bracket}:0`]);
      const p = await peer(b.layer.endpoints[0].port, host);
      p.write(requestText({ via: `SIP/2.0/TCP client.invalid:${c.layer.endpoints[0].port};branch=z9hG4bKrc` }));
      const req = await b.inbox.next();
      assert.equal(req.message.topVia.received, host);
      p.close();
      await waitFor(() => b.layer.connectionCount === 0);
      await b.layer.sendResponse(createResponse(req.message as SipRequest, 200), { connectionId: req.info.connectionId });
      const res = await c.inbox.next();
      assert.equal((res.message as SipResponse).status, 200);
    });

    it('answers a double-CRLF ping with a CRLF pong (RFC 5626 §3.5.1)', async () => {
      const b = await layer([`tcp://${bracket}:0`]);
      const p = await peer(b.layer.endpoints[0].port, host);
      p.write('\r\n\r\n');
      await waitFor(() => p.pongs === 1);
      p.write(requestText({ via: `SIP/2.0/TCP ${bracket};branch=z9hG4bKka` }));
      await b.inbox.next();
      assert.equal(p.closed, false);
      assert.equal(b.layer.counters.tcp.received, 1);
    });
  });
}

describe('TCP limits and faults', () => {
  it('closes idle connections', async () => {
    const b = await layer(['tcp://127.0.0.1:0'], { connections: { idleTimeout: 150 } });
    const p = await peer(b.layer.endpoints[0].port, '127.0.0.1');
    p.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKidle' }));
    await b.inbox.next();
    assert.equal(b.layer.connectionCount, 1);
    await waitFor(() => p.closed, 3000);
    assert.equal(b.layer.connectionCount, 0);
  });

  it('closes a connection whose partial message stalls (slow or half-open peer)', async () => {
    const b = await layer(['tcp://127.0.0.1:0'], { connections: { partialMessageTimeout: 150 } });
    const p = await peer(b.layer.endpoints[0].port, '127.0.0.1');
    p.write('INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1');
    await waitFor(() => p.closed, 3000);
  });

  it('answers 513 and closes when a message exceeds maxMessageSize', async () => {
    const b = await layer(['tcp://127.0.0.1:0'], { maxMessageSize: 2048 });
    const p = await peer(b.layer.endpoints[0].port, '127.0.0.1');
    p.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKbig', body: 'b'.repeat(4096) }));
    assert.equal(status(await p.inbox.next()), 513);
    await waitFor(() => p.closed);
    assert.equal(b.layer.counters.tcp.framingErrors, 1);
    assert.ok(await b.inbox.quiet(50));
  });

  it('closes without an answer when the header section never ends', async () => {
    const b = await layer(['tcp://127.0.0.1:0'], { maxHeaderSize: 1024 });
    const p = await peer(b.layer.endpoints[0].port, '127.0.0.1');
    p.write('OPTIONS sip:a@example.com SIP/2.0\r\n' + 'X-Filler: 0123456789abcdef\r\n'.repeat(100));
    await waitFor(() => p.closed);
    assert.equal(p.inbox.size, 0);
  });

  it('answers 400 and closes on a missing Content-Length; keeps the connection on a parse error', async () => {
    const b = await layer(['tcp://127.0.0.1:0']);
    const port = b.layer.endpoints[0].port;
    const p1 = await peer(port, '127.0.0.1');
    p1.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKcl1', lengthHeader: false }));
    assert.equal(status(await p1.inbox.next()), 400);
    await waitFor(() => p1.closed);

    const p2 = await peer(port, '127.0.0.1');
    p2.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKpe1' }).replace('Max-Forwards: 70', 'Max-Forwards: x'));
    assert.equal(status(await p2.inbox.next()), 400);
    p2.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKpe2' }));
    const ok = await b.inbox.next();
    assert.equal(ok.message.topVia.branch, 'z9hG4bKpe2');
    assert.equal(p2.closed, false);
  });

  it('refuses connections beyond maxConnections and counts them', async () => {
    const b = await layer(['tcp://127.0.0.1:0'], { connections: { maxConnections: 2 } });
    const port = b.layer.endpoints[0].port;
    const p1 = await peer(port, '127.0.0.1');
    const p2 = await peer(port, '127.0.0.1');
    await waitFor(() => b.layer.connectionCount === 2);
    const p3 = await peer(port, '127.0.0.1');
    await waitFor(() => p3.closed);
    assert.ok(b.layer.counters.tcp.connectionsRejected >= 1);
    assert.equal(p1.closed || p2.closed, false);
  });

  it('rejects with TransportError when the connection is refused', async () => {
    const a = await layer(['tcp://127.0.0.1:0']);
    const gone = await layer(['tcp://127.0.0.1:0']);
    const port = gone.layer.endpoints[0].port;
    await gone.layer.close();
    await assert.rejects(
      a.layer.sendRequest(invite('z9hG4bKref'), { protocol: 'tcp', address: '127.0.0.1', port }),
      (e: unknown) => e instanceof TransportError && e.code === 'SSW_TRANSPORT_CONNECT_FAILED' && /ECONNREFUSED/.test(e.message),
    );
    assert.equal(a.layer.counters.tcp.sendErrors, 1);
  });

  it('closes a connection to a peer that does not read instead of buffering without bound', async () => {
    const b = await layer(['tcp://127.0.0.1:0'], { maxMessageSize: 65535, connections: { maxWriteBuffer: 256 * 1024 } });
    const p = await peer(b.layer.endpoints[0].port, '127.0.0.1');
    p.write(requestText({ via: 'SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKslow' }));
    const req = await b.inbox.next();
    p.socket.pause();
    const res = createResponse(req.message as SipRequest, 200, 'OK', { body: 'z'.repeat(60_000) });
    let error: unknown;
    for (let i = 0; i < 2000 && error === undefined; i++) {
      try {
        await Promise.race([
          b.layer.sendResponse(res, { connectionId: req.info.connectionId }),
          new Promise((r) => setTimeout(r, 5)),
        ]);
      } catch (e) {
        error = e;
      }
    }
    assert.ok(error instanceof TransportError, 'a send fails once the write buffer is full');
    await waitFor(() => b.layer.connectionCount === 0);
  });
});
