// Stateless, verifiable server nonces (RFC 7616 §3.3 "nonce" and §5.4–5.5 on nonce construction).
//
//   nonce = base64url( issued-at (6 bytes, ms, big-endian) || random (8 bytes) || HMAC-SHA256(secret, ctx)[0..16) )
//   ctx   = "precedence-digest-nonce" NUL realm NUL issued-at || random
//
// Any node holding the same secret can check a nonce without shared state; the realm is bound into the MAC so
// a nonce issued for one realm is not accepted in another. Freshness (expiry) and replay are the caller's job.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TS_BYTES = 6;
const RANDOM_BYTES = 8;
const MAC_BYTES = 16;
const PAYLOAD_BYTES = TS_BYTES + RANDOM_BYTES;
const NONCE_BYTES = PAYLOAD_BYTES + MAC_BYTES;
/** Length of an encoded nonce (30 bytes in unpadded base64url). */
export const NONCE_LENGTH = 40;
const CONTEXT = Buffer.from('precedence-digest-nonce\0', 'latin1');

function mac(secret: Uint8Array, realm: string, payload: Uint8Array): Buffer {
  return createHmac('sha256', secret)
    .update(CONTEXT)
    .update(realm, 'utf8')
    .update('\0', 'latin1')
    .update(payload)
    .digest()
    .subarray(0, MAC_BYTES);
}

function isBase64UrlChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f;
}

/** Creates a nonce for `realm` stamped with `issuedAt` (ms since the epoch). */
export function createNonce(secret: Uint8Array, realm: string, issuedAt: number, random: Uint8Array = randomBytes(RANDOM_BYTES)): string {
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload.writeUIntBE(Math.max(0, Math.floor(issuedAt)), 0, TS_BYTES);
  Buffer.from(random).copy(payload, TS_BYTES, 0, RANDOM_BYTES);
  return Buffer.concat([payload, mac(secret, realm, payload)]).toString('base64url');
}

export type NonceCheck = { readonly ok: true; readonly issuedAt: number } | { readonly ok: false };

/** Checks a nonce's MAC for `realm`; returns its issue time when genuine. Never throws. */
export function verifyNonce(secret: Uint8Array, realm: string, nonce: string): NonceCheck {
  if (nonce.length !== NONCE_LENGTH) return { ok: false };
  for (let i = 0; i < nonce.length; i++) if (!isBase64UrlChar(nonce.charCodeAt(i))) return { ok: false };
  const raw = Buffer.from(nonce, 'base64url');
  if (raw.length !== NONCE_BYTES || raw.toString('base64url') !== nonce) return { ok: false };
  const payload = raw.subarray(0, PAYLOAD_BYTES);
  if (!timingSafeEqual(raw.subarray(PAYLOAD_BYTES), mac(secret, realm, payload))) return { ok: false };
  return { ok: true, issuedAt: payload.readUIntBE(0, TS_BYTES) };
}
