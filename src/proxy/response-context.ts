// The response context of one proxied request (RFC 3261 §16.7): its branches (client transactions),
// serial and parallel forking over a plan of target groups, Timer C, CANCEL fan-out, failover across
// trunks, and the choice of the response the caller gets.
import type { Logger } from 'pino';
import { createResponse, generateTag, type SipRequest, type SipResponse } from '../sip/message/index.js';
import type { ClientTransaction, ClientTransactionUser, ServerTransaction, TransactionLayer } from '../sip/transaction/index.js';
import type { TimerHandle, TimerService } from '../util/timers.js';
import { type BranchFinal, chooseBest, finalForCaller, upstreamCopy } from './best-response.js';
import type { BranchSpec, ForwardContext, Forwarder } from './forwarding.js';
import type { Plan } from './target-plan.js';
import type { TrunkStatus } from './trunks.js';

/** What the context needs of the trunk manager. */
export interface TrunkCapacity {
  status(name: string): TrunkStatus;
  acquire(name: string): boolean;
  release(name: string): void;
}

export interface ContextDeps {
  transactions: Pick<TransactionLayer, 'sendRequest' | 'cancel' | 'timerValues'>;
  timers: TimerService;
  trunks: TrunkCapacity;
  forwarder: Forwarder;
  /** Timer C (RFC 3261 §16.6 step 11), > 3 minutes. */
  timerCMs: number;
}

export interface ContextHooks {
  /** A branch is about to be tried. */
  onBranch?(spec: BranchSpec): void;
  /** A 2xx went upstream. Return true to take over the trunk slot the branch holds (the call keeps it). */
  onAnswered?(response: SipResponse, spec: BranchSpec, holdsTrunk: boolean): boolean;
  /** The final non-2xx response that went upstream (`synthetic`: made up here, not received). */
  onFinal?(response: SipResponse, synthetic: boolean): void;
  /** Final response sent and every branch finished. */
  onDone?(): void;
}

type BranchState = 'preparing' | 'sent' | 'done';

interface Branch {
  readonly spec: BranchSpec;
  state: BranchState;
  tx: ClientTransaction | undefined;
  provisional: boolean;
  answered: boolean;
  holdsTrunk: boolean;
  cancelled: boolean;
  timerC: TimerHandle | undefined;
  noResponse: TimerHandle | undefined;
  guard: TimerHandle | undefined;
  final: BranchFinal | undefined;
}

const REASON_ANSWERED: [string, string] = ['Reason', 'SIP;cause=200;text="Call completed elsewhere"'];
const REASON_DECLINED: [string, string] = ['Reason', 'SIP;cause=600;text="Busy Everywhere"'];

export class ResponseContext {
  readonly #deps: ContextDeps;
  readonly #server: ServerTransaction;
  readonly #request: SipRequest;
  readonly #fwd: ForwardContext;
  readonly #plan: Plan;
  readonly #hooks: ContextHooks;
  readonly #log: Logger;
  readonly #invite: boolean;
  /** Capacity is taken for new calls only (an out-of-dialog INVITE), not for in-dialog requests. */
  readonly #takesCapacity: boolean;
  readonly #branches: Branch[] = [];
  readonly #finals: BranchFinal[] = [];
  #current: Branch[] = [];
  #group = -1;
  #order = 0;
  #answered = false;
  #finalSent = false;
  /** A 2xx, a 6xx or the caller's CANCEL: no new branches (§16.7 steps 5, 10). */
  #closed = false;
  #cancelledByCaller = false;
  #doneReported = false;

  constructor(deps: ContextDeps, server: ServerTransaction, request: SipRequest, fwd: ForwardContext, plan: Plan, hooks: ContextHooks, log: Logger) {
    this.#deps = deps;
    this.#server = server;
    this.#request = request;
    this.#fwd = fwd;
    this.#plan = plan;
    this.#hooks = hooks;
    this.#log = log;
    this.#invite = request.method === 'INVITE';
    this.#takesCapacity = this.#invite && request.to.tag === undefined;
  }

