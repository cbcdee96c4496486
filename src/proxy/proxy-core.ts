// The transaction-stateful proxy core (RFC 3261 §16): the transaction user of the switch. It validates
// each request (§16.3), processes Route (§16.4), determines targets (§16.5: the registrar for local
// domains, the router for everything else), forwards through a response context (§16.6, §16.7), and
// keeps the call bookkeeping (DialogTracker) and CDRs up to date.
import type { Logger } from 'pino';
import type { CdrStore } from '../cdr/cdr.js';
import { CdrRecorder } from '../cdr/recorder.js';
import { createResponse, generateTag, ParseError, type SipRequest, type SipResponse } from '../sip/message/index.js';
import type { InviteServerTransaction, NonInviteServerTransaction, ServerTransaction, TransactionLayer, TransactionUser } from '../sip/transaction/index.js';
import type { Endpoint, InboundInfo, MessageTransport } from '../sip/transport/types.js';
import type { TimerService } from '../util/timers.js';
import { type CallEnd, DialogTracker, type TrackedCall } from './dialogs.js';
import { copyRequest, Forwarder, type SipResolverPort } from './forwarding.js';
import { LocalIdentity } from './identity.js';
import { loopHash } from './loop-detection.js';
import { canonicalAor, type RegistrarPort, type RouterPort } from './ports.js';
import { isAddressedToUs, processRoutes, type Rejection, validateRequest } from './request-checks.js';
import { ResponseContext, type ContextHooks } from './response-context.js';
import { StatelessRelay } from './stateless.js';
import { type Plan, planFromContacts, planFromRoute, redirectContacts } from './target-plan.js';
import type { TrunkManager } from './trunks.js';

export const PROXY_ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, PRACK, MESSAGE, REFER, NOTIFY, SUBSCRIBE';

export interface ProxyCoreOptions {
  transactions: TransactionLayer;
  /** Stateless sends (ACK, stray 2xx) and the listener addresses (`endpoints`, read on use). */
  transport: MessageTransport & { readonly endpoints: Endpoint[] };
  /** RFC 3263 resolution of host names; without it only literal addresses are reachable. */
  resolver?: SipResolverPort;
  registrar: RegistrarPort;
  router: RouterPort;
  trunks: TrunkManager;
  cdrs: CdrStore;
  /** Domains this switch serves (besides the registrar's). */
  domains: string[];
  /** Record-Route dialog-creating requests (default true). */
  recordRoute?: boolean;
  /** Timer C (default 180 000 ms). */
  timerCMs?: number;
  /** 'redirect': INVITE is answered 302 with the targets as Contacts (default 'proxy'). */
  mode?: 'proxy' | 'redirect';
  timers: TimerService;
  logger: Logger;
  /** Server header of the responses the proxy makes itself. */
  userAgent: string;
  /** Other names of the switch (`host` or `host:port`): advertised addresses, DNS names. */
  aliases?: string[];
  /** Host for Record-Route instead of the listener address (NAT, wildcard binds). */
  recordRouteHost?: string;
  /** Proxy-Require option tags accepted (default none: every tag gets 420). */
  proxyRequire?: string[];
  /** Wall clock in epoch ms for CDRs and routing (default Date.now). */
  now?: () => number;
  /** Bounded lifetime of tracked calls. */
  dialogs?: { setupTimeoutMs?: number; maxCallMs?: number; sweepIntervalMs?: number };
}

/** Methods that may create a dialog: the ones we Record-Route (§16.6 step 4). */
const DIALOG_CREATING: ReadonlySet<string> = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'NOTIFY']);

interface Pending {
  ctx: ResponseContext | undefined;
  call: TrackedCall | undefined;
}

export class ProxyCore implements TransactionUser {
  readonly dialogs: DialogTracker;
  readonly cdr: CdrRecorder;
  readonly identity: LocalIdentity;
  readonly #o: ProxyCoreOptions;
  readonly #log: Logger;
  readonly #forwarder: Forwarder;
  readonly #relay: StatelessRelay;
  readonly #supported: ReadonlySet<string>;
  readonly #now: () => number;
  /** INVITE server transactions being routed or proxied (CANCEL looks them up). */
  readonly #pending = new Map<ServerTransaction, Pending>();

