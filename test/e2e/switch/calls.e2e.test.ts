// End to end: the real switch process (`precedence start --config`) routing calls from a SIPp caller to
// SIPp trunks on loopback: basic calls over UDP and TCP, BYE from either side, CANCEL, and the statuses
// the switch answers itself (483, 404, 484). Every outcome is checked on the wire (SIPp) and in the CDRs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../support/ports.js';
import { requireTool } from '../../support/tools.js';
import { describeRun, type LoggedSipp, settle, sleep, startLoggedSipp, SwitchProcess, uacArgs } from '../../support/switch.js';

const NUMBER = '+15551230001';

describe('switch: calls through trunk-a (real process, SIPp peers)', () => {
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
      minLength: 11,
      trunks: [
        { name: 'trunk-a', port: portA, maxCalls: 100, cps: 50, failoverOn: [408, 480, 500, 502, 503, 504], timeout: '2s' },
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

  /** A SIPp UAS on trunk-a's port; bound before the caller starts. */
  async function trunkA(file: string, calls = 1, holdMs = 300): Promise<LoggedSipp> {
    const s = startLoggedSipp({ scenario: { file }, localPort: portA, calls, timeoutSeconds: 15, extra: ['-d', String(holdMs)] });
    running.push(s);
    await sleep(400);
    return s;
  }

  async function caller(file: string, o: { service: string; callId: string; transport?: 'u1' | 't1'; localPort?: number; ruriHost?: string }) {
    const s = startLoggedSipp({
      scenario: { file },
      remote: `127.0.0.1:${sw.port}`,
      localPort: o.localPort ?? (await freePort()),
      transport: o.transport ?? 'u1',
      calls: 1,
      timeoutSeconds: 15,
      extra: uacArgs({ service: o.service, ruriHost: o.ruriHost ?? `127.0.0.1:${sw.port}`, callId: o.callId }),
    });
    running.push(s);
    return s.done;
  }

  test('basic call over UDP: INVITE → trunk-a answers → ACK → BYE from the caller, via the Record-Route', async () => {
    const uas = await trunkA('switch-uas-answer.xml');
    const { caller: uac, peers: [callee] } = await settle(caller('switch-uac-call.xml', { service: NUMBER, callId: 'basic-udp' }), [uas]);
    assert.equal(uac.code, 0, describeRun('caller', uac, sw));
    assert.equal(uac.successful, 1, describeRun('caller', uac, sw));
    assert.equal(callee.code, 0, describeRun('trunk-a', callee, sw));
    assert.equal(callee.successful, 1);
    // what trunk-a received: the routed number in the trunk's URI, the switch in Record-Route, one hop less
    assert.match(callee.logs, new RegExp(`INVITE sip:\\+15551230001@127\\.0\\.0\\.1:${portA}\\b`), callee.logs);
    assert.match(callee.logs, new RegExp(`Record-Route:.*127\\.0\\.0\\.1:${sw.port}.*;lr`), callee.logs);
    assert.match(callee.logs, /Max-Forwards: ?69\b/, callee.logs);
    assert.match(uac.logs, new RegExp(`200 Record-Route:.*127\\.0\\.0\\.1:${sw.port}`), uac.logs);

    const [cdr] = await sw.waitCdrs('basic-udp');
    assert.equal(cdr.disposition, 'answered', JSON.stringify(cdr));
    assert.equal(cdr.finalStatus, 200);
    assert.equal(cdr.destinationTrunk, 'trunk-a');
    assert.equal(cdr.calledDialled, NUMBER);
    assert.equal(cdr.calledRouted, NUMBER);
    assert.equal(cdr.releasedBy, 'caller');
    assert.equal(cdr.routeRule, 'us');
    assert.ok(typeof cdr.answeredAt === 'number' && cdr.answeredAt > 0, JSON.stringify(cdr));
  });

  test('basic call over TCP from the caller (switch → trunk-a over UDP), national number 15551230001', async () => {
    const uas = await trunkA('switch-uas-answer.xml');
    const { caller: uac, peers: [callee] } = await settle(caller('switch-uac-call.xml', { service: '15551230001', callId: 'basic-tcp', transport: 't1' }), [uas]);
    assert.equal(uac.code, 0, describeRun('caller (tcp)', uac, sw));
    assert.equal(uac.successful, 1);
    assert.equal(callee.code, 0, describeRun('trunk-a', callee, sw));
    assert.match(callee.logs, new RegExp(`INVITE sip:\\+15551230001@127\\.0\\.0\\.1:${portA}\\b`), callee.logs);

    const [cdr] = await sw.waitCdrs('basic-tcp');
    assert.equal(cdr.disposition, 'answered', JSON.stringify(cdr));
    assert.equal(cdr.destinationTrunk, 'trunk-a');
    assert.equal(cdr.calledDialled, '15551230001');
    assert.equal(cdr.calledRouted, NUMBER);
    assert.equal(cdr.releasedBy, 'caller');
  });

  test("a call from trunk-b's address and port is recorded with sourceTrunk trunk-b", async () => {
    const uas = await trunkA('switch-uas-answer.xml');
    const { caller: uac, peers: [callee] } = await settle(caller('switch-uac-call.xml', { service: NUMBER, callId: 'from-trunk-b', localPort: portB }), [uas]);
    assert.equal(uac.code, 0, describeRun('caller from trunk-b', uac, sw));
    assert.equal(callee.code, 0, describeRun('trunk-a', callee, sw));
    const [cdr] = await sw.waitCdrs('from-trunk-b');
    assert.equal(cdr.sourceTrunk, 'trunk-b', JSON.stringify(cdr));
    assert.equal(cdr.destinationTrunk, 'trunk-a');
  });

  test('BYE from the callee side reaches the caller through the switch', async () => {
    const uas = await trunkA('switch-uas-bye.xml', 1, 300);
    const { caller: uac, peers: [callee] } = await settle(caller('switch-uac-recv-bye.xml', { service: NUMBER, callId: 'callee-bye' }), [uas]);
    assert.equal(uac.code, 0, describeRun('caller', uac, sw));
    assert.equal(uac.successful, 1);
    assert.equal(callee.code, 0, describeRun('trunk-a (sends BYE)', callee, sw));
    assert.equal(callee.successful, 1);
    // the BYE arrived at the caller's Contact
    assert.match(uac.logs, /BYE Request-URI sip:sipp@127\.0\.0\.1:\d+/, uac.logs);

    const [cdr] = await sw.waitCdrs('callee-bye');
    assert.equal(cdr.disposition, 'answered', JSON.stringify(cdr));
    assert.equal(cdr.releasedBy, 'callee');
    assert.equal(cdr.destinationTrunk, 'trunk-a');
  });

  test('CANCEL while ringing: 200 for the CANCEL, 487 for the INVITE on both legs', async () => {
    const uas = await trunkA('switch-uas-ring.xml');
    const { caller: uac, peers: [callee] } = await settle(caller('switch-uac-cancel.xml', { service: NUMBER, callId: 'cancel' }), [uas]);
    assert.equal(uac.code, 0, describeRun('caller (CANCEL)', uac, sw));
    assert.equal(uac.successful, 1);
    assert.equal(callee.code, 0, describeRun('trunk-a (ringing, gets CANCEL)', callee, sw));
    assert.equal(callee.successful, 1);

    const [cdr] = await sw.waitCdrs('cancel');
    assert.equal(cdr.disposition, 'cancelled', JSON.stringify(cdr));
    assert.equal(cdr.finalStatus, 487);
    assert.equal(cdr.releasedBy, 'caller');
    assert.equal(cdr.destinationTrunk, 'trunk-a');
  });

  test('Max-Forwards: 0 → 483 Too Many Hops from the switch', async () => {
    const uac = await caller('switch-uac-status-483.xml', { service: NUMBER, callId: 'mf0' });
    assert.equal(uac.code, 0, describeRun('caller (Max-Forwards 0)', uac, sw));
    assert.equal(uac.successful, 1);
    assert.match(uac.logs, /final SIP\/2\.0 483 /, uac.logs);
  });

  test('a number outside +1 → 404 whose reason names the missing route; CDR no-route', async () => {
    const uac = await caller('switch-uac-status-404.xml', { service: '+442071234567', callId: 'noroute' });
    assert.equal(uac.code, 0, describeRun('caller (+44, no route)', uac, sw));
    assert.equal(uac.successful, 1);
    assert.match(uac.logs, /final SIP\/2\.0 404 .*no route/i, uac.logs);

    const [cdr] = await sw.waitCdrs('noroute');
    assert.equal(cdr.disposition, 'no-route', JSON.stringify(cdr));
    assert.equal(cdr.finalStatus, 404);
    assert.equal(cdr.destinationTrunk ?? undefined, undefined);
    assert.equal(cdr.calledDialled, '+442071234567');
  });

  test('a number shorter than numbering.minLength (11) → 484 Address Incomplete', async () => {
    const uac = await caller('switch-uac-status-484.xml', { service: '+1555123', callId: 'short' });
    assert.equal(uac.code, 0, describeRun('caller (+1555123, incomplete)', uac, sw));
    assert.equal(uac.successful, 1);
    assert.match(uac.logs, /final SIP\/2\.0 484 /, uac.logs);
    const [cdr] = await sw.waitCdrs('short');
    assert.equal(cdr.finalStatus, 484, JSON.stringify(cdr));
    assert.equal(cdr.disposition, 'no-route');
  });
});
