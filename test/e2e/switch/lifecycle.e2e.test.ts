// End to end: configuration reload without dropping calls (SIGHUP via `precedence reload`), a bad file
// refused on reload, and CDRs that survive a crash right after the call ended.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../support/ports.js';
import { requireTool } from '../../support/tools.js';
import { cli, describeRun, type LoggedSipp, settle, sleep, startLoggedSipp, type SwitchOptions, SwitchProcess, uacArgs } from '../../support/switch.js';

describe('switch: reload and crash durability (real process, SIPp peers)', () => {
  let sw: SwitchProcess;
  let opts: SwitchOptions;
  let portA: number;
  const running: LoggedSipp[] = [];

  before(async () => {
    requireTool('sipp');
    portA = await freePort();
    opts = { port: await freePort(), trunks: [{ name: 'trunk-a', port: portA }] };
    sw = new SwitchProcess(opts);
    await sw.start();
  });

  after(async () => {
    for (const s of running) s.kill();
    await sw?.stop();
    sw?.cleanup();
  });

  async function call(service: string, callId: string, file = 'switch-uac-call.xml', holdMs = 200): Promise<LoggedSipp> {
    const s = startLoggedSipp({
      scenario: { file },
      remote: `127.0.0.1:${sw.port}`,
      localPort: await freePort(),
      calls: 1,
      timeoutSeconds: 20,
      extra: uacArgs({ service, ruriHost: `127.0.0.1:${sw.port}`, callId, holdMs }),
    });
    running.push(s);
    return s;
  }

  function trunkA(): LoggedSipp {
    const s = startLoggedSipp({ scenario: { file: 'switch-uas-answer.xml' }, localPort: portA, calls: 1, timeoutSeconds: 20 });
    running.push(s);
    return s;
  }

  test('a route added by reload takes effect while a call set up before it stays up; a bad file changes nothing', async () => {
    // +1 is routed, +44 is not (yet).
    const before404 = await call('+442079460000', 'reload-before', 'switch-uac-status-404.xml');
    const r404 = await before404.done;
    assert.equal(r404.code, 0, describeRun('404 before reload', r404, sw));

    // a call in progress across the reload
    const uas = trunkA();
    await sleep(400);
    const held = await call('+15551230009', 'reload-held', 'switch-uac-call.xml', 3000);
    await sleep(800);

    opts = { ...opts, trunks: [{ name: 'trunk-a', port: portA }] };
    sw.rewrite(opts, '  - { name: uk, prefix: "+44", trunks: [trunk-a], strategy: failover }\n');
    const r = cli(['reload', '--pid-file', sw.pidFile]);
    assert.equal(r.code, 0, r.stderr);
    const deadline = Date.now() + 5000;
    while (!sw.log.includes('"msg":"configuration reloaded"') && Date.now() < deadline) await sleep(100);
    assert.ok(sw.log.includes('"msg":"configuration reloaded"'), sw.log.slice(-2000));

    const { caller: rh, peers: [ru] } = await settle(held.done, [uas]);
    assert.equal(rh.code, 0, describeRun('call held across the reload', rh, sw));
    assert.equal(ru.code, 0, describeRun('trunk-a', ru, sw));

    // +44 now routes to trunk-a
    const uas2 = trunkA();
    await sleep(400);
    const after = await call('+442079460000', 'reload-after');
    const { caller: ra } = await settle(after.done, [uas2]);
    assert.equal(ra.code, 0, describeRun('call after reload', ra, sw));
    const [cdr] = await sw.waitCdrs('reload-after');
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.routeRule, 'uk');

    // an invalid file is refused and the switch keeps the routing it has
    sw.rewrite(opts, '  - { name: broken, prefix: "+33", trunks: [no-such-trunk] }\n');
    assert.equal(cli(['reload', '--pid-file', sw.pidFile]).code, 0);
    const refusedBy = Date.now() + 5000;
    while (!sw.log.includes('reload refused') && Date.now() < refusedBy) await sleep(100);
    assert.match(sw.log, /unknown trunk \\"no-such-trunk\\".*reload refused: the configuration is invalid/);
    const uas3 = trunkA();
    await sleep(400);
    const still = await call('+442079460000', 'reload-still');
    const { caller: rs } = await settle(still.done, [uas3]);
    assert.equal(rs.code, 0, describeRun('call after a refused reload', rs, sw));
    sw.rewrite(opts, '  - { name: uk, prefix: "+44", trunks: [trunk-a], strategy: failover }\n');
  });

  test('the CDR of a call that has ended survives a crash (SIGKILL) of the switch', async () => {
    const uas = trunkA();
    await sleep(400);
    const c = await call('+15551230010', 'crash-1');
    const { caller } = await settle(c.done, [uas]);
    assert.equal(caller.code, 0, describeRun('call before the crash', caller, sw));
    await sleep(300); // the switch has seen the BYE's 200: the call has ended there
    await sw.crash();
    const [cdr] = await sw.waitCdrs('crash-1', 1, 2000); // read straight from the store file
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.destinationTrunk, 'trunk-a');
    await sw.start(); // and the switch starts again on the same store
  });

  test('SIGTERM: new calls get 503 + Retry-After while a call in progress finishes and gets its CDR', async () => {
    const uas = trunkA();
    await sleep(400);
    const held = await call('+15551230011', 'drain-held', 'switch-uac-call.xml', 2500);
    // wait until the switch has seen the answer (the call is up and held), then ask it to stop
    const until = async (what: RegExp, ms: number): Promise<void> => {
      const end = Date.now() + ms;
      while (!what.test(sw.log) && Date.now() < end) await sleep(50);
      assert.match(sw.log, what);
    };
    await until(/"callId":"drain-held[^"]*"[^\n]*"msg":"answered"/, 8000);
    process.kill(Number(readFileSync(sw.pidFile, 'utf8')), 'SIGTERM');
    await until(/"msg":"stopping: no new calls/, 3000);
    const sock = createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const reply = new Promise<string>((resolve) => sock.once('message', (m) => resolve(m.toString())));
    const { port } = sock.address();
    sock.send(
      `INVITE sip:+15551230012@127.0.0.1:${sw.port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bKdrain1;rport\r\n` +
        `From: <sip:drain@127.0.0.1:${port}>;tag=d1\r\nTo: <sip:+15551230012@127.0.0.1>\r\nCall-ID: drain-new\r\nCSeq: 1 INVITE\r\n` +
        `Contact: <sip:drain@127.0.0.1:${port}>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
      sw.port,
      '127.0.0.1',
    );
    const text = await Promise.race([reply, sleep(3000).then(() => 'no reply within 3 s')]);
    sock.close();
    assert.match(text, /^SIP\/2\.0 503 Shutting Down\r\n/);
    assert.match(text, /\r\nRetry-After: 5\r\n/i);
    const { caller } = await settle(held.done, [uas]);
    assert.equal(caller.code, 0, describeRun('call in progress across SIGTERM', caller, sw));
    await sw.stop(); // waits for the exit
    const [cdr] = await sw.waitCdrs('drain-held', 1, 2000);
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.releasedBy, 'caller');
  });
});
