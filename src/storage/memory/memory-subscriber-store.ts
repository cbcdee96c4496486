// SubscriberStore over maps keyed by ASCII-lower-cased domain, then username (case-sensitive), the same
// comparison the SQLite adapter gets from `COLLATE NOCASE` on the domain column.
import { asciiLower } from '../ha1.js';
import { checkLimit } from '../limits.js';
import type { Subscriber, SubscriberStore } from '../../registrar/ports.js';
import { compareText } from './order.js';

export class MemorySubscriberStore implements SubscriberStore {
  readonly #byDomain = new Map<string, Map<string, Subscriber>>();

  async get(username: string, domain: string): Promise<Subscriber | undefined> {
    const found = this.#byDomain.get(asciiLower(domain))?.get(username);
    return found ? { ...found } : undefined;
  }

  async list(domain?: string, limit?: number): Promise<Subscriber[]> {
    checkLimit(limit);
    const keys = domain === undefined ? [...this.#byDomain.keys()].sort(compareText) : [asciiLower(domain)];
    const out: Subscriber[] = [];
    for (const key of keys) {
      const users = this.#byDomain.get(key);
      if (!users) continue;
      for (const name of [...users.keys()].sort(compareText)) {
        if (limit !== undefined && out.length >= limit) return out;
        out.push({ ...(users.get(name) as Subscriber) });
      }
    }
    return out;
  }

  async put(subscriber: Subscriber): Promise<void> {
    const key = asciiLower(subscriber.domain);
    let users = this.#byDomain.get(key);
    if (!users) this.#byDomain.set(key, (users = new Map()));
    users.set(subscriber.username, { ...subscriber });
  }

  async remove(username: string, domain: string): Promise<boolean> {
    const key = asciiLower(domain);
    const users = this.#byDomain.get(key);
    if (!users?.delete(username)) return false;
    if (users.size === 0) this.#byDomain.delete(key);
    return true;
  }
}
