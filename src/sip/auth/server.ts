// Server side of SIP digest authentication (RFC 3261 §22.1–22.4, RFC 2617 §3.2–3.3, RFC 7616, RFC 8760).
//
// The authenticator is policy-free about users: it takes a CredentialStore port per call and returns a value
// (`AuthResult`) that the caller turns into 401/407 (challenge), 403 (forbidden) or 400 (bad-request).
// It never throws for wire input; a rejected CredentialStore promise (operational fault) propagates.
// ACK and CANCEL cannot be challenged (RFC 3261 §22.1); callers must not run them through here.
import { createHmac } from 'node:crypto';

import {
  challengeHeaderName,
  credentialsHeaderName,
  parseAuthElements,
  serializeDigestChallenge,
  toDigestCredentials,
  type AuthHeaderFault,
  type ChallengeStatus,
  type DigestChallengeInit,
  type DigestCredentials,
} from './auth-header.js';
import {
  computeHa1,
  computeResponse,
  digestHexLength,
  hashOf,
  hexEqual,
  isSessionAlgorithm,
  parseAlgorithm,
  parseQop,
  type DigestAlgorithm,
  type DigestQop,
} from './digest.js';
import { NonceTracker } from './nonce-tracker.js';
import { createNonce, verifyNonce } from './nonce.js';

/** Port: where HA1s (preferably) or passwords come from. HA1 = H(username ":" realm ":" password). */
export interface CredentialStore {
  lookup(username: string, realm: string): Promise<StoredCredentials | undefined>;
}

export interface StoredCredentials {
  readonly ha1Md5?: string;
  readonly ha1Sha256?: string;
  /** Clear-text fallback; prefer storing both HA1s instead. */
  readonly password?: string;
}

/** Why a request was not authenticated; for logs and metrics, never sent on the wire. */
export type AuthReason =
  | 'no-credentials'
  | 'malformed'
  | 'realm-mismatch'
  | 'uri-mismatch'
  | 'unsupported-algorithm'
  | 'unsupported-qop'
  | 'unsupported-userhash'
  | 'bad-nonce'
  | 'bad-opaque'
  | 'nonce-expired'
  | 'nonce-reused'
  | 'unknown-user'
  | 'bad-response'
  | 'no-ha1-for-algorithm';

export type AuthResult =
  | { readonly outcome: 'ok'; readonly username: string; readonly realm: string; readonly algorithm: DigestAlgorithm }
  | { readonly outcome: 'challenge'; readonly stale: boolean; readonly reason: AuthReason }
  | { readonly outcome: 'forbidden'; readonly reason: AuthReason }
  | { readonly outcome: 'bad-request'; readonly reason: AuthReason; readonly fault?: AuthHeaderFault };


export interface DigestAuthenticatorOptions {
  /** HMAC key for nonces, shared by every node that must verify them; at least 16 bytes. */
  readonly secret: string | Uint8Array;
  /** Nonce lifetime; an older nonce with a correct response yields stale=true (default 300). */
  readonly nonceTtlSeconds?: number;
  /** Tolerated clock skew between nodes for nonces stamped in the future (default 30). */
  readonly maxClockSkewSeconds?: number;
  /** Algorithms offered, most preferred first, one challenge each (default SHA-256 then MD5, RFC 8760 §2.4). */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** qop-options offered (default ["auth"]). */
  readonly qop?: readonly DigestQop[];
  /** Accept RFC 2069 style responses without qop, each nonce once only (default true, RFC 3261 §22.4). */
  readonly allowNoQop?: boolean;
  /** A wrong password / unknown user: 'challenge' again (default) or answer 'forbidden' (403). */
  readonly onBadCredentials?: 'challenge' | 'forbidden';
  /** Check the `uri` parameter against the Request-URI (default true, RFC 2617 §3.2.2.5). */
  readonly checkUri?: boolean;
  /** Opaque value sent in challenges; default derived from the secret and realm (same on every node). */
  readonly opaque?: string;
  /** Bound of the replay-tracking map (default 10 000 nonces). */
  readonly maxTrackedNonces?: number;
  /** Clock in ms (default Date.now); inject a fake one in tests. */
  readonly now?: () => number;
}

export interface VerifyInput {
  readonly method: string;
  /** The Request-URI as sent in the request line (`request.uri.toString()`). */
  readonly requestUri: string;
  /** One Authorization / Proxy-Authorization header value. */
  readonly credentials: string;
  readonly realm: string;
  readonly store: CredentialStore;
  /** Message body, for qop=auth-int. */
  readonly body?: Uint8Array | string;
}

