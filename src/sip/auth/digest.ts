// Digest computations: RFC 2617 §3.2.2 (MD5, MD5-sess, qop auth/auth-int, RFC 2069 no-qop form),
// RFC 7616 §3.4.1–3.4.4 (SHA-256, SHA-256-sess, userhash), RFC 8760 (SHA-256 in SIP).
//
//   H(data)        = hex(hash(data))
//   KD(secret, d)  = H(secret ":" d)
//   HA1            = H(username ":" realm ":" password)                    (stored form, any algorithm)
//   HA1 (-sess)    = H(HA1 ":" nonce ":" cnonce)
//   HA2            = H(method ":" uri)            qop absent or "auth"
//   HA2 (auth-int) = H(method ":" uri ":" H(entity-body))
//   response       = KD(HA1, nonce ":" nc ":" cnonce ":" qop ":" HA2)     qop present
//   response       = KD(HA1, nonce ":" HA2)                                 qop absent (RFC 2069)
import { createHash, timingSafeEqual } from 'node:crypto';

export const DIGEST_ALGORITHMS = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

export const DIGEST_QOPS = ['auth', 'auth-int'] as const;
export type DigestQop = (typeof DIGEST_QOPS)[number];

/** The hash underlying an algorithm; the stored HA1 is the same for `X` and `X-sess`. */
export type DigestHash = 'md5' | 'sha256';

/**
 * Maps an `algorithm` token (case-insensitive, RFC 7616 §3.3) to a supported algorithm. An absent token means
 * MD5 (RFC 2617 §3.2.1); an unknown one gives undefined.
 */
export function parseAlgorithm(token: string | undefined): DigestAlgorithm | undefined {
  if (token === undefined) return 'MD5';
  switch (token.toLowerCase()) {
    case 'md5':
      return 'MD5';
    case 'md5-sess':
      return 'MD5-sess';
    case 'sha-256':
      return 'SHA-256';
    case 'sha-256-sess':
      return 'SHA-256-sess';
    default:
      return undefined;
  }
}

/** Maps a qop token (case-insensitive) to a supported qop, or undefined. */
export function parseQop(token: string): DigestQop | undefined {
  const t = token.toLowerCase();
  return t === 'auth' || t === 'auth-int' ? t : undefined;
}

export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm === 'MD5-sess' || algorithm === 'SHA-256-sess';
}

export function hashOf(algorithm: DigestAlgorithm): DigestHash {
  return algorithm === 'MD5' || algorithm === 'MD5-sess' ? 'md5' : 'sha256';
}

/** Length in hex digits of H() for the algorithm: 32 (MD5) or 64 (SHA-256). */
export function digestHexLength(algorithm: DigestAlgorithm): number {
  return hashOf(algorithm) === 'md5' ? 32 : 64;
}

/** H(data): lower-case hex digest. Strings are hashed as UTF-8. */
export function hashHex(hash: DigestHash, data: string | Uint8Array): string {
  return createHash(hash).update(data).digest('hex');
}

/** The stored HA1 = H(username ":" realm ":" password), as kept by a CredentialStore. */
export function computeHa1(hash: DigestHash, username: string, realm: string, password: string): string {
  return hashHex(hash, `${username}:${realm}:${password}`);
}

/** RFC 7616 §3.4.4 userhash: H(username ":" realm). */
export function computeUserhash(hash: DigestHash, username: string, realm: string): string {
  return hashHex(hash, `${username}:${realm}`);
}

/** The HA1 actually used in the response: the stored HA1, or H(HA1 ":" nonce ":" cnonce) for `-sess`. */
export function sessionHa1(algorithm: DigestAlgorithm, ha1: string, nonce: string, cnonce: string | undefined): string {
  const base = ha1.toLowerCase();
  if (!isSessionAlgorithm(algorithm)) return base;
  if (cnonce === undefined) throw new RangeError('SSW_AUTH_BAD_VALUE: -sess algorithms need a cnonce');
  return hashHex(hashOf(algorithm), `${base}:${nonce}:${cnonce}`);
}

export function computeHa2(
  algorithm: DigestAlgorithm,
  method: string,
  uri: string,
  qop?: DigestQop,
  body?: string | Uint8Array,
): string {
  const hash = hashOf(algorithm);
  if (qop === 'auth-int') return hashHex(hash, `${method}:${uri}:${hashHex(hash, body ?? '')}`);
  return hashHex(hash, `${method}:${uri}`);
}

export interface DigestResponseInput {
  readonly algorithm: DigestAlgorithm;
  /** Stored HA1 = H(username:realm:password) for the algorithm's hash (not the -sess form). */
  readonly ha1: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
  /** Absent for the RFC 2069 compatible form. */
  readonly qop?: DigestQop;
  /** nonce-count as sent: 8 hex digits. Required with qop. */
  readonly nc?: string;
  /** Required with qop and with -sess algorithms. */
  readonly cnonce?: string;
  /** Message body, used by qop=auth-int only. */
  readonly body?: string | Uint8Array;
}

/** request-digest (lower-case hex). Throws RangeError when qop or -sess is used without nc/cnonce (code fault). */
export function computeResponse(input: DigestResponseInput): string {
  const hash = hashOf(input.algorithm);
  const ha1 = sessionHa1(input.algorithm, input.ha1, input.nonce, input.cnonce);
  const ha2 = computeHa2(input.algorithm, input.method, input.uri, input.qop, input.body);
  if (input.qop === undefined) return hashHex(hash, `${ha1}:${input.nonce}:${ha2}`);
  if (input.nc === undefined || input.cnonce === undefined) throw new RangeError('SSW_AUTH_BAD_VALUE: qop needs nc and cnonce');
  return hashHex(hash, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
}

/** Constant-time comparison of two hex strings (case-insensitive). Different lengths compare unequal. */
export function hexEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a.toLowerCase(), 'latin1'), Buffer.from(b.toLowerCase(), 'latin1'));
}

/** nonce-count formatting: 8 lower-case hex digits (RFC 2617 §3.2.2). */
export function formatNonceCount(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
