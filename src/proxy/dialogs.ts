// Every call set up through the switch, from the INVITE to its end: a final non-2xx, a CANCEL, a BYE
// from either side, or (when the end was never seen) a bounded lifetime. The proxy keeps no dialog state
// of its own (it is not a UA); this is bookkeeping for admission control, pre-emption, the API and CDRs.
import { randomUUID } from 'node:crypto';
import type { TimerHandle, TimerService } from '../util/timers.js';

export interface CallSetup {
  callId: string;
  /** The caller's From tag. */
  fromTag: string;
  /** The caller (From URI). */
  caller: string;
  /** Called number/URI as dialled. */
  calledDialled: string;
  sourceTrunk: string | undefined;
  /** First r-value of Resource-Priority (RFC 4412), if any. */
  priority: { namespace: string; value: string } | undefined;
}

export type CallState = 'setup' | 'answered';

export interface TrackedCall extends CallSetup {
  /** Unique id (also the CDR id). */
  readonly id: string;
  state: CallState;
  /** Epoch ms. */
  setupAt: number;
  answeredAt: number | undefined;
  /** The callee's To tag, once answered. */
  toTag: string | undefined;
  calledRouted: string | undefined;
  routeRule: string | undefined;
  destinationTrunk: string | undefined;
  /** Trunk capacity the call holds until it ends (released through `onEnd`). */
  heldTrunk: string | undefined;
}

export type CallEndKind = 'bye' | 'cancel' | 'response' | 'no-route' | 'stale';

export interface CallEnd {
  kind: CallEndKind;
  /** Final status of the INVITE (200 once answered). */
  status: number;
  /** Release cause text (a Reason header, or e.g. `SIP 486`, `timeout`). */
  cause: string | undefined;
  releasedBy: 'caller' | 'callee' | 'switch' | undefined;
  /** The proxy made the final response up (timeout, transport failure, no capacity). */
  synthetic?: boolean;
}

export interface DialogTrackerOptions {
  timers: TimerService;
  /** Wall clock, epoch ms (default Date.now). */
  now?: () => number;
  /** Called once per call when it ends, with the call already removed. */
  onEnd?: (call: TrackedCall, end: CallEnd, endedAt: number) => void;
  /** A call still in setup after this is dropped (default 300 000 ms: beyond Timer C and 64·T1). */
  setupTimeoutMs?: number;
  /** An answered call whose BYE was never seen is dropped after this (default 4 h). */
  maxCallMs?: number;
  /** How often stale calls are looked for (default 60 000 ms). */
  sweepIntervalMs?: number;
}

/** A call found by an in-dialog request, and which side sent it. */
export interface DialogMatch {
  call: TrackedCall;
  fromCaller: boolean;
}

export class DialogTracker {
  readonly #byCallId = new Map<string, TrackedCall[]>();
  readonly #timers: TimerService;
  readonly #now: () => number;
  readonly #onEnd: DialogTrackerOptions['onEnd'];
  readonly #setupTimeout: number;
  readonly #maxCall: number;
  readonly #sweepMs: number;
  #sweep: TimerHandle | undefined;
  #count = 0;

  constructor(options: DialogTrackerOptions) {
    this.#timers = options.timers;
    this.#now = options.now ?? Date.now;
    this.#onEnd = options.onEnd;
    this.#setupTimeout = options.setupTimeoutMs ?? 300_000;
    this.#maxCall = options.maxCallMs ?? 4 * 3_600_000;
    this.#sweepMs = options.sweepIntervalMs ?? 60_000;
  }

  start(): void {
    if (this.#sweep !== undefined) return;
    const tick = (): void => {
      this.#sweep = this.#timers.set(tick, this.#sweepMs);
      this.sweep();
    };
    this.#sweep = this.#timers.set(tick, this.#sweepMs);
  }

  stop(): void {
    this.#timers.clear(this.#sweep);
    this.#sweep = undefined;
  }

  get size(): number {
    return this.#count;
  }

  /** Copies of the calls in progress (setup and answered). */
  active(): TrackedCall[] {
    const out: TrackedCall[] = [];
    for (const list of this.#byCallId.values()) for (const c of list) out.push({ ...c });
    return out;
  }

  begin(setup: CallSetup): TrackedCall {
    const call: TrackedCall = {
      ...setup, id: randomUUID(), state: 'setup', setupAt: this.#now(), answeredAt: undefined, toTag: undefined,
      calledRouted: undefined, routeRule: undefined, destinationTrunk: undefined, heldTrunk: undefined,
    };
    let list = this.#byCallId.get(setup.callId);
    if (list === undefined) this.#byCallId.set(setup.callId, (list = []));
    list.push(call);
    this.#count++;
    return call;
  }

  routed(call: TrackedCall, info: { calledRouted?: string; routeRule?: string }): void {
    if (info.calledRouted !== undefined) call.calledRouted = info.calledRouted;
    if (info.routeRule !== undefined) call.routeRule = info.routeRule;
  }

  /**
   * The first 2xx: the call is answered towards `toTag`. Returns false when it was answered already (a
   * second 2xx of a forked INVITE), in which case the caller keeps whatever it held.
   */
  answered(call: TrackedCall, toTag: string | undefined, destinationTrunk: string | undefined, heldTrunk: string | undefined): boolean {
    if (call.state === 'answered' || !this.#tracked(call)) return false;
    call.state = 'answered';
    call.answeredAt = this.#now();
    call.toTag = toTag;
    call.destinationTrunk = destinationTrunk;
    call.heldTrunk = heldTrunk;
    return true;
  }

  /** Sets the trunk of the branch being tried (so a failed attempt records where it went last). */
  trying(call: TrackedCall, trunk: string | undefined): void {
    if (call.state === 'setup' && trunk !== undefined) call.destinationTrunk = trunk;
  }

  /** The answered call an in-dialog request belongs to (either direction). */
  find(callId: string, fromTag: string | undefined, toTag: string | undefined): DialogMatch | undefined {
    const list = this.#byCallId.get(callId);
    if (list === undefined) return undefined;
    for (const call of list) {
      if (call.state !== 'answered') continue;
      if (call.fromTag === fromTag && call.toTag === toTag) return { call, fromCaller: true };
      if (call.fromTag === toTag && call.toTag === fromTag) return { call, fromCaller: false };
    }
    return undefined;
  }

  /** Ends a call (idempotent: a call already ended is ignored). */
  end(call: TrackedCall, end: CallEnd): void {
    const list = this.#byCallId.get(call.callId);
    const i = list?.indexOf(call) ?? -1;
    if (list === undefined || i < 0) return;
    list.splice(i, 1);
    if (list.length === 0) this.#byCallId.delete(call.callId);
    this.#count--;
    this.#onEnd?.(call, end, this.#now());
  }

  /** Ends calls past their bounded lifetime (run by the sweep timer; public for tests). */
  sweep(): number {
    const now = this.#now();
    const stale: TrackedCall[] = [];
    for (const list of this.#byCallId.values()) {
      for (const c of list) {
        if (c.state === 'setup' ? now - c.setupAt > this.#setupTimeout : now - (c.answeredAt ?? c.setupAt) > this.#maxCall) stale.push(c);
      }
    }
    for (const c of stale) {
      this.end(c, { kind: 'stale', status: c.state === 'answered' ? 200 : 408, cause: 'stale', releasedBy: 'switch', synthetic: true });
    }
    return stale.length;
  }

  #tracked(call: TrackedCall): boolean {
    return this.#byCallId.get(call.callId)?.includes(call) ?? false;
  }
}
