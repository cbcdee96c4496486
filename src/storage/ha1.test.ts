import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { computeHa1 } from '../sip/auth/digest.js';
import { ha1Hex, makeSubscriber } from './ha1.js';

describe('makeSubscriber', () => {
  it('computes HA1 = H(username:realm:password) with realm = domain, MD5 and SHA-256', () => {
    // RFC 2617 §3.5 example credentials: HA1 = MD5("Mufasa:testrealm@host.com:Circle Of Life").
    assert.equal(ha1Hex('md5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life'), '939e7578ed9e3c518a452acee763bce9');
    const s = makeSubscriber({ username: 'alice', domain: 'example.com', password: 'p4ss w0rd', createdAt: 5 });
    assert.equal(s.ha1Md5, computeHa1('md5', 'alice', 'example.com', 'p4ss w0rd'));
    assert.equal(s.ha1Sha256, computeHa1('sha256', 'alice', 'example.com', 'p4ss w0rd'));
    assert.match(s.ha1Md5, /^[0-9a-f]{32}$/);
    assert.match(s.ha1Sha256, /^[0-9a-f]{64}$/);
  });

  it('keeps no clear-text password and fills the defaults', () => {
    const s = makeSubscriber({ username: 'alice', domain: 'example.com', password: 'hunter2-unique', createdAt: 5 });
    assert.deepEqual(Object.keys(s).sort(), ['createdAt', 'displayName', 'domain', 'enabled', 'ha1Md5', 'ha1Sha256', 'priorityClass', 'username']);
    assert.ok(!JSON.stringify(s).includes('hunter2-unique'));
    assert.equal(s.enabled, true);
    assert.equal(s.displayName, undefined);
    assert.equal(s.createdAt, 5);
    const t = makeSubscriber({ username: 'b', domain: 'x', password: 'y', displayName: 'Bee', priorityClass: 'wps.1', enabled: false });
    assert.deepEqual([t.displayName, t.priorityClass, t.enabled], ['Bee', 'wps.1', false]);
    assert.ok(Math.abs(t.createdAt - Date.now()) < 5_000);
  });

  it('canonicalises the domain to lower case, which is also the realm', () => {
    const s = makeSubscriber({ username: 'Alice', domain: ' Example.COM ', password: 'pw' });
    assert.equal(s.domain, 'example.com');
    assert.equal(s.username, 'Alice');
    assert.equal(s.ha1Md5, ha1Hex('md5', 'Alice', 'example.com', 'pw'));
  });

  it('rejects empty username, domain or password', () => {
    assert.throws(() => makeSubscriber({ username: '', domain: 'example.com', password: 'pw' }), RangeError);
    assert.throws(() => makeSubscriber({ username: 'a', domain: '  ', password: 'pw' }), RangeError);
    assert.throws(() => makeSubscriber({ username: 'a', domain: 'example.com', password: '' }), RangeError);
  });
});
