// LocationStore over nested maps (aor → contact → binding). Bindings are copied in and out so callers
// can never mutate stored state.
import { checkLimit } from '../limits.js';
import type { Binding, LocationStore } from '../../registrar/ports.js';
import { compareText } from './order.js';

function copy(b: Binding): Binding {
  return { ...b, path: [...b.path] };
}

function byAorContact(a: Binding, b: Binding): number {
  return compareText(a.aor, b.aor) || compareText(a.contact, b.contact);
}

export class MemoryLocationStore implements LocationStore {
  readonly #byAor = new Map<string, Map<string, Binding>>();

  async lookup(aor: string, now: number): Promise<Binding[]> {
    const contacts = this.#byAor.get(aor);
    if (!contacts) return [];
    return [...contacts.values()].filter((b) => b.expiresAt > now).sort(byAorContact).map(copy);
  }

  async save(binding: Binding): Promise<void> {
    let contacts = this.#byAor.get(binding.aor);
    if (!contacts) this.#byAor.set(binding.aor, (contacts = new Map()));
    contacts.set(binding.contact, copy(binding));
  }

  async remove(aor: string, contact: string): Promise<void> {
    const contacts = this.#byAor.get(aor);
    if (!contacts) return;
    contacts.delete(contact);
    if (contacts.size === 0) this.#byAor.delete(aor);
  }

  async removeAll(aor: string): Promise<void> {
    this.#byAor.delete(aor);
  }

  async purgeExpired(now: number): Promise<number> {
    let removed = 0;
    for (const [aor, contacts] of this.#byAor) {
      for (const [contact, b] of contacts) {
        if (b.expiresAt <= now) {
          contacts.delete(contact);
          removed++;
        }
      }
      if (contacts.size === 0) this.#byAor.delete(aor);
    }
    return removed;
  }

  async list(now: number, limit?: number): Promise<Binding[]> {
    checkLimit(limit);
    const live = this.#live(now).sort(byAorContact);
    return (limit === undefined ? live : live.slice(0, limit)).map(copy);
  }

  async count(now: number): Promise<number> {
    return this.#live(now).length;
  }

  #live(now: number): Binding[] {
    const out: Binding[] = [];
    for (const contacts of this.#byAor.values()) for (const b of contacts.values()) if (b.expiresAt > now) out.push(b);
    return out;
  }
}
