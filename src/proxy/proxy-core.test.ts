import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CALLER, proxyHarness, reparse, req, routeTo, target } from './testing/harness.js';
import { hashOfBranch } from './loop-detection.js';

describe('ProxyCore: request validation (RFC 3261 §16.3)', () => {
  test('Max-Forwards 0 → 483; nothing forwarded', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', '192.0.2.50'));
    h.receive(req({ maxForwards: 0 }));
    await h.flush();
    assert.deepEqual(h.upstream(), [483]);
    assert.equal(h.sent('INVITE').length, 0);
  });

  test('OPTIONS with Max-Forwards 0 addressed to the switch → 200 with Allow', async () => {
    const h = proxyHarness();
    h.receive(req({ method: 'OPTIONS', uri: 'sip:192.0.2.1', maxForwards: 0 }));
    await h.flush();
    const res = h.transport.responses()[0];
    assert.equal(res.status, 200);
    assert.match(res.header('Allow') ?? '', /INVITE/);
    assert.equal(res.header('Supported'), 'path');
  });

  test('OPTIONS with Max-Forwards 0 to someone else → 483', async () => {
    const h = proxyHarness();
    h.receive(req({ method: 'OPTIONS', uri: 'sip:bob@192.0.2.99', maxForwards: 0 }));
    await h.flush();
    assert.deepEqual(h.upstream(), [483]);
  });

  test('a missing Max-Forwards is added as 70 - 1 … and a present one is decremented', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', '192.0.2.50'));
    h.receive(req({ maxForwards: null }));
    h.receive(req({ callId: 'c2', maxForwards: 7 }));
    await h.flush();
    assert.deepEqual(h.sent('INVITE').map((r) => r.header('Max-Forwards')), ['70', '6']);
  });

  test('Proxy-Require with an unknown tag → 420 listing it in Unsupported', async () => {
    const h = proxyHarness();
    h.receive(req({ extra: ['Proxy-Require: foo, bar'] }));
    await h.flush();
    const res = h.transport.responses()[0];
    assert.equal(res.status, 420);
    assert.equal(res.header('Unsupported'), 'foo, bar');
  });

  test('unsupported Request-URI scheme → 416', async () => {
    const h = proxyHarness();
    h.receive(req({ uri: 'mailto:bob@example.com' }));
    await h.flush();
    assert.deepEqual(h.upstream(), [416]);
  });

  test('a request that comes back unchanged is a loop (482); a spiral with a new Request-URI passes', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('self', '192.0.2.1', { uri: 'sip:+15551234567@192.0.2.1' }));
    h.receive(req());
    await h.flush();
    const out = h.sent('INVITE')[0];
    assert.ok(hashOfBranch(out.topVia.branch) !== undefined);
    // the same request (same Request-URI) arrives again through us: loop
    h.receive(reparse(out), { protocol: 'udp', address: '192.0.2.1', port: 5060 });
    await h.flush();
    assert.ok(h.upstream().includes(482), `got ${h.upstream()}`);

    const s = proxyHarness();
    s.router.decide = (input) => routeTo(target('self', '192.0.2.1', { uri: input.called === '+15551234567' ? 'sip:+4930123@192.0.2.1' : 'sip:+4930999@192.0.2.99', destination: { host: input.called === '+15551234567' ? '192.0.2.1' : '192.0.2.99' } }))(input);
    s.receive(req());
    await s.flush();
    const first = s.sent('INVITE')[0];
    assert.equal(first.uriText, 'sip:+4930123@192.0.2.1');
    s.receive(reparse(first), { protocol: 'udp', address: '192.0.2.1', port: 5060 });
    await s.flush();
    assert.ok(!s.upstream().includes(482));
    assert.equal(s.sent('INVITE').length, 2);
    assert.equal(s.sent('INVITE')[1].uriText, 'sip:+4930999@192.0.2.99');
  });
});

