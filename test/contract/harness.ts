// Shared plumbing for the contract suites (hono `common.case` style): an adapter's test file calls each
// suite with a factory; every case gets a fresh store and closes it afterwards. Skips must name an existing
// case and give a reason.
import { it } from 'node:test';

export interface StoreHandle<T> {
  readonly store: T;
  close(): Promise<void>;
}

export type StoreFactory<T> = () => StoreHandle<T> | Promise<StoreHandle<T>>;

export interface SuiteOptions {
  /** Case title → why this adapter skips it. */
  readonly skip?: Readonly<Record<string, string>>;
}

/** Returns `check(title, body)` for defining cases, and `done()` to assert every skip matched a case. */
export function caseDefiner<T>(factory: StoreFactory<T>, options: SuiteOptions = {}) {
  const titles = new Set<string>();
  const check = (title: string, body: (store: T) => Promise<void>): void => {
    titles.add(title);
    const reason = options.skip?.[title];
    it(title, reason === undefined ? {} : { skip: reason }, async () => {
      const handle = await factory();
      try {
        await body(handle.store);
      } finally {
        await handle.close();
      }
    });
  };
  const done = (): void => {
    for (const title of Object.keys(options.skip ?? {})) {
      if (!titles.has(title)) throw new Error(`contract suite: skip names no case: "${title}"`);
    }
  };
  return { check, done };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}
