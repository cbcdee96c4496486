// Incremental message framing for stream transports (TCP, TLS).
//
// RFC 3261 §18.3: "In the case of stream-oriented transports such as TCP, the Content-Length header
// field indicates the size of the body. All stream-oriented transports MUST use Content-Length."
// https://www.rfc-editor.org/rfc/rfc3261#section-18.3
//
// RFC 3261 §7.5: CRLFs before a start line are ignored. RFC 5626 §3.5.1: a double CRLF is a keep-alive
// "ping" the receiver answers with a single CRLF "pong"; the framer reports each ping so the connection
// can answer it. https://www.rfc-editor.org/rfc/rfc5626#section-3.5.1
//
// Memory is bounded per connection: at most maxHeaderSize bytes are held while looking for the end of
// the header section, and a message is never buffered beyond maxMessageSize. Any framing fault is fatal
// for the stream (the boundaries are lost), so the caller closes the connection.

export interface StreamFramerOptions {
  /** Largest header section (start line through the blank line). Default 16 KiB. */
  maxHeaderSize?: number;
  /** Largest whole message (headers plus body). Default 65535, the parser's default. */
  maxMessageSize?: number;
}

export const FramingErrorCode = {
  MissingContentLength: 'SSW_TRANSPORT_MISSING_CONTENT_LENGTH',
  BadContentLength: 'SSW_TRANSPORT_BAD_CONTENT_LENGTH',
  HeadersTooLarge: 'SSW_TRANSPORT_HEADERS_TOO_LARGE',
  MessageTooLarge: 'SSW_TRANSPORT_MESSAGE_TOO_LARGE',
} as const;
export type FramingErrorCode = (typeof FramingErrorCode)[keyof typeof FramingErrorCode];

export class FramingError extends Error {
  readonly code: FramingErrorCode;
  /** Status a request would be answered with, when it can be answered at all. */
  readonly status: number;
  readonly reason: string;
  /** The complete header section, when it was read (so a stateless reply can be built from it). */
  readonly head: Buffer | undefined;
  constructor(code: FramingErrorCode, status: number, reason: string, head?: Buffer) {
    super(reason);
    this.name = 'FramingError';
    this.code = code;
    this.status = status;
    this.reason = reason;
    this.head = head;
  }
}

export type FrameEvent =
  | { type: 'message'; data: Buffer }
  /** A CRLFCRLF keep-alive: answer with a single CRLF (RFC 5626 §3.5.1). */
  | { type: 'ping' }
  /** Fatal: the stream cannot be framed any more; close the connection. */
  | { type: 'error'; error: FramingError };

const CR = 13;
const LF = 10;

export class StreamFramer {
  readonly #maxHeader: number;
  readonly #maxMessage: number;
  /** Bytes of the message being assembled (only when it spans chunks). */
  #buf: Buffer | undefined;
  #len = 0;
  /** Offset where the next CRLFCRLF search resumes. */
  #scanFrom = 0;
  /** Total length of the current message once its header section was read, else -1. */
  #total = -1;
  /** Progress through "\r\n\r\n" between messages (0..3). */
  #crlf = 0;
  #failed = false;

  constructor(options: StreamFramerOptions = {}) {
    this.#maxMessage = options.maxMessageSize ?? 65535;
    this.#maxHeader = Math.min(options.maxHeaderSize ?? 16384, this.#maxMessage);
  }

  /** Bytes held for an incomplete message. */
  get buffered(): number {
    return this.#len;
  }

  get failed(): boolean {
    return this.#failed;
  }

