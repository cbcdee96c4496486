// TransportLayer over real UDP sockets on loopback (IPv4 and IPv6): round trips, RFC 3581 received/rport,
// response routing, stateless 400s, drops, the early hook, and the RFC 3261 §18.1.1 UDP→TCP switch.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createRequest, createResponse, parseMessage, type SipRequest, type SipResponse } from '../message/index.js';
import { TransportLayer } from './transport-layer.js';
import { TransportError } from './types.js';
import { Inbox, quietLogger, type Received, requestText, startLayer, UdpPeer } from './testing/loopback.js';

const layers: TransportLayer[] = [];
const peers: UdpPeer[] = [];
after(async () => {
  for (const p of peers) p.close();
  await Promise.all(layers.map((l) => l.close()));
});

async function layer(listen: string[], options = {}): Promise<{ layer: TransportLayer; inbox: Inbox<Received> }> {
  const r = await startLayer(listen, options);
  layers.push(r.layer);
  return r;
}

async function peer(address: '127.0.0.1' | '::1'): Promise<UdpPeer> {
  const p = await UdpPeer.open(address);
  peers.push(p);
  return p;
}

function options(branch: string, body = ''): SipRequest {
  return createRequest({
    method: 'OPTIONS',
    uri: 'sip:service@example.com',
    headers: [
      ['Via', `SIP/2.0/UDP placeholder.invalid;branch=${branch};rport`],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@example.com>;tag=1'],
      ['To', '<sip:service@example.com>'],
      ['Call-ID', `${branch}@test`],
      ['CSeq', '1 OPTIONS'],
    ],
    body,
  });
}

function parse(data: Buffer): SipResponse {
  const r = parseMessage(data);
  assert.ok(r.ok, 'reply must parse');
  assert.equal(r.message.isRequest, false);
  return r.message as SipResponse;
}

for (const [family, host] of [
  ['IPv4', '127.0.0.1'],
  ['IPv6', '::1'],
] as const) {
  const url = (p: string): string => `${p}://${family === 'IPv6' ? '[::1]' : host}:0`;

  describe(`TransportLayer over UDP (${family})`, () => {
    it('delivers a request layer to layer and routes the response back by rport', async () => {
      const a = await layer([url('udp')]);
      const b = await layer([url('udp')]);
      const [aEp] = a.layer.endpoints;
      const [bEp] = b.layer.endpoints;
      const used = await a.layer.sendRequest(options('z9hG4bKrt1'), { protocol: 'udp', address: host, port: bEp.port });
      assert.deepEqual(used, { protocol: 'udp', address: host, port: bEp.port });
      const { message, info } = await b.inbox.next();
      assert.ok(message.isRequest);
      assert.equal(info.reliable, false);
      assert.deepEqual(info.source, { protocol: 'udp', address: host, port: aEp.port });
      assert.deepEqual(info.local, bEp);
      const via = message.topVia;
      assert.equal(via.transport, 'UDP');
      assert.equal(via.port, aEp.port, 'sent-by rewritten to the listener used');
      assert.equal(via.branch, 'z9hG4bKrt1', 'branch kept');
      assert.equal(via.received, host, 'RFC 3581: received is set whenever rport is present');
      assert.equal(via.rport, aEp.port, 'RFC 3581: empty rport filled with the source port');

      await b.layer.sendResponse(createResponse(message, 200), { local: info.local });
      const res = await a.inbox.next();
      assert.equal(res.message.isRequest, false);
      assert.equal((res.message as SipResponse).status, 200);
      assert.deepEqual(res.info.source, { protocol: 'udp', address: host, port: bEp.port }, 'symmetric: sent from the receiving listener');
      assert.equal(b.layer.counters.udp.sent, 1);
      assert.equal(a.layer.counters.udp.received, 1);
    });

    it('adds received only when sent-by differs, and routes responses per RFC 3261 §18.2.2 / RFC 3581 §4', async () => {
      const b = await layer([url('udp')]);
      const bPort = b.layer.endpoints[0].port;
      const p = await peer(host);
      const sentBy = family === 'IPv6' ? '[::1]' : host;

      // sent-by equals the source, no rport: Via untouched; response to sent-by.
      await p.send(requestText({ via: `SIP/2.0/UDP ${sentBy}:${p.port};branch=z9hG4bKv1` }), bPort, host);
      const r1 = await b.inbox.next();
      assert.equal(r1.message.topVia.received, undefined);
      assert.equal(r1.message.topVia.rport, undefined);
      await b.layer.sendResponse(createResponse(r1.message as SipRequest, 200));
      assert.match((await p.inbox.next()).data.toString(), /^SIP\/2\.0 200/);

      // sent-by is elsewhere and rport empty: received + rport; the response follows rport, not sent-by.
      const foreign = family === 'IPv6' ? '[2001:db8::1]' : '192.0.2.1';
      await p.send(requestText({ via: `SIP/2.0/UDP ${foreign}:5099;branch=z9hG4bKv2;rport` }), bPort, host);
      const r2 = await b.inbox.next();
      assert.equal(r2.message.topVia.received, host);
      assert.equal(r2.message.topVia.rport, p.port);
      await b.layer.sendResponse(createResponse(r2.message as SipRequest, 202));
      const got = parse((await p.inbox.next()).data);
      assert.equal(got.status, 202);
      assert.equal(got.topVia.rport, p.port);

      // sent-by elsewhere, no rport: received only; response to received + sent-by port.
      await p.send(requestText({ via: `SIP/2.0/UDP ${foreign}:${p.port};branch=z9hG4bKv3` }), bPort, host);
      const r3 = await b.inbox.next();
      assert.equal(r3.message.topVia.received, host);
      assert.equal(r3.message.topVia.rport, undefined);
      await b.layer.sendResponse(createResponse(r3.message as SipRequest, 200));
      assert.match((await p.inbox.next()).data.toString(), /^SIP\/2\.0 200/);
    });

    it('answers a malformed request with a stateless 400 and keeps serving', async () => {
      const b = await layer([url('udp')]);
      const bPort = b.layer.endpoints[0].port;
      const p = await peer(host);
      const bad = requestText({ via: 'SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bKbad;rport' }).replace('Max-Forwards: 70', 'Max-Forwards: many');
      await p.send(bad, bPort, host);
      const reply = parse((await p.inbox.next()).data);
      assert.equal(reply.status, 400);
      assert.match(reply.reason, /Max-Forwards/i);
      assert.equal(reply.topVia.branch, 'z9hG4bKbad');
      assert.equal(reply.topVia.received, host);
      assert.equal(reply.topVia.rport, p.port);
      assert.ok(reply.to.tag, 'a To tag is added');
      assert.equal(reply.callId, 'call-1@test');
      assert.equal(b.layer.counters.udp.parseErrors, 1);
      assert.equal(b.layer.counters.udp.statelessReplies, 1);

      // A bad CSeq is copied as received: the reply is built from raw lines, not from a parse.
      await p.send(requestText({ via: 'SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKcs;rport' }).replace('CSeq: 1 OPTIONS', 'CSeq: one OPTIONS'), bPort, host);
      const raw = (await p.inbox.next()).data.toString();
      assert.match(raw, /^SIP\/2\.0 400 [^\r]*CSeq/);
      assert.match(raw, /\r\nCSeq: one OPTIONS\r\n/);
      assert.match(raw, /\r\nContent-Length: 0\r\n\r\n$/);

      await p.send(requestText({ via: `SIP/2.0/UDP 192.0.2.7;branch=z9hG4bKgood;rport` }), bPort, host);
      const good = await b.inbox.next();
      assert.equal(good.message.topVia.branch, 'z9hG4bKgood');
    });
  });
}

