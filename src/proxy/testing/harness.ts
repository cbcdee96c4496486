// Test doubles for the proxy: fake router and registrar, an in-memory CDR store, and a harness wiring a
// ProxyCore to the fake transport and clock of the transaction layer tests.
import type { CdrQuery, CdrRecord, CdrStore } from '../../cdr/cdr.js';
import { silentLogger } from '../../observability/logger.js';
import { createResponse, generateTag, parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../../sip/message/index.js';
import { TransactionLayer } from '../../sip/transaction/index.js';
import { FakeMessageTransport } from '../../sip/transaction/testing/fake-message-transport.js';
import { request as parseRequest } from '../../sip/transaction/testing/fixtures.js';
import type { Endpoint, InboundInfo } from '../../sip/transport/types.js';
import { FakeTimerService } from '../../util/timers.js';
import { DeferredUser } from '../deferred-user.js';
import type { RegisteredContact, RegistrarPort, RouteDecision, RouteInput, RouteTarget, RouterPort, TrunkConfig } from '../ports.js';
import { ProxyCore, type ProxyCoreOptions } from '../proxy-core.js';
import { TrunkManager } from '../trunks.js';

export const SWITCH: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 };
export const CALLER: Endpoint = { protocol: 'udp', address: '192.0.2.10', port: 5060 };

export class FakeRouter implements RouterPort {
  readonly calls: RouteInput[] = [];
  decide: (input: RouteInput) => RouteDecision = (input) => ({ kind: 'no-route', status: 404, reason: `no rule for ${input.called}`, trace: [] });

  route(input: RouteInput): Promise<RouteDecision> {
    this.calls.push(input);
    return Promise.resolve(this.decide(input));
  }
}

export class FakeRegistrar implements RegistrarPort {
  readonly handled: SipRequest[] = [];
  readonly contacts = new Map<string, RegisteredContact[]>();
  readonly domains = new Set<string>(['example.net']);

  handle(tx: Parameters<RegistrarPort['handle']>[0], request: SipRequest): Promise<void> {
    this.handled.push(request);
    tx.respond(createResponse(request, 200, undefined, { toTag: generateTag() }));
    return Promise.resolve();
  }

  lookup(aor: string): Promise<RegisteredContact[] | undefined> {
    return Promise.resolve(this.contacts.get(aor));
  }

  isLocalDomain(host: string): boolean {
    return this.domains.has(host.toLowerCase());
  }
}

export class MemoryCdrStore implements CdrStore {
  readonly records: CdrRecord[] = [];
  /** The next n writes reject. */
  failures = 0;
  writes = 0;

  write(record: CdrRecord): Promise<void> {
    this.writes++;
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('store unavailable'));
    }
    const i = this.records.findIndex((r) => r.id === record.id);
    if (i >= 0) this.records[i] = record;
    else this.records.push(record);
    return Promise.resolve();
  }

  async *query(q: CdrQuery): AsyncIterable<CdrRecord> {
    let n = 0;
    for (const r of [...this.records].sort((a, b) => a.setupAt - b.setupAt)) {
      if (q.since !== undefined && r.setupAt < q.since) continue;
      if (q.until !== undefined && r.setupAt >= q.until) continue;
      if (q.callId !== undefined && r.callId !== q.callId) continue;
      if (q.disposition !== undefined && r.disposition !== q.disposition) continue;
      if (q.limit !== undefined && n >= q.limit) return;
      n++;
      yield r;
    }
  }
}

class ProxyFakeTransport extends FakeMessageTransport {
  endpoints: Endpoint[] = [SWITCH];
}

/** A route target towards a trunk at 192.0.2.<n>. */
export function target(trunk: string, host: string, extra: Partial<RouteTarget> = {}): RouteTarget {
  return { trunk, uri: `sip:+15551234567@${host}`, destination: { host }, failoverOn: [408, 480, 500, 502, 503, 504], timeoutMs: 0, ...extra };
}

export function routeTo(...targets: RouteTarget[]): (input: RouteInput) => RouteDecision {
  return (input) => ({ kind: 'route', rule: 'test-rule', dialled: input.called, called: `+${input.called.replace(/^\+/, '')}`, targets, trace: ['matched test-rule'] });
}

export interface InviteFixture {
  method?: string;
  uri?: string;
  callId?: string;
  fromTag?: string;
  toTag?: string;
  branch?: string;
  maxForwards?: number | null;
  routes?: string[];
  extra?: string[];
  cseq?: number;
}

