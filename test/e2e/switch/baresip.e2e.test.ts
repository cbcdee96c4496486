// End to end with real phones: two headless baresip instances register with the switch (digest auth),
// alice dials bob, bob answers automatically, the call is up on both phones and in the switch's CDR as
// answered, then alice hangs up.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Baresip } from '../../support/baresip.js';
import { freePort } from '../../support/ports.js';
import { requireTool } from '../../support/tools.js';
import { DOMAIN, sleep, SwitchProcess } from '../../support/switch.js';

describe('switch: baresip ↔ baresip through the switch', () => {
  let sw: SwitchProcess;
  let alice: Baresip;
  let bob: Baresip;

  before(async () => {
    requireTool('baresip');
    sw = new SwitchProcess({ port: await freePort(), trunks: [{ name: 'trunk-a', port: await freePort() }, { name: 'trunk-b', port: await freePort() }] });
    sw.addSubscriber(`alice@${DOMAIN}`, 'secret');
    sw.addSubscriber(`bob@${DOMAIN}`, 'bobsecret');
    await sw.start();
    const proxy = `127.0.0.1:${sw.port}`;
    alice = new Baresip('alice', { aor: `sip:alice@${DOMAIN}`, password: 'secret', proxy });
    bob = new Baresip('bob', { aor: `sip:bob@${DOMAIN}`, password: 'bobsecret', proxy, answerAuto: true });
  });

  after(async () => {
    await alice?.stop();
    await bob?.stop();
    await sw?.stop();
    sw?.cleanup();
  });

  test('both register, alice calls bob, bob auto-answers, alice hangs up; CDR answered', async () => {
    await Promise.all([alice.start(), bob.start()]);
    try {
      await Promise.all([alice.waitRegistered(), bob.waitRegistered()]);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- switch log tail ---\n${sw.log.slice(-3000)}`);
    }

    const dial = await alice.command('dial', `sip:bob@${DOMAIN}`);
    assert.ok(dial.ok, `dial failed: ${dial.data}`);
    // (baresip 1.0 with answermode=auto answers without a CALL_INCOMING event)
    const [aliceUp, bobUp] = await Promise.all([alice.waitEvent('CALL_ESTABLISHED'), bob.waitEvent('CALL_ESTABLISHED')]);
    assert.match(aliceUp.peeruri ?? '', /bob@precedence\.test/, JSON.stringify(aliceUp));
    assert.equal(bobUp.direction, 'incoming', JSON.stringify(bobUp));
    assert.match(bobUp.peeruri ?? '', /alice@precedence\.test/, JSON.stringify(bobUp));

    await sleep(500);
    const hangup = await alice.command('hangup');
    assert.ok(hangup.ok, `hangup failed: ${hangup.data}`);
    const [aliceClosed, bobClosed] = await Promise.all([alice.waitEvent('CALL_CLOSED'), bob.waitEvent('CALL_CLOSED')]);
    assert.ok(aliceClosed && bobClosed);

    const deadline = Date.now() + 8000;
    let cdrs = sw.cdrs();
    while (cdrs.length === 0 && Date.now() < deadline) {
      await sleep(250);
      cdrs = sw.cdrs();
    }
    const answered = cdrs.filter((c) => c.disposition === 'answered');
    assert.equal(answered.length, 1, `CDRs: ${JSON.stringify(cdrs, null, 1)}\n--- switch log tail ---\n${sw.log.slice(-3000)}`);
    assert.equal(answered[0].finalStatus, 200);
    assert.equal(answered[0].releasedBy, 'caller');
    assert.match(answered[0].calledDialled, /bob/);
  });
});