describe('ProxyCore: Route processing (§16.4) and forwarding (§16.6)', () => {
  test('our top Route is removed and the request follows the next one (loose routing)', async () => {
    const h = proxyHarness();
    h.receive(req({ toTag: 'callee-tag', method: 'BYE', uri: 'sip:bob@192.0.2.77:5090', routes: ['<sip:192.0.2.1;lr>', '<sip:192.0.2.99:5070;lr>'] }));
    await h.flush();
    const out = h.sent('BYE')[0];
    assert.equal(out.uriText, 'sip:bob@192.0.2.77:5090');
    assert.deepEqual(out.headerValues('Route'), ['<sip:192.0.2.99:5070;lr>']);
    assert.deepEqual(h.transport.sent.find((s) => s.message === out)?.destination, { protocol: 'udp', address: '192.0.2.99', port: 5070 });
    assert.equal(h.router.calls.length, 0);
    assert.equal(out.header('Record-Route'), undefined, 'in-dialog requests are not record-routed');
  });

  test('strict router upstream: the Request-URI is our Record-Route URI → the last Route becomes the Request-URI', async () => {
    const h = proxyHarness();
    h.receive(req({ toTag: 'callee-tag', method: 'BYE', uri: 'sip:192.0.2.1:5060;transport=udp;lr', routes: ['<sip:bob@192.0.2.77:5090>'] }));
    await h.flush();
    const out = h.sent('BYE')[0];
    assert.equal(out.uriText, 'sip:bob@192.0.2.77:5090');
    assert.equal(out.header('Route'), undefined);
    assert.equal(h.transport.sent.find((s) => s.message === out)?.destination?.port, 5090);
  });

  test('a strict next hop gets the Request-URI appended to Route and becomes the Request-URI (§16.6 step 6)', async () => {
    const h = proxyHarness();
    h.receive(req({ toTag: 't', method: 'BYE', uri: 'sip:bob@192.0.2.77', routes: ['<sip:192.0.2.1;lr>', '<sip:192.0.2.88>'] }));
    await h.flush();
    const out = h.sent('BYE')[0];
    assert.equal(out.uriText, 'sip:192.0.2.88');
    assert.deepEqual(out.list('Route'), ['<sip:bob@192.0.2.77>']);
  });

  test('in-dialog without Route goes to the Request-URI; addressed to us → 481', async () => {
    const h = proxyHarness();
    h.receive(req({ toTag: 't', method: 'INFO', uri: 'sip:bob@192.0.2.77:5080' }));
    h.receive(req({ toTag: 't', method: 'INFO', callId: 'c2', uri: 'sip:bob@192.0.2.1' }));
    await h.flush();
    assert.equal(h.sent('INFO').length, 1);
    assert.deepEqual(h.upstream(), [481]);
  });

  test('Record-Route with lr and the listener transport; double Record-Route when leaving on another listener', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', '192.0.2.50'));
    h.receive(req());
    await h.flush();
    const out = h.sent('INVITE')[0];
    assert.deepEqual(out.list('Record-Route'), ['<sip:192.0.2.1:5060;transport=udp;lr>']);
    assert.match(out.list('Via')[0], /^SIP\/2\.0\/UDP 192\.0\.2\.1:5060;branch=z9hG4bK/);
    assert.equal(out.vias.length, 2);

    const d = proxyHarness();
    d.transport.endpoints = [d.transport.endpoints[0], { protocol: 'tcp', address: '192.0.2.1', port: 5060 }];
    d.router.decide = routeTo(target('a', '192.0.2.50', { destination: { host: '192.0.2.50', transport: 'tcp' } }));
    d.receive(req());
    await d.flush();
    assert.deepEqual(d.sent('INVITE')[0].list('Record-Route'), ['<sip:192.0.2.1:5060;transport=tcp;lr>', '<sip:192.0.2.1:5060;transport=udp;lr>']);
  });

  test('recordRoute: false leaves Record-Route out', async () => {
    const h = proxyHarness({ recordRoute: false });
    h.router.decide = routeTo(target('a', '192.0.2.50'));
    h.receive(req());
    await h.flush();
    assert.equal(h.sent('INVITE')[0].header('Record-Route'), undefined);
  });

  test('a request arriving over our double Record-Route pops both Route values', async () => {
    const h = proxyHarness();
    h.transport.endpoints = [h.transport.endpoints[0], { protocol: 'tcp', address: '192.0.2.1', port: 5060 }];
    h.receive(req({ toTag: 't', method: 'BYE', uri: 'sip:bob@192.0.2.77', routes: ['<sip:192.0.2.1:5060;transport=tcp;lr>, <sip:192.0.2.1:5060;transport=udp;lr>'] }));
    await h.flush();
    const out = h.sent('BYE')[0];
    assert.equal(out.header('Route'), undefined);
    assert.equal(h.transport.sent.find((s) => s.message === out)?.destination?.address, '192.0.2.77');
  });
});

