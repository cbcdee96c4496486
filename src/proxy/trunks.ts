// Trunk state: reachability from OPTIONS pings (RFC 3261 §11), concurrent calls against maxCalls, and a
// calls-per-second token bucket against cps. The proxy asks `status`/`acquire` before sending a call to
// a trunk and `release`s when the attempt or the call ends; `identify` names the trunk a request came from.
import { createRequest, generateBranch, generateCallId, generateTag, parseUri, type Uri } from '../sip/message/index.js';
import type { ClientTransactionUser, TransactionLayer } from '../sip/transaction/index.js';
import type { Endpoint } from '../sip/transport/types.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import type { TimerHandle, TimerService } from '../util/timers.js';
import { numericTarget, type SipResolverPort } from './forwarding.js';
import { defaultSipPort, normalizeHost } from './identity.js';
import type { TrunkConfig, TrunkPingConfig } from './ports.js';

export interface TrunkManagerOptions {
  trunks: readonly TrunkConfig[];
  /** Pings go out as client transactions. */
  transactions: Pick<TransactionLayer, 'sendRequest'>;
  timers: TimerService;
  /** Resolves trunk host names (pings, `identify`); literal addresses need none. */
  resolver?: SipResolverPort;
  logger?: Logger;
  /** Host in the From of pings (default "localhost"). */
  localHost?: string;
  userAgent?: string;
  /** Told when a trunk goes down or comes back up. */
  onStateChange?: (name: string, up: boolean) => void;
}

export interface TrunkStatus {
  up: boolean;
  /** At maxCalls, or no calls-per-second token left. */
  full: boolean;
}

export type PingResult = number | 'timeout' | 'transport-error' | 'unresolvable';

export interface TrunkSnapshot {
  name: string;
  uri: string;
  up: boolean;
  trusted: boolean;
  activeCalls: number;
  maxCalls: number | undefined;
  cps: number | undefined;
  pinged: boolean;
  consecutiveFailures: number;
  lastPingAt: number | undefined;
  lastPingResult: PingResult | undefined;
}

interface TrunkState {
  readonly config: TrunkConfig;
  readonly uri: Uri | undefined;
  readonly ping: TrunkPingConfig | undefined;
  up: boolean;
  active: number;
  tokens: number;
  refilledAt: number;
  failures: number;
  successes: number;
  pending: boolean;
  seq: number;
  timer: TimerHandle | undefined;
  lastPingAt: number | undefined;
  lastPingResult: PingResult | undefined;
  /** Literal addresses of the trunk host (resolved for names) and the port requests come from. */
  addresses: Set<string>;
  port: number;
}

const UNKNOWN: TrunkStatus = Object.freeze({ up: true, full: false });

export class TrunkManager {
  readonly #trunks = new Map<string, TrunkState>();
  readonly #tx: Pick<TransactionLayer, 'sendRequest'>;
  readonly #timers: TimerService;
  readonly #resolver: SipResolverPort | undefined;
  readonly #log: Logger;
  readonly #localHost: string;
  readonly #ua: string | undefined;
  readonly #onChange: ((name: string, up: boolean) => void) | undefined;
  #running = false;

  constructor(options: TrunkManagerOptions) {
    this.#tx = options.transactions;
    this.#timers = options.timers;
    this.#resolver = options.resolver;
    this.#log = (options.logger ?? silentLogger).child({ module: 'trunks' });
    this.#localHost = options.localHost ?? 'localhost';
    this.#ua = options.userAgent;
    this.#onChange = options.onStateChange;
    for (const config of options.trunks) this.#trunks.set(config.name, this.#create(config));
  }

