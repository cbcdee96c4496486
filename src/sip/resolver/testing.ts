// Shared fixtures of the resolver tests: URIs, records, a seeded PRNG, a fake-DNS setup and a zone.
import assert from 'node:assert/strict';
import { parseUri, type Uri } from '../message/index.js';
import { FakeTimerService } from '../../util/timers.js';
import type { Endpoint } from '../transport/types.js';
import type { NaptrRecord, SrvRecord } from './dns-client.js';
import { FakeDnsClient } from './fake-dns-client.js';
import { ResolveError } from './resolve-error.js';
import { SipResolver, type SipResolverOptions } from './resolver.js';

export function uri(text: string): Uri {
  const u = parseUri(text);
  assert.ok(u, `test URI must parse: ${text}`);
  return u;
}

export function naptr(order: number, preference: number, service: string, replacement: string, flags = 's'): NaptrRecord {
  return { order, preference, flags, service, regexp: '', replacement };
}

export function srv(priority: number, weight: number, port: number, name: string): SrvRecord {
  return { priority, weight, port, name };
}

export function ep(protocol: Endpoint['protocol'], address: string, port: number): Endpoint {
  return { protocol, address, port };
}

/** mulberry32: a small seeded PRNG so weighted-selection tests are deterministic. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function setup(options: SipResolverOptions = {}): { dns: FakeDnsClient; timers: FakeTimerService; resolver: SipResolver } {
  const dns = new FakeDnsClient();
  const timers = new FakeTimerService();
  const resolver = new SipResolver({ dns, timers, random: seeded(1), ...options });
  return { dns, timers, resolver };
}

export async function rejectsWith(p: Promise<unknown>, code: string, status?: number): Promise<ResolveError> {
  let caught: unknown;
  await p.then(
    () => assert.fail(`expected rejection with ${code}`),
    (err: unknown) => {
      caught = err;
    },
  );
  assert.ok(caught instanceof ResolveError, `expected a ResolveError, got ${String(caught)}`);
  assert.equal(caught.code, code);
  if (status !== undefined) assert.equal(caught.status, status);
  return caught;
}

/** Standard zone: NAPTR for TCP (preferred) and UDP, their SRVs, and addresses. */
export function exampleZone(dns: FakeDnsClient): void {
  dns
    .naptr('example.com', [
      naptr(20, 10, 'SIP+D2U', '_sip._udp.example.com'),
      naptr(10, 10, 'SIP+D2T', '_sip._tcp.example.com'),
    ])
    .srv('_sip._tcp.example.com', [srv(10, 0, 5080, 'tcp1.example.com')])
    .srv('_sip._udp.example.com', [srv(10, 0, 5070, 'udp1.example.com')])
    .a('tcp1.example.com', ['192.0.2.10'])
    .aaaa('tcp1.example.com', ['2001:db8::10'])
    .a('udp1.example.com', ['192.0.2.20']);
}
