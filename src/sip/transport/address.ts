// Literal address helpers: normalisation for comparison and keys, host:port formatting.
import { isIP } from 'node:net';
import type { Endpoint } from './types.js';

/** Strips IPv6 brackets and IPv4-mapped prefixes, lower-cases; other text is returned trimmed. */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  a = a.toLowerCase();
  if (a.startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  return a;
}

/** 4 or 6 for a literal address (brackets allowed), 0 for anything else (a host name). */
export function addressFamily(address: string): 0 | 4 | 6 {
  return isIP(normalizeAddress(address)) as 0 | 4 | 6;
}

/** True when both are the same literal address, whatever the IPv6 spelling ("::1" vs "0:0::1"). */
export function sameAddress(a: string, b: string): boolean {
  const na = normalizeAddress(a);
  const nb = normalizeAddress(b);
  if (na === nb) return true;
  if (isIP(na) !== 6 || isIP(nb) !== 6) return false;
  return expandIPv6(na) === expandIPv6(nb);
}

/** Eight 4-digit groups, for comparing IPv6 spellings. */
function expandIPv6(a: string): string {
  let text = a;
  const pct = text.indexOf('%');
  if (pct >= 0) text = text.slice(0, pct);
  // an embedded IPv4 tail becomes two groups
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (isIP(tail) === 4) {
    const o = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const h = head ? head.split(':') : [];
  const r = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const fill = rest === undefined ? [] : new Array<string>(Math.max(0, 8 - h.length - r.length)).fill('0');
  return [...h, ...fill, ...r].map((g) => g.padStart(4, '0')).join(':');
}

/** "1.2.3.4:5060" / "[::1]:5060" (host names unchanged). */
export function formatHostPort(host: string, port: number | undefined): string {
  const h = isIP(host) === 6 ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

/** Key for connection lookup by remote endpoint. */
export function endpointKey(e: Endpoint): string {
  return `${e.protocol}:${formatHostPort(normalizeAddress(e.address), e.port)}`;
}

export function isUnspecified(address: string): boolean {
  const a = normalizeAddress(address);
  return a === '0.0.0.0' || a === '::' || (isIP(a) === 6 && expandIPv6(a) === expandIPv6('::'));
}
