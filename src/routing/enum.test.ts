import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';

import { applyNaptrRegexp, DnsNaptrLookup, EnumResolver, enumDomain, isSipEnumService, type NaptrLookup, type NaptrRecord } from './enum.js';

const naptr = (order: number, preference: number, service: string, regexp: string, flags = 'u', replacement = ''): NaptrRecord => ({ order, preference, flags, service, regexp, replacement });

class FakeNaptr implements NaptrLookup {
  readonly asked: string[] = [];
  constructor(readonly zone: Record<string, NaptrRecord[] | Error>) {}
  async naptr(domain: string): Promise<NaptrRecord[]> {
    this.asked.push(domain);
    const r = this.zone[domain];
    if (r instanceof Error) throw r;
    return r ?? [];
  }
}

const DOMAIN = '7.6.5.4.3.2.1.5.5.5.1.e164.arpa';

describe('enumDomain', () => {
  it('reverses the digits under e164.arpa (RFC 6116 §2.4)', () => {
    assert.equal(enumDomain('+1-555-123-4567'), DOMAIN);
    assert.equal(enumDomain('+442079460000', 'e164.example.net.'), '0.0.0.0.6.4.9.7.0.2.4.4.e164.example.net');
    assert.equal(enumDomain('5551234567'), undefined);
    assert.equal(enumDomain('alice'), undefined);
  });
});

describe('applyNaptrRegexp', () => {
  const AUS = '+15551234567';
  it('replaces the whole AUS', () => {
    assert.equal(applyNaptrRegexp('!^.*$!sip:info@example.com!', AUS), 'sip:info@example.com');
  });
  it('substitutes back-references', () => {
    assert.equal(applyNaptrRegexp('!^\\+1(.*)$!sip:\\1@example.net;user=phone!', AUS), 'sip:5551234567@example.net;user=phone');
    assert.equal(applyNaptrRegexp('!^(\\+1)(555)(.*)$!sip:\\3-\\2@ex.net!', AUS), 'sip:1234567-555@ex.net');
  });
  it('honours other delimiters, escaped delimiters and the i flag', () => {
    assert.equal(applyNaptrRegexp('/^\\+(.*)$/sip:\\1@example.net/', AUS), 'sip:15551234567@example.net');
    assert.equal(applyNaptrRegexp('#^.*$#sip:a\\#b@example.net#', AUS), 'sip:a#b@example.net');
    assert.equal(applyNaptrRegexp('!^X?\\+1555(.*)$!sip:\\1@example.net!i', '+15551234567'), 'sip:1234567@example.net');
  });
  it('keeps "$" in the replacement literal', () => {
    assert.equal(applyNaptrRegexp('!^.*$!sip:$1@example.net!', AUS), 'sip:$1@example.net');
  });
  it('gives undefined for malformed or non-matching expressions', () => {
    assert.equal(applyNaptrRegexp('!^\\+44.*$!sip:uk@example.net!', AUS), undefined);
    assert.equal(applyNaptrRegexp('!^.*$!sip:x@example.net', AUS), undefined);
    assert.equal(applyNaptrRegexp('!^.*$!sip:x@example.net!g', AUS), undefined);
    assert.equal(applyNaptrRegexp('1^.*$1sip:x@example.net1', AUS), undefined);
    assert.equal(applyNaptrRegexp('!^(.*$!sip:x@example.net!', AUS), undefined);
    assert.equal(applyNaptrRegexp('', AUS), undefined);
  });
});

describe('isSipEnumService', () => {
  it('accepts E2U+sip in any case and the RFC 2916 form', () => {
    for (const s of ['E2U+sip', 'e2u+SIP', 'E2U+voice:tel+sip', 'sip+E2U']) assert.equal(isSipEnumService(s), true, s);
    for (const s of ['E2U+mailto', 'E2U+tel', 'E2U+voice:tel', 'E2U+sips', 'SIP+D2U', '']) assert.equal(isSipEnumService(s), false, s);
  });
});

