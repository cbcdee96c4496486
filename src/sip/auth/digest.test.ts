import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  computeHa1,
  computeHa2,
  computeResponse,
  formatNonceCount,
  hashHex,
  hexEqual,
  parseAlgorithm,
  sessionHa1,
} from './digest.js';

describe('digest computations', () => {
  it('RFC 2617 §3.5 example (MD5, qop=auth)', () => {
    const ha1 = computeHa1('md5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const response = computeResponse({
      algorithm: 'MD5',
      ha1,
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    assert.equal(response, '6629fae49393a05397450978507c4ef1');
  });

  it('RFC 7616 §3.9.1 example (SHA-256 and MD5, qop=auth)', () => {
    const common = {
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    } as const;
    const sha = computeResponse({ ...common, algorithm: 'SHA-256', ha1: computeHa1('sha256', 'Mufasa', 'http-auth@example.org', 'Circle of Life') });
    assert.equal(sha, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    const md5 = computeResponse({ ...common, algorithm: 'MD5', ha1: computeHa1('md5', 'Mufasa', 'http-auth@example.org', 'Circle of Life') });
    assert.equal(md5, '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('RFC 2069 form without qop (corrected RFC 2069 example value)', () => {
    const response = computeResponse({
      algorithm: 'MD5',
      ha1: computeHa1('md5', 'Mufasa', 'testrealm@host.com', 'CircleOfLife'),
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET',
      uri: '/dir/index.html',
    });
    assert.equal(response, '1949323746fe6a43ef61f9606e7febea');
  });

  it('-sess HA1 = H(HA1:nonce:cnonce); upper-case stored HA1 is accepted', () => {
    const ha1 = computeHa1('md5', 'u', 'r', 'p');
    assert.equal(sessionHa1('MD5-sess', ha1, 'n', 'c'), hashHex('md5', `${ha1}:n:c`));
    assert.equal(sessionHa1('MD5', ha1.toUpperCase(), 'n', 'c'), ha1);
    const a = computeResponse({ algorithm: 'SHA-256-sess', ha1, nonce: 'n', method: 'INVITE', uri: 'sip:a@b', qop: 'auth', nc: '00000001', cnonce: 'c' });
    assert.equal(a.length, 64);
    assert.throws(() => computeResponse({ algorithm: 'MD5-sess', ha1, nonce: 'n', method: 'INVITE', uri: 'sip:a@b' }), RangeError);
  });

  it('auth-int hashes the body into HA2', () => {
    assert.equal(computeHa2('MD5', 'INVITE', 'sip:b@c', 'auth-int', 'v=0\r\n'), hashHex('md5', `INVITE:sip:b@c:${hashHex('md5', 'v=0\r\n')}`));
    assert.notEqual(computeHa2('MD5', 'INVITE', 'sip:b@c', 'auth-int', 'x'), computeHa2('MD5', 'INVITE', 'sip:b@c', 'auth-int', 'y'));
    assert.equal(computeHa2('MD5', 'INVITE', 'sip:b@c', 'auth-int'), hashHex('md5', `INVITE:sip:b@c:${hashHex('md5', '')}`));
  });

  it('parses algorithm tokens case-insensitively; absent means MD5', () => {
    assert.equal(parseAlgorithm(undefined), 'MD5');
    assert.equal(parseAlgorithm('sha-256'), 'SHA-256');
    assert.equal(parseAlgorithm('Md5-Sess'), 'MD5-sess');
    assert.equal(parseAlgorithm('SHA-512-256'), undefined);
  });

  it('hexEqual and formatNonceCount', () => {
    assert.equal(hexEqual('abcd', 'ABCD'), true);
    assert.equal(hexEqual('abcd', 'abce'), false);
    assert.equal(hexEqual('abcd', 'abc'), false);
    assert.equal(formatNonceCount(1), '00000001');
    assert.equal(formatNonceCount(0xabc), '00000abc');
  });
});
