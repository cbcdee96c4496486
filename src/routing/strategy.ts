// Trunk ordering for a matched route: failover (as listed), weighted (random order, weights as
// probabilities) and lcr (cheapest first). Pure functions; the random source is injected.

/**
 * Weighted random order without replacement: each next item is drawn with probability proportional
 * to its weight among the items still left. Items of weight 0 (or less) come last, as listed.
 * Calls `random` (values in [0, 1)) once per positively weighted item but the last.
 */
export function weightedOrder<T>(items: readonly T[], weights: readonly number[], random: () => number): T[] {
  const out: T[] = [];
  const left: number[] = [];
  const zero: T[] = [];
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    if (weights[i] > 0) {
      left.push(i);
      total += weights[i];
    } else {
      zero.push(items[i]);
    }
  }
  while (left.length > 1) {
    let r = random() * total;
    let k = 0;
    for (; k < left.length - 1; k++) {
      r -= weights[left[k]];
      if (r < 0) break;
    }
    const i = left[k];
    out.push(items[i]);
    total -= weights[i];
    left.splice(k, 1);
  }
  if (left.length === 1) out.push(items[left[0]]);
  for (const z of zero) out.push(z);
  return out;
}

/** Cheapest first; equal rates keep their listed order; items without a rate come last, as listed. */
export function lcrOrder<T>(items: readonly T[], rates: readonly (number | undefined)[]): T[] {
  const idx = items.map((_, i) => i);
  idx.sort((a, b) => {
    const ra = rates[a];
    const rb = rates[b];
    if (ra === undefined) return rb === undefined ? a - b : 1;
    if (rb === undefined) return -1;
    return ra - rb || a - b;
  });
  return idx.map((i) => items[i]);
}
