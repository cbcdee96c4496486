// Wire faults are data, not exceptions (docs/ARCHITECTURE.md, "three kinds of error"): the parser
// returns a ParseError value carrying the field that failed and the SIP status it implies, so the
// transport can answer statelessly without knowing parser internals.

export const ParseErrorCode = {
  Empty: 'SSW_SIP_EMPTY',
  TooLarge: 'SSW_SIP_TOO_LARGE',
  BadStartLine: 'SSW_SIP_BAD_START_LINE',
  BadVersion: 'SSW_SIP_BAD_VERSION',
  BadRequestUri: 'SSW_SIP_BAD_REQUEST_URI',
  BadHeader: 'SSW_SIP_BAD_HEADER',
  TooManyHeaders: 'SSW_SIP_TOO_MANY_HEADERS',
  MissingHeader: 'SSW_SIP_MISSING_HEADER',
  DuplicateHeader: 'SSW_SIP_DUPLICATE_HEADER',
  CSeqMismatch: 'SSW_SIP_CSEQ_MISMATCH',
  BadContentLength: 'SSW_SIP_BAD_CONTENT_LENGTH',
  Truncated: 'SSW_SIP_TRUNCATED',
} as const;
export type ParseErrorCode = (typeof ParseErrorCode)[keyof typeof ParseErrorCode];

export class ParseError extends Error {
  readonly code: ParseErrorCode;
  /** The header or message part that failed ("Via", "CSeq", "Request-URI", "Content-Length", ...). */
  readonly field: string | undefined;
  /** The response status the fault implies when answering a request. */
  readonly status: number;
  /** Short text fit for a reason phrase ("Bad CSeq"). */
  readonly reason: string;
  /** What the start line told us, when it could be read. */
  readonly isRequest: boolean | undefined;

  constructor(code: ParseErrorCode, reason: string, opts: { field?: string; status?: number; isRequest?: boolean; detail?: string } = {}) {
    super(opts.detail ? `${reason}: ${opts.detail}` : reason);
    this.name = 'ParseError';
    this.code = code;
    this.field = opts.field;
    this.status = opts.status ?? 400;
    this.reason = reason;
    this.isRequest = opts.isRequest;
  }
}

/** Thrown only inside the parser and caught at its boundary; never escapes parseMessage. */
export class HeaderSyntaxError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}
