// Parser and serializer for authentication header values:
//   challenges  — WWW-Authenticate / Proxy-Authenticate   (RFC 3261 §20.44, §20.28; RFC 7235 §4.1)
//   credentials — Authorization / Proxy-Authorization     (RFC 3261 §20.7, §20.28; RFC 7235 §4.2)
// Digest parameters follow RFC 3261 §25.1 (digest-cln, dig-resp), RFC 2617 §3.2 and RFC 7616 §3.3–3.4.
//
// Wire input is data (style §2.4): every parse function returns `{ ok: false, fault }` on bad input and never
// throws. Serializers take values we produced ourselves; a value that cannot be represented on the wire
// (CR/LF, which no quoted-pair can carry) is a code fault and throws a RangeError.

import {
  fault,
  parseAuthElements,
  quoteString,
  tokenValue,
  type AuthElement,
  type AuthHeaderLimits,
  type AuthParseResult,
  type Step,
} from './auth-params.js';

export {
  DEFAULT_AUTH_HEADER_LIMITS,
  parseAuthElements,
  quoteString,
  type AuthElement,
  type AuthHeaderFault,
  type AuthHeaderFaultCode,
  type AuthHeaderLimits,
  type AuthParseResult,
} from './auth-params.js';

/** A parsed Digest challenge (RFC 7616 §3.3). Unknown auth-params are kept in `params`. */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  /** The algorithm token exactly as sent; absent means MD5 (RFC 2617 §3.2.1). */
  readonly algorithm?: string;
  /** qop-options, lower-cased; absent for an RFC 2069 style challenge. */
  readonly qop?: readonly string[];
  readonly opaque?: string;
  readonly domain?: string;
  readonly stale: boolean;
  readonly userhash: boolean;
  readonly charset?: string;
  readonly params: ReadonlyMap<string, string>;
}

/** Parsed Digest credentials (RFC 7616 §3.4, RFC 3261 §25.1 dig-resp). */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  /** request-digest, lower-cased hex. */
  readonly response: string;
  readonly algorithm?: string;
  readonly cnonce?: string;
  readonly opaque?: string;
  /** message-qop, lower-cased. */
  readonly qop?: string;
  /** nonce-count: exactly 8 hex digits, lower-cased. */
  readonly nc?: string;
  readonly userhash: boolean;
  readonly params: ReadonlyMap<string, string>;
}

export interface DigestChallengeInit {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm?: string;
  readonly qop?: readonly string[];
  readonly opaque?: string;
  readonly domain?: string;
  readonly stale?: boolean;
  readonly userhash?: boolean;
  readonly charset?: string;
}

export interface DigestCredentialsInit {
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm?: string;
  readonly cnonce?: string;
  readonly opaque?: string;
  readonly qop?: string;
  readonly nc?: string;
  readonly userhash?: boolean;
}

/** 401 → WWW-Authenticate / Authorization; 407 → Proxy-Authenticate / Proxy-Authorization (RFC 3261 §22.2–22.3). */
export type ChallengeStatus = 401 | 407;

export function challengeHeaderName(status: ChallengeStatus): 'WWW-Authenticate' | 'Proxy-Authenticate' {
  return status === 407 ? 'Proxy-Authenticate' : 'WWW-Authenticate';
}

export function credentialsHeaderName(status: ChallengeStatus): 'Authorization' | 'Proxy-Authorization' {
  return status === 407 ? 'Proxy-Authorization' : 'Authorization';
}

function isDigest(scheme: string): boolean {
  return scheme.length === 6 && scheme.toLowerCase() === 'digest';
}

