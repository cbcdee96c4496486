// Operational faults of server location (style §2.4 kind 3). `SipResolver.resolve` rejects with a
// ResolveError; the proxy answers with its `status` (404 when DNS has no target, 503 when DNS failed
// or timed out, 416 for a non-SIP scheme).

/** One record per code: the SIP status it implies and a short reason. */
export const ResolveErrorCode = {
  /** No NAPTR, SRV, A or AAAA record leads to a usable target (NXDOMAIN / NODATA everywhere). */
  NotFound: 'SSW_RESOLVE_NOT_FOUND',
  /** A DNS query (or the whole resolution) ran out of time. */
  Timeout: 'SSW_RESOLVE_TIMEOUT',
  /** The DNS server answered SERVFAIL / REFUSED, or could not be reached. */
  ServerFailure: 'SSW_RESOLVE_SERVER_FAILURE',
  /** Any other DNS failure (bad answer, cancelled, out of memory, …). */
  DnsError: 'SSW_RESOLVE_DNS_ERROR',
  /** The URI scheme has no server location procedure (`tel:`, `mailto:`, …). */
  UnsupportedScheme: 'SSW_RESOLVE_UNSUPPORTED_SCHEME',
  /** The URI asks for a transport we do not support (or `sips` over UDP); none of ours is usable. */
  UnsupportedTransport: 'SSW_RESOLVE_UNSUPPORTED_TRANSPORT',
  /** The URI has no host (or an unusable maddr). */
  BadTarget: 'SSW_RESOLVE_BAD_TARGET',
} as const;
export type ResolveErrorCode = (typeof ResolveErrorCode)[keyof typeof ResolveErrorCode];

/** Status each code implies when a proxy cannot forward because of it (one table of records). */
export const RESOLVE_ERROR_STATUS: Readonly<Record<ResolveErrorCode, { status: number; reason: string }>> = Object.freeze({
  SSW_RESOLVE_NOT_FOUND: { status: 404, reason: 'Not Found' },
  SSW_RESOLVE_TIMEOUT: { status: 503, reason: 'Service Unavailable' },
  SSW_RESOLVE_SERVER_FAILURE: { status: 503, reason: 'Service Unavailable' },
  SSW_RESOLVE_DNS_ERROR: { status: 503, reason: 'Service Unavailable' },
  SSW_RESOLVE_UNSUPPORTED_SCHEME: { status: 416, reason: 'Unsupported URI Scheme' },
  SSW_RESOLVE_UNSUPPORTED_TRANSPORT: { status: 503, reason: 'Service Unavailable' },
  SSW_RESOLVE_BAD_TARGET: { status: 400, reason: 'Bad Request' },
});

export class ResolveError extends Error {
  readonly code: ResolveErrorCode;
  /** SIP status a proxy should answer with (from RESOLVE_ERROR_STATUS). */
  readonly status: number;
  /** The name (or URI) being resolved when the failure happened. */
  readonly target: string;

  constructor(code: ResolveErrorCode, target: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResolveError';
    this.code = code;
    this.status = RESOLVE_ERROR_STATUS[code].status;
    this.target = target;
  }
}

/** c-ares / node:dns error codes meaning "the name has no such records": an empty answer, not a failure. */
const NO_DATA_CODES: ReadonlySet<string> = new Set(['ENODATA', 'ENOTFOUND', 'NOTFOUND', 'NODATA']);
const TIMEOUT_CODES: ReadonlySet<string> = new Set(['ETIMEOUT', 'ETIMEDOUT', 'TIMEOUT']);
const SERVER_CODES: ReadonlySet<string> = new Set(['ESERVFAIL', 'EREFUSED', 'ECONNREFUSED', 'SERVFAIL', 'REFUSED']);

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** True for node:dns errors that mean NXDOMAIN / NODATA (the adapter turns them into `[]`). */
export function isNoDataError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && NO_DATA_CODES.has(code);
}

/** Classifies any DNS failure (node:dns error, fake, or already a ResolveError) as a ResolveError. */
export function toResolveError(err: unknown, query: string): ResolveError {
  if (err instanceof ResolveError) return err;
  const code = errorCode(err);
  const text = err instanceof Error ? err.message : String(err);
  if (code !== undefined && NO_DATA_CODES.has(code)) {
    return new ResolveError(ResolveErrorCode.NotFound, query, `no records for ${query}`, { cause: err });
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new ResolveError(ResolveErrorCode.Timeout, query, `DNS query for ${query} timed out`, { cause: err });
  }
  if (code !== undefined && SERVER_CODES.has(code)) {
    return new ResolveError(ResolveErrorCode.ServerFailure, query, `DNS server failure for ${query}: ${code}`, { cause: err });
  }
  return new ResolveError(ResolveErrorCode.DnsError, query, `DNS query for ${query} failed: ${text}`, { cause: err });
}

/** Severity when several lookups failed differently: the most actionable code wins. */
const SEVERITY: Readonly<Record<ResolveErrorCode, number>> = {
  SSW_RESOLVE_NOT_FOUND: 0,
  SSW_RESOLVE_DNS_ERROR: 1,
  SSW_RESOLVE_SERVER_FAILURE: 2,
  SSW_RESOLVE_TIMEOUT: 3,
  SSW_RESOLVE_UNSUPPORTED_SCHEME: 4,
  SSW_RESOLVE_UNSUPPORTED_TRANSPORT: 4,
  SSW_RESOLVE_BAD_TARGET: 4,
};

/** The more severe of two errors (the first on ties). */
export function worseError(a: ResolveError | undefined, b: ResolveError): ResolveError {
  if (a === undefined) return b;
  return SEVERITY[b.code] > SEVERITY[a.code] ? b : a;
}
