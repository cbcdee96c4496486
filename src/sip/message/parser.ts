// Bytes → SipMessage (RFC 3261 §7, §25). The start line and header section are found by scanning
// the Buffer; the header section is decoded once and split by index arithmetic (no regex). The
// headers every layer needs (Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Length) are
// validated here so a message that leaves the parser can be routed and matched; the rest are parsed
// lazily by the accessors on first use.
import { canonicalKey } from './header-names.js';
import { parseCSeq } from './headers/cseq.js';
import { parseNameAddr } from './headers/name-addr.js';
import { parseViaList, type Via } from './headers/via.js';
import { type HeaderField, type SipMessage, SipRequest, SipResponse } from './message.js';
import { HeaderSyntaxError, ParseError, ParseErrorCode } from './parse-error.js';
import { isToken, isTokenChar, isWs, parseUint } from './text.js';
import { parseUriStrict } from './uri.js';

export interface ParseOptions {
  /** Whole-message cap in bytes; larger input → 513 (RFC 3261 §21.5.14). Default 65,535. */
  maxMessageSize?: number;
  /** Cap on header fields (header floods). Default 256. */
  maxHeaders?: number;
  /** Cap on Via entries (deep nesting / loops). Default 64. */
  maxVias?: number;
  /** The bytes came from a stream transport: Content-Length is mandatory (RFC 3261 §18.3). */
  stream?: boolean;
}

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: ParseError };

const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

export function parseMessage(buf: Buffer, opts: ParseOptions = {}): ParseResult {
  try {
    return { ok: true, message: parseOrThrow(buf, opts) };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e };
    if (e instanceof HeaderSyntaxError) {
      return { ok: false, error: new ParseError(ParseErrorCode.BadHeader, `Bad ${e.field}`, { field: e.field, detail: e.message }) };
    }
    // A bug in a header parser must still not escape to a socket handler.
    return { ok: false, error: new ParseError(ParseErrorCode.BadHeader, 'Malformed Message', { detail: String(e) }) };
  }
}

function fail(code: ParseErrorCode, reason: string, opts: { field?: string; status?: number; isRequest?: boolean; detail?: string } = {}): never {
  throw new ParseError(code, reason, opts);
}

