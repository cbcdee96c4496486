import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseUri, type Uri } from '../message/index.js';
import { NodeDnsClient } from './node-dns-client.js';
import { RESOLVE_ERROR_STATUS, ResolveError, ResolveErrorCode, isNoDataError, toResolveError } from './resolve-error.js';
import { SipResolver } from './resolver.js';

function uri(text: string): Uri {
  const u = parseUri(text);
  assert.ok(u);
  return u;
}

const withCode = (code: string): Error => Object.assign(new Error(code), { code });

describe('ResolveError classification', () => {
  it('maps node:dns codes to resolver codes', () => {
    assert.equal(toResolveError(withCode('ETIMEOUT'), 'x').code, ResolveErrorCode.Timeout);
    assert.equal(toResolveError(withCode('ESERVFAIL'), 'x').code, ResolveErrorCode.ServerFailure);
    assert.equal(toResolveError(withCode('EREFUSED'), 'x').code, ResolveErrorCode.ServerFailure);
    assert.equal(toResolveError(withCode('ECONNREFUSED'), 'x').code, ResolveErrorCode.ServerFailure);
    assert.equal(toResolveError(withCode('ENOTFOUND'), 'x').code, ResolveErrorCode.NotFound);
    assert.equal(toResolveError(withCode('EBADRESP'), 'x').code, ResolveErrorCode.DnsError);
    assert.equal(toResolveError('odd', 'x').code, ResolveErrorCode.DnsError);
    const cause = withCode('ETIMEOUT');
    const err = toResolveError(cause, 'example.com');
    assert.equal(err.cause, cause);
    assert.equal(err.target, 'example.com');
    assert.equal(err.name, 'ResolveError');
    const same = new ResolveError(ResolveErrorCode.Timeout, 'y', 'already');
    assert.equal(toResolveError(same, 'x'), same);
  });

  it('recognises NXDOMAIN / NODATA', () => {
    assert.ok(isNoDataError(withCode('ENODATA')));
    assert.ok(isNoDataError(withCode('ENOTFOUND')));
    assert.ok(!isNoDataError(withCode('ETIMEOUT')));
    assert.ok(!isNoDataError(undefined));
  });

  it('has a status for every code', () => {
    for (const code of Object.values(ResolveErrorCode)) {
      assert.ok(RESOLVE_ERROR_STATUS[code].status >= 400, code);
      assert.equal(new ResolveError(code, 't', 'm').status, RESOLVE_ERROR_STATUS[code].status);
    }
  });
});

describe('NodeDnsClient (real node:dns, numeric targets only: no network)', () => {
  it('is the default DnsClient and numeric URIs resolve without a query', async () => {
    // Loopback server and a short timeout: even a stray query could not leave the host.
    const resolver = new SipResolver({ nodeDns: { servers: ['127.0.0.1'], timeout: 200, tries: 1 } });
    assert.deepEqual(await resolver.resolve(uri('sip:127.0.0.1')), [{ protocol: 'udp', address: '127.0.0.1', port: 5060 }]);
    assert.deepEqual(await resolver.resolve(uri('sips:[::1]:5071')), [{ protocol: 'tls', address: '::1', port: 5071 }]);
    assert.deepEqual(await resolver.resolve(uri('sip:localhost;maddr=127.0.0.1;transport=tcp')), [
      { protocol: 'tcp', address: '127.0.0.1', port: 5060 },
    ]);
  });

  it('accepts servers, timeout and tries, and can cancel', () => {
    const client = new NodeDnsClient({ servers: ['127.0.0.1', '[::1]:5353'], timeout: 100, tries: 1 });
    client.cancel();
  });
});