  constructor(options: ProxyCoreOptions) {
    this.#o = options;
    this.#log = options.logger.child({ module: 'proxy' });
    this.#now = options.now ?? Date.now;
    this.#supported = new Set((options.proxyRequire ?? []).map((t) => t.toLowerCase()));
    this.identity = new LocalIdentity({
      endpoints: () => options.transport.endpoints,
      domains: options.domains,
      isLocalDomain: (h) => options.registrar.isLocalDomain(h),
      aliases: options.aliases,
      recordRouteHost: options.recordRouteHost,
    });
    this.#forwarder = new Forwarder(this.identity, options.resolver);
    this.#relay = new StatelessRelay(this.identity, this.#forwarder, options.transport, this.#log);
    this.cdr = new CdrRecorder({ store: options.cdrs, timers: options.timers, logger: options.logger });
    this.dialogs = new DialogTracker({
      timers: options.timers, now: this.#now, ...options.dialogs,
      onEnd: (call, end, at) => this.#callEnded(call, end, at),
    });
  }

  /** Starts the stale-call sweep. */
  start(): void {
    this.dialogs.start();
  }

  /** Stops timers and waits for CDR writes in flight. */
  async stop(): Promise<void> {
    this.dialogs.stop();
    await this.cdr.flush();
  }

  // ---- TransactionUser --------------------------------------------------------------------------

