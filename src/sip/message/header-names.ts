// Header names are case-insensitive (RFC 3261 §7.3.1) and several have compact forms (§7.3.3 and
// later RFCs). Lookups use one canonical key: the lower-cased long name.

const COMPACT: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  f: 'from',
  t: 'to',
  v: 'via',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
  o: 'event', // RFC 6665
  u: 'allow-events', // RFC 6665
  r: 'refer-to', // RFC 3515
  b: 'referred-by', // RFC 3892
  x: 'session-expires', // RFC 4028
  y: 'identity', // RFC 8224
  a: 'accept-contact', // RFC 3841
  j: 'reject-contact', // RFC 3841
  d: 'request-disposition', // RFC 3841
  n: 'identity-info',
};

/** Conventional spelling for the headers the stack itself emits or that are commonly rewritten. */
const PRETTY: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  'p-asserted-identity': 'P-Asserted-Identity',
  'rack': 'RAck',
  'rseq': 'RSeq',
};

export function canonicalKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
}

/** "content-type" → "Content-Type", honouring the conventional spellings above. */
export function prettyName(key: string): string {
  const p = PRETTY[key];
  if (p) return p;
  let out = '';
  let up = true;
  for (let i = 0; i < key.length; i++) {
    const ch = key[i];
    out += up ? ch.toUpperCase() : ch;
    up = ch === '-';
  }
  return out;
}

/** Headers whose value is a comma-separated list per their ABNF (so `list()` may split them). */
const LIST_HEADERS = new Set([
  'via', 'contact', 'route', 'record-route', 'require', 'proxy-require', 'supported', 'unsupported',
  'allow', 'accept', 'accept-encoding', 'accept-language', 'allow-events', 'content-encoding',
  'content-language', 'in-reply-to', 'reason', 'resource-priority', 'accept-resource-priority', 'path',
  'service-route', 'p-asserted-identity', 'p-preferred-identity', 'security-client', 'security-server',
  'security-verify', 'history-info', 'privacy', 'accept-contact', 'reject-contact', 'request-disposition',
  'alert-info', 'call-info', 'error-info', 'warning',
]);
export function isListHeader(key: string): boolean {
  return LIST_HEADERS.has(key);
}

/** Headers that may appear at most once (RFC 3261 §7.3 and Table 2); duplicates make a request malformed. */
export const SINGLE_VALUE_CORE = ['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type'] as const;
