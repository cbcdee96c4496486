// Address-of-record canonicalisation (RFC 3261 §10.3 step 5) and Contact URI comparison (§19.1.4).
//
// The canonical AOR is `sip:user@host`: scheme folded to `sip` (a sips AOR names the same user), host
// lower-cased, port, parameters and headers dropped, and %-escapes of characters that need no escaping
// decoded (the remaining escapes upper-cased), so `sip:%61lice@Example.COM;transport=tcp` and
// `sips:alice@example.com` are the same AOR. The user part stays case-sensitive (§19.1.4).
import { parseUri, type Uri } from '../sip/message/index.js';

/** Characters allowed unescaped in the user part: unreserved / user-unreserved (RFC 3261 §25.1). */
const USER_SAFE = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!~*'()&=+$,;?/") USER_SAFE[c.charCodeAt(0)] = 1;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Normalises %-escapes of a URI user part: decodes escaped safe characters, upper-cases the others. */
export function normaliseUser(user: string): string {
  if (user.indexOf('%') === -1) return user;
  let out = '';
  for (let i = 0; i < user.length; i++) {
    const hi = user.charCodeAt(i) === 37 ? hexValue(user.charCodeAt(i + 1)) : -1;
    const lo = hi < 0 ? -1 : hexValue(user.charCodeAt(i + 2));
    if (lo < 0) {
      out += user[i];
      continue;
    }
    const code = hi * 16 + lo;
    out += code < 128 && USER_SAFE[code] === 1 ? String.fromCharCode(code) : user.slice(i, i + 3).toUpperCase();
    i += 2;
  }
  return out;
}

/** The user part with every %-escape decoded (what a digest `username` carries), or undefined. */
export function decodedUser(uri: Uri): string | undefined {
  const user = uri.user;
  if (user === undefined || user.indexOf('%') === -1) return user;
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/** Whether `uri` can name an address-of-record here: a sip/sips URI with a user part. */
export function isAorUri(uri: Uri): boolean {
  return uri.isSip && uri.user !== undefined && uri.user !== '' && uri.host !== '';
}

/**
 * Canonical AOR of a sip/sips URI: `sip:user@host` (or `sip:host` without a user). Other schemes are not
 * AORs; they come back serialized unchanged, so check `isAorUri` (or `uri.isSip`) first.
 */
export function aorOf(uri: Uri): string {
  if (!uri.isSip) return uri.toString();
  const host = uri.host.toLowerCase();
  return uri.user === undefined ? `sip:${host}` : `sip:${normaliseUser(uri.user)}@${host}`;
}

/** Canonicalises AOR text (`sips:Alice@EXAMPLE.com;x=y` → `sip:Alice@example.com`); non-SIP text is returned as is. */
export function canonicalAor(text: string): string {
  const uri = parseUri(text.trim());
  return uri !== undefined && uri.isSip ? aorOf(uri) : text;
}

/** Splits a canonical AOR into user and domain; undefined when it is not `sip:user@domain`. */
export function aorParts(aor: string): { user: string; domain: string } | undefined {
  if (!aor.startsWith('sip:')) return undefined;
  const at = aor.lastIndexOf('@');
  if (at <= 4 || at === aor.length - 1) return undefined;
  return { user: aor.slice(4, at), domain: aor.slice(at + 1) };
}

const MUST_MATCH_PARAMS = ['user', 'ttl', 'method', 'maddr', 'transport'] as const;

function lowerOrNull(v: string | null | undefined): string | null | undefined {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

/**
 * https://www.rfc-editor.org/rfc/rfc3261#section-19.1.4
 * SIP URI equivalence, used to find the existing binding a Contact refreshes (§10.3 step 6): same scheme;
 * user and password equal after escape normalisation (case-sensitive); host case-insensitive; ports equal
 * (an absent port does not match an explicit one); user, ttl, method, maddr and transport parameters must
 * agree when either side has them; other parameters must agree when both have them; headers must agree.
 * Non-SIP URIs compare by their text.
 */
export function sameContactUri(a: Uri, b: Uri): boolean {
  if (!a.isSip || !b.isSip) return a.toString() === b.toString();
  if (a.scheme !== b.scheme || a.port !== b.port || a.host.toLowerCase() !== b.host.toLowerCase()) return false;
  if ((a.user === undefined) !== (b.user === undefined)) return false;
  if (a.user !== undefined && b.user !== undefined && normaliseUser(a.user) !== normaliseUser(b.user)) return false;
  if (a.password !== b.password) return false;
  const pa = a.params;
  const pb = b.params;
  for (const name of MUST_MATCH_PARAMS) {
    if ((pa.has(name) || pb.has(name)) && lowerOrNull(pa.get(name)) !== lowerOrNull(pb.get(name))) return false;
  }
  for (const [name, value] of pa) {
    if (pb.has(name) && lowerOrNull(value) !== lowerOrNull(pb.get(name))) return false;
  }
  const ha = a.headers;
  const hb = b.headers;
  if (ha.size !== hb.size) return false;
  for (const [name, value] of ha) if (hb.get(name) !== value) return false;
  return true;
}
