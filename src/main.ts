// The composition root: the only place that wires configuration, storage and the SIP elements together.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { type Config, durationMs } from './config/index.js';
import { DeferredUser, ProxyCore, type RegisteredContact, type RegistrarPort, type RouterPort, TrunkManager } from './proxy/index.js';
import { aorParts, Registrar } from './registrar/index.js';
import { EnumResolver, RoutingEngine } from './routing/index.js';
import { DigestAuthenticator } from './sip/auth/index.js';
import { SipResolver } from './sip/resolver/index.js';
import { SipStack } from './sip/stack.js';
import { parseListenSpec } from './sip/transport/index.js';
import type { Endpoint } from './sip/transport/types.js';
import { openStore, type Stores } from './storage/index.js';

/** How long shutdown waits for running transactions before closing anyway. */
const DRAIN_MS = 4000;

export interface RunningSwitch {
  stack: SipStack;
  proxy: ProxyCore;
  trunks: TrunkManager;
  registrar: Registrar;
  stores: Stores;
  endpoints: Endpoint[];
  /**
   * Applies a new configuration without dropping calls: routing, trunks and the log level change at
   * once; listen addresses, store, registrar and proxy settings need a restart (reported, not applied).
   */
  reload(next: Config): string[];
  stop(): Promise<void>;
}

function trunkConfigs(config: Config) {
  return config.trunks.map((t) => ({
    name: t.name,
    uri: t.uri,
    maxCalls: t.maxCalls,
    cps: t.cps,
    trusted: t.trusted,
    ping: t.ping === false ? (false as const) : { intervalMs: t.ping.interval, timeoutMs: t.ping.timeout, downAfter: t.ping.downAfter, upAfter: t.ping.upAfter },
  }));
}