  /** Final response sent and every branch finished (onDone was called). */
  get done(): boolean {
    return this.#doneReported;
  }

  get finalSent(): boolean {
    return this.#finalSent;
  }

  /** Branches not yet finished. */
  get pending(): number {
    return this.#branches.filter((b) => b.state !== 'done').length;
  }

  start(): void {
    this.#advance();
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-16.10
   * "If a matching response context is found, the element MUST immediately return a 200 (OK) response
   * to the CANCEL request. [...] Furthermore, the element MUST generate CANCEL requests for all pending
   * client transactions in the context as described in Section 16.7 step 10." The INVITE is answered
   * 487 at once; branches answered later are absorbed. Returns false when the final response went already.
   */
  cancel(reason: readonly string[]): boolean {
    if (this.#finalSent) return false;
    this.#cancelledByCaller = true;
    this.#closed = true;
    const headers = reason.map((r): [string, string] => ['Reason', r]);
    for (const b of this.#branches) if (b.state !== 'done') this.#cancelBranch(b, headers);
    this.#finalSent = true;
    this.#server.respond(createResponse(this.#server.request, 487, undefined, { toTag: generateTag() }));
    this.#check();
    return true;
  }

  // ---- branches --------------------------------------------------------------------------------

  #advance(): void {
    this.#group++;
    if (this.#group >= this.#plan.length) {
      this.#finish();
      return;
    }
    const group = this.#plan[this.#group].map((spec): Branch => ({
      spec, state: 'preparing', tx: undefined, provisional: false, answered: false, holdsTrunk: false, cancelled: false,
      timerC: undefined, noResponse: undefined, guard: undefined, final: undefined,
    }));
    this.#current = group;
    this.#branches.push(...group);
    for (const b of group) void this.#launch(b);
  }

  async #launch(b: Branch): Promise<void> {
    const { trunks } = this.#deps;
    const trunk = b.spec.trunk;
    if (trunk !== undefined) {
      const status = trunks.status(trunk);
      if (!status.up) return this.#skip(b, `${trunk}: down, skipped`);
      if (this.#takesCapacity) {
        if (status.full || !trunks.acquire(trunk)) return this.#skip(b, `${trunk}: at capacity (calls or cps), skipped`);
        b.holdsTrunk = true;
      }
    }
    this.#hooks.onBranch?.(b.spec);
    let prepared;
    try {
      prepared = await this.#deps.forwarder.prepare(this.#request, b.spec, this.#fwd);
    } catch (err) {
      this.#log.error({ err, target: b.spec.label }, 'building the forwarded request failed');
      prepared = { ok: false as const, status: 500, reason: 'Server Internal Error' };
    }
    if (this.#closed) {
      this.#complete(b, undefined, 487, 'Request Terminated', false);
      return;
    }
    if (!prepared.ok) {
      this.#log.info({ target: b.spec.label, status: prepared.status }, `branch not sent: ${prepared.reason}`);
      this.#complete(b, undefined, prepared.status, prepared.reason);
      return;
    }
    this.#log.info({ target: b.spec.label, destination: prepared.destination }, 'branch sent');
    try {
      b.tx = this.#deps.transactions.sendRequest(prepared.request, prepared.destination, this.#userFor(b));
    } catch (err) {
      this.#log.error({ err, target: b.spec.label }, 'client transaction not started');
      this.#complete(b, undefined, 503, 'Service Unavailable');
      return;
    }
    b.state = 'sent';
    if (this.#invite) this.#armTimerC(b);
    const timeout = b.spec.timeoutMs;
    if (timeout !== undefined && timeout > 0) {
      b.noResponse = this.#deps.timers.set(() => {
        b.noResponse = undefined;
        this.#log.info({ target: b.spec.label, timeoutMs: timeout }, 'no response in time; branch abandoned as 408');
        this.#abandon(b);
      }, timeout);
    }
  }

  #skip(b: Branch, why: string): void {
    this.#log.info({ target: b.spec.label }, why);
    this.#complete(b, undefined, 503, 'Service Unavailable');
  }

  #userFor(b: Branch): ClientTransactionUser {
    return {
      onResponse: (response) => this.#onResponse(b, response),
      onTimeout: () => {
        this.#deps.timers.clear(b.guard);
        this.#complete(b, undefined, 408, 'Request Timeout');
      },
      onTransportError: (_tx, error) => {
        this.#deps.timers.clear(b.guard);
        this.#log.info({ target: b.spec.label, err: error }, 'transport error on branch');
        this.#complete(b, undefined, 503, 'Service Unavailable');
      },
    };
  }

  #onResponse(b: Branch, response: SipResponse): void {
    const status = response.status;
    if (status >= 200) this.#deps.timers.clear(b.guard);
    if (status >= 200 && status < 300) {
      this.#on2xx(b, response);
      return;
    }
    if (b.state === 'done') return; // after Timer C, the no-response timeout or our CANCEL gave up on it
    if (status < 200) {
      this.#deps.timers.clear(b.noResponse);
      b.noResponse = undefined;
      b.provisional = true;
      // §16.7 step 2: "If the response is a provisional response [...] the proxy MUST reset timer C"
      if (this.#invite) this.#armTimerC(b);
      // §16.7 step 5: "Any provisional response other than a 100 (Trying) MUST be forwarded upstream immediately."
      if (status > 100 && !this.#finalSent) this.#server.respond(upstreamCopy(response));
      return;
    }
    this.#complete(b, response, status, response.reason);
  }

  /**
   * §16.7 step 5: "Any 2xx response to an INVITE request MUST be forwarded upstream immediately"; step
   * 10: "If a final response was forwarded upstream [...] the proxy MUST generate a CANCEL request for
   * all pending client transactions associated with this response context." Every 2xx goes up, the
   * retransmissions and the second answer of a fork included (the caller sorts out the dialogs).
   */
  #on2xx(b: Branch, response: SipResponse): void {
    this.#clearTimers(b);
    this.#server.respond(upstreamCopy(response));
    if (b.answered) return;
    b.answered = true;
    if (b.state !== 'done') {
      b.state = 'done';
      b.final = { status: response.status, reason: response.reason, response, order: this.#order++ };
      this.#finals.push(b.final);
    }
    const kept = this.#hooks.onAnswered?.(response, b.spec, b.holdsTrunk) ?? false;
    if (b.holdsTrunk && !kept) this.#release(b);
    b.holdsTrunk = false;
    this.#log.info({ target: b.spec.label, status: response.status }, 'answered');
    if (!this.#answered) {
      this.#answered = true;
      this.#finalSent = true;
      this.#closed = true;
      if (this.#invite) for (const other of this.#branches) if (other !== b && other.state !== 'done') this.#cancelBranch(other, [REASON_ANSWERED]);
    }
    this.#check();
  }

  /** A branch ends with a final non-2xx outcome: received (`response`) or made up here. */
  #complete(b: Branch, response: SipResponse | undefined, status: number, reason: string, counts = true): void {
    if (b.state === 'done') return;
    b.state = 'done';
    this.#clearTimers(b);
    this.#release(b);
    if (counts) {
      b.final = { status, reason, response, order: this.#order++ };
      this.#finals.push(b.final);
    }
    if (counts) this.#log.info({ target: b.spec.label, status, made: response === undefined }, `branch ended ${status} ${reason}`);
    // §16.7 step 5: "If a 6xx response is received, it is not immediately forwarded, but the stateful
    // proxy SHOULD cancel all client pending transactions [...] and it MUST NOT create any new branches"
    if (status >= 600 && response !== undefined && !this.#closed) {
      this.#closed = true;
      for (const other of this.#branches) if (other.state !== 'done') this.#cancelBranch(other, [REASON_DECLINED]);
    }
    this.#check();
  }

  /** Once the current group is finished: next group, or the best response upstream. */
  #check(): void {
    if (this.#current.some((b) => b.state !== 'done')) return;
    if (this.#finalSent) {
      this.#reportDone();
      return;
    }
    if (!this.#closed && this.#group + 1 < this.#plan.length) {
      const blocker = this.#current.find((b) => !mayFailOver(b.spec, b.final));
      if (blocker === undefined) {
        this.#log.info({ group: this.#group + 1 }, 'failing over to the next target');
        this.#advance();
        return;
      }
      this.#log.info({ target: blocker.spec.label, status: blocker.final?.status }, 'status not in failoverOn; no further targets tried');
    }
    this.#finish();
  }

  #finish(): void {
    if (this.#finalSent) {
      this.#reportDone();
      return;
    }
    const best = chooseBest(this.#finals);
    const response = finalForCaller(best, this.#finals, this.#server.request);
    this.#finalSent = true;
    this.#server.respond(response);
    this.#hooks.onFinal?.(response, best?.response === undefined);
    this.#reportDone();
  }

  #reportDone(): void {
    if (this.#doneReported || !this.#finalSent || this.#branches.some((b) => b.state !== 'done')) return;
    this.#doneReported = true;
    this.#hooks.onDone?.();
  }

  // ---- timers and cancellation ----------------------------------------------------------------

  /**
   * §16.8: "If timer C should fire, the proxy MUST either reset the timer with any value it chooses, or
   * terminate the client transaction. If the client transaction has received a provisional response,
   * the proxy MUST generate a CANCEL request matching that transaction. If the client transaction has
   * not received a provisional response, the proxy MUST behave as if the transaction received a 408."
   */
  #armTimerC(b: Branch): void {
    this.#deps.timers.clear(b.timerC);
    b.timerC = this.#deps.timers.set(() => {
      b.timerC = undefined;
      this.#log.info({ target: b.spec.label }, 'Timer C fired; branch cancelled as 408');
      this.#abandon(b);
    }, this.#deps.timerCMs);
  }

  /** Gives up on a branch: CANCEL it (INVITE) and count it as a 408 now. */
  #abandon(b: Branch): void {
    if (b.state === 'done') return;
    if (this.#invite) this.#cancelBranch(b, []);
    this.#complete(b, undefined, 408, 'Request Timeout');
  }

  /**
   * §9.1: "If there is no final response for the original request in 64*T1 seconds [...], the client
   * SHOULD then consider the original transaction cancelled and SHOULD destroy the client transaction
   * handling the original request." (The INVITE client transaction has no timer in Proceeding.)
   */
  #cancelBranch(b: Branch, headers: ReadonlyArray<[string, string]>): void {
    if (b.cancelled) return;
    b.cancelled = true;
    const tx = b.tx;
    if (tx === undefined || tx.kind !== 'ict') return; // still preparing: dropped when ready
    this.#deps.transactions.cancel(tx, { headers });
    b.guard = this.#deps.timers.set(() => {
      b.guard = undefined;
      if (tx.state === 'Calling' || tx.state === 'Proceeding') tx.dispose();
      this.#complete(b, undefined, 487, 'Request Terminated', false);
    }, 64 * this.#deps.transactions.timerValues.t1);
  }

  #clearTimers(b: Branch): void {
    const t = this.#deps.timers;
    t.clear(b.timerC);
    t.clear(b.noResponse);
    b.timerC = undefined;
    b.noResponse = undefined;
  }

  #release(b: Branch): void {
    if (!b.holdsTrunk || b.spec.trunk === undefined) return;
    b.holdsTrunk = false;
    this.#deps.trunks.release(b.spec.trunk);
  }
}

/** Router targets fail over on their failoverOn statuses and on anything made up here; q groups always. */
function mayFailOver(spec: BranchSpec, final: BranchFinal | undefined): boolean {
  if (spec.failoverOn === undefined || final === undefined || final.response === undefined) return true;
  return spec.failoverOn.includes(final.status);
}