describe('EnumResolver', () => {
  it('returns the E2U+sip record by order then preference, ignoring other services', async () => {
    const fake = new FakeNaptr({
      [DOMAIN]: [
        naptr(100, 10, 'E2U+mailto', '!^.*$!mailto:info@example.net!'),
        naptr(100, 20, 'E2U+sip', '!^.*$!sip:second@example.net!'),
        naptr(100, 5, 'E2U+tel', '!^.*$!tel:+15559990000!'),
        naptr(100, 15, 'E2U+sip', '!^\\+(.*)$!sip:\\1@first.example.net!'),
        naptr(200, 1, 'E2U+sip', '!^.*$!sip:later@example.net!'),
      ],
    });
    const r = await new EnumResolver({ lookup: fake }).resolve('+1 555 123 4567');
    assert.deepEqual(fake.asked, [DOMAIN]);
    assert.equal(r.kind, 'found');
    assert.equal(r.kind === 'found' && r.uri, 'sip:15551234567@first.example.net');
  });

  it('skips records with other flags and results that are not SIP URIs', async () => {
    const fake = new FakeNaptr({
      [DOMAIN]: [
        naptr(10, 10, 'E2U+sip', '!^.*$!sip:x@example.net!', 'a'),
        naptr(10, 20, 'E2U+sip', '!^.*$!mailto:x@example.net!'),
        naptr(10, 30, 'E2U+sip', '!^\\+44.*$!sip:uk@example.net!'),
        naptr(10, 40, 'E2U+sip', '!^.*$!sips:ok@example.net!'),
      ],
    });
    assert.deepEqual(await new EnumResolver({ lookup: fake }).resolve('+15551234567'), { kind: 'found', uri: 'sips:ok@example.net', domain: DOMAIN, record: naptr(10, 40, 'E2U+sip', '!^.*$!sips:ok@example.net!') });
  });

  it('reports not-found when no record is usable', async () => {
    const fake = new FakeNaptr({ [DOMAIN]: [naptr(10, 10, 'E2U+mailto', '!^.*$!mailto:x@example.net!'), naptr(10, 20, 'E2U+tel', '!^.*$!tel:+1555!')] });
    assert.deepEqual(await new EnumResolver({ lookup: fake }).resolve('+15551234567'), { kind: 'not-found', domain: DOMAIN, reason: `no usable E2U+sip record at ${DOMAIN} (services: E2U+mailto, E2U+tel)` });
    assert.deepEqual(await new EnumResolver({ lookup: new FakeNaptr({}) }).resolve('+15551234567'), { kind: 'not-found', domain: DOMAIN, reason: `no NAPTR records at ${DOMAIN}` });
    assert.deepEqual(await new EnumResolver({ lookup: new FakeNaptr({}) }).resolve('alice'), { kind: 'not-found', domain: '', reason: '"alice" is not an E.164 number' });
  });

  it('follows non-terminal records, with a limit', async () => {
    const fake = new FakeNaptr({
      [DOMAIN]: [naptr(10, 10, '', '', '', 'enum.example.net.')],
      'enum.example.net': [naptr(10, 10, 'E2U+sip', '!^.*$!sip:moved@example.net!')],
    });
    const r = await new EnumResolver({ lookup: fake }).resolve('+15551234567');
    assert.equal(r.kind === 'found' && r.uri, 'sip:moved@example.net');
    assert.deepEqual(fake.asked, [DOMAIN, 'enum.example.net']);
    const loop = new FakeNaptr({ [DOMAIN]: [naptr(10, 10, '', '', '', DOMAIN)] });
    const l = await new EnumResolver({ lookup: loop, maxRedirects: 2 }).resolve('+15551234567');
    assert.equal(l.kind, 'not-found');
    assert.equal(loop.asked.length, 3);
  });

  it('reports lookup failures as kind "error" without rejecting', async () => {
    const err = Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
    const r = await new EnumResolver({ lookup: new FakeNaptr({ [DOMAIN]: err }), domain: 'e164.arpa' }).resolve('+15551234567');
    assert.equal(r.kind, 'error');
    assert.equal(r.kind === 'error' && r.reason, `NAPTR lookup of ${DOMAIN} failed (ETIMEOUT)`);
  });
});

// A one-zone DNS server on loopback UDP: NAPTR answers for DOMAIN, NXDOMAIN for anything else.
function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((l) => l !== '');
  return Buffer.concat([...parts.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
}
const charString = (s: string): Buffer => Buffer.concat([Buffer.from([Buffer.byteLength(s)]), Buffer.from(s)]);

function answer(query: Buffer, records: NaptrRecord[] | undefined): Buffer {
  let i = 12;
  while (query[i] !== 0) i += query[i] + 1;
  const question = query.subarray(12, i + 5);
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(records === undefined ? 0x8183 : 0x8180, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records?.length ?? 0, 6);
  const rrs = (records ?? []).map((r) => {
    const fixed = Buffer.alloc(4);
    fixed.writeUInt16BE(r.order, 0);
    fixed.writeUInt16BE(r.preference, 2);
    const rdata = Buffer.concat([fixed, charString(r.flags), charString(r.service), charString(r.regexp), encodeName(r.replacement)]);
    const head = Buffer.alloc(12);
    head.writeUInt16BE(0xc00c, 0);
    head.writeUInt16BE(35, 2);
    head.writeUInt16BE(1, 4);
    head.writeUInt32BE(300, 6);
    head.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([head, rdata]);
  });
  return Buffer.concat([header, question, ...rrs]);
}

describe('DnsNaptrLookup over node:dns', () => {
  let server: Socket;
  let port = 0;
  const records = [naptr(100, 10, 'E2U+sip', '!^.*$!sip:info@example.net!'), naptr(100, 20, 'E2U+mailto', '!^.*$!mailto:info@example.net!')];

  before(async () => {
    server = createSocket('udp4');
    server.on('message', (msg, rinfo) => {
      let i = 12;
      const labels: string[] = [];
      while (msg[i] !== 0) {
        labels.push(msg.subarray(i + 1, i + 1 + msg[i]).toString());
        i += msg[i] + 1;
      }
      server.send(answer(msg, labels.join('.').toLowerCase() === DOMAIN ? records : undefined), rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    port = server.address().port;
  });
  after(() => server.close());

  it('resolves NAPTR records and maps NXDOMAIN to []', async () => {
    const lookup = new DnsNaptrLookup({ servers: [`127.0.0.1:${port}`], timeout: 1000 });
    assert.deepEqual(await lookup.naptr(DOMAIN), records);
    assert.deepEqual(await lookup.naptr('0.0.0.0.e164.arpa'), []);
    const r = await new EnumResolver({ lookup }).resolve('+15551234567');
    assert.equal(r.kind === 'found' && r.uri, 'sip:info@example.net');
  });
});
