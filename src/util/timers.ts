// Injectable timer service (style §2.5): protocol code asks this port for timers instead of calling
// setTimeout directly, so state machines can be driven by a fake clock in tests.

/** Opaque handle returned by `TimerService.set`. */
export interface TimerHandle {
  readonly id: number;
}

/** Schedules one-shot callbacks. `now()` is a monotonic clock in milliseconds. */
export interface TimerService {
  set(fn: () => void, ms: number): TimerHandle;
  /** Cancels a pending timer; clearing `undefined`, a fired or an already cleared handle is a no-op. */
  clear(handle: TimerHandle | undefined): void;
  now(): number;
}

export interface RealTimerServiceOptions {
  /**
   * Unref the underlying Node timers so pending protocol timers never keep the process alive
   * (shutdown drains explicitly). Default: true.
   */
  unref?: boolean;
}

/** `TimerService` over `setTimeout`, clocked by `performance.now()`. */
export class RealTimerService implements TimerService {
  readonly #unref: boolean;
  readonly #pending = new Map<number, NodeJS.Timeout>();
  #nextId = 1;

  constructor(options: RealTimerServiceOptions = {}) {
    this.#unref = options.unref ?? true;
  }

  set(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    const timeout = setTimeout(() => {
      this.#pending.delete(id);
      fn();
    }, Math.max(0, ms));
    if (this.#unref) timeout.unref();
    this.#pending.set(id, timeout);
    return { id };
  }

  clear(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    const timeout = this.#pending.get(handle.id);
    if (timeout === undefined) return;
    clearTimeout(timeout);
    this.#pending.delete(handle.id);
  }

  now(): number {
    return performance.now();
  }

  /** Number of timers scheduled and not yet fired or cleared. */
  pending(): number {
    return this.#pending.size;
  }
}

interface FakeTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/**
 * Deterministic clock for tests. Time only moves in `advance(ms)`, which fires every timer due
 * within the window in due-time order (ties in scheduling order), including timers scheduled by
 * callbacks while advancing. `now()` reads the fake clock.
 */
export class FakeTimerService implements TimerService {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, FakeTimer>();

  constructor(start = 0) {
    this.#now = start;
  }

  set(fn: () => void, ms: number): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clear(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.#timers.delete(handle.id);
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms`, firing due timers in order. Returns how many fired. */
  advance(ms: number): number {
    if (ms < 0) throw new RangeError(`FakeTimerService.advance: negative duration ${ms}`);
    const target = this.#now + ms;
    let fired = 0;
    for (;;) {
      const next = this.#earliest(target);
      if (next === undefined) break;
      this.#timers.delete(next.id);
      this.#now = next.due;
      fired++;
      next.fn();
    }
    this.#now = target;
    return fired;
  }

  /** Advances to the next pending timer and fires everything due then; returns the time moved (or undefined). */
  next(): number | undefined {
    let due: number | undefined;
    for (const t of this.#timers.values()) if (due === undefined || t.due < due) due = t.due;
    if (due === undefined) return undefined;
    const delta = due - this.#now;
    this.advance(delta);
    return delta;
  }

  /** Number of timers scheduled and not yet fired or cleared. */
  pending(): number {
    return this.#timers.size;
  }

  #earliest(limit: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers.values()) {
      if (t.due > limit) continue;
      // Map iteration is insertion order and ids grow, so `<` keeps the earlier-scheduled timer on ties.
      if (best === undefined || t.due < best.due) best = t;
    }
    return best;
  }
}