/** Problems with the listen list, named by path (`listen[1]: ...`), for check-config and start. */
export function listenProblems(config: Config): string[] {
  const problems: string[] = [];
  config.listen.forEach((spec, i) => {
    try {
      parseListenSpec(withTlsFiles(spec, config));
    } catch (e) {
      problems.push(`listen[${i}]: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  return problems;
}

/** tls:// and wss:// listeners take the key and certificate from `tls:` unless the spec names its own. */
function withTlsFiles(spec: string, config: Config): string {
  if (!config.tls || !/^(tls|wss):\/\//i.test(spec) || /[?&]key=/.test(spec)) return spec;
  const sep = spec.includes('?') ? '&' : '?';
  return `${spec}${sep}key=${encodeURIComponent(config.tls.key)}&cert=${encodeURIComponent(config.tls.cert)}`;
}

/** Routing as the proxy sees it: ENUM first when enabled (RFC 6116), then the pure engine. */
/** The routing state a reload swaps as a whole. */
interface Routing {
  engine: RoutingEngine;
  enumResolver: EnumResolver | undefined;
}

function buildRouting(config: Config): Routing {
  return { engine: new RoutingEngine(config), enumResolver: config.enum.enabled ? new EnumResolver(config.enum) : undefined };
}

function routerPort(current: () => Routing, trunks: TrunkManager): RouterPort {
  return {
    async route(input) {
      const { engine, enumResolver } = current();
      let enumResult: string | undefined;
      if (enumResolver && input.called.startsWith('+')) {
        const r = await enumResolver.resolve(input.called);
        if (r.kind === 'found') enumResult = r.uri;
      }
      return engine.route({ ...input, enumResult }, (name) => trunks.status(name));
    },
  };
}

export async function startSwitch(config: Config, logger: Logger): Promise<RunningSwitch> {
  const stores = openStore(config.store);
  const user = new DeferredUser();
  const stack = new SipStack({
    listen: config.listen.map((spec) => withTlsFiles(spec, config)),
    user,
    logger,
    t1: config.sip.t1,
    t2: config.sip.t2,
    t4: config.sip.t4,
    maxMessageSize: config.sip.maxMessageSize,
    udpBufferSize: config.sip.udpBufferSize,
    connections: { idleTimeout: durationMs(config.sip.tcpIdleTimeout), maxConnections: config.sip.maxConnections },
    tls: config.tls?.ca ? { ca: config.tls.ca } : undefined,
  });
  const resolver = new SipResolver({ timers: stack.timers });
  const domains = config.domains;
  const registrar = new Registrar({
    domains,
    locations: stores.locations,
    subscribers: stores.subscribers,
    authenticator: config.registrar.auth
      ? new DigestAuthenticator({ secret: config.registrar.nonceSecret ?? randomBytes(32), algorithms: config.registrar.digestAlgorithms })
      : undefined,
    minExpires: config.registrar.minExpires,
    maxExpires: config.registrar.maxExpires,
    defaultExpires: config.registrar.defaultExpires,
    timers: stack.timers,
    logger: logger.child({ module: 'registrar' }),
  });
  // The proxy needs to tell "no such user" (→ routing) from "user not registered" (→ 480).
  const registrarPort: RegistrarPort = {
    handle: (tx, request, info) => registrar.handle(tx, request, info),
    isLocalDomain: (host) => registrar.isLocalDomain(host),
    async lookup(aor): Promise<RegisteredContact[] | undefined> {
      const targets = await registrar.lookup(aor);
      if (targets.length > 0) return targets;
      const parts = aorParts(aor);
      if (!parts) return undefined;
      return (await stores.subscribers.get(parts.user, parts.domain)) ? [] : undefined;
    },
  };
  const trunks = new TrunkManager({
    trunks: trunkConfigs(config),
    transactions: stack.transactions,
    timers: stack.timers,
    resolver,
    logger: logger.child({ module: 'trunks' }),
    userAgent: config.sip.userAgent,
    onStateChange: (name, up) => logger.warn({ trunk: name, up }, up ? 'trunk up' : 'trunk down'),
  });
  let routing = buildRouting(config);
  let active = config;
  const proxy = new ProxyCore({
    transactions: stack.transactions,
    transport: stack.transport,
    resolver,
    registrar: registrarPort,
    router: routerPort(() => routing, trunks),
    trunks,
    cdrs: stores.cdrs,
    domains,
    recordRoute: config.proxy.recordRoute,
    timerCMs: durationMs(config.proxy.timerC),
    mode: config.proxy.mode,
    timers: stack.timers,
    logger: logger.child({ module: 'proxy' }),
    userAgent: config.sip.userAgent,
  });
  user.target = proxy;

  let endpoints: Endpoint[];
  try {
    endpoints = await stack.start();
  } catch (e) {
    await stores.close();
    throw e;
  }
  registrar.start();
  trunks.start();
  proxy.start();
  for (const e of endpoints) logger.info({ protocol: e.protocol, address: e.address, port: e.port }, 'listening');
  return {
    stack,
    proxy,
    trunks,
    registrar,
    stores,
    endpoints,
    reload(next: Config): string[] {
      const needRestart: string[] = [];
      const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
      for (const key of ['listen', 'store', 'tls', 'sip', 'registrar', 'proxy', 'domains'] as const) {
        if (!same(active[key], next[key])) needRestart.push(key);
      }
      routing = buildRouting(next);
      trunks.reconfigure(trunkConfigs(next));
      logger.level = next.log.level;
      active = next;
      logger.info({ restartNeededFor: needRestart }, needRestart.length > 0 ? 'configuration reloaded; restart to apply the other changed sections' : 'configuration reloaded');
      return needRestart;
    },
    async stop() {
      // Graceful shutdown: refuse new out-of-dialog requests with 503 + Retry-After (another node or
      // the next start takes them), let requests in dialogs and running transactions finish, then close.
      stack.transport.setEarlyHook((_raw, peek) => {
        if (!peek.isRequest || peek.method === 'ACK' || peek.method === 'CANCEL') return 'accept';
        const to = peek.header('To');
        return to !== undefined && /;\s*tag=/i.test(to) ? 'accept' : { status: 503, reason: 'Shutting Down', retryAfter: 5 };
      });
      const deadline = Date.now() + DRAIN_MS;
      while (Date.now() < deadline) {
        const n = stack.transactions.size();
        if (n.client + n.server === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      trunks.stop();
      registrar.stop();
      await proxy.stop(); // flushes CDR writes
      await stack.close();
      await stores.close();
    },
  };
}