  push(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    if (this.#failed) return out;
    const n = chunk.length;
    let off = 0;
    while (off < n) {
      if (this.#len === 0) {
        off = this.#skipKeepAlives(chunk, off, out);
        if (off >= n) break;
        off = this.#startMessage(chunk, off, out);
      } else {
        off = this.#continueMessage(chunk, off, out);
      }
      if (this.#failed) break;
    }
    return out;
  }

  #skipKeepAlives(chunk: Buffer, off: number, out: FrameEvent[]): number {
    const n = chunk.length;
    while (off < n) {
      const c = chunk[off];
      if (c === CR) this.#crlf = this.#crlf === 2 ? 3 : 1;
      else if (c === LF) {
        if (this.#crlf === 1) this.#crlf = 2;
        else if (this.#crlf === 3) {
          out.push({ type: 'ping' });
          this.#crlf = 0;
        } else this.#crlf = 0;
      } else {
        this.#crlf = 0;
        return off;
      }
      off++;
    }
    return off;
  }

  /** A message starts at chunk[off]; frame it in place when the chunk holds all of it (no copy). */
  #startMessage(chunk: Buffer, off: number, out: FrameEvent[]): number {
    const n = chunk.length;
    const limit = Math.min(n, off + this.#maxHeader);
    const headEnd = findHeaderEnd(chunk, off, limit);
    if (headEnd < 0) {
      if (n - off >= this.#maxHeader) return this.#fail(out, headersTooLarge());
      this.#buf = Buffer.allocUnsafe(Math.min(this.#maxHeader, Math.max(2048, (n - off) * 2)));
      chunk.copy(this.#buf, 0, off, n);
      this.#len = n - off;
      this.#scanFrom = this.#len;
      return n;
    }
    const total = this.#messageLength(chunk, off, headEnd, out);
    if (total < 0) return n;
    if (off + total <= n) {
      out.push({ type: 'message', data: chunk.subarray(off, off + total) });
      return off + total;
    }
    this.#buf = Buffer.allocUnsafe(total);
    chunk.copy(this.#buf, 0, off, n);
    this.#len = n - off;
    this.#total = total;
    return n;
  }

  #continueMessage(chunk: Buffer, off: number, out: FrameEvent[]): number {
    const buf = this.#buf as Buffer;
    if (this.#total >= 0) {
      const take = Math.min(this.#total - this.#len, chunk.length - off);
      chunk.copy(buf, this.#len, off, off + take);
      this.#len += take;
      if (this.#len === this.#total) this.#emitBuffered(out);
      return off + take;
    }
    // Still looking for the end of the header section: take at most up to the header limit.
    const take = Math.min(this.#maxHeader - this.#len, chunk.length - off);
    const grown = this.#ensureCapacity(this.#len + take);
    chunk.copy(grown, this.#len, off, off + take);
    this.#len += take;
    const headEnd = findHeaderEnd(grown, Math.max(0, this.#scanFrom - 3), this.#len);
    if (headEnd < 0) {
      if (this.#len >= this.#maxHeader) return this.#fail(out, headersTooLarge());
      this.#scanFrom = this.#len;
      return off + take;
    }
    const total = this.#messageLength(grown, 0, headEnd, out);
    if (total < 0) return chunk.length;
    // Bytes past this message came from the current chunk: hand them back.
    const excess = Math.max(0, this.#len - total);
    const consumed = off + take - excess;
    if (this.#len - excess === total) {
      this.#len = total;
      this.#total = total;
      this.#emitBuffered(out);
      return consumed;
    }
    const exact = Buffer.allocUnsafe(total);
    grown.copy(exact, 0, 0, this.#len);
    this.#buf = exact;
    this.#total = total;
    return consumed;
  }

  #emitBuffered(out: FrameEvent[]): void {
    const buf = this.#buf as Buffer;
    out.push({ type: 'message', data: buf.length === this.#total ? buf : buf.subarray(0, this.#total) });
    this.#buf = undefined;
    this.#len = 0;
    this.#total = -1;
    this.#scanFrom = 0;
  }

  #ensureCapacity(size: number): Buffer {
    const buf = this.#buf as Buffer;
    if (buf.length >= size) return buf;
    const grown = Buffer.allocUnsafe(Math.min(this.#maxHeader, Math.max(size, buf.length * 2)));
    buf.copy(grown, 0, 0, this.#len);
    this.#buf = grown;
    return grown;
  }

  /** Total message length from the header section data[start, headEnd), or -1 after a fault. */
  #messageLength(data: Buffer, start: number, headEnd: number, out: FrameEvent[]): number {
    const cl = scanContentLength(data, start, headEnd);
    const headLen = headEnd - start;
    const head = (): Buffer => Buffer.from(data.subarray(start, headEnd));
    if (cl === undefined) {
      this.#fail(out, new FramingError(FramingErrorCode.MissingContentLength, 400, 'Missing Content-Length', head()));
      return -1;
    }
    if (cl < 0) {
      this.#fail(out, new FramingError(FramingErrorCode.BadContentLength, 400, 'Bad Content-Length', head()));
      return -1;
    }
    if (headLen + cl > this.#maxMessage) {
      this.#fail(out, new FramingError(FramingErrorCode.MessageTooLarge, 513, 'Message Too Large', head()));
      return -1;
    }
    return headLen + cl;
  }

  #fail(out: FrameEvent[], error: FramingError): number {
    out.push({ type: 'error', error });
    this.#failed = true;
    this.#buf = undefined;
    this.#len = 0;
    return Number.MAX_SAFE_INTEGER;
  }
}

function headersTooLarge(): FramingError {
  return new FramingError(FramingErrorCode.HeadersTooLarge, 513, 'Message Too Large');
}

/** Index just past the first CRLFCRLF in data[from, to), or -1. */
export function findHeaderEnd(data: Buffer, from: number, to: number): number {
  let i = data.indexOf('\r\n\r\n', from, 'latin1');
  if (i < 0 || i + 4 > to) return -1;
  return i + 4;
}

/**
 * Content-Length (or compact `l`) from a header section, by byte scan. Returns undefined when absent,
 * -1 when malformed or when copies disagree. Folded values (continuation lines) are joined.
 */
export function scanContentLength(data: Buffer, start: number, end: number): number | undefined {
  let result: number | undefined;
  // Skip the start line; header lines follow each CRLF.
  let p = data.indexOf(LF, start);
  if (p < 0 || p >= end) return undefined;
  p++;
  while (p < end) {
    const eol = lineEnd(data, p, end);
    const value = matchContentLength(data, p, eol);
    if (value !== undefined) {
      let v = value;
      let q = eol + 2;
      while (q < end && (data[q] === 32 || data[q] === 9)) {
        const e = lineEnd(data, q, end);
        v += ' ' + data.toString('latin1', q, e);
        q = e + 2;
      }
      const n = parseDigits(v.trim());
      if (n < 0 || (result !== undefined && result !== n)) return -1;
      result = n;
    }
    p = eol + 2;
  }
  return result;
}

function lineEnd(data: Buffer, p: number, end: number): number {
  const i = data.indexOf('\r\n', p, 'latin1');
  return i < 0 || i > end ? end : i;
}

const NAME = Buffer.from('content-length', 'latin1');

/** The raw value after the colon when data[p, eol) is a Content-Length line, else undefined. */
function matchContentLength(data: Buffer, p: number, eol: number): string | undefined {
  let i = p;
  const first = data[i] | 0x20;
  if (first !== 0x6c /* l */ && first !== 0x63 /* c */) return undefined;
  if (first === 0x63) {
    if (eol - p < NAME.length) return undefined;
    for (let k = 0; k < NAME.length; k++) if ((data[p + k] | 0x20) !== NAME[k]) return undefined;
    i = p + NAME.length;
  } else {
    i = p + 1;
  }
  while (i < eol && (data[i] === 32 || data[i] === 9)) i++;
  if (data[i] !== 58 /* : */) return undefined;
  return data.toString('latin1', i + 1, eol);
}

function parseDigits(s: string): number {
  if (s.length === 0 || s.length > 10) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
