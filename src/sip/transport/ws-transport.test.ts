// SIP over WebSocket (RFC 7118) through TransportLayer on loopback, with the `ws` package as client.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequest, createResponse, parseMessage, type SipRequest, type SipResponse } from '../message/index.js';
import type { TransportLayer, TransportLayerOptions } from './transport-layer.js';
import { type Inbox, type Received, requestText, startLayer, waitFor, WsPeer } from './testing/loopback.js';

const layers: TransportLayer[] = [];
const peers: WsPeer[] = [];
let certDir = '';
after(async () => {
  for (const p of peers) p.close();
  await Promise.all(layers.map((l) => l.close()));
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

async function layer(listen: string[], options: Partial<TransportLayerOptions> = {}): Promise<{ layer: TransportLayer; inbox: Inbox<Received> }> {
  const r = await startLayer(listen, options);
  layers.push(r.layer);
  return r;
}

async function peer(protocol: 'ws' | 'wss', address: string, port: number, opts: { ca?: Buffer } = {}): Promise<WsPeer> {
  const p = await WsPeer.connect(protocol, address, port, opts);
  peers.push(p);
  return p;
}

for (const [family, host, bracket] of [
  ['IPv4', '127.0.0.1', '127.0.0.1'],
  ['IPv6', '::1', '[::1]'],
] as const) {
  describe(`TransportLayer over WebSocket (${family})`, () => {
    it('takes one SIP message per WebSocket message and answers on the same connection', async () => {
      const b = await layer([`ws://${bracket}:0`]);
      const p = await peer('ws', host, b.layer.endpoints[0].port);
      assert.equal(p.ws.protocol, 'sip');
      // RFC 7118 clients put a made-up host in Via; the transport stamps received and rport.
      p.send(requestText({ method: 'REGISTER', via: 'SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bKws1;rport' }));
      const req = await b.inbox.next();
      assert.equal(req.info.source.protocol, 'ws');
      assert.equal(req.info.reliable, true);
      assert.equal(req.message.topVia.received, host);
      assert.equal(typeof req.message.topVia.rport, 'number');
      await b.layer.sendResponse(createResponse(req.message as SipRequest, 200), { connectionId: req.info.connectionId });
      const got = parseMessage(await p.inbox.next());
      assert.ok(got.ok && !got.message.isRequest);
      assert.equal((got.message as SipResponse).status, 200);
      assert.equal(b.layer.counters.ws.sent, 1);
    });

    it('connects outbound from layer to layer and reuses the connection', async () => {
      const a = await layer([`ws://${bracket}:0`]);
      const b = await layer([`ws://${bracket}:0`]);
      const dest = { protocol: 'ws' as const, address: host, port: b.layer.endpoints[0].port };
      const req = (branch: string): SipRequest =>
        createRequest({
          method: 'OPTIONS',
          uri: 'sip:b@example.com',
          headers: [
            ['Via', `SIP/2.0/WS x.invalid;branch=${branch}`],
            ['From', '<sip:a@example.com>;tag=1'],
            ['To', '<sip:b@example.com>'],
            ['Call-ID', `${branch}@t`],
            ['CSeq', '1 OPTIONS'],
            ['Max-Forwards', '70'],
          ],
        });
      await a.layer.sendRequest(req('z9hG4bKwo1'), dest);
      await a.layer.sendRequest(req('z9hG4bKwo2'), dest);
      const first = await b.inbox.next();
      const second = await b.inbox.next();
      assert.equal(first.message.topVia.transport, 'WS');
      assert.equal(first.info.connectionId, second.info.connectionId);
      assert.equal(a.layer.connectionCount, 1);
    });
  });
}

describe('WebSocket limits', () => {
  it('refuses a handshake without the sip subprotocol (RFC 7118 §4)', async () => {
    const b = await layer(['ws://127.0.0.1:0']);
    await assert.rejects(WsPeer.connect('ws', '127.0.0.1', b.layer.endpoints[0].port, { subprotocol: null }));
    assert.equal(b.layer.connectionCount, 0);
  });

  it('closes the connection (1009) when a message exceeds maxMessageSize', async () => {
    const b = await layer(['ws://127.0.0.1:0'], { maxMessageSize: 1024 });
    const p = await peer('ws', '127.0.0.1', b.layer.endpoints[0].port);
    p.send(requestText({ via: 'SIP/2.0/WS h.invalid;branch=z9hG4bKbig', body: 'q'.repeat(2000) }));
    await waitFor(() => p.closeCode !== undefined);
    assert.equal(p.closeCode, 1009);
    assert.ok(await b.inbox.quiet(50));
  });

  it('answers malformed requests with 400 and keeps the connection', async () => {
    const b = await layer(['ws://127.0.0.1:0']);
    const p = await peer('ws', '127.0.0.1', b.layer.endpoints[0].port);
    p.send(requestText({ via: 'SIP/2.0/WS h.invalid;branch=z9hG4bKm1' }).replace('Max-Forwards: 70', 'Max-Forwards: -1'));
    assert.match((await p.inbox.next()).toString(), /^SIP\/2\.0 400 /);
    p.send(requestText({ via: 'SIP/2.0/WS h.invalid;branch=z9hG4bKm2', lengthHeader: false }));
    assert.equal((await b.inbox.next()).message.topVia.branch, 'z9hG4bKm2', 'Content-Length is optional on WebSocket');
    assert.equal(p.closeCode, undefined);
  });

  it('closes idle WebSocket connections', async () => {
    const b = await layer(['ws://127.0.0.1:0'], { connections: { idleTimeout: 150 } });
    const p = await peer('ws', '127.0.0.1', b.layer.endpoints[0].port);
    await waitFor(() => b.layer.connectionCount === 1);
    await waitFor(() => p.closeCode !== undefined, 3000);
    assert.equal(b.layer.connectionCount, 0);
  });

  const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
  it('serves wss with a throwaway certificate', { skip: hasOpenssl ? false : 'openssl CLI not found' }, async () => {
    certDir = mkdtempSync(join(tmpdir(), 'precedence-wss-'));
    const key = join(certDir, 'key.pem');
    const cert = join(certDir, 'cert.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore', timeout: 30_000 });
    assert.equal(r.status, 0);
    const b = await layer([`wss://127.0.0.1:0?key=${key}&cert=${cert}`]);
    const p = await peer('wss', '127.0.0.1', b.layer.endpoints[0].port, { ca: readFileSync(cert) });
    p.send(requestText({ via: 'SIP/2.0/WSS h.invalid;branch=z9hG4bKwss' }));
    const req = await b.inbox.next();
    assert.equal(req.info.source.protocol, 'wss');
    await b.layer.sendResponse(createResponse(req.message as SipRequest, 200), { connectionId: req.info.connectionId });
    assert.match((await p.inbox.next()).toString(), /^SIP\/2\.0 200 /);
  });
});