/** A request from the caller at 192.0.2.10. */
export function req(f: InviteFixture = {}): SipRequest {
  const method = f.method ?? 'INVITE';
  const callId = f.callId ?? 'call-1@192.0.2.10';
  const branch = f.branch ?? `z9hG4bK${callId.replace(/[^A-Za-z0-9]/g, '')}x${f.cseq ?? 1}`;
  const lines = [
    `${method} ${f.uri ?? 'sip:+15551234567@192.0.2.1'} SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.10:5060;branch=${branch}`,
    ...(f.maxForwards === null ? [] : [`Max-Forwards: ${f.maxForwards ?? 70}`]),
    `From: <sip:alice@example.net>;tag=${f.fromTag ?? 'caller-tag'}`,
    `To: <sip:+15551234567@example.net>${f.toTag ? `;tag=${f.toTag}` : ''}`,
    `Call-ID: ${callId}`,
    `CSeq: ${f.cseq ?? 1} ${method}`,
    'Contact: <sip:alice@192.0.2.10:5060>',
    ...(f.routes ?? []).map((r) => `Route: ${r}`),
    ...(f.extra ?? []),
    'Content-Length: 0',
  ];
  return parseRequest(lines.join('\n'));
}

/** Re-parses a message as the receiving side would see it. */
export function reparse<T extends SipMessage>(m: T): T {
  const r = parseMessage(m.toBuffer());
  if (!r.ok) throw new Error(`does not reparse: ${r.error.message}`);
  return r.message as T;
}

export interface ProxyHarness {
  timers: FakeTimerService;
  transport: ProxyFakeTransport;
  layer: TransactionLayer;
  core: ProxyCore;
  trunks: TrunkManager;
  router: FakeRouter;
  registrar: FakeRegistrar;
  cdrs: MemoryCdrStore;
  /** Delivers a request from the caller (or `from`). */
  receive(request: SipRequest, from?: Endpoint): void;
  /** Delivers a downstream response to a request the proxy sent. */
  answer(sent: SipRequest, status: number, opts?: { toTag?: string; headers?: Array<[string, string]>; from?: Endpoint }): SipResponse;
  /** Requests sent downstream with this method (retransmissions of the same request once). */
  sent(method: string): SipRequest[];
  /** Responses sent upstream (status list). */
  upstream(): number[];
  flush(): Promise<void>;
}

export function inboundFrom(source: Endpoint): InboundInfo {
  return { source, local: SWITCH, reliable: source.protocol !== 'udp', receivedAt: 0 };
}

export function proxyHarness(options: Partial<ProxyCoreOptions> & { trunkConfigs?: TrunkConfig[] } = {}): ProxyHarness {
  const timers = new FakeTimerService(1_000_000);
  const transport = new ProxyFakeTransport(timers);
  const user = new DeferredUser();
  const layer = new TransactionLayer({ transport, timers, user });
  const trunks = new TrunkManager({ trunks: options.trunkConfigs ?? [], transactions: layer, timers });
  const router = new FakeRouter();
  const registrar = new FakeRegistrar();
  const cdrs = new MemoryCdrStore();
  const core = new ProxyCore({
    transactions: layer, transport, registrar, router, trunks, cdrs, domains: ['example.net'], timers,
    logger: silentLogger, userAgent: 'precedence-test', now: () => 1_700_000_000_000 + timers.now(), ...options,
  });
  user.target = core;
  const tags = new Map<SipRequest, string>();
  return {
    timers, transport, layer, core, trunks, router, registrar, cdrs,
    receive: (request, from = CALLER) => layer.receive(request, inboundFrom(from)),
    answer: (sent, status, opts = {}) => {
      let toTag = opts.toTag ?? tags.get(sent);
      if (toTag === undefined && status > 100) tags.set(sent, (toTag = generateTag()));
      const res = reparse(createResponse(sent, status, undefined, { toTag, headers: opts.headers }));
      layer.receive(res, inboundFrom(opts.from ?? { protocol: 'udp', address: '192.0.2.50', port: 5060 }));
      return res;
    },
    sent: (method) => [...new Set(transport.requests().filter((r) => r.method === method))],
    upstream: () => transport.responses().map((r) => r.status),
    flush: async () => {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    },
  };
}
