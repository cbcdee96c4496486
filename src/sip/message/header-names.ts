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

/** The headers a SIP stack meets every day, in their usual spelling. */
const KNOWN_NAMES = [
  'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Contact', 'Route', 'Record-Route', 'Content-Type',
  'Content-Length', 'Allow', 'Supported', 'Require', 'Proxy-Require', 'Unsupported', 'User-Agent', 'Server',
  'Expires', 'Min-Expires', 'Date', 'Timestamp', 'Subject', 'Accept', 'Accept-Encoding', 'Accept-Language',
  'Allow-Events', 'Event', 'Subscription-State', 'Refer-To', 'Referred-By', 'Session-Expires', 'Min-SE', 'RSeq',
  'RAck', 'Reason', 'Retry-After', 'Resource-Priority', 'Accept-Resource-Priority', 'Authorization',
  'Proxy-Authorization', 'WWW-Authenticate', 'Proxy-Authenticate', 'Authentication-Info', 'P-Asserted-Identity',
  'P-Preferred-Identity', 'Privacy', 'Path', 'Service-Route', 'Content-Encoding', 'Content-Disposition',
  'MIME-Version', 'Organization', 'Priority', 'Warning', 'Identity', 'History-Info', 'Diversion',
];

function computeKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT[lower] ?? lower) : lower;
}

// Name as written → canonical key. Messages repeat the same few spellings, so a bounded cache
// turns the per-header toLowerCase into one Map lookup (Kamailio keeps a hashed name table for the
// same reason). Preloaded with the usual spellings; further names are learned up to the cap so
// that a flood of invented names cannot grow it without limit.
const KEY_CACHE = new Map<string, string>();
const KEY_CACHE_MAX = 2048;
for (const long of KNOWN_NAMES) {
  const key = long.toLowerCase();
  KEY_CACHE.set(long, key);
  KEY_CACHE.set(key, key);
  KEY_CACHE.set(long.toUpperCase(), key);
}
for (const c in COMPACT) {
  KEY_CACHE.set(c, COMPACT[c]);
  KEY_CACHE.set(c.toUpperCase(), COMPACT[c]);
}
KEY_CACHE.set('CSEQ', 'cseq');
KEY_CACHE.set('Call-Id', 'call-id');
KEY_CACHE.set('Cseq', 'cseq');

/** The canonical key of a header name: lower-cased long form ("v", "VIA", "Via" → "via"). */
export function canonicalKey(name: string): string {
  let key = KEY_CACHE.get(name);
  if (key === undefined) {
    key = computeKey(name);
    if (KEY_CACHE.size < KEY_CACHE_MAX) KEY_CACHE.set(name, key);
  }
  return key;
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

/** Numeric ids of the headers the parser tracks while scanning (0: any other header). */
export const HeaderId = { Other: 0, Via: 1, From: 2, To: 3, CallId: 4, CSeq: 5, MaxForwards: 6, ContentLength: 7, ContentType: 8 } as const;

export interface KnownName {
  /** Lower-cased spelling to match ("call-id", or "i" for the compact form). */
  readonly lower: string;
  /** The usual spelling ("Call-ID", or "i"). */
  readonly spelling: string;
  readonly key: string;
  readonly id: number;
}

// Known names in a small open-addressing table keyed by a hash of the length and three characters
// of the lower-cased name (first, second, last), so the parser can recognise a name in place,
// before slicing it; a hit is confirmed by one case-insensitive comparison, which also proves the
// name is a valid token (the same idea as Kamailio's parse_hname2, which reads the first bytes).
const SLOTS = 256;
const slotHash = new Int32Array(SLOTS);
const slotName: (KnownName | undefined)[] = new Array<KnownName | undefined>(SLOTS).fill(undefined);

function nameHash(s: string, a: number, b: number): number {
  const len = b - a;
  return (Math.imul(Math.imul(Math.imul(len, 31) + (s.charCodeAt(a) | 32), 31) + (s.charCodeAt(len > 1 ? a + 1 : a) | 32), 31) + (s.charCodeAt(b - 1) | 32)) | 0;
}

function slotOf(h: number): number {
  return (h ^ (h >>> 8) ^ (h >>> 16)) & (SLOTS - 1);
}

function addKnown(spelling: string, key: string): void {
  const lower = spelling.toLowerCase();
  const ids: Record<string, number> = {
    via: HeaderId.Via, from: HeaderId.From, to: HeaderId.To, 'call-id': HeaderId.CallId, cseq: HeaderId.CSeq,
    'max-forwards': HeaderId.MaxForwards, 'content-length': HeaderId.ContentLength, 'content-type': HeaderId.ContentType,
  };
  const h = nameHash(lower, 0, lower.length);
  let k = slotOf(h);
  while (slotName[k] !== undefined) k = (k + 1) & (SLOTS - 1);
  slotHash[k] = h;
  slotName[k] = { lower, spelling, key, id: ids[key] ?? HeaderId.Other };
}
for (const long of KNOWN_NAMES) addKnown(long, long.toLowerCase());
for (const c in COMPACT) addKnown(c, COMPACT[c]);

/** The known header name spelled by s[a, b) (b > a) in any case, or undefined. */
export function knownName(s: string, a: number, b: number): KnownName | undefined {
  const len = b - a;
  const h = nameHash(s, a, b);
  for (let k = slotOf(h); ; k = (k + 1) & (SLOTS - 1)) {
    const e = slotName[k];
    if (e === undefined) return undefined;
    if (slotHash[k] !== h || e.lower.length !== len) continue;
    const lower = e.lower;
    let i = 0;
    for (; i < len; i++) {
      let c = s.charCodeAt(a + i);
      if (c >= 65 && c <= 90) c |= 32;
      if (c !== lower.charCodeAt(i)) break;
    }
    if (i === len) return e;
  }
}