  #create(config: TrunkConfig): TrunkState {
    const uri = parseUri(config.uri);
    if (uri === undefined || !uri.isSip) this.#log.error({ trunk: config.name, uri: config.uri }, 'trunk URI does not parse; no pings, no identification');
    const direct = uri === undefined ? undefined : numericTarget(uri);
    return {
      config, uri, ping: config.ping === false || config.ping === undefined ? undefined : config.ping,
      up: true, active: 0, tokens: bucketSize(config), refilledAt: this.#timers.now(),
      failures: 0, successes: 0, pending: false, seq: 0, timer: undefined, lastPingAt: undefined, lastPingResult: undefined,
      addresses: new Set(direct !== undefined ? [direct.address] : []),
      port: uri?.port ?? defaultSipPort(stringParam(uri, 'transport'), uri?.scheme === 'sips'),
    };
  }

  /**
   * Applies a new trunk list (configuration reload) without dropping calls: a trunk that stays keeps
   * its active-call count and up/down state; a removed trunk stops being pinged and routed to, and
   * its calls in progress simply end on their own.
   */
  reconfigure(trunks: readonly TrunkConfig[]): void {
    const next = new Map<string, TrunkState>();
    for (const config of trunks) {
      const t = this.#create(config);
      const old = this.#trunks.get(config.name);
      if (old !== undefined) {
        t.active = old.active;
        t.up = old.up;
      }
      next.set(config.name, t);
    }
    for (const old of this.#trunks.values()) this.#timers.clear(old.timer);
    this.#trunks.clear();
    for (const [name, t] of next) this.#trunks.set(name, t);
    if (this.#running) {
      this.#running = false;
      this.start();
    }
    this.#log.info({ trunks: [...next.keys()] }, 'trunks reconfigured');
  }

  /** Starts the pings (first one at once) and resolves trunk host names for `identify`. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    for (const t of this.#trunks.values()) {
      if (t.ping !== undefined && t.uri !== undefined) this.#schedule(t, 0);
      else if (t.uri !== undefined && t.addresses.size === 0) void this.#locate(t);
    }
  }

  stop(): void {
    this.#running = false;
    for (const t of this.#trunks.values()) {
      this.#timers.clear(t.timer);
      t.timer = undefined;
    }
  }

  has(name: string): boolean {
    return this.#trunks.has(name);
  }

  /** Unknown trunks (not configured) are reported up and never full. */
  status(name: string): TrunkStatus {
    const t = this.#trunks.get(name);
    if (t === undefined) return UNKNOWN;
    this.#refill(t);
    const max = t.config.maxCalls;
    return { up: t.up, full: (max !== undefined && t.active >= max) || (t.config.cps !== undefined && t.tokens < 1) };
  }

  /** Takes one call slot and one cps token; false when the trunk is down or full. */
  acquire(name: string): boolean {
    const t = this.#trunks.get(name);
    if (t === undefined) return true;
    const s = this.status(name);
    if (!s.up || s.full) return false;
    t.active++;
    if (t.config.cps !== undefined) t.tokens -= 1;
    return true;
  }

  release(name: string): void {
    const t = this.#trunks.get(name);
    if (t !== undefined && t.active > 0) t.active--;
  }

  /** The trunk whose URI host (and port, preferably) matches where a request came from. */
  identify(source: Endpoint): string | undefined {
    const addr = normalizeHost(source.address);
    let hostOnly: string | undefined;
    for (const t of this.#trunks.values()) {
      if (!t.addresses.has(addr)) continue;
      if (t.port === source.port) return t.config.name;
      hostOnly ??= t.config.name;
    }
    return hostOnly;
  }

  snapshot(): TrunkSnapshot[] {
    return [...this.#trunks.values()].map((t) => ({
      name: t.config.name, uri: t.config.uri, up: t.up, trusted: t.config.trusted, activeCalls: t.active,
      maxCalls: t.config.maxCalls, cps: t.config.cps, pinged: t.ping !== undefined, consecutiveFailures: t.failures,
      lastPingAt: t.lastPingAt, lastPingResult: t.lastPingResult,
    }));
  }

  // ---- capacity --------------------------------------------------------------------------------

  #refill(t: TrunkState): void {
    const cps = t.config.cps;
    if (cps === undefined) return;
    const now = this.#timers.now();
    const elapsed = now - t.refilledAt;
    if (elapsed <= 0) return;
    t.tokens = Math.min(bucketSize(t.config), t.tokens + (elapsed * cps) / 1000);
    t.refilledAt = now;
  }

  // ---- pings -----------------------------------------------------------------------------------

  #schedule(t: TrunkState, ms: number): void {
    this.#timers.clear(t.timer);
    t.timer = this.#timers.set(() => {
      t.timer = undefined;
      if (!this.#running || t.ping === undefined) return;
      this.#schedule(t, t.ping.intervalMs);
      if (!t.pending) void this.#ping(t, t.ping);
    }, ms);
  }

  async #locate(t: TrunkState): Promise<Endpoint | undefined> {
    if (t.uri === undefined) return undefined;
    const direct = numericTarget(t.uri);
    if (direct !== undefined) return direct;
    if (this.#resolver === undefined) return undefined;
    try {
      const found = await this.#resolver.resolve(t.uri);
      for (const e of found) t.addresses.add(normalizeHost(e.address));
      return found[0];
    } catch (err) {
      this.#log.debug({ trunk: t.config.name, err }, 'trunk host does not resolve');
      return undefined;
    }
  }

  async #ping(t: TrunkState, ping: TrunkPingConfig): Promise<void> {
    const uri = t.uri;
    if (uri === undefined) return;
    t.pending = true;
    t.lastPingAt = this.#timers.now();
    let done = false;
    let guard: TimerHandle | undefined;
    const finish = (result: PingResult): void => {
      if (done) return;
      done = true;
      this.#timers.clear(guard);
      t.pending = false;
      this.#result(t, ping, result);
    };
    guard = this.#timers.set(() => finish('timeout'), ping.timeoutMs);
    const destination = await this.#locate(t);
    if (destination === undefined) {
      finish('unresolvable');
      return;
    }
    if (done || !this.#running) return;
    const headers: Array<[string, string]> = [
      ['Via', `SIP/2.0/UDP ${this.#localHost};branch=${generateBranch()}`],
      ['Max-Forwards', '70'],
      ['From', `<sip:ping@${this.#localHost}>;tag=${generateTag()}`],
      ['To', `<${uri.toString()}>`],
      ['Call-ID', generateCallId(this.#localHost)],
      ['CSeq', `${++t.seq} OPTIONS`],
    ];
    if (this.#ua !== undefined) headers.push(['User-Agent', this.#ua]);
    const user: ClientTransactionUser = {
      onResponse: (res) => {
        if (res.status >= 200) finish(res.status);
      },
      onTimeout: () => finish('timeout'),
      onTransportError: () => finish('transport-error'),
    };
    try {
      this.#tx.sendRequest(createRequest({ method: 'OPTIONS', uri: uri.clone(), headers }), destination, user);
    } catch (err) {
      this.#log.error({ trunk: t.config.name, err }, 'could not send OPTIONS ping');
      finish('transport-error');
    }
  }

  /** Only 503, a timeout or a transport failure count against a trunk: any other answer proves it is there. */
  #result(t: TrunkState, ping: TrunkPingConfig, result: PingResult): void {
    t.lastPingResult = result;
    const failed = result === 503 || typeof result === 'string';
    if (failed) {
      t.failures++;
      t.successes = 0;
      if (t.up && t.failures >= ping.downAfter) this.#set(t, false, result);
    } else {
      t.successes++;
      t.failures = 0;
      if (!t.up && t.successes >= ping.upAfter) this.#set(t, true, result);
    }
  }

  #set(t: TrunkState, up: boolean, result: PingResult): void {
    t.up = up;
    if (up) this.#log.info({ trunk: t.config.name, result }, 'trunk up');
    else this.#log.warn({ trunk: t.config.name, result, failures: t.failures }, 'trunk down');
    this.#onChange?.(t.config.name, up);
  }
}

function bucketSize(config: TrunkConfig): number {
  return config.cps === undefined ? 0 : Math.max(1, config.cps);
}

function stringParam(uri: Uri | undefined, name: string): string | undefined {
  const v = uri?.param(name);
  return typeof v === 'string' ? v : undefined;
}
