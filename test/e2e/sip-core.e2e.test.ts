// End to end: the real stack on loopback sockets, driven by SIPp as the external peer.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/ports.js';
import { runSipp } from '../support/sipp.js';
import { requireTool } from '../support/tools.js';
import { startMinimalUac, startMinimalUas } from '../support/minimal-ua.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

before(() => {
  requireTool('sipp');
});

describe('precedence start (the real server process)', () => {
  let proc: ChildProcess;
  let port: number;
  let log = '';
  let dir: string;

  before(async () => {
    port = await freePort();
    // The sample configuration, with its listen list overridden (as `kamailio -l` would) and the store
    // and pid file kept out of the repository.
    dir = mkdtempSync(join(tmpdir(), 'precedence-core-'));
    const config = join(dir, 'precedence.yaml');
    writeFileSync(config, `${readFileSync(join(root, 'config/precedence.sample.yaml'), 'utf8')}\nstore: "memory:"\n`.replace(/^store: sqlite:.*$/m, ''));
    proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', config, '--pid-file', join(dir, 'pid'), '--listen', `udp://127.0.0.1:${port}`, '--listen', `tcp://127.0.0.1:${port}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    let exited = false;
    proc.once('exit', () => (exited = true));
    const deadline = Date.now() + 20_000;
    while (!/"msg":"listening".*"protocol":"tcp"|"protocol":"tcp".*"msg":"listening"/.test(log)) {
      if (Date.now() > deadline || exited) throw new Error(`server did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    // An exited process emits no second 'exit': waiting for one would leave this hook pending forever.
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('answers OPTIONS over UDP and TCP with 200 and Allow (SIPp)', async () => {
    for (const transport of ['u1', 't1'] as const) {
      const res = await runSipp({ scenario: { file: 'options.xml' }, remote: `127.0.0.1:${port}`, localPort: await freePort(), transport, calls: 3, timeoutSeconds: 15 });
      assert.equal(res.code, 0, `sipp ${transport} failed: ${res.errors}\n${res.stderr}`);
      assert.equal(res.successful, 3);
    }
  });

  test('a malformed datagram gets 400 with a reason naming the problem; the listener keeps serving', async () => {
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const reply = new Promise<string>((resolve) => sock.once('message', (m) => resolve(m.toString())));
    const bad =
      'INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKbad1;rport\r\nFrom: <sip:a@example.com>;tag=1\r\n' +
      'To: <sip:bob@example.com>\r\nCall-ID: bad-cseq-1\r\nCSeq: twelve INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n';
    sock.send(bad, port, '127.0.0.1');
    const text = await Promise.race([reply, new Promise<string>((_, rej) => setTimeout(() => rej(new Error('no 400 within 3 s')), 3000))]);
    sock.close();
    assert.match(text, /^SIP\/2\.0 400 Bad CSeq\r\n/);
    assert.match(text, /Call-ID: bad-cseq-1\r\n/);
    // garbage nobody can answer is dropped, and the server still serves
    const g = createSocket('udp4');
    await new Promise<void>((r) => g.send(Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a]), port, '127.0.0.1', () => r()));
    g.close();
    const res = await runSipp({ scenario: { file: 'options.xml' }, remote: `127.0.0.1:${port}`, localPort: await freePort(), calls: 1, timeoutSeconds: 10 });
    assert.equal(res.code, 0, res.errors);
  });
});

describe('minimal UAS on the stack ⇐ SIPp UAC', () => {
  let ctx: Awaited<ReturnType<typeof startMinimalUas>>;
  let port: number;

  before(async () => {
    port = await freePort();
    ctx = await startMinimalUas([`udp://127.0.0.1:${port}`, `tcp://127.0.0.1:${port}`]);
  });
  after(() => ctx.stack.close());

  test('INVITE, 180, 200, ACK, BYE over UDP and TCP', async () => {
    for (const transport of ['u1', 't1'] as const) {
      const before = { ...ctx.uas.stats };
      const res = await runSipp({ scenario: { file: 'uac-call.xml' }, remote: `127.0.0.1:${port}`, localPort: await freePort(), transport, calls: 10, rate: 20, timeoutSeconds: 30 });
      assert.equal(res.code, 0, `sipp ${transport}: ${res.errors}\n${res.stderr}`);
      assert.equal(res.successful, 10);
      assert.equal(ctx.uas.stats.answered - before.answered, 10);
      assert.equal(ctx.uas.stats.acked - before.acked, 10);
      assert.equal(ctx.uas.stats.byesReceived - before.byesReceived, 10);
    }
    assert.equal(ctx.uas.dialogs.size, 0);
  });

  test('CANCEL of a ringing INVITE → 200 for the CANCEL, 487 for the INVITE', async () => {
    const res = await runSipp({ scenario: { file: 'uac-cancel.xml' }, remote: `127.0.0.1:${port}`, localPort: await freePort(), calls: 5, rate: 20, timeoutSeconds: 30 });
    assert.equal(res.code, 0, `${res.errors}\n${res.stderr}`);
    assert.equal(res.successful, 5);
  });

  test('calls complete over UDP with 10% packet loss: retransmissions on both sides recover them', async () => {
    const before = ctx.uas.stats.okRetransmissions;
    const res = await runSipp({ scenario: { file: 'uac-call.xml' }, remote: `127.0.0.1:${port}`, localPort: await freePort(), calls: 20, rate: 20, lost: 10, timeoutSeconds: 60 });
    assert.equal(res.code, 0, `${res.errors}\n${res.stderr}`);
    assert.equal(res.successful, 20);
    // SIPp dropped packets on purpose: recovering needs retransmissions from SIPp (INVITE/BYE, answered
    // from our server transactions) and/or from our UAS core (the 2xx until ACK).
    assert.ok(res.retransmissions + (ctx.uas.stats.okRetransmissions - before) > 0, 'no retransmission happened at all');
  });
});

describe('minimal UAC on the stack ⇒ SIPp UAS', () => {
  test('INVITE → 180/200 → ACK → BYE → 200 over UDP', async () => {
    const sippPort = await freePort();
    const sipp = runSipp({ scenario: { builtin: 'uas' }, localPort: sippPort, calls: 1, timeoutSeconds: 20 });
    await new Promise((r) => setTimeout(r, 500)); // let SIPp bind
    const { uac, stack } = await startMinimalUac(['udp://127.0.0.1:0']);
    try {
      const outcome = await uac.call({ protocol: 'udp', address: '127.0.0.1', port: sippPort }, 100);
      assert.equal(outcome.finalStatus, 200);
      assert.ok(outcome.provisional.includes(180));
      assert.equal(outcome.byeStatus, 200);
      const res = await sipp;
      assert.equal(res.code, 0, res.errors);
      assert.equal(res.successful, 1);
    } finally {
      await stack.close();
    }
  });
});