function parseOrThrow(buf: Buffer, opts: ParseOptions): SipMessage {
  const maxSize = opts.maxMessageSize ?? 65535;
  if (buf.length > maxSize) fail(ParseErrorCode.TooLarge, 'Message Too Large', { status: 513, detail: `${buf.length} bytes` });

  // RFC 3261 §7.5: empty lines before the start line are ignored.
  let start = 0;
  while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start >= buf.length) fail(ParseErrorCode.Empty, 'Empty Message');

  let headEnd = buf.indexOf(CRLFCRLF, start);
  let bodyStart: number;
  if (headEnd >= 0) bodyStart = headEnd + 4;
  else {
    headEnd = buf.indexOf(LFLF, start);
    if (headEnd >= 0) bodyStart = headEnd + 2;
    else if (buf[buf.length - 1] === 10) {
      // Header section ended by the datagram itself (no empty line): tolerated, no body.
      headEnd = buf.length;
      bodyStart = buf.length;
    } else fail(ParseErrorCode.Truncated, 'Incomplete Header Section');
  }

  const text = buf.toString('utf8', start, headEnd);
  const maxHeaders = opts.maxHeaders ?? 256;

  let pos = text.indexOf('\n');
  const firstLine = stripCr(pos < 0 ? text : text.slice(0, pos));
  const isRequest = !firstLine.startsWith('SIP/');
  const headers: HeaderField[] = [];
  let last: HeaderField | undefined;
  while (pos >= 0 && pos < text.length) {
    const lineStart = pos + 1;
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    const line = stripCr(text.slice(lineStart, lineEnd));
    pos = lineEnd;
    if (line.length === 0) continue;
    const c0 = line.charCodeAt(0);
    if (c0 === 32 || c0 === 9) {
      // Obsolete line folding (RFC 3261 §7.3.1): the continuation joins the previous value.
      if (!last) fail(ParseErrorCode.BadHeader, 'Bad Header Folding', { isRequest });
      const cont = trimSpTab(line);
      last.value = last.value.length > 0 ? `${last.value} ${cont}` : cont;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) fail(ParseErrorCode.BadHeader, 'Malformed Header Line', { isRequest, detail: line.slice(0, 40) });
    let nameEnd = colon;
    while (nameEnd > 0 && (line.charCodeAt(nameEnd - 1) === 32 || line.charCodeAt(nameEnd - 1) === 9)) nameEnd--;
    const name = line.slice(0, nameEnd);
    for (let i = 0; i < name.length; i++) {
      if (!isTokenChar(name.charCodeAt(i))) fail(ParseErrorCode.BadHeader, 'Bad Header Name', { isRequest, detail: name.slice(0, 40) });
    }
    if (headers.length >= maxHeaders) fail(ParseErrorCode.TooManyHeaders, 'Too Many Headers', { isRequest });
    last = { name, value: trimSpTab(line.slice(colon + 1)), key: canonicalKey(name) };
    headers.push(last);
  }

  let msg: SipRequest | SipResponse;
  if (isRequest) {
    const { method, uriText, version } = parseRequestLine(firstLine);
    let uri;
    try {
      uri = parseUriStrict(uriText, 'Request-URI');
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      fail(ParseErrorCode.BadRequestUri, 'Bad Request-URI', { field: 'Request-URI', isRequest, detail });
    }
    msg = new SipRequest(method, uri, uriText, headers, EMPTY, version);
  } else {
    const { status, reason, version } = parseStatusLine(firstLine);
    msg = new SipResponse(status, reason, headers, EMPTY, version);
  }

  // Core headers: presence, uniqueness, syntax (RFC 3261 §8.1.1, §20).
  let via: string[] | undefined;
  let from: string | undefined;
  let to: string | undefined;
  let callId: string | undefined;
  let cseq: string | undefined;
  let maxForwards: string | undefined;
  let contentLength: string | undefined;
  for (const h of headers) {
    switch (h.key) {
      case 'via': (via ??= []).push(h.value); break;
      case 'from': from = once(from, h, isRequest); break;
      case 'to': to = once(to, h, isRequest); break;
      case 'call-id': callId = once(callId, h, isRequest); break;
      case 'cseq': cseq = once(cseq, h, isRequest); break;
      case 'max-forwards': maxForwards = once(maxForwards, h, isRequest); break;
      case 'content-length': contentLength = once(contentLength, h, isRequest); break;
    }
  }
  if (!via) fail(ParseErrorCode.MissingHeader, 'Missing Via', { field: 'Via', isRequest });
  if (from === undefined) fail(ParseErrorCode.MissingHeader, 'Missing From', { field: 'From', isRequest });
  if (to === undefined) fail(ParseErrorCode.MissingHeader, 'Missing To', { field: 'To', isRequest });
  if (callId === undefined) fail(ParseErrorCode.MissingHeader, 'Missing Call-ID', { field: 'Call-ID', isRequest });
  if (cseq === undefined) fail(ParseErrorCode.MissingHeader, 'Missing CSeq', { field: 'CSeq', isRequest });

  const vias: Via[] = [];
  for (const v of via) for (const x of guard(() => parseViaList(v), 'Via', isRequest)) vias.push(x);
  if (vias.length === 0) fail(ParseErrorCode.MissingHeader, 'Missing Via', { field: 'Via', isRequest });
  if (vias.length > (opts.maxVias ?? 64)) fail(ParseErrorCode.TooManyHeaders, 'Too Many Via Entries', { field: 'Via', isRequest });
  const fromV = guard(() => parseNameAddr(from, 'From'), 'From', isRequest);
  const toV = guard(() => parseNameAddr(to, 'To'), 'To', isRequest);
  const cseqV = guard(() => parseCSeq(cseq), 'CSeq', isRequest);
  if (callId.length === 0 || hasWs(callId)) fail(ParseErrorCode.BadHeader, 'Bad Call-ID', { field: 'Call-ID', isRequest });
  if (msg.isRequest && cseqV.method !== msg.method) {
    fail(ParseErrorCode.CSeqMismatch, 'CSeq Method Mismatch', { field: 'CSeq', isRequest, detail: `${cseqV.method} vs ${msg.method}` });
  }
  let mf: number | undefined;
  if (maxForwards !== undefined) {
    mf = parseUint(maxForwards, 255);
    if (mf === undefined) fail(ParseErrorCode.BadHeader, 'Bad Max-Forwards', { field: 'Max-Forwards', isRequest });
  }

  // Body (RFC 3261 §18.3): Content-Length bounds it; a datagram without one runs to the end.
  const available = buf.length - bodyStart;
  let bodyLen = available;
  if (contentLength !== undefined) {
    const cl = parseUint(contentLength);
    if (cl === undefined) fail(ParseErrorCode.BadContentLength, 'Bad Content-Length', { field: 'Content-Length', isRequest });
    if (cl > available) {
      fail(ParseErrorCode.BadContentLength, 'Content-Length Exceeds Body', { field: 'Content-Length', isRequest, detail: `${cl} > ${available}` });
    }
    bodyLen = cl;
  } else if (opts.stream) {
    fail(ParseErrorCode.BadContentLength, 'Missing Content-Length', { field: 'Content-Length', isRequest });
  }
  msg.body = bodyLen === 0 ? EMPTY : buf.subarray(bodyStart, bodyStart + bodyLen);

  const seed = { via: vias, from: fromV, to: toV, cseq: cseqV, 'max-forwards': mf };
  return msg.isRequest ? SipRequest.seeded(msg, seed) : SipResponse.seeded(msg, seed);
}

