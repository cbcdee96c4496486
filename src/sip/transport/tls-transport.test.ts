// TLS through TransportLayer on loopback (IPv4 and IPv6) with a throwaway self-signed certificate
// made by the openssl CLI. Without openssl these tests are skipped (nothing is installed).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequest, createResponse, type SipRequest, type SipResponse } from '../message/index.js';
import { TransportLayer } from './transport-layer.js';
import { TransportError } from './types.js';
import { type Inbox, quietLogger, type Received, requestText, startLayer, StreamPeer, waitFor } from './testing/loopback.js';

const hasOpenssl = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
const skip = hasOpenssl ? false : 'openssl CLI not found; the TLS tests need it to make a throwaway certificate';

let dir = '';
let keyPath = '';
let certPath = '';
let cert = Buffer.alloc(0);
const layers: TransportLayer[] = [];
const peers: StreamPeer[] = [];

before(() => {
  if (!hasOpenssl) return;
  dir = mkdtempSync(join(tmpdir(), 'precedence-tls-'));
  keyPath = join(dir, 'key.pem');
  certPath = join(dir, 'cert.pem');
  const r = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1', '-keyout', keyPath, '-out', certPath],
    { stdio: 'ignore', timeout: 30_000 },
  );
  assert.equal(r.status, 0, 'openssl req failed');
  cert = readFileSync(certPath);
});

after(async () => {
  for (const p of peers) p.close();
  await Promise.all(layers.map((l) => l.close()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function layer(host: string): Promise<{ layer: TransportLayer; inbox: Inbox<Received> }> {
  const spec = `tls://${host}:0?key=${encodeURIComponent(keyPath)}&cert=${encodeURIComponent(certPath)}`;
  const r = await startLayer([spec], { tls: { ca: cert } });
  layers.push(r.layer);
  return r;
}

function register(branch: string): SipRequest {
  return createRequest({
    method: 'REGISTER',
    uri: 'sips:example.com',
    headers: [
      ['Via', `SIP/2.0/TLS placeholder.invalid;branch=${branch}`],
      ['Max-Forwards', '70'],
      ['From', '<sips:alice@example.com>;tag=1'],
      ['To', '<sips:alice@example.com>'],
      ['Call-ID', `${branch}@test`],
      ['CSeq', '1 REGISTER'],
    ],
  });
}

for (const [family, host, bracket] of [
  ['IPv4', '127.0.0.1', '127.0.0.1'],
  ['IPv6', '::1', '[::1]'],
] as const) {
  describe(`TransportLayer over TLS (${family})`, { skip }, () => {
    it('round-trips a request and its response over one verified connection, and reuses it', async () => {
      const a = await layer(bracket);
      const b = await layer(bracket);
      const dest = { protocol: 'tls' as const, address: host, port: b.layer.endpoints[0].port };
      await a.layer.sendRequest(register('z9hG4bKtls1'), dest);
      const req = await b.inbox.next();
      assert.equal(req.info.source.protocol, 'tls');
      assert.equal(req.message.topVia.transport, 'TLS');
      await b.layer.sendResponse(createResponse(req.message as SipRequest, 200), { connectionId: req.info.connectionId });
      assert.equal(((await a.inbox.next()).message as SipResponse).status, 200);
      await a.layer.sendRequest(register('z9hG4bKtls2'), dest);
      assert.equal((await b.inbox.next()).info.connectionId, req.info.connectionId);
      assert.equal(a.layer.connectionCount, 1);
    });

    it('frames raw TLS input and answers keep-alive pings', async () => {
      const b = await layer(bracket);
      const p = await StreamPeer.connect(b.layer.endpoints[0].port, host, { ca: cert });
      peers.push(p);
      p.write('\r\n\r\n');
      await waitFor(() => p.pongs === 1);
      const text = requestText({ via: `SIP/2.0/TLS ${bracket};branch=z9hG4bKraw` });
      p.write(text.slice(0, 40));
      p.write(text.slice(40));
      assert.equal((await b.inbox.next()).message.topVia.branch, 'z9hG4bKraw');
    });
  });
}

describe('TLS failures', { skip }, () => {
  it('rejects when the peer certificate is not trusted', async () => {
    const b = await layer('127.0.0.1');
    const a = await startLayer([`tls://127.0.0.1:0?key=${keyPath}&cert=${certPath}`]); // no ca: system store only
    layers.push(a.layer);
    await assert.rejects(
      a.layer.sendRequest(register('z9hG4bKuntrusted'), { protocol: 'tls', address: '127.0.0.1', port: b.layer.endpoints[0].port }),
      (e: unknown) => e instanceof TransportError && e.code === 'SSW_TRANSPORT_CONNECT_FAILED',
    );
  });

  it('fails to start with a clear error when the key file is missing', async () => {
    const tl = new TransportLayer({ listen: [`tls://127.0.0.1:0?key=${join(dir, 'nope.pem')}&cert=${certPath}`], logger: quietLogger() });
    await assert.rejects(tl.start(), (e: unknown) => e instanceof TransportError && e.code === 'SSW_TRANSPORT_TLS_CONFIG');
  });
});
