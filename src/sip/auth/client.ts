// Client side of SIP digest authentication (RFC 3261 §22.2–22.3, RFC 2617 §3.2.2, RFC 7616 §3.4, RFC 8760 §2.4),
// for outbound REGISTER / INVITE towards trunks and upstream proxies.
//
// Given the challenges of a 401 or 407, `DigestClient.respond()` builds one Authorization / Proxy-Authorization
// value per challenging realm, preferring SHA-256 over MD5, with a fresh cnonce and nc=00000001. Later requests
// can reuse the nonce with `authorize()` (nc increments). A challenge with stale=true is answered silently with
// the new nonce; a non-stale challenge for a realm whose credentials the request already carried is `rejected`
// (wrong password), so callers never loop.
import { randomBytes } from 'node:crypto';

import {
  challengeHeaderName,
  credentialsHeaderName,
  parseDigestChallenges,
  parseDigestCredentials,
  serializeDigestCredentials,
  type ChallengeStatus,
  type DigestChallenge,
} from './auth-header.js';
import {
  computeHa1,
  computeResponse,
  computeUserhash,
  formatNonceCount,
  hashOf,
  isSessionAlgorithm,
  parseAlgorithm,
  type DigestAlgorithm,
  type DigestHash,
  type DigestQop,
} from './digest.js';

export interface BuildCredentialsInput {
  readonly challenge: DigestChallenge;
  readonly username: string;
  /** Either the password or the stored HA1 for the challenge's hash (H(username:realm:password)). */
  readonly password?: string;
  readonly ha1?: string;
  readonly method: string;
  readonly uri: string;
  readonly body?: Uint8Array | string;
  /** nonce-count to send (≥ 1); ignored for challenges without qop. */
  readonly nc: number;
  readonly cnonce: string;
  /** Defaults to "auth" when offered, else "auth-int"; ignored for challenges without qop. */
  readonly qop?: DigestQop;
}

/** Picks the qop to answer with: "auth" when offered, else "auth-int"; undefined = RFC 2069 form; null = none usable. */
export function chooseQop(challenge: DigestChallenge): DigestQop | undefined | null {
  if (challenge.qop === undefined) return undefined;
  if (challenge.qop.includes('auth')) return 'auth';
  if (challenge.qop.includes('auth-int')) return 'auth-int';
  return null;
}

/**
 * Builds one credentials value for a challenge (pure; RFC 7616 §3.4). Returns undefined when the challenge uses
 * an unknown algorithm, offers no usable qop, needs a cnonce it cannot have (-sess without qop), or when
 * neither a password nor an HA1 is given.
 */
export function buildDigestCredentials(input: BuildCredentialsInput): string | undefined {
  const ch = input.challenge;
  const algorithm = parseAlgorithm(ch.algorithm);
  if (algorithm === undefined) return undefined;
  const chosen = chooseQop(ch);
  if (chosen === null) return undefined;
  const qop = chosen === undefined ? undefined : input.qop !== undefined && ch.qop?.includes(input.qop) === true ? input.qop : chosen;
  if (qop === undefined && isSessionAlgorithm(algorithm)) return undefined;
  const hash = hashOf(algorithm);
  const ha1 = input.ha1 ?? (input.password === undefined ? undefined : computeHa1(hash, input.username, ch.realm, input.password));
  if (ha1 === undefined) return undefined;
  const nc = qop === undefined ? undefined : formatNonceCount(input.nc);
  const cnonce = qop === undefined ? undefined : input.cnonce;
  const response = computeResponse({ algorithm, ha1, nonce: ch.nonce, method: input.method, uri: input.uri, qop, nc, cnonce, body: input.body });
  return serializeDigestCredentials({
    username: ch.userhash ? computeUserhash(hash, input.username, ch.realm) : input.username,
    realm: ch.realm,
    nonce: ch.nonce,
    uri: input.uri,
    response,
    algorithm: ch.algorithm,
    cnonce,
    opaque: ch.opaque,
    qop,
    nc,
    userhash: ch.userhash,
  });
}

export interface DigestClientOptions {
  readonly username: string;
  readonly password?: string;
  /** Precomputed HA1 = H(username:realm:password) per hash; binds to one realm, so `realm` is required. */
  readonly ha1?: { readonly md5?: string; readonly sha256?: string };
  /** Only answer challenges from this realm (required with `ha1`). */
  readonly realm?: string;
  /** cnonce generator (default 16 random hex digits); inject for tests. */
  readonly cnonce?: () => string;
}

export interface RespondInput {
  readonly status: ChallengeStatus;
  /** Every WWW-Authenticate (401) or Proxy-Authenticate (407) value of the response. */
  readonly challenges: string | readonly string[];
  /** Method, Request-URI and body of the request being resubmitted. */
  readonly method: string;
  readonly uri: string;
  readonly body?: Uint8Array | string;
  /** Authorization / Proxy-Authorization values the challenged request carried. */
  readonly sentCredentials?: readonly string[];
}

export type ClientAuthResult =
  | { readonly ok: true; readonly headers: Array<[string, string]> }
  | { readonly ok: false; readonly reason: 'no-usable-challenge' | 'rejected'; readonly realm?: string };

/** The parts of a SipResponse / SipRequest the convenience wrapper reads. */
export interface ChallengeResponseView {
  readonly status: number;
  headerValues(name: string): string[];
}
export interface ChallengedRequestView {
  readonly method: string;
  readonly uri: { toString(): string };
  readonly body?: Uint8Array;
  headerValues(name: string): string[];
}