describe('TransportLayer inbound faults and the early hook', () => {
  it('drops and counts garbage and malformed responses, and ignores CRLF keep-alives', async () => {
    const b = await layer(['udp://127.0.0.1:0']);
    const bPort = b.layer.endpoints[0].port;
    const p = await peer('127.0.0.1');
    await p.send('hello, this is not SIP\r\n\r\n', bPort, '127.0.0.1');
    await p.send('SIP/2.0 abc Weird\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKr\r\n\r\n', bPort, '127.0.0.1');
    await p.send('\r\n\r\n', bPort, '127.0.0.1');
    await p.send(requestText({ via: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKafter' }), bPort, '127.0.0.1');
    await b.inbox.next();
    const c = b.layer.counters.udp;
    assert.equal(c.received, 3, 'the keep-alive is not a message');
    assert.equal(c.parseErrors, 2);
    assert.equal(c.dropped, 2);
    assert.equal(c.statelessReplies, 0);
    assert.ok(await p.inbox.quiet(100), 'nothing is sent back');
  });

  it('survives a throwing handler', async () => {
    let calls = 0;
    const tl = new TransportLayer({
      listen: ['udp://127.0.0.1:0'],
      logger: quietLogger(),
      handler: () => {
        calls++;
        throw new Error('boom');
      },
    });
    layers.push(tl);
    await tl.start();
    const p = await peer('127.0.0.1');
    await p.send(requestText({ via: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKt1' }), tl.endpoints[0].port, '127.0.0.1');
    await p.send(requestText({ via: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKt2' }), tl.endpoints[0].port, '127.0.0.1');
    const until = Date.now() + 2000;
    while (calls < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.equal(calls, 2);
  });

  it('drops, answers 503 with Retry-After, or accepts, as the early hook decides', async () => {
    const b = await layer(['udp://127.0.0.1:0']);
    const bPort = b.layer.endpoints[0].port;
    const seen: string[] = [];
    b.layer.setEarlyHook((_raw, peek) => {
      seen.push(`${peek.method}:${peek.header('v') !== undefined}`);
      if (peek.header('resource-priority') !== undefined) return 'accept';
      if (peek.method === 'INVITE') return { status: 503, reason: 'Service Unavailable', retryAfter: 5 };
      return 'drop';
    });
    const p = await peer('127.0.0.1');
    await p.send(requestText({ via: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKe1;rport' }), bPort, '127.0.0.1');
    assert.ok(await b.inbox.quiet(100), 'OPTIONS dropped');
    assert.ok(await p.inbox.quiet(10), 'no answer to a drop');

    await p.send(requestText({ method: 'INVITE', via: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKe2;rport' }), bPort, '127.0.0.1');
    const shed = parse((await p.inbox.next()).data);
    assert.equal(shed.status, 503);
    assert.equal(shed.header('Retry-After'), '5');
    assert.equal(shed.cseq.method, 'INVITE');

    await p.send(requestText({ method: 'INVITE', via: 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKe3', extra: ['Resource-Priority: ets.0'] }), bPort, '127.0.0.1');
    const ok = await b.inbox.next();
    assert.equal(ok.message.header('resource-priority'), 'ets.0');
    assert.deepEqual(seen, ['OPTIONS:true', 'INVITE:true', 'INVITE:true']);
    const c = b.layer.counters.udp;
    assert.equal(c.dropped, 1);
    assert.equal(c.statelessReplies, 1);
  });
});

/** A port number free for both TCP and UDP on 127.0.0.1 (bounded attempts). */
async function sharedPort(): Promise<{ port: number; b: { layer: TransportLayer; inbox: Inbox<Received> } }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const probe = createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)));
    await new Promise((r) => probe.close(r));
    try {
      return { port, b: await layer([`udp://127.0.0.1:${port}`, `tcp://127.0.0.1:${port}`]) };
    } catch {
      // port taken in between: try another
    }
  }
  throw new Error('no shared port');
}

describe('TransportLayer outbound', () => {
  it('switches a large UDP request to TCP (RFC 3261 §18.1.1) and keeps small ones on UDP', async () => {
    const a = await layer(['udp://127.0.0.1:0', 'tcp://127.0.0.1:0']);
    const { port, b } = await sharedPort();
    const big = options('z9hG4bKbig', 'x'.repeat(1500));
    const used = await a.layer.sendRequest(big, { protocol: 'udp', address: '127.0.0.1', port });
    assert.equal(used.protocol, 'tcp');
    const got = await b.inbox.next();
    assert.equal(got.info.source.protocol, 'tcp');
    assert.equal(got.message.topVia.transport, 'TCP', 'Via transport follows the switch');
    assert.equal(got.message.topVia.port, a.layer.endpoints[1].port);
    assert.equal(got.message.body.length, 1500);

    const small = await a.layer.sendRequest(options('z9hG4bKsmall'), { protocol: 'udp', address: '127.0.0.1', port });
    assert.equal(small.protocol, 'udp');
    assert.equal((await b.inbox.next()).message.topVia.transport, 'UDP');
  });

  it('falls back to UDP when TCP is refused for a size-switched request', async () => {
    const a = await layer(['udp://127.0.0.1:0', 'tcp://127.0.0.1:0']);
    const b = await layer(['udp://127.0.0.1:0']);
    const port = b.layer.endpoints[0].port;
    const used = await a.layer.sendRequest(options('z9hG4bKfb', 'y'.repeat(1400)), { protocol: 'udp', address: '127.0.0.1', port });
    assert.equal(used.protocol, 'udp');
    const got = await b.inbox.next();
    assert.equal(got.message.topVia.transport, 'UDP');
    assert.equal(got.message.body.length, 1400);
  });

  it('rejects with TransportError when no listener fits or the transport is not started', async () => {
    const a = await layer(['udp://127.0.0.1:0']);
    await assert.rejects(a.layer.sendRequest(options('z9hG4bKn1'), { protocol: 'udp', address: '::1', port: 5060 }), (e: unknown) => e instanceof TransportError && e.code === 'SSW_TRANSPORT_NO_LISTENER');
    await assert.rejects(a.layer.sendRequest(options('z9hG4bKn2'), { protocol: 'tcp', address: '127.0.0.1', port: 5060 }), (e: unknown) => e instanceof TransportError && e.code === 'SSW_TRANSPORT_NO_LISTENER');
    await assert.rejects(a.layer.sendRequest(options('z9hG4bKn3'), { protocol: 'udp', address: 'example.com', port: 5060 }), (e: unknown) => e instanceof TransportError && e.code === 'SSW_TRANSPORT_BAD_DESTINATION');
    const idle = new TransportLayer({ listen: ['udp://127.0.0.1:0'], logger: quietLogger() });
    await assert.rejects(idle.sendRequest(options('z9hG4bKn4'), { protocol: 'udp', address: '127.0.0.1', port: 5060 }), (e: unknown) => e instanceof TransportError && e.code === 'SSW_TRANSPORT_NOT_STARTED');
  });

  it('names the bad spec when a listen spec is invalid', () => {
    assert.throws(() => new TransportLayer({ listen: ['udp://localhost:5060'], logger: quietLogger() }), /udp:\/\/localhost:5060/);
  });
});
