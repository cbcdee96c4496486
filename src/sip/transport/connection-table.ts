// Open connections of one connection-oriented listener, by id and by remote endpoint, with a coarse
// sweep that closes idle connections and ones stuck on a partial message (slow or half-open peers).
import { endpointKey } from './address.js';
import { now } from './listener.js';
import type { Endpoint } from './types.js';

export interface Connection {
  readonly id: string;
  readonly remote: Endpoint;
  readonly open: boolean;
  /** Monotonic ms of the last read or write. */
  readonly lastActivity: number;
  /** Monotonic ms when the current partial inbound message began, undefined when none is pending. */
  readonly partialSince: number | undefined;
  write(data: Buffer): Promise<void>;
  close(reason: string): void;
}

export interface ConnectionTableOptions {
  maxConnections: number;
  idleTimeout: number;
  partialMessageTimeout: number;
}

let counter = 0;

/** Process-unique connection id ("tcp-12"). */
export function nextConnectionId(prefix: string): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter}`;
}

export class ConnectionTable<C extends Connection> {
  readonly #byId = new Map<string, C>();
  readonly #byRemote = new Map<string, C>();
  readonly #opts: ConnectionTableOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ConnectionTableOptions) {
    this.#opts = options;
  }

  get size(): number {
    return this.#byId.size;
  }

  get full(): boolean {
    return this.#byId.size >= this.#opts.maxConnections;
  }

  /** Adds a connection; false when the table is full (the caller closes it). */
  add(c: C): boolean {
    if (this.full) return false;
    this.#byId.set(c.id, c);
    this.#byRemote.set(endpointKey(c.remote), c);
    this.#ensureSweep();
    return true;
  }

  remove(c: C): void {
    if (this.#byId.get(c.id) === c) this.#byId.delete(c.id);
    const key = endpointKey(c.remote);
    if (this.#byRemote.get(key) === c) this.#byRemote.delete(key);
    if (this.#byId.size === 0) this.#stopSweep();
  }

  get(id: string): C | undefined {
    const c = this.#byId.get(id);
    return c && c.open ? c : undefined;
  }

  byRemote(remote: Endpoint): C | undefined {
    const c = this.#byRemote.get(endpointKey(remote));
    return c && c.open ? c : undefined;
  }

  /** Closes connections idle past idleTimeout or holding a partial message past partialMessageTimeout. */
  sweep(at = now()): void {
    for (const c of [...this.#byId.values()]) {
      if (!c.open) {
        this.remove(c);
      } else if (at - c.lastActivity >= this.#opts.idleTimeout) {
        c.close('idle timeout');
      } else if (c.partialSince !== undefined && at - c.partialSince >= this.#opts.partialMessageTimeout) {
        c.close('partial message timeout');
      }
    }
  }

  closeAll(reason: string): void {
    this.#stopSweep();
    for (const c of [...this.#byId.values()]) c.close(reason);
    this.#byId.clear();
    this.#byRemote.clear();
  }

  #ensureSweep(): void {
    if (this.#timer) return;
    const every = Math.min(5000, Math.max(20, Math.min(this.#opts.idleTimeout, this.#opts.partialMessageTimeout) / 4));
    this.#timer = setInterval(() => this.sweep(), every);
    this.#timer.unref();
  }

  #stopSweep(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