/** The parts of a SipRequest the request helpers read (SipRequest from src/sip/message satisfies it). */
export interface AuthRequestView {
  readonly method: string;
  readonly uri: { toString(): string };
  readonly body?: Uint8Array;
  headerValues(name: string): string[];
}

export interface VerifyRequestOptions {
  readonly realm: string;
  readonly store: CredentialStore;
  /** Which challenge the credentials answer: 401 reads Authorization (default), 407 Proxy-Authorization. */
  readonly status?: ChallengeStatus;
}

/** The SIP status a non-ok result implies: challenge → 401/407, forbidden → 403, bad-request → 400. */
export function authFailureStatus(result: AuthResult, status: ChallengeStatus = 401): number | undefined {
  switch (result.outcome) {
    case 'ok':
      return undefined;
    case 'challenge':
      return status;
    case 'forbidden':
      return 403;
    case 'bad-request':
      return 400;
  }
}

const enc = new TextEncoder();

/** Compare Request-URI and `uri`: exact, or equal after lower-casing the scheme and (for sip/sips) host. */
export function sameRequestUri(a: string, b: string): boolean {
  if (a === b) return true;
  const na = normaliseUri(a.trim());
  return na !== undefined && na === normaliseUri(b.trim());
}

function normaliseUri(u: string): string | undefined {
  const colon = u.indexOf(':');
  if (colon <= 0) return undefined;
  const scheme = u.slice(0, colon).toLowerCase();
  let rest = u.slice(colon + 1);
  if (scheme === 'sip' || scheme === 'sips') {
    const at = rest.lastIndexOf('@', firstOf(rest, ';?'));
    const hostStart = at + 1;
    const hostEnd = firstOf(rest, ';?', hostStart);
    rest = rest.slice(0, hostStart) + rest.slice(hostStart, hostEnd).toLowerCase() + rest.slice(hostEnd);
  }
  return `${scheme}:${rest}`;
}

function firstOf(s: string, chars: string, from = 0): number {
  for (let i = from; i < s.length; i++) if (chars.includes(s[i])) return i;
  return s.length;
}

export class DigestAuthenticator {
  readonly #secret: Uint8Array;
  readonly #ttlMs: number;
  readonly #skewMs: number;
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #qop: readonly DigestQop[];
  readonly #allowNoQop: boolean;
  readonly #onBad: 'challenge' | 'forbidden';
  readonly #checkUri: boolean;
  readonly #opaque: string | undefined;
  readonly #now: () => number;
  readonly #tracker: NonceTracker;

  constructor(options: DigestAuthenticatorOptions) {
    const secret = typeof options.secret === 'string' ? enc.encode(options.secret) : Uint8Array.from(options.secret);
    if (secret.length < 16) throw new RangeError('SSW_AUTH_BAD_CONFIG: nonce secret must be at least 16 bytes');
    const ttl = options.nonceTtlSeconds ?? 300;
    if (!(ttl > 0) || !Number.isFinite(ttl)) throw new RangeError('SSW_AUTH_BAD_CONFIG: nonceTtlSeconds must be positive');
    const algorithms = options.algorithms ?? (['SHA-256', 'MD5'] as const);
    if (algorithms.length === 0) throw new RangeError('SSW_AUTH_BAD_CONFIG: at least one algorithm must be offered');
    const qop = options.qop ?? (['auth'] as const);
    this.#secret = secret;
    this.#ttlMs = ttl * 1000;
    this.#skewMs = (options.maxClockSkewSeconds ?? 30) * 1000;
    this.#algorithms = Object.freeze([...algorithms]);
    this.#qop = Object.freeze([...qop]);
    this.#allowNoQop = options.allowNoQop ?? true;
    this.#onBad = options.onBadCredentials ?? 'challenge';
    this.#checkUri = options.checkUri ?? true;
    this.#opaque = options.opaque;
    this.#now = options.now ?? Date.now;
    this.#tracker = new NonceTracker({ maxEntries: options.maxTrackedNonces ?? 10_000 });
  }

