// Common machinery of the four transaction state machines: state, named RFC timers, and sending
// with transport failures funnelled into one handler. The state machines themselves live in the
// subclasses, one per RFC 3261 §17 figure.
import type { SipRequest } from '../message/index.js';
import type { TimerHandle } from '../../util/timers.js';
import type { AnyTransaction, TimerValues, TransactionEnvironment, TransactionKind, TransactionState } from './types.js';

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

export abstract class Transaction<S extends TransactionState, T extends string> {
  abstract readonly kind: TransactionKind;
  /** The key this transaction is stored under in its layer's table. */
  readonly id: string;
  /** The request that created the transaction. */
  readonly request: SipRequest;
  #state: S;
  #reliable: boolean;
  readonly #env: TransactionEnvironment;
  readonly #timers = new Map<T, TimerHandle>();

  protected constructor(env: TransactionEnvironment, id: string, request: SipRequest, initial: S, reliable: boolean) {
    this.#env = env;
    this.id = id;
    this.request = request;
    this.#state = initial;
    this.#reliable = reliable;
  }

  get state(): S {
    return this.#state;
  }

  /** Whether the transport under this transaction is reliable (no retransmission timers, zero-length wait timers). */
  get reliable(): boolean {
    return this.#reliable;
  }

  /** The request method (for ACK matching the INVITE server transaction, still INVITE). */
  get method(): string {
    return this.request.method;
  }

  /**
   * Ends the transaction without telling the TU (layer shutdown). Timers are cleared and the layer
   * drops it from its tables.
   */
  dispose(): void {
    this.transition('Terminated' as S);
  }

  protected get env(): TransactionEnvironment {
    return this.#env;
  }

  protected get values(): Readonly<TimerValues> {
    return this.#env.timerValues;
  }

  protected markReliable(): void {
    this.#reliable = true;
  }

  /** Moves to `to`; entering Terminated clears every timer. Leaving Terminated is impossible. */
  protected transition(to: S): void {
    const from = this.#state;
    if (from === 'Terminated' || from === to) return;
    this.#state = to;
    if (to === 'Terminated') {
      for (const h of this.#timers.values()) this.#env.timers.clear(h);
      this.#timers.clear();
    }
    this.#env.onStateChange(this as unknown as AnyTransaction, from, to);
  }

  /** (Re)starts the named RFC timer. */
  protected startTimer(name: T, ms: number, fire: () => void): void {
    this.stopTimer(name);
    const handle = this.#env.timers.set(() => {
      this.#timers.delete(name);
      fire();
    }, ms);
    this.#timers.set(name, handle);
  }

  protected stopTimer(name: T): void {
    const h = this.#timers.get(name);
    if (h === undefined) return;
    this.#env.timers.clear(h);
    this.#timers.delete(name);
  }

  /**
   * Runs a transport operation; a synchronous throw or a rejection both end up in `onSendFailure`
   * (always asynchronously, so the caller never sees a failure before it holds the transaction).
   */
  protected dispatch<R>(op: () => Promise<R>, onSent?: (result: R) => void): void {
    let p: Promise<R>;
    try {
      p = op();
    } catch (e) {
      p = Promise.reject(asError(e));
    }
    p.then(
      (result) => onSent?.(result),
      (e: unknown) => {
        if (this.#state !== 'Terminated') this.onSendFailure(asError(e));
      },
    );
  }

  /** A send failed while the transaction was not yet Terminated. */
  protected abstract onSendFailure(error: Error): void;
}
