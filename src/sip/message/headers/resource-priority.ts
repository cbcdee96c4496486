// Resource-Priority and Accept-Resource-Priority (RFC 4412 §3.1):
//   Resource-Priority = "Resource-Priority" HCOLON r-value *(COMMA r-value)
//   r-value   = namespace "." r-priority
//   namespace = token-nodot ; r-priority = token-nodot
// Parsing is syntax only; which namespaces and values are known is priority policy (src/priority/).

import { isTokenChar, splitList } from '../text.js';

export interface RValue {
  /** Lower-cased; RFC 4412 §3.1 makes namespaces and priority values case-insensitive. */
  namespace: string;
  priority: string;
}

export interface RValueList {
  values: RValue[];
  /**
   * Elements that were not `token-nodot "." token-nodot`, as written (cut to 64 characters), at
   * most `max` of them; when r-values were dropped for exceeding the bounds, one last entry says
   * how many ("9968 more r-values ignored (limit 32)").
   */
  errors: string[];
}

function clip(s: string): string {
  return s.length > 64 ? `${s.slice(0, 64)}…` : s;
}

/** Hostile input (thousands of values) is bounded: at most `max` values and `max` errors are kept. */
export function parseRValues(fieldValues: string[], max = 32): RValueList {
  const values: RValue[] = [];
  const errors: string[] = [];
  let dropped = 0;
  for (const fv of fieldValues) {
    let parts: string[];
    try {
      parts = splitList(fv, 'Resource-Priority');
    } catch {
      if (errors.length < max) errors.push(clip(fv));
      else dropped++;
      continue;
    }
    for (const p of parts) {
      const rv = parseRValue(p);
      if (rv && values.length < max) values.push(rv);
      else if (!rv && errors.length < max) errors.push(clip(p));
      else dropped++;
    }
  }
  if (dropped > 0) errors.push(`${dropped} more r-values ignored (limit ${max})`);
  return { values, errors };
}

export function parseRValue(text: string): RValue | undefined {
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) return undefined;
  for (let i = 0; i < text.length; i++) {
    if (i === dot) continue;
    const c = text.charCodeAt(i);
    if (c === 46 || !isTokenChar(c)) return undefined;
  }
  return { namespace: text.slice(0, dot).toLowerCase(), priority: text.slice(dot + 1).toLowerCase() };
}

export function formatRValue(v: RValue): string {
  return `${v.namespace}.${v.priority}`;
}