interface RealmState {
  readonly status: ChallengeStatus;
  readonly challenge: DigestChallenge;
  nc: number;
}

const HASH_RANK: Record<DigestHash, number> = { sha256: 0, md5: 1 };

export class DigestClient {
  readonly #options: DigestClientOptions;
  readonly #cnonce: () => string;
  /** Keyed by `${status} ${realm}`. */
  readonly #state = new Map<string, RealmState>();

  constructor(options: DigestClientOptions) {
    if (options.password === undefined && options.ha1 === undefined) {
      throw new RangeError('SSW_AUTH_BAD_CONFIG: DigestClient needs a password or an HA1');
    }
    if (options.ha1 !== undefined && options.realm === undefined) {
      throw new RangeError('SSW_AUTH_BAD_CONFIG: an HA1 binds to a realm; set `realm`');
    }
    this.#options = options;
    this.#cnonce = options.cnonce ?? (() => randomBytes(8).toString('hex'));
  }

  #ha1For(hash: DigestHash): string | undefined {
    if (this.#options.ha1 === undefined) return undefined;
    return hash === 'md5' ? this.#options.ha1.md5 : this.#options.ha1.sha256;
  }

  #usable(ch: DigestChallenge): boolean {
    if (this.#options.realm !== undefined && ch.realm !== this.#options.realm) return false;
    const algorithm = parseAlgorithm(ch.algorithm);
    if (algorithm === undefined) return false;
    const qop = chooseQop(ch);
    if (qop === null || (qop === undefined && isSessionAlgorithm(algorithm))) return false;
    return this.#options.password !== undefined || this.#ha1For(hashOf(algorithm)) !== undefined;
  }

  /** Answers a 401/407: one credentials header per challenging realm, best algorithm per realm. */
  respond(input: RespondInput): ClientAuthResult {
    const values = typeof input.challenges === 'string' ? [input.challenges] : input.challenges;
    const best = new Map<string, DigestChallenge>();
    for (const value of values) {
      const parsed = parseDigestChallenges(value);
      if (!parsed.ok) continue; // one bad header line does not spoil the others
      for (const ch of parsed.value) {
        if (!this.#usable(ch)) continue;
        const current = best.get(ch.realm);
        // RFC 8760 §2.4 / RFC 7616 §3.7: take the strongest hash; among equals, the server's first.
        if (current === undefined || rank(ch) < rank(current)) best.set(ch.realm, ch);
      }
    }
    if (best.size === 0) return { ok: false, reason: 'no-usable-challenge' };

    const sentRealms = new Set<string>();
    for (const v of input.sentCredentials ?? []) {
      const c = parseDigestCredentials(v);
      if (c.ok) sentRealms.add(c.value.realm);
    }
    const headers: Array<[string, string]> = [];
    for (const [realm, ch] of best) {
      const key = `${input.status} ${realm}`;
      const previous = this.#state.get(key);
      // RFC 2617 §3.2.1 / RFC 3261 §22.3: a non-stale challenge to credentials we sent means they were wrong.
      if (!ch.stale && (sentRealms.has(realm) || previous?.challenge.nonce === ch.nonce)) {
        this.#state.delete(key);
        return { ok: false, reason: 'rejected', realm };
      }
      const state: RealmState = { status: input.status, challenge: ch, nc: 0 };
      this.#state.set(key, state);
      const value = this.#build(state, input.method, input.uri, input.body);
      if (value !== undefined) headers.push([credentialsHeaderName(input.status), value]);
    }
    return headers.length > 0 ? { ok: true, headers } : { ok: false, reason: 'no-usable-challenge' };
  }

  /** Convenience over message objects: answers `response` (a 401/407) to `request`; undefined for other statuses. */
  respondTo(response: ChallengeResponseView, request: ChallengedRequestView): ClientAuthResult | undefined {
    if (response.status !== 401 && response.status !== 407) return undefined;
    const status: ChallengeStatus = response.status;
    return this.respond({
      status,
      challenges: response.headerValues(challengeHeaderName(status)),
      method: request.method,
      uri: request.uri.toString(),
      body: request.body,
      sentCredentials: request.headerValues(credentialsHeaderName(status)),
    });
  }

  /** Credentials for a new request reusing the cached nonces (preemptive; nc increments per request). */
  authorize(input: { readonly method: string; readonly uri: string; readonly body?: Uint8Array | string }): Array<[string, string]> {
    const headers: Array<[string, string]> = [];
    for (const state of this.#state.values()) {
      const value = this.#build(state, input.method, input.uri, input.body);
      if (value !== undefined) headers.push([credentialsHeaderName(state.status), value]);
    }
    return headers;
  }

  /** Forgets cached nonces (e.g. after re-registration to another server). */
  reset(): void {
    this.#state.clear();
  }

  #build(state: RealmState, method: string, uri: string, body: Uint8Array | string | undefined): string | undefined {
    const algorithm: DigestAlgorithm | undefined = parseAlgorithm(state.challenge.algorithm);
    if (algorithm === undefined) return undefined;
    state.nc += 1;
    return buildDigestCredentials({
      challenge: state.challenge,
      username: this.#options.username,
      password: this.#options.password,
      ha1: this.#ha1For(hashOf(algorithm)),
      method,
      uri,
      body,
      nc: state.nc,
      cnonce: this.#cnonce(),
    });
  }
}

function rank(ch: DigestChallenge): number {
  const algorithm = parseAlgorithm(ch.algorithm);
  return algorithm === undefined ? 99 : HASH_RANK[hashOf(algorithm)];
}
