// Subscriber records without clear-text passwords: only HA1 = H(username ":" realm ":" password) is kept,
// for MD5 (RFC 3261 §22.4, RFC 2617 §3.2.2.2) and SHA-256 (RFC 8760 §2.6, RFC 7616 §3.4.2), with the
// realm equal to the subscriber's domain. The domain is canonicalised to ASCII lower case (like AOR hosts),
// so the registrar must challenge with the lower-case domain as realm.
import { createHash } from 'node:crypto';

import type { Subscriber } from '../registrar/ports.js';

export interface SubscriberInit {
  username: string;
  domain: string;
  /** Used only to compute the HA1s; never stored. */
  password: string;
  displayName?: string;
  priorityClass?: string;
  /** Default true. */
  enabled?: boolean;
  /** Epoch ms; default now. */
  createdAt?: number;
}

export type Ha1Hash = 'md5' | 'sha256';

/** Lower-case hex of H(username ":" realm ":" password). */
export function ha1Hex(hash: Ha1Hash, username: string, realm: string, password: string): string {
  return createHash(hash).update(`${username}:${realm}:${password}`, 'utf8').digest('hex');
}

/** ASCII lower case only (host names; matches SQLite NOCASE). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

export function makeSubscriber(init: SubscriberInit): Subscriber {
  if (init.username === '') throw new RangeError('subscriber username must not be empty');
  const domain = asciiLower(init.domain.trim());
  if (domain === '') throw new RangeError('subscriber domain must not be empty');
  if (init.password === '') throw new RangeError(`subscriber ${init.username}@${domain}: password must not be empty`);
  return {
    username: init.username,
    domain,
    ha1Md5: ha1Hex('md5', init.username, domain, init.password),
    ha1Sha256: ha1Hex('sha256', init.username, domain, init.password),
    displayName: init.displayName,
    priorityClass: init.priorityClass,
    enabled: init.enabled ?? true,
    createdAt: init.createdAt ?? Date.now(),
  };
}