  /** The opaque value for a realm (configured, or HMAC(secret, realm) so every node agrees). */
  opaqueFor(realm: string): string {
    if (this.#opaque !== undefined) return this.#opaque;
    return createHmac('sha256', this.#secret).update('precedence-digest-opaque\0').update(realm).digest().subarray(0, 12).toString('base64url');
  }

  /** A fresh stateless nonce for `realm`. */
  createNonce(realm: string): string {
    return createNonce(this.#secret, realm, this.#now());
  }

  /** One challenge per offered algorithm, sharing one nonce, most preferred first. */
  createChallenges(realm: string, options: { readonly stale?: boolean } = {}): DigestChallengeInit[] {
    const nonce = this.createNonce(realm);
    const opaque = this.opaqueFor(realm);
    return this.#algorithms.map((algorithm) => ({
      realm,
      nonce,
      opaque,
      algorithm,
      qop: this.#qop,
      stale: options.stale === true,
    }));
  }

  /** Header values for WWW-Authenticate / Proxy-Authenticate (one per algorithm, SHA-256 first by default). */
  challengeValues(realm: string, options: { readonly stale?: boolean } = {}): string[] {
    return this.createChallenges(realm, options).map(serializeDigestChallenge);
  }

  /** `[name, value]` pairs to attach to a 401 or 407 response; pass `stale` from a challenge result. */
  challengeResponseHeaders(status: ChallengeStatus, realm: string, options: { readonly stale?: boolean } = {}): Array<[string, string]> {
    const name = challengeHeaderName(status);
    return this.challengeValues(realm, options).map((v): [string, string] => [name, v]);
  }

  /** Verifies one credentials header value for a request (RFC 3261 §22.4, RFC 7616 §3.4–3.5). */
  async verify(input: VerifyInput): Promise<AuthResult> {
    const elements = parseAuthElements(input.credentials);
    if (!elements.ok) return { outcome: 'bad-request', reason: 'malformed', fault: elements.fault };
    if (elements.value.length !== 1) return { outcome: 'bad-request', reason: 'malformed' };
    const parsed = toDigestCredentials(elements.value[0]);
    if (!parsed.ok) return { outcome: 'bad-request', reason: 'malformed', fault: parsed.fault };
    return this.#verifyCredentials(parsed.value, input);
  }