const EMPTY = Buffer.alloc(0);

// Only SP and HTAB are linear whitespace (RFC 3261 §25.1); String.prototype.trim would also eat
// U+FEFF and U+00A0 that belong to a header value (RFC 4475 §3.1.1.2 intmeth).
function trimSpTab(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function stripCr(line: string): string {
  return line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

function hasWs(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isWs(s.charCodeAt(i))) return true;
  return false;
}

function once(prev: string | undefined, h: HeaderField, isRequest: boolean): string {
  if (prev !== undefined) fail(ParseErrorCode.DuplicateHeader, `Duplicate ${h.name}`, { field: h.name, isRequest });
  return h.value;
}

function guard<T>(fn: () => T, field: string, isRequest: boolean): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof HeaderSyntaxError) fail(ParseErrorCode.BadHeader, `Bad ${field}`, { field, isRequest, detail: e.message });
    throw e;
  }
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, case-insensitive (RFC 3261 §7.1).
function checkVersion(v: string, isRequest: boolean): string {
  const up = v.toUpperCase();
  if (up === 'SIP/2.0') return 'SIP/2.0';
  const dot = up.indexOf('.');
  const major = up.slice(4, dot);
  const minor = up.slice(dot + 1);
  if (up.startsWith('SIP/') && dot > 4 && parseUint(major) !== undefined && parseUint(minor) !== undefined) {
    fail(ParseErrorCode.BadVersion, 'Version Not Supported', { status: 505, field: 'SIP-Version', isRequest });
  }
  fail(ParseErrorCode.BadStartLine, 'Bad SIP Version', { field: 'SIP-Version', isRequest });
}

// Request-Line = Method SP Request-URI SP SIP-Version CRLF: exactly single spaces (RFC 3261 §7.1, §25.1).
function parseRequestLine(line: string): { method: string; uriText: string; version: string } {
  const sp1 = line.indexOf(' ');
  const sp2 = line.lastIndexOf(' ');
  if (sp1 <= 0 || sp2 === sp1) fail(ParseErrorCode.BadStartLine, 'Bad Request Line', { isRequest: true });
  const method = line.slice(0, sp1);
  const uriText = line.slice(sp1 + 1, sp2);
  const versionText = line.slice(sp2 + 1);
  if (!isToken(method)) fail(ParseErrorCode.BadStartLine, 'Bad Method', { isRequest: true });
  if (uriText.length === 0 || hasWs(uriText)) fail(ParseErrorCode.BadRequestUri, 'Bad Request-URI', { field: 'Request-URI', isRequest: true });
  const version = checkVersion(versionText, true);
  return { method, uriText, version };
}

// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
function parseStatusLine(line: string): { status: number; reason: string; version: string } {
  const sp1 = line.indexOf(' ');
  if (sp1 < 0) fail(ParseErrorCode.BadStartLine, 'Bad Status Line', { isRequest: false });
  const version = checkVersion(line.slice(0, sp1), false);
  const codeText = line.slice(sp1 + 1, sp1 + 4);
  const status = parseUint(codeText);
  if (codeText.length !== 3 || status === undefined || status < 100 || status > 699) {
    fail(ParseErrorCode.BadStartLine, 'Bad Status Code', { isRequest: false });
  }
  const rest = line.slice(sp1 + 4);
  if (rest.length > 0 && rest.charCodeAt(0) !== 32) fail(ParseErrorCode.BadStartLine, 'Bad Status Code', { isRequest: false });
  return { status, reason: rest.slice(1), version };
}
