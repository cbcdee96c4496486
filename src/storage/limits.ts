// Argument checks shared by every adapter, so that all of them reject the same inputs the same way.
import type { CdrQuery } from '../cdr/cdr.js';

/** `limit` must be a non-negative integer (or absent: unbounded). */
export function checkLimit(limit: number | undefined): void {
  if (limit === undefined) return;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${String(limit)}`);
}

/** Validates a CDR query (bounds must be numbers, not NaN; ±Infinity is allowed). */
export function checkCdrQuery(q: CdrQuery): void {
  checkLimit(q.limit);
  for (const key of ['since', 'until'] as const) {
    const v = q[key];
    if (v !== undefined && (typeof v !== 'number' || Number.isNaN(v))) throw new RangeError(`${key} must be a number, got ${String(v)}`);
  }
}
