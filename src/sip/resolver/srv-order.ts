// RFC 2782 target selection: lowest priority first; within one priority, a weighted random order.
import type { SrvRecord } from './dns-client.js';

/**
 * Orders SRV records into the sequence of targets to try.
 * RFC 2782 "Usage rules": "arrange all SRV RRs (that have not been ordered yet) in any order, except
 * that all those with weight 0 are placed at the beginning of the list. Compute the sum of the
 * weights ... choose a uniform random number between 0 and the sum computed (inclusive), and select
 * the RR whose running sum value is the first in the selected order which is greater than or equal
 * to the random number selected." Repeated until the priority's records are used up.
 * Records whose target is "." (service decidedly not available) are dropped.
 * `random` returns a number in [0, 1), like Math.random (inject a seeded one in tests).
 */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    if (r.name === '.' || r.name === '') continue;
    const group = byPriority.get(r.priority);
    if (group === undefined) byPriority.set(r.priority, [r]);
    else group.push(r);
  }
  const priorities = [...byPriority.keys()].sort((a, b) => a - b);
  const out: SrvRecord[] = [];
  for (const p of priorities) out.push(...weightedOrder(byPriority.get(p) ?? [], random));
  return out;
}

function weightedOrder(group: readonly SrvRecord[], random: () => number): SrvRecord[] {
  // zero weights first (stable otherwise)
  const pending = [...group.filter((r) => r.weight <= 0), ...group.filter((r) => r.weight > 0)];
  const out: SrvRecord[] = [];
  while (pending.length > 0) {
    let sum = 0;
    for (const r of pending) sum += Math.max(0, r.weight);
    const pick = Math.floor(random() * (sum + 1)); // uniform in 0..sum inclusive
    let running = 0;
    let index = pending.length - 1;
    for (let i = 0; i < pending.length; i++) {
      running += Math.max(0, pending[i].weight);
      if (running >= pick) {
        index = i;
        break;
      }
    }
    out.push(pending[index]);
    pending.splice(index, 1);
  }
  return out;
}