  onRequest(tx: ServerTransaction, request: SipRequest, info: InboundInfo): void {
    this.#handle(tx, request, info).catch((err: unknown) => {
      const log = this.#log.child({ callId: safeCallId(request) });
      if (err instanceof ParseError) {
        log.info({ field: err.field, reason: err.reason }, 'malformed request answered 400');
        this.#reply(tx, request, { status: 400, reason: err.reason });
        return;
      }
      log.error({ err }, 'request handling failed');
      this.#reply(tx, request, { status: 500 });
    });
  }

  onAck(request: SipRequest, info: InboundInfo): void {
    void this.#relay.forwardAck(request, info);
  }

  onStrayResponse(response: SipResponse): void {
    this.#relay.forwardStray(response);
  }

  onCancel(cancelTx: NonInviteServerTransaction, invite: InviteServerTransaction | undefined): void {
    const cancel = cancelTx.request;
    const log = this.#log.child({ callId: safeCallId(cancel) });
    // §16.10: without a response context the CANCEL has nothing to act on (a stateless forward would
    // reach a branch we never created); 481 as a UAS would answer.
    if (invite === undefined) {
      log.info('CANCEL matches no INVITE; 481');
      cancelTx.respond(createResponse(cancel, 481, undefined, { toTag: generateTag() }));
      return;
    }
    cancelTx.respond(createResponse(cancel, 200, undefined, { toTag: invite.lastProvisional?.to.tag ?? generateTag() }));
    const pending = this.#pending.get(invite);
    const reasons = safe(() => cancel.headerValues('Reason'), []);
    let cancelled: boolean;
    if (pending?.ctx !== undefined) cancelled = pending.ctx.cancel(reasons);
    else {
      cancelled = invite.state === 'Proceeding';
      if (cancelled) invite.respond(createResponse(invite.request, 487, undefined, { toTag: generateTag() }));
    }
    log.info({ cancelled }, 'CANCEL from the caller');
    if (cancelled && pending?.call !== undefined) {
      this.dialogs.end(pending.call, { kind: 'cancel', status: 487, cause: reasons[0], releasedBy: 'caller' });
    }
  }

  onTimeout(tx: ServerTransaction): void {
    this.#log.debug({ callId: safeCallId(tx.request) }, 'no ACK for a final response (Timer H)');
  }

  onTransportError(tx: ServerTransaction, error: Error): void {
    this.#log.info({ callId: safeCallId(tx.request), err: error }, 'response could not be sent upstream');
  }

  // ---- requests ---------------------------------------------------------------------------------

  async #handle(tx: ServerTransaction, request: SipRequest, info: InboundInfo): Promise<void> {
    const log = this.#log.child({ callId: request.callId });
    log.info({ method: request.method, uri: request.uriText, source: `${info.source.protocol}:${info.source.address}:${info.source.port}` }, 'request received');
    const v = validateRequest(request, this.identity, this.#supported);
    if (v.kind === 'reject') {
      log.info({ status: v.rejection.status }, 'request rejected');
      this.#reply(tx, request, v.rejection);
      return;
    }
    if (v.kind === 'options-to-us') {
      this.#answerOptions(tx, request);
      return;
    }
    const work = copyRequest(request);
    const routing = processRoutes(work, this.identity);
    if (routing.strictRouted) log.debug({ uri: work.uriText }, 'Request-URI restored from Route (strict router upstream)');
    const routed = work.routes.length > 0;
    if (!routed && isAddressedToUs(work.uri, this.identity)) {
      if (request.method === 'REGISTER') await this.#o.registrar.handle(tx, request, info);
      else if (request.method === 'OPTIONS') this.#answerOptions(tx, request);
      else this.#reply(tx, request, { status: 404 });
      return;
    }
    if (!routed && request.method === 'REGISTER' && this.identity.isLocalDomain(work.uri.host)) {
      await this.#o.registrar.handle(tx, request, info);
      return;
    }
    const fwd = { inbound: info, loopHash: loopHash(request, request.vias[0]), recordRoute: false };
    if (request.to.tag !== undefined) {
      await this.#inDialog(tx, request, work, fwd, log);
      return;
    }
    fwd.recordRoute = (this.#o.recordRoute ?? true) && DIALOG_CREATING.has(request.method);
    await this.#initial(tx, request, work, fwd, log);
  }

  /** A request inside a dialog: by its Route set (loose routing), else to its Request-URI. */
  async #inDialog(tx: ServerTransaction, request: SipRequest, work: SipRequest, fwd: FwdCtx, log: Logger): Promise<void> {
    let plan: Plan = [[{ label: work.routes.length > 0 ? `route ${work.routes[0].uri.toString()}` : `r-uri ${work.uriText}` }]];
    if (work.routes.length === 0 && this.identity.isUs(work.uri)) {
      const local = await this.#locate(work, log);
      if (local === undefined || local.length === 0) {
        // https://www.rfc-editor.org/rfc/rfc3261#section-12.2.2 — no dialog of ours to match.
        this.#reply(tx, request, { status: 481 });
        return;
      }
      plan = local;
    }
    if (request.method === 'BYE') {
      const match = this.dialogs.find(request.callId, request.from.tag, request.to.tag);
      if (match !== undefined) {
        const reason = safe(() => request.header('Reason'), undefined);
        this.dialogs.end(match.call, { kind: 'bye', status: 200, cause: reason, releasedBy: match.fromCaller ? 'caller' : 'callee' });
      }
    }
    this.#proxy(tx, work, fwd, plan, {}, log);
  }

  /** An out-of-dialog request: target determination (§16.5), then proxy or redirect. */
  async #initial(tx: ServerTransaction, request: SipRequest, work: SipRequest, fwd: FwdCtx, log: Logger): Promise<void> {
    const invite = request.method === 'INVITE';
    const redirect = this.#o.mode === 'redirect' && invite;
    const sourceTrunk = this.#o.trunks.identify(fwd.inbound.source);
    const call = invite && !redirect ? this.dialogs.begin(callSetup(request, sourceTrunk)) : undefined;
    if (invite) this.#pending.set(tx, { ctx: undefined, call });
    const still = (): boolean => !invite || tx.state === 'Proceeding';
    try {
      let plan: Plan;
      if (work.routes.length > 0) {
        // A pre-loaded Route set (e.g. an outbound proxy chain) is honoured as is.
        plan = [[{ label: `route ${work.routes[0].uri.toString()}` }]];
      } else {
        const decided = await this.#targets(tx, request, work, sourceTrunk, call, log);
        if (decided === undefined || !still()) return;
        plan = decided;
      }
      if (!still()) return;
      if (redirect) {
        const contacts = redirectContacts(plan);
        log.info({ contacts: contacts.length }, 'redirected (302)');
        this.#reply(tx, request, { status: 302, reason: 'Moved Temporarily', headers: contacts.map((c): [string, string] => ['Contact', c]) });
        return;
      }
      this.#proxy(tx, work, fwd, plan, call === undefined ? {} : this.#callHooks(call), log, call);
    } finally {
      const p = this.#pending.get(tx);
      if (p !== undefined && p.ctx === undefined) this.#pending.delete(tx);
    }
  }

  /** §16.5: a local domain's registered contacts, else the router's targets. Answers and returns undefined when there are none. */
  async #targets(tx: ServerTransaction, request: SipRequest, work: SipRequest, sourceTrunk: string | undefined, call: TrackedCall | undefined, log: Logger): Promise<Plan | undefined> {
    const local = await this.#locate(work, log);
    if (local !== undefined) {
      if (local.length === 0) {
        this.#refuse(tx, request, call, { status: 480, reason: 'Temporarily Unavailable' }, log);
        return undefined;
      }
      if (call !== undefined) this.dialogs.routed(call, { calledRouted: canonicalAor(work.uri) });
      return local;
    }
    const called = dialled(work);
    const decision = await this.#o.router.route({ called, caller: request.from.uri.user ?? request.from.uri.toString(), sourceTrunk, at: new Date(this.#now()) });
    log.debug({ trace: decision.trace }, 'routing trace');
    if (decision.kind === 'no-route') {
      log.info({ called, status: decision.status, reason: decision.reason }, 'routing decision: no route');
      const phrase = decision.status === 484 ? 'Address Incomplete' : 'No Route';
      const headers: Array<[string, string]> = [['Reason', `SIP;cause=${decision.status};text="${decision.reason.replace(/["\\]/g, '')}"`]];
      this.#refuse(tx, request, call, { status: decision.status, reason: phrase, headers }, log, 'no-route');
      return undefined;
    }
    const trace: string[] = [];
    const plan = planFromRoute(decision.targets, trace);
    log.info({ called: decision.called, rule: decision.rule, targets: decision.targets.map((t) => t.trunk), skipped: trace }, 'routing decision');
    if (call !== undefined) this.dialogs.routed(call, { calledRouted: decision.called, routeRule: decision.rule });
    if (plan.length === 0) {
      this.#refuse(tx, request, call, { status: 503, reason: 'No Usable Route' }, log);
      return undefined;
    }
    return plan;
  }

  /** Registered contacts of a local-domain Request-URI; undefined when it is not one (or the AOR is unknown). */
  async #locate(work: SipRequest, log: Logger): Promise<Plan | undefined> {
    const uri = work.uri;
    if (!uri.isSip || uri.user === undefined || uri.user === '' || !this.identity.isLocalDomain(uri.host)) return undefined;
    const aor = canonicalAor(uri);
    const contacts = await this.#o.registrar.lookup(aor);
    if (contacts === undefined) {
      log.info({ aor }, 'not a registered user here; asking the router');
      return undefined;
    }
    const trace: string[] = [];
    const plan = planFromContacts(contacts, trace);
    log.info({ aor, contacts: contacts.length, groups: plan.length, skipped: trace }, 'location lookup');
    return plan;
  }

  #proxy(tx: ServerTransaction, work: SipRequest, fwd: FwdCtx, plan: Plan, hooks: ContextHooks, log: Logger, call?: TrackedCall): void {
    const deps = { transactions: this.#o.transactions, timers: this.#o.timers, trunks: this.#o.trunks, forwarder: this.#forwarder, timerCMs: this.#o.timerCMs ?? 180_000 };
    const ctx = new ResponseContext(deps, tx, work, fwd, plan, {
      ...hooks,
      onFinal: (res, synthetic) => {
        log.info({ status: res.status, synthetic }, 'final response sent upstream');
        hooks.onFinal?.(res, synthetic);
      },
      onDone: () => {
        if (this.#pending.get(tx)?.ctx === ctx) this.#pending.delete(tx);
      },
    }, log);
    ctx.start();
    // CANCEL finds the context of a pending INVITE (initial or re-INVITE) through its server transaction
    if (tx.kind === 'ist' && !ctx.done) this.#pending.set(tx, { ctx, call });
  }

  /** Call bookkeeping for an initial INVITE's response context. */
  #callHooks(call: TrackedCall): ContextHooks {
    return {
      onBranch: (spec) => this.dialogs.trying(call, spec.trunk),
      onAnswered: (res, spec, holdsTrunk) => this.dialogs.answered(call, res.to.tag, spec.trunk, holdsTrunk ? spec.trunk : undefined) && holdsTrunk,
      onFinal: (res, synthetic) => {
        if (call.state !== 'setup') return;
        const cause = safe(() => res.header('Reason'), undefined);
        this.dialogs.end(call, { kind: 'response', status: res.status, cause, releasedBy: synthetic ? 'switch' : 'callee', synthetic });
      },
    };
  }

  #callEnded(call: TrackedCall, end: CallEnd, at: number): void {
    if (call.heldTrunk !== undefined) this.#o.trunks.release(call.heldTrunk);
    const cdr = this.cdr.record(call, end, at);
    this.#log.info({ callId: call.callId, disposition: cdr.disposition, status: cdr.finalStatus, cause: cdr.releaseCause, by: cdr.releasedBy, durationSec: cdr.durationSec }, 'call ended');
  }

  #refuse(tx: ServerTransaction, request: SipRequest, call: TrackedCall | undefined, rejection: Rejection, log: Logger, kind: 'response' | 'no-route' = 'response'): void {
    log.info({ status: rejection.status }, `answered ${rejection.status} ${rejection.reason ?? ''}`.trim());
    this.#reply(tx, request, rejection);
    if (call !== undefined) this.dialogs.end(call, { kind, status: rejection.status, cause: undefined, releasedBy: 'switch', synthetic: true });
  }

  #answerOptions(tx: ServerTransaction, request: SipRequest): void {
    this.#reply(tx, request, { status: 200, headers: [['Allow', PROXY_ALLOW], ['Accept', 'application/sdp'], ['Supported', 'path']] });
  }

  #reply(tx: ServerTransaction, request: SipRequest, r: Rejection): void {
    const pending = tx.kind === 'ist' ? tx.state === 'Proceeding' : tx.state === 'Trying' || tx.state === 'Proceeding';
    if (!pending) return;
    const headers: Array<[string, string]> = [['Server', this.#o.userAgent], ...(r.headers ?? [])];
    tx.respond(createResponse(request, r.status, r.reason, { toTag: generateTag(), headers }));
  }
}

type FwdCtx = { inbound: InboundInfo; loopHash: string; recordRoute: boolean };

/** The called party as dialled: the Request-URI user (or tel number), else the whole URI. */
function dialled(request: SipRequest): string {
  const uri = request.uri;
  return uri.number ?? uri.user ?? uri.toString();
}

function callSetup(request: SipRequest, sourceTrunk: string | undefined): Parameters<DialogTracker['begin']>[0] {
  const rph = safe(() => request.resourcePriority[0], undefined);
  return {
    callId: request.callId,
    fromTag: request.from.tag ?? '',
    caller: request.from.uri.toString(),
    calledDialled: dialled(request),
    sourceTrunk,
    priority: rph === undefined ? undefined : { namespace: rph.namespace, value: rph.priority },
  };
}

function safe<T, D>(fn: () => T, fallback: D): T | D {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function safeCallId(request: SipRequest): string | undefined {
  return safe(() => request.callId, undefined);
}
