// Longest-prefix match over dial strings (digits, "+", "*", "#").
//
// The trie lives in one Int32Array: node n's child for symbol s is at n * SYMBOLS + s (0 = none;
// the root is node 0 and never anyone's child), and `#slot[n]` is the index of n's value (-1 =
// none). A lookup walks at most key.length nodes with no allocation. Built once per configuration
// (routing is pure: a new RoutingEngine is built on reload), so there is no delete.

const SYMBOLS = 13;
/** char code → symbol index (0-9 digits, 10 "+", 11 "*", 12 "#"), -1 for anything else. */
const SYMBOL = new Int8Array(128).fill(-1);
for (let d = 0; d <= 9; d++) SYMBOL[48 + d] = d;
SYMBOL[43] = 10;
SYMBOL[42] = 11;
SYMBOL[35] = 12;

export interface PrefixMatch<T> {
  prefix: string;
  value: T;
}

export class PrefixTrie<T> {
  #child: Int32Array;
  #slot: Int32Array;
  #nodes = 1;
  readonly #values: T[] = [];
  readonly #prefixes: string[] = [];

  constructor(initialNodes = 64) {
    const n = Math.max(1, initialNodes);
    this.#child = new Int32Array(n * SYMBOLS);
    this.#slot = new Int32Array(n).fill(-1);
  }

  static from<T>(entries: Iterable<readonly [string, T]>): PrefixTrie<T> {
    const t = new PrefixTrie<T>();
    for (const [prefix, value] of entries) t.set(prefix, value);
    return t;
  }

  /** Number of prefixes stored. */
  get size(): number {
    return this.#values.length;
  }

  /** Stores `value` under `prefix` ("" is the default entry), replacing any earlier value. */
  set(prefix: string, value: T): this {
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const s = symbolAt(prefix, i);
      if (s < 0) throw new RangeError(`prefix ${JSON.stringify(prefix)}: only digits, "+", "*" and "#" are allowed`);
      const at = node * SYMBOLS + s;
      let next = this.#child[at];
      if (next === 0) {
        next = this.#newNode();
        this.#child[at] = next;
      }
      node = next;
    }
    const slot = this.#slot[node];
    if (slot >= 0) {
      this.#values[slot] = value;
    } else {
      this.#slot[node] = this.#values.length;
      this.#values.push(value);
      this.#prefixes.push(prefix);
    }
    return this;
  }

  /** The value stored under exactly `prefix`. */
  get(prefix: string): T | undefined {
    const slot = this.#slotOf(prefix);
    return slot < 0 ? undefined : this.#values[slot];
  }

  /** The value of the longest stored prefix of `key`. */
  lookup(key: string): T | undefined {
    const slot = this.#longestSlot(key);
    return slot < 0 ? undefined : this.#values[slot];
  }

  /** The longest stored prefix of `key` and its value. */
  match(key: string): PrefixMatch<T> | undefined {
    const slot = this.#longestSlot(key);
    return slot < 0 ? undefined : { prefix: this.#prefixes[slot], value: this.#values[slot] };
  }

  /** Every stored prefix of `key`, longest first. A character outside the alphabet ends the walk. */
  matchAll(key: string): PrefixMatch<T>[] {
    const out: PrefixMatch<T>[] = [];
    const child = this.#child;
    let node = 0;
    let slot = this.#slot[0];
    if (slot >= 0) out.push({ prefix: this.#prefixes[slot], value: this.#values[slot] });
    for (let i = 0; i < key.length; i++) {
      const s = symbolAt(key, i);
      if (s < 0) break;
      node = child[node * SYMBOLS + s];
      if (node === 0) break;
      slot = this.#slot[node];
      if (slot >= 0) out.push({ prefix: this.#prefixes[slot], value: this.#values[slot] });
    }
    return out.reverse();
  }

  /** The values of every stored prefix of `key`, longest first (`matchAll` without the prefixes). */
  valuesAll(key: string): T[] {
    const out: T[] = [];
    const child = this.#child;
    const slots = this.#slot;
    let node = 0;
    if (slots[0] >= 0) out.push(this.#values[slots[0]]);
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      const s = c < 128 ? SYMBOL[c] : -1;
      if (s < 0) break;
      node = child[node * SYMBOLS + s];
      if (node === 0) break;
      const slot = slots[node];
      if (slot >= 0) out.push(this.#values[slot]);
    }
    return out.reverse();
  }

  #longestSlot(key: string): number {
    const child = this.#child;
    const slots = this.#slot;
    let node = 0;
    let best = slots[0];
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      const s = c < 128 ? SYMBOL[c] : -1;
      if (s < 0) break;
      node = child[node * SYMBOLS + s];
      if (node === 0) break;
      const slot = slots[node];
      if (slot >= 0) best = slot;
    }
    return best;
  }

  #slotOf(prefix: string): number {
    let node = 0;
    for (let i = 0; i < prefix.length; i++) {
      const s = symbolAt(prefix, i);
      if (s < 0) return -1;
      node = this.#child[node * SYMBOLS + s];
      if (node === 0) return -1;
    }
    return this.#slot[node];
  }

  #newNode(): number {
    const n = this.#nodes++;
    if (n >= this.#slot.length) {
      const grown = new Int32Array(this.#slot.length * 2 * SYMBOLS);
      grown.set(this.#child);
      this.#child = grown;
      const slots = new Int32Array(this.#slot.length * 2).fill(-1);
      slots.set(this.#slot);
      this.#slot = slots;
    }
    return n;
  }
}

function symbolAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c < 128 ? SYMBOL[c] : -1;
}