function isHex(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

function splitQop(v: string): string[] {
  const out: string[] = [];
  for (const part of v.split(',')) {
    const t = part.trim().toLowerCase();
    if (t.length > 0) out.push(t);
  }
  return out;
}

function toDigestChallenge(el: AuthElement): Step<DigestChallenge> {
  if (el.token68 !== undefined) return fault('SSW_AUTH_BAD_SYNTAX', 'Digest does not take a token68', 'scheme');
  const p = el.params;
  const realm = p.get('realm');
  if (realm === undefined) return fault('SSW_AUTH_MISSING_PARAM', 'challenge without realm', 'realm');
  const nonce = p.get('nonce');
  if (nonce === undefined || nonce.length === 0) return fault('SSW_AUTH_MISSING_PARAM', 'challenge without nonce', 'nonce');
  const qopRaw = p.get('qop');
  const qop = qopRaw === undefined ? undefined : splitQop(qopRaw);
  if (qop !== undefined && qop.length === 0) return fault('SSW_AUTH_BAD_PARAM', 'empty qop-options', 'qop');
  const stale = p.get('stale');
  return {
    ok: true,
    value: {
      realm,
      nonce,
      algorithm: p.get('algorithm'),
      qop,
      opaque: p.get('opaque'),
      domain: p.get('domain'),
      stale: stale !== undefined && stale.toLowerCase() === 'true',
      userhash: (p.get('userhash') ?? '').toLowerCase() === 'true',
      charset: p.get('charset'),
      params: p,
    },
  };
}

/**
 * Parses a WWW-Authenticate / Proxy-Authenticate value. Non-Digest challenges are skipped; the result may be
 * an empty list when the value is well-formed but offers no Digest challenge.
 */
export function parseDigestChallenges(value: string, limits?: AuthHeaderLimits): AuthParseResult<DigestChallenge[]> {
  const parsed = parseAuthElements(value, limits);
  if (!parsed.ok) return parsed;
  const out: DigestChallenge[] = [];
  for (const el of parsed.value) {
    if (!isDigest(el.scheme)) continue;
    const ch = toDigestChallenge(el);
    if (!ch.ok) return ch;
    out.push(ch.value);
  }
  return { ok: true, value: out };
}

/** Converts one generic element with scheme Digest into typed credentials, validating RFC 7616 §3.4. */
export function toDigestCredentials(el: AuthElement): AuthParseResult<DigestCredentials> {
  if (!isDigest(el.scheme)) return fault('SSW_AUTH_NOT_DIGEST', 'credentials scheme is not Digest', 'scheme');
  if (el.token68 !== undefined) return fault('SSW_AUTH_BAD_SYNTAX', 'Digest does not take a token68', 'scheme');
  const p = el.params;
  for (const name of ['username', 'realm', 'nonce', 'uri', 'response'] as const) {
    if (!p.has(name)) return fault('SSW_AUTH_MISSING_PARAM', `credentials without ${name}`, name);
  }
  const response = (p.get('response') as string).toLowerCase();
  if (!isHex(response)) return fault('SSW_AUTH_BAD_PARAM', 'response is not hex', 'response');
  const qopRaw = p.get('qop');
  const qop = qopRaw?.trim().toLowerCase();
  const nc = p.get('nc')?.toLowerCase();
  const cnonce = p.get('cnonce');
  if (qop !== undefined) {
    // RFC 2617 §3.2.2: cnonce and nonce-count MUST be present when qop is.
    if (qop.length === 0) return fault('SSW_AUTH_BAD_PARAM', 'empty qop', 'qop');
    if (cnonce === undefined || cnonce.length === 0) return fault('SSW_AUTH_MISSING_PARAM', 'qop without cnonce', 'cnonce');
    if (nc === undefined) return fault('SSW_AUTH_MISSING_PARAM', 'qop without nc', 'nc');
  }
  if (nc !== undefined && (nc.length !== 8 || !isHex(nc))) return fault('SSW_AUTH_BAD_PARAM', 'nc must be 8 hex digits', 'nc');
  return {
    ok: true,
    value: {
      username: p.get('username') as string,
      realm: p.get('realm') as string,
      nonce: p.get('nonce') as string,
      uri: p.get('uri') as string,
      response,
      algorithm: p.get('algorithm'),
      cnonce,
      opaque: p.get('opaque'),
      qop,
      nc,
      userhash: (p.get('userhash') ?? '').toLowerCase() === 'true',
      params: p,
    },
  };
}

/**
 * Parses an Authorization / Proxy-Authorization value. A header line carries exactly one credentials
 * (RFC 3261 §20.7); several credentials go on separate lines.
 */
export function parseDigestCredentials(value: string, limits?: AuthHeaderLimits): AuthParseResult<DigestCredentials> {
  const parsed = parseAuthElements(value, limits);
  if (!parsed.ok) return parsed;
  if (parsed.value.length !== 1) return fault('SSW_AUTH_BAD_SYNTAX', 'expected exactly one credentials per header', 'scheme');
  return toDigestCredentials(parsed.value[0]);
}

// ---------------------------------------------------------------------------------------------------------
// Serialization.

/** `Digest realm="…", nonce="…", …` for a WWW-Authenticate / Proxy-Authenticate header. */
export function serializeDigestChallenge(ch: DigestChallengeInit): string {
  const parts = [`realm=${quoteString(ch.realm)}`];
  if (ch.domain !== undefined) parts.push(`domain=${quoteString(ch.domain)}`);
  parts.push(`nonce=${quoteString(ch.nonce)}`);
  if (ch.opaque !== undefined) parts.push(`opaque=${quoteString(ch.opaque)}`);
  if (ch.stale) parts.push('stale=true');
  if (ch.algorithm !== undefined) parts.push(`algorithm=${tokenValue('algorithm', ch.algorithm)}`);
  if (ch.qop !== undefined && ch.qop.length > 0) {
    parts.push(`qop=${quoteString(ch.qop.map((q) => tokenValue('qop', q)).join(','))}`);
  }
  if (ch.charset !== undefined) parts.push(`charset=${tokenValue('charset', ch.charset)}`);
  if (ch.userhash !== undefined) parts.push(`userhash=${ch.userhash ? 'true' : 'false'}`);
  return `Digest ${parts.join(', ')}`;
}

/** `Digest username="…", realm="…", …` for an Authorization / Proxy-Authorization header. */
export function serializeDigestCredentials(c: DigestCredentialsInit): string {
  const parts = [
    `username=${quoteString(c.username)}`,
    `realm=${quoteString(c.realm)}`,
    `nonce=${quoteString(c.nonce)}`,
    `uri=${quoteString(c.uri)}`,
    `response=${quoteString(c.response)}`,
  ];
  if (c.algorithm !== undefined) parts.push(`algorithm=${tokenValue('algorithm', c.algorithm)}`);
  if (c.cnonce !== undefined) parts.push(`cnonce=${quoteString(c.cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quoteString(c.opaque)}`);
  // message-qop and nonce-count are unquoted tokens (RFC 3261 §25.1, RFC 7616 §3.4).
  if (c.qop !== undefined) parts.push(`qop=${tokenValue('qop', c.qop)}`);
  if (c.nc !== undefined) parts.push(`nc=${tokenValue('nc', c.nc)}`);
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