  /**
   * Verifies a request: picks the Authorization (401) or Proxy-Authorization (407) header whose realm is
   * `realm` (RFC 3261 §22.3: other credentials belong to other proxies) and verifies it.
   */
  async verifyRequest(request: AuthRequestView, options: VerifyRequestOptions): Promise<AuthResult> {
    const picked = pickCredentials(request, options.realm, options.status ?? 401);
    if (picked.kind === 'none') return { outcome: 'challenge', stale: false, reason: 'no-credentials' };
    if (picked.kind === 'malformed') return { outcome: 'bad-request', reason: 'malformed', fault: picked.fault };
    return this.#verifyCredentials(picked.credentials, {
      method: request.method,
      requestUri: request.uri.toString(),
      realm: options.realm,
      store: options.store,
      body: request.body,
    });
  }

  /** The synchronous checks of RFC 3261 §22.4 / RFC 7616 §3.4–3.5 that need no user lookup. */
  #precheck(c: DigestCredentials, input: Omit<VerifyInput, 'credentials'>): Prechecked | { readonly failed: AuthResult } {
    if (c.realm !== input.realm) return { failed: { outcome: 'bad-request', reason: 'realm-mismatch' } };
    if (this.#checkUri && !sameRequestUri(c.uri, input.requestUri)) return { failed: { outcome: 'bad-request', reason: 'uri-mismatch' } };
    if (c.userhash) return { failed: { outcome: 'bad-request', reason: 'unsupported-userhash' } };

    const algorithm = parseAlgorithm(c.algorithm);
    if (algorithm === undefined || !this.#algorithms.includes(algorithm)) {
      return { failed: { outcome: 'challenge', stale: false, reason: 'unsupported-algorithm' } };
    }
    if (c.response.length !== digestHexLength(algorithm)) return { failed: { outcome: 'bad-request', reason: 'malformed' } };

    let qop: DigestQop | undefined;
    let nc: number | undefined;
    if (c.qop !== undefined) {
      qop = parseQop(c.qop);
      if (qop === undefined || !this.#qop.includes(qop)) return { failed: { outcome: 'challenge', stale: false, reason: 'unsupported-qop' } };
      nc = Number.parseInt(c.nc as string, 16);
      if (nc === 0) return { failed: { outcome: 'bad-request', reason: 'malformed' } };
    } else if (!this.#allowNoQop || isSessionAlgorithm(algorithm)) {
      // RFC 2617 §3.2.2.2: -sess needs a cnonce, which only exists with qop.
      return { failed: { outcome: 'challenge', stale: false, reason: 'unsupported-qop' } };
    }

    const nonce = verifyNonce(this.#secret, input.realm, c.nonce);
    const now = this.#now();
    if (!nonce.ok || nonce.issuedAt > now + this.#skewMs) return { failed: { outcome: 'challenge', stale: false, reason: 'bad-nonce' } };
    if (c.opaque !== undefined && c.opaque !== this.opaqueFor(input.realm)) {
      return { failed: { outcome: 'challenge', stale: false, reason: 'bad-opaque' } };
    }
    return { algorithm, qop, nc, issuedAt: nonce.issuedAt, now };
  }

  async #verifyCredentials(c: DigestCredentials, input: Omit<VerifyInput, 'credentials'>): Promise<AuthResult> {
    const pre = this.#precheck(c, input);
    if ('failed' in pre) return pre.failed;
    const { algorithm, qop, nc, issuedAt, now } = pre;

    const stored = await input.store.lookup(c.username, input.realm);
    const ha1 = stored === undefined ? undefined : storedHa1(stored, algorithm, c.username, input.realm);
    if (stored !== undefined && ha1 === undefined) return { outcome: 'forbidden', reason: 'no-ha1-for-algorithm' };
    // Unknown users go through the same computation as known ones (no cheap user enumeration by timing).
    const expected = computeResponse({
      algorithm,
      ha1: ha1 ?? computeHa1(hashOf(algorithm), c.username, input.realm, '\0unknown'),
      nonce: c.nonce,
      method: input.method,
      uri: c.uri,
      qop,
      nc: c.nc,
      cnonce: c.cnonce,
      body: input.body,
    });
    const match = hexEqual(expected, c.response);
    if (ha1 === undefined || !match) {
      const reason: AuthReason = ha1 === undefined ? 'unknown-user' : 'bad-response';
      return this.#onBad === 'forbidden' ? { outcome: 'forbidden', reason } : { outcome: 'challenge', stale: false, reason };
    }

    // RFC 2617 §3.2.1 stale: the response was valid but the nonce is no longer fresh.
    const expiresAt = issuedAt + this.#ttlMs;
    if (now >= expiresAt) return { outcome: 'challenge', stale: true, reason: 'nonce-expired' };
    const use = this.#tracker.use(c.nonce, issuedAt, expiresAt, nc, now);
    if (use !== 'ok') return { outcome: 'challenge', stale: true, reason: 'nonce-reused' };
    return { outcome: 'ok', username: c.username, realm: input.realm, algorithm };
  }
}

interface Prechecked {
  readonly algorithm: DigestAlgorithm;
  readonly qop: DigestQop | undefined;
  readonly nc: number | undefined;
  readonly issuedAt: number;
  readonly now: number;
}

function storedHa1(stored: StoredCredentials, algorithm: DigestAlgorithm, username: string, realm: string): string | undefined {
  const hash = hashOf(algorithm);
  const ha1 = hash === 'md5' ? stored.ha1Md5 : stored.ha1Sha256;
  if (ha1 !== undefined) return ha1.length === digestHexLength(algorithm) ? ha1 : undefined;
  if (stored.password !== undefined) return computeHa1(hash, username, realm, stored.password);
  return undefined;
}

export type PickedCredentials =
  | { readonly kind: 'found'; readonly credentials: DigestCredentials }
  | { readonly kind: 'none' }
  | { readonly kind: 'malformed'; readonly fault?: AuthHeaderFault };

/**
 * Finds the Digest credentials for `realm` among a request's Authorization (401) or Proxy-Authorization (407)
 * headers. Unparseable headers are skipped while looking; if none matches and one was malformed, the result is
 * `malformed` (it may have been ours). A matching but invalid Digest header is `malformed`.
 */
export function pickCredentials(request: AuthRequestView, realm: string, status: ChallengeStatus = 401): PickedCredentials {
  let malformed: PickedCredentials | undefined;
  for (const value of request.headerValues(credentialsHeaderName(status))) {
    const els = parseAuthElements(value);
    if (!els.ok) {
      malformed ??= { kind: 'malformed', fault: els.fault };
      continue;
    }
    for (const el of els.value) {
      if (el.scheme.toLowerCase() !== 'digest' || el.params.get('realm') !== realm) continue;
      if (els.value.length !== 1) return { kind: 'malformed' };
      const c = toDigestCredentials(el);
      return c.ok ? { kind: 'found', credentials: c.value } : { kind: 'malformed', fault: c.fault };
    }
  }
  return malformed ?? { kind: 'none' };
}
