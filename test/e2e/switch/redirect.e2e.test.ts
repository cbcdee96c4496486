// End to end: the switch in proxy.mode redirect answers an INVITE with 302 whose Contacts are the routed
// trunk targets (in failover order), and relays nothing to the trunks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../support/ports.js';
import { requireTool } from '../../support/tools.js';
import { describeRun, type LoggedSipp, startLoggedSipp, SwitchProcess, uacArgs } from '../../support/switch.js';

describe('switch: redirect mode (real process, SIPp caller)', () => {
  let sw: SwitchProcess;
  let portA: number;
  let portB: number;
  const running: LoggedSipp[] = [];

  before(async () => {
    requireTool('sipp');
    portA = await freePort();
    portB = await freePort();
    sw = new SwitchProcess({ port: await freePort(), mode: 'redirect', trunks: [{ name: 'trunk-a', port: portA }, { name: 'trunk-b', port: portB }] });
    await sw.start();
  });

  after(async () => {
    for (const s of running) s.kill();
    await sw?.stop();
    sw?.cleanup();
  });

  test('INVITE for +1… → 302 with Contacts trunk-a then trunk-b', async () => {
    const s = startLoggedSipp({
      scenario: { file: 'switch-uac-status-302.xml' },
      remote: `127.0.0.1:${sw.port}`,
      localPort: await freePort(),
      calls: 1,
      timeoutSeconds: 10,
      extra: uacArgs({ service: '+15551230003', ruriHost: `127.0.0.1:${sw.port}`, callId: 'redirect' }),
    });
    running.push(s);
    const r = await s.done;
    assert.equal(r.code, 0, describeRun('caller (redirect)', r, sw));
    assert.equal(r.successful, 1);
    const contacts = [...r.logs.matchAll(/(?:^|\n)(?:Contact|m):([^\r\n]*)/gi)].map((m) => m[1]).join(',');
    const a = contacts.search(new RegExp(`sip:\\+15551230003@127\\.0\\.0\\.1:${portA}\\b`));
    const b = contacts.search(new RegExp(`sip:\\+15551230003@127\\.0\\.0\\.1:${portB}\\b`));
    assert.ok(a >= 0 && b >= 0, `302 Contacts must name both trunk targets:\n${r.logs}`);
    assert.ok(a < b, `trunk-a (failover first) must come before trunk-b:\n${contacts}`);
  });
});
