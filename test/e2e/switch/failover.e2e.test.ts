// End to end: the real switch failing calls over from trunk-a to trunk-b (route "+1", strategy failover)
// when trunk-a is full (maxCalls 1), answers 503, or does not answer at all (trunk timeout 2 s).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../support/ports.js';
import { requireTool } from '../../support/tools.js';
import { describeRun, type LoggedSipp, settle, sleep, startLoggedSipp, SwitchProcess, uacArgs } from '../../support/switch.js';

const NUMBER = '+15551230002';

describe('switch: trunk failover (real process, SIPp peers)', () => {
  let sw: SwitchProcess;
  let portA: number;
  let portB: number;
  const running: LoggedSipp[] = [];

  before(async () => {
    requireTool('sipp');
    const port = await freePort();
    portA = await freePort();
    portB = await freePort();
    sw = new SwitchProcess({
      port,
      trunks: [
        { name: 'trunk-a', port: portA, maxCalls: 1, cps: 50, failoverOn: [408, 480, 500, 502, 503, 504], timeout: '2s' },
        { name: 'trunk-b', port: portB },
      ],
    });
    await sw.start();
  });

  after(async () => {
    for (const s of running) s.kill();
    await sw?.stop();
    sw?.cleanup();
  });

  function trunk(port: number, file: string, calls = 1): LoggedSipp {
    const s = startLoggedSipp({ scenario: { file }, localPort: port, calls, timeoutSeconds: 20 });
    running.push(s);
    return s;
  }

  async function call(callId: string, holdMs = 200): Promise<LoggedSipp> {
    const s = startLoggedSipp({
      scenario: { file: 'switch-uac-call.xml' },
      remote: `127.0.0.1:${sw.port}`,
      localPort: await freePort(),
      calls: 1,
      timeoutSeconds: 20,
      extra: uacArgs({ service: NUMBER, ruriHost: `127.0.0.1:${sw.port}`, callId, holdMs }),
    });
    running.push(s);
    return s;
  }

  test('trunk-a at maxCalls 1 with a call held: the second concurrent call goes to trunk-b', async () => {
    const a = trunk(portA, 'switch-uas-answer.xml', 1);
    const b = trunk(portB, 'switch-uas-answer.xml', 1);
    await sleep(400);
    const first = await call('capacity-1', 4000);
    await sleep(1000); // the first call is up on trunk-a and held for 4 s
    const second = await call('capacity-2', 200);
    const { caller: r2, peers: [rb] } = await settle(second.done, [b]);
    assert.equal(r2.code, 0, describeRun('second caller', r2, sw));
    assert.equal(r2.successful, 1);
    assert.equal(rb.code, 0, describeRun('trunk-b', rb, sw));
    assert.match(rb.logs, new RegExp(`INVITE sip:\\+15551230002@127\\.0\\.0\\.1:${portB}\\b`), rb.logs);
    const { caller: r1, peers: [ra] } = await settle(first.done, [a]);
    assert.equal(r1.code, 0, describeRun('first caller (held)', r1, sw));
    assert.equal(ra.code, 0, describeRun('trunk-a', ra, sw));
    assert.equal((ra.logs.match(/^INVITE /gm) ?? []).length, 1, `trunk-a got more than its one call:\n${ra.logs}`);

    const [c1] = await sw.waitCdrs('capacity-1');
    const [c2] = await sw.waitCdrs('capacity-2');
    assert.equal(c1.destinationTrunk, 'trunk-a', JSON.stringify(c1));
    assert.equal(c1.disposition, 'answered');
    assert.equal(c2.destinationTrunk, 'trunk-b', JSON.stringify(c2));
    assert.equal(c2.disposition, 'answered');
  });

  test('trunk-a answers 503: the call completes on trunk-b', async () => {
    const a = trunk(portA, 'switch-uas-503.xml', 1);
    const b = trunk(portB, 'switch-uas-answer.xml', 1);
    await sleep(400);
    const uac = await call('failover-503');
    const { caller: ru, peers: [ra, rb] } = await settle(uac.done, [a, b]);
    assert.equal(ru.code, 0, describeRun('caller', ru, sw));
    assert.equal(ru.successful, 1);
    assert.equal(ra.code, 0, describeRun('trunk-a (503)', ra, sw));
    assert.equal(rb.code, 0, describeRun('trunk-b', rb, sw));
    assert.match(rb.logs, new RegExp(`INVITE sip:\\+15551230002@127\\.0\\.0\\.1:${portB}\\b`), rb.logs);

    const [cdr] = await sw.waitCdrs('failover-503');
    assert.equal(cdr.disposition, 'answered', JSON.stringify(cdr));
    assert.equal(cdr.destinationTrunk, 'trunk-b');
    assert.equal(cdr.calledRouted, NUMBER);
  });

  test('trunk-a not listening at all: after its 2 s timeout the call completes on trunk-b', async () => {
    const b = trunk(portB, 'switch-uas-answer.xml', 1);
    await sleep(400);
    const started = Date.now();
    const uac = await call('failover-timeout');
    const { caller: ru, peers: [rb] } = await settle(uac.done, [b]);
    const elapsed = Date.now() - started;
    assert.equal(ru.code, 0, describeRun('caller', ru, sw));
    assert.equal(ru.successful, 1);
    assert.equal(rb.code, 0, describeRun('trunk-b', rb, sw));
    assert.ok(elapsed < 12_000, `took ${elapsed} ms`);

    const [cdr] = await sw.waitCdrs('failover-timeout');
    assert.equal(cdr.disposition, 'answered', JSON.stringify(cdr));
    assert.equal(cdr.destinationTrunk, 'trunk-b');
  });
});
