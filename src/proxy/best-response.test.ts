import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createResponse } from '../sip/message/index.js';
import { type BranchFinal, chooseBest, finalForCaller } from './best-response.js';
import { req } from './testing/harness.js';

const invite = req();
let order = 0;

function got(status: number, headers: Array<[string, string]> = []): BranchFinal {
  const sent = req();
  sent.prependHeader('Via', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKproxy');
  return { status, reason: 'x', response: createResponse(sent, status, undefined, { toTag: `t${order}`, headers }), order: order++ };
}

function made(status: number): BranchFinal {
  return { status, reason: 'made', response: undefined, order: order++ };
}

describe('best response (RFC 3261 §16.7 step 6)', () => {
  const table: Array<[string, BranchFinal[], number, boolean]> = [
    // name, finals in arrival order, chosen status, chosen is a received response
    ['lowest class wins', [got(503), got(486)], 486, true],
    ['6xx beats a lower class', [got(486), got(603), got(302)], 603, true],
    ['3xx beats 4xx', [got(486), got(302)], 302, true],
    ['a received response beats one made up in the same class', [made(408), got(480)], 480, true],
    ['a made-up 408 beats a received 5xx', [got(500), made(408)], 408, false],
    ['all timed out → 408', [made(408), made(408)], 408, false],
    ['all transport failures → 503', [made(503), made(503)], 503, false],
    ['4xx: resubmission hints first (484 over 404)', [got(404), got(484)], 484, true],
    ['4xx: otherwise the first', [got(486), got(480)], 486, true],
  ];
  for (const [name, finals, status, received] of table) {
    test(name, () => {
      const best = chooseBest(finals);
      assert.equal(best?.status, status);
      assert.equal(best?.response !== undefined, received);
    });
  }

  test('2xx are never "chosen" (they went upstream at once)', () => {
    assert.equal(chooseBest([got(200)]), undefined);
  });

  test('a received 503 goes upstream as 500 (not forwarded as 503)', () => {
    const finals = [got(503, [['Retry-After', '30']])];
    const res = finalForCaller(chooseBest(finals), finals, invite);
    assert.equal(res.status, 500);
    assert.equal(res.header('Retry-After'), undefined);
    assert.equal(res.vias.length, 1, 'our Via removed');
  });

  test('a made-up outcome becomes a response to the original request with a To tag', () => {
    const finals = [made(503)];
    const res = finalForCaller(chooseBest(finals), finals, invite);
    assert.equal(res.status, 503);
    assert.ok(res.to.tag);
    assert.equal(res.topVia.host, '192.0.2.10');
  });

  test('401/407 challenges of every branch are aggregated', () => {
    const finals = [got(401, [['WWW-Authenticate', 'Digest realm="a", nonce="1"']]), got(407, [['Proxy-Authenticate', 'Digest realm="b", nonce="2"']]), got(486)];
    const res = finalForCaller(chooseBest(finals), finals, invite);
    assert.equal(res.status, 401);
    assert.deepEqual(res.headerValues('WWW-Authenticate'), ['Digest realm="a", nonce="1"']);
    assert.deepEqual(res.headerValues('Proxy-Authenticate'), ['Digest realm="b", nonce="2"']);
  });
});
