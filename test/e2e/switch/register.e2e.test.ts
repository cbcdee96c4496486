// End to end: subscribers managed with the CLI, a SIPp UA registering with digest authentication, and
// a call from a second SIPp UA to sip:alice@precedence.test reaching the registered contact.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { freePort } from '../../support/ports.js';
import { requireTool } from '../../support/tools.js';
import { DOMAIN, describeRun, type LoggedSipp, settle, sleep, startLoggedSipp, SwitchProcess, uacArgs } from '../../support/switch.js';

describe('switch: registrar and calls to registered users (real process, SIPp peers)', () => {
  let sw: SwitchProcess;
  const running: LoggedSipp[] = [];

  before(async () => {
    requireTool('sipp');
    sw = new SwitchProcess({ port: await freePort(), trunks: [{ name: 'trunk-a', port: await freePort() }, { name: 'trunk-b', port: await freePort() }] });
    // subscribers are provisioned before start, as an operator would
    sw.addSubscriber(`alice@${DOMAIN}`, 'secret');
    sw.addSubscriber(`bob@${DOMAIN}`, 'bobsecret');
    sw.addSubscriber(`carol@${DOMAIN}`, 'x');
    await sw.start();
  });

  after(async () => {
    for (const s of running) s.kill();
    await sw?.stop();
    sw?.cleanup();
  });

  test('subscriber list shows the added subscribers; remove takes one away', () => {
    const listed = sw.run(['subscriber', 'list']).stdout;
    for (const u of ['alice', 'bob', 'carol']) assert.match(listed, new RegExp(`${u}@precedence\\.test`), listed);
    assert.doesNotMatch(listed, /secret/, 'subscriber list must not print passwords');
    sw.run(['subscriber', 'remove'], [`carol@${DOMAIN}`]);
    const after = sw.run(['subscriber', 'list']).stdout;
    assert.doesNotMatch(after, /carol@precedence\.test/, after);
    assert.match(after, /alice@precedence\.test/, after);
  });

  test('REGISTER → 401 challenge → REGISTER with credentials → 200; a call to sip:alice@precedence.test reaches her contact', async () => {
    // One UA on one address: SIPp registers from uaPort with Contact 127.0.0.1:uaPort, exits, and a SIPp
    // UAS takes over the same port to answer the call (as a phone would, REGISTER and INVITE share it).
    const uaPort = await freePort();
    const reg = startLoggedSipp({
      scenario: { file: 'switch-register.xml' },
      remote: `127.0.0.1:${sw.port}`,
      localPort: uaPort,
      calls: 1,
      timeoutSeconds: 10,
      // SIPp puts sip:<remote_ip>:<remote_port> in the digest uri unless told; the switch (rightly) wants the Request-URI
      extra: ['-key', 'ruri_host', DOMAIN, '-key', 'contact', `127.0.0.1:${uaPort}`, '-key', 'expires', '600', '-auth_uri', DOMAIN],
    });
    running.push(reg);
    const r = await reg.done;
    assert.equal(r.code, 0, describeRun('REGISTER', r, sw));
    assert.equal(r.successful, 1);
    assert.match(r.logs, /401 WWW-Authenticate:.*Digest .*realm=/i, r.logs);
    assert.match(r.logs, new RegExp(`200 Contact:.*alice@127\\.0\\.0\\.1:${uaPort}.*expires=600`, 'i'), r.logs);

    const uas = startLoggedSipp({ scenario: { file: 'switch-uas-answer.xml' }, localPort: uaPort, calls: 1, timeoutSeconds: 20 });
    running.push(uas);
    await sleep(300);

    const caller = startLoggedSipp({
      scenario: { file: 'switch-uac-call.xml' },
      remote: `127.0.0.1:${sw.port}`,
      localPort: await freePort(),
      calls: 1,
      timeoutSeconds: 15,
      extra: uacArgs({ service: 'alice', ruriHost: DOMAIN, callId: 'to-alice' }),
    });
    running.push(caller);
    const { caller: c, peers: [callee] } = await settle(caller.done, [uas]);
    assert.equal(c.code, 0, describeRun('caller → alice', c, sw));
    assert.equal(c.successful, 1);
    assert.equal(callee.code, 0, describeRun('alice (registered SIPp UAS)', callee, sw));
    assert.equal(callee.successful, 1);
    // the Request-URI was retargeted to the registered Contact
    assert.match(callee.logs, new RegExp(`INVITE sip:alice@127\\.0\\.0\\.1:${uaPort}\\b`), callee.logs);

    const [cdr] = await sw.waitCdrs('to-alice');
    assert.equal(cdr.disposition, 'answered', JSON.stringify(cdr));
    assert.equal(cdr.finalStatus, 200);
    assert.equal(cdr.destinationTrunk ?? undefined, undefined);
  });

  test('a known subscriber with no registration → 480', async () => {
    const caller = startLoggedSipp({
      scenario: { file: 'switch-uac-status-480.xml' },
      remote: `127.0.0.1:${sw.port}`,
      localPort: await freePort(),
      calls: 1,
      timeoutSeconds: 10,
      extra: uacArgs({ service: 'bob', ruriHost: DOMAIN, callId: 'to-bob' }),
    });
    running.push(caller);
    const c = await caller.done;
    assert.equal(c.code, 0, describeRun('caller → bob (not registered)', c, sw));
    assert.match(c.logs, /final SIP\/2\.0 480 /, c.logs);
  });
});
