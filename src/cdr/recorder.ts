// Turns the end of a call attempt into a CdrRecord and writes it through the CdrStore port. A failed
// write is logged with the Call-ID and retried a few times; it never throws into call processing, and a
// record that could not be written after the last try is logged in full so it can be recovered.
import type { Logger } from 'pino';
import type { TimerService } from '../util/timers.js';
import type { CdrDisposition, CdrRecord, CdrStore } from './cdr.js';

/** What the recorder needs to know about a call attempt (the proxy's TrackedCall has this shape). */
export interface CallAttempt {
  id: string;
  callId: string;
  caller: string;
  calledDialled: string;
  calledRouted: string | undefined;
  sourceTrunk: string | undefined;
  destinationTrunk: string | undefined;
  routeRule: string | undefined;
  /** Epoch ms. */
  setupAt: number;
  answeredAt: number | undefined;
  priority: { namespace: string; value: string } | undefined;
}

export interface AttemptEnd {
  /** How it ended: BYE, CANCEL, a final response, no route, or dropped as stale. */
  kind: 'bye' | 'cancel' | 'response' | 'no-route' | 'stale';
  /** Final status of the INVITE (200 once answered). */
  status: number;
  /** Reason header text or another release cause; a default is derived from `kind` when absent. */
  cause: string | undefined;
  releasedBy: 'caller' | 'callee' | 'switch' | undefined;
  /** The switch made the final response up (timeout, transport failure, no capacity). */
  synthetic?: boolean;
}

const BUSY: ReadonlySet<number> = new Set([486, 600]);
const NO_ANSWER: ReadonlySet<number> = new Set([408, 480]);
const REJECTED_6XX: ReadonlySet<number> = new Set([603, 604, 606]);

/**
 * answered / busy (486, 600) / no-answer (408, 480, stale setup) / cancelled (CANCEL) / no-route (the
 * router found none) / rejected (other 4xx, 603, 604, 606) / failed (3xx, 5xx and the rest).
 */
export function dispositionOf(end: AttemptEnd, answered: boolean): CdrDisposition {
  if (answered) return 'answered';
  if (end.kind === 'cancel') return 'cancelled';
  if (end.kind === 'no-route') return 'no-route';
  if (BUSY.has(end.status)) return 'busy';
  if (NO_ANSWER.has(end.status) || end.kind === 'stale') return 'no-answer';
  if ((end.status >= 400 && end.status < 500) || REJECTED_6XX.has(end.status)) return 'rejected';
  return 'failed';
}

function defaultCause(end: AttemptEnd): string {
  switch (end.kind) {
    case 'bye':
      return 'BYE';
    case 'cancel':
      return 'CANCEL';
    case 'stale':
      return 'stale';
    default:
      return end.synthetic && end.status === 408 ? 'timeout' : `SIP ${end.status}`;
  }
}

export function buildCdr(attempt: CallAttempt, end: AttemptEnd, endedAt: number): CdrRecord {
  const answered = attempt.answeredAt !== undefined;
  return {
    id: attempt.id,
    callId: attempt.callId,
    caller: attempt.caller,
    calledDialled: attempt.calledDialled,
    calledRouted: attempt.calledRouted,
    sourceTrunk: attempt.sourceTrunk,
    destinationTrunk: attempt.destinationTrunk,
    setupAt: attempt.setupAt,
    answeredAt: attempt.answeredAt,
    endedAt,
    durationSec: answered ? Math.max(0, Math.round(endedAt - (attempt.answeredAt ?? endedAt))) / 1000 : 0,
    disposition: dispositionOf(end, answered),
    finalStatus: answered ? 200 : end.status,
    releaseCause: end.cause ?? defaultCause(end),
    releasedBy: end.releasedBy,
    routeRule: attempt.routeRule,
    priorityNamespace: attempt.priority?.namespace,
    priorityValue: attempt.priority?.value,
  };
}

export interface CdrRecorderOptions {
  store: CdrStore;
  timers: TimerService;
  logger: Logger;
  /** Writes attempted per record (default 4: the first and three retries). */
  attempts?: number;
  /** Delay before the first retry, doubling after each (default 500 ms). */
  retryDelayMs?: number;
}

export class CdrRecorder {
  readonly #store: CdrStore;
  readonly #timers: TimerService;
  readonly #log: Logger;
  readonly #attempts: number;
  readonly #delay: number;
  readonly #inflight = new Set<Promise<void>>();
  #written = 0;
  #lost = 0;

  constructor(options: CdrRecorderOptions) {
    this.#store = options.store;
    this.#timers = options.timers;
    this.#log = options.logger.child({ module: 'cdr' });
    this.#attempts = Math.max(1, options.attempts ?? 4);
    this.#delay = options.retryDelayMs ?? 500;
  }

  /** Records written and records given up on. */
  get stats(): { written: number; lost: number; pending: number } {
    return { written: this.#written, lost: this.#lost, pending: this.#inflight.size };
  }

  /** Builds and writes the record in the background. */
  record(attempt: CallAttempt, end: AttemptEnd, endedAt: number): CdrRecord {
    const cdr = buildCdr(attempt, end, endedAt);
    const p = this.#write(cdr, 1).finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
    return cdr;
  }

  /** Resolves when every write started so far has succeeded or been given up (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  async #write(cdr: CdrRecord, attempt: number): Promise<void> {
    try {
      await this.#store.write(cdr);
      this.#written++;
      this.#log.debug({ callId: cdr.callId, cdrId: cdr.id, disposition: cdr.disposition }, 'CDR written');
    } catch (err) {
      if (attempt >= this.#attempts) {
        this.#lost++;
        this.#log.error({ callId: cdr.callId, err, cdr }, 'CDR write failed for good; record logged here');
        return;
      }
      const wait = this.#delay * 2 ** (attempt - 1);
      this.#log.warn({ callId: cdr.callId, err, attempt, retryInMs: wait }, 'CDR write failed; retrying');
      await new Promise<void>((resolve) => this.#timers.set(resolve, wait));
      await this.#write(cdr, attempt + 1);
    }
  }
}