describe('ProxyCore: requests for the switch and the registrar', () => {
  test('OPTIONS to the switch itself → 200 with Allow/Accept/Supported', async () => {
    const h = proxyHarness();
    h.receive(req({ method: 'OPTIONS', uri: 'sip:example.net' }));
    await h.flush();
    const res = h.transport.responses()[0];
    assert.equal(res.status, 200);
    assert.equal(res.header('Accept'), 'application/sdp');
    assert.equal(res.header('Server'), 'precedence-test');
  });

  test('REGISTER for a local domain goes to the registrar', async () => {
    const h = proxyHarness();
    h.receive(req({ method: 'REGISTER', uri: 'sip:example.net' }));
    await h.flush();
    assert.equal(h.registrar.handled.length, 1);
    assert.deepEqual(h.upstream(), [200]);
  });

  test('local domain: unknown AOR → router; known without bindings → 480', async () => {
    const h = proxyHarness();
    h.receive(req({ uri: 'sip:+4930123@example.net' }));
    h.registrar.contacts.set('sip:bob@example.net', []);
    h.receive(req({ callId: 'c2', uri: 'sip:bob@example.net' }));
    await h.flush();
    assert.equal(h.router.calls.length, 1);
    assert.equal(h.router.calls[0].called, '+4930123');
    assert.deepEqual(h.upstream().sort(), [404, 480]);
  });

  test('no route → decision status with reason phrase and a Reason header', async () => {
    const h = proxyHarness();
    h.router.decide = () => ({ kind: 'no-route', status: 484, reason: 'too short', trace: [] });
    h.receive(req({ uri: 'sip:12@192.0.2.1' }));
    await h.flush();
    const res = h.transport.responses()[0];
    assert.equal(res.status, 484);
    assert.equal(res.reason, 'Address Incomplete');
    assert.equal(res.header('Reason'), 'SIP;cause=484;text="too short"');
    const h2 = proxyHarness();
    h2.receive(req());
    await h2.flush();
    assert.equal(h2.transport.responses()[0].reason, 'No Route');
  });

  test('the router gets called number, caller, source trunk and time', async () => {
    const h = proxyHarness({ trunkConfigs: [{ name: 'carrier-x', uri: 'sip:192.0.2.10:5060', trusted: true }] });
    h.receive(req(), CALLER);
    await h.flush();
    const input = h.router.calls[0];
    assert.equal(input.called, '+15551234567');
    assert.equal(input.caller, 'alice');
    assert.equal(input.sourceTrunk, 'carrier-x');
    assert.ok(input.at instanceof Date);
  });
});

describe('ProxyCore: stateless forwarding', () => {
  test('ACK for a 2xx is forwarded by its Route set with a stable branch', async () => {
    const h = proxyHarness();
    const ack = req({ method: 'ACK', toTag: 't', uri: 'sip:bob@192.0.2.77:5080', routes: ['<sip:192.0.2.1:5060;transport=udp;lr>'] });
    h.receive(ack);
    h.receive(req({ method: 'ACK', toTag: 't', uri: 'sip:bob@192.0.2.77:5080', routes: ['<sip:192.0.2.1:5060;transport=udp;lr>'] }));
    await h.flush();
    const acks = h.sent('ACK');
    assert.equal(acks.length, 2);
    assert.equal(acks[0].topVia.branch, acks[1].topVia.branch);
    assert.equal(acks[0].header('Route'), undefined);
    assert.equal(acks[0].header('Max-Forwards'), '69');
    assert.equal(h.transport.sent.find((s) => s.message === acks[0])?.destination?.port, 5080);
  });

  test('a stray 2xx to INVITE with our Via on top goes upstream without it', async () => {
    const h = proxyHarness();
    h.router.decide = routeTo(target('a', '192.0.2.50'));
    h.receive(req());
    await h.flush();
    const out = h.sent('INVITE')[0];
    const ok = h.answer(out, 200);
    h.transport.clear();
    // the same 2xx again after the client transaction is gone
    h.timers.advance(64 * 500 + 1);
    h.layer.receive(ok, { source: { protocol: 'udp', address: '192.0.2.50', port: 5060 }, local: h.transport.endpoints[0], reliable: false, receivedAt: 0 });
    await h.flush();
    const up = h.transport.responses().filter((r) => r.status === 200);
    assert.equal(up.length, 1);
    assert.equal(up[0].vias.length, 1);
    assert.equal(up[0].topVia.host, '192.0.2.10');
  });
});
