// Bytes → SipMessage (RFC 3261 §7, §25). The end of the header section is found in the Buffer by
// a native search, the header section is decoded once, and lines, names and values are located by
// index arithmetic (no regex): each field is kept as offsets into the decoded text, and HeaderField
// objects are only built if someone reads `headers`. The headers every layer needs (Via, From, To,
// Call-ID, CSeq, Max-Forwards, Content-Length) and the Request-URI are validated here, scanned in
// place, so a message that leaves the parser can be routed and matched; the rest are parsed lazily
// by the accessors.
import { canonicalKey, HeaderId, knownName } from './header-names.js';
import { type CSeq, methodAt, parseCSeq, parseCSeqRange } from './headers/cseq.js';
import { type NameAddr, parseNameAddr, parseNameAddrRange } from './headers/name-addr.js';
import { parseViaRange, TooManyVias, type Via } from './headers/via.js';
import { type HeaderField, MessageBase, type RawHeaders, type SipMessage, SipRequest, SipResponse } from './message.js';
import { HeaderSyntaxError, ParseError, ParseErrorCode } from './parse-error.js';
import { isTokenChar, parseUint, parseUintAt } from './text.js';
import { parseUriRange, type Uri } from './uri.js';

export interface ParseOptions {
  /** Whole-message cap in bytes; larger input → 513 (RFC 3261 §21.5.14). Default 65,535. */
  maxMessageSize?: number;
  /** Cap on header fields (header floods). Default 256. */
  maxHeaders?: number;
  /** Cap on Via entries (deep nesting / loops). Default 64. */
  maxVias?: number;
  /** The bytes came from a stream transport: Content-Length and the empty line are mandatory (RFC 3261 §18.3). */
  stream?: boolean;
}

export type ParseResult = { ok: true; message: SipMessage } | { ok: false; error: ParseError };

const LF_CRLF = Buffer.from('\n\r\n');
const LF_LF = Buffer.from('\n\n');
const EMPTY = Buffer.alloc(0);
const NO_OPTIONS: ParseOptions = {};

export function parseMessage(buf: Buffer, opts: ParseOptions = NO_OPTIONS): ParseResult {
  try {
    return { ok: true, message: parseOrThrow(buf, opts) };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: e };
    if (e instanceof HeaderSyntaxError) {
      return { ok: false, error: new ParseError(ParseErrorCode.BadHeader, `Bad ${e.field}`, { field: e.field, detail: e.message }) };
    }
    // A bug in a header parser (or a RangeError on absurd input) must still not reach a socket handler.
    return { ok: false, error: new ParseError(ParseErrorCode.BadHeader, 'Malformed Message', { detail: String(e) }) };
  }
}

function fail(code: ParseErrorCode, reason: string, opts: { field?: string; status?: number; isRequest?: boolean; detail?: string } = {}): never {
  throw new ParseError(code, reason, opts);
}

/**
 * What the scanning steps found, shared between them. One module-level instance, reset per message:
 * parsing is synchronous, so the steps pass results through it instead of allocating tuples.
 */
const scan = {
  bodyStart: 0,
  lineEnd: 0,
  isRequest: true,
  method: '',
  uriStart: 0,
  uriEnd: 0,
  version: '',
  status: 0,
  reason: '',
  // core header fields by index into RawHeaders (-1: absent)
  vias: [] as number[],
  from: -1,
  to: -1,
  callId: -1,
  cseq: -1,
  maxForwards: -1,
  contentLength: -1,
};

function parseOrThrow(buf: Buffer, opts: ParseOptions): SipMessage {
  const len = buf.length;
  if (len > (opts.maxMessageSize ?? 65535)) fail(ParseErrorCode.TooLarge, 'Message Too Large', { status: 513, detail: `${len} bytes` });
  const text = headerSection(buf, opts.stream === true);
  startLine(text);
  const raw = scanFields(text, scan.lineEnd + 1, opts.maxHeaders ?? 256);
  const { isRequest } = scan;

  // Request-URI and core headers: presence and syntax (RFC 3261 §8.1.1, §20)
  let uri: Uri | undefined;
  if (isRequest) {
    try {
      uri = parseUriRange(text, scan.uriStart, scan.uriEnd, 'Request-URI');
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      fail(ParseErrorCode.BadRequestUri, 'Bad Request-URI', { field: 'Request-URI', isRequest, detail });
    }
  }
  const core = coreHeaders(raw, opts.maxVias ?? 64, isRequest);
  if (isRequest && core.cseq.method !== scan.method) {
    fail(ParseErrorCode.CSeqMismatch, 'CSeq Method Mismatch', { field: 'CSeq', isRequest, detail: `${core.cseq.method} vs ${scan.method}` });
  }
  const body = messageBody(buf, raw, opts.stream === true, isRequest);

  const msg = uri !== undefined
    ? new SipRequest(scan.method, uri, uri.raw, NO_FIELDS, body, scan.version)
    : new SipResponse(scan.status, scan.reason, NO_FIELDS, body, scan.version);
  MessageBase.seedCore(msg, raw, core.vias, core.from, core.to, core.cseq, core.callId, core.maxForwards);
  return msg;
}

/**
 * Decodes the header section (start line and header fields) and records where the body starts.
 * RFC 3261 §7.5: empty lines before the start line are ignored; the section ends at the first empty
 * line (LF followed by CRLF or by LF), or, on a datagram, at the end of the packet after a line end.
 */
function headerSection(buf: Buffer, stream: boolean): string {
  const len = buf.length;
  let start = 0;
  while (start < len && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start >= len) fail(ParseErrorCode.Empty, 'Empty Message');
  let headEnd = buf.indexOf(LF_CRLF, start);
  let text: string;
  if (headEnd >= 0) {
    scan.bodyStart = headEnd + 3;
    text = buf.toString('utf8', start, headEnd);
    const lf = text.indexOf('\n\n');
    if (lf >= 0) {
      // bare-LF message whose body happens to contain CRLFCRLF
      text = text.slice(0, lf);
      scan.bodyStart = start + Buffer.byteLength(text) + 2;
    }
    return text;
  }
  headEnd = buf.indexOf(LF_LF, start);
  if (headEnd >= 0) scan.bodyStart = headEnd + 2;
  else if (buf[len - 1] === 10 && !stream) {
    // header section ended by the datagram itself (no empty line): tolerated, no body
    headEnd = len - 1;
    scan.bodyStart = len;
  } else fail(ParseErrorCode.Truncated, 'Incomplete Header Section');
  return buf.toString('utf8', start, headEnd);
}

/** Request-Line or Status-Line (RFC 3261 §7.1, §7.2, §25.1) into `scan`. */
function startLine(text: string): void {
  let lineEnd = text.indexOf('\n');
  if (lineEnd < 0) lineEnd = text.length;
  scan.lineEnd = lineEnd;
  const e = lineEnd > 0 && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
  const isRequest = !((text.charCodeAt(0) | 32) === 115 && (text.charCodeAt(1) | 32) === 105 && (text.charCodeAt(2) | 32) === 112 && text.charCodeAt(3) === 47);
  scan.isRequest = isRequest;
  if (isRequest) {
    // Request-Line = Method SP Request-URI SP SIP-Version: single spaces
    const sp1 = text.indexOf(' ');
    const sp2 = text.lastIndexOf(' ', e - 1);
    if (sp1 <= 0 || sp1 >= e || sp2 === sp1) fail(ParseErrorCode.BadStartLine, 'Bad Request Line', { isRequest });
    for (let i = 0; i < sp1; i++) if (!isTokenChar(text.charCodeAt(i))) fail(ParseErrorCode.BadStartLine, 'Bad Method', { isRequest });
    scan.method = methodAt(text, 0, sp1);
    scan.uriStart = sp1 + 1;
    scan.uriEnd = sp2;
    scan.version = checkVersion(text, sp2 + 1, e, isRequest);
    if (sp2 === sp1 + 1) fail(ParseErrorCode.BadRequestUri, 'Bad Request-URI', { field: 'Request-URI', isRequest });
  } else {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    const sp1 = text.indexOf(' ');
    if (sp1 < 0 || sp1 >= e) fail(ParseErrorCode.BadStartLine, 'Bad Status Line', { isRequest });
    scan.version = checkVersion(text, 0, sp1, isRequest);
    const code = parseUintAt(text, sp1 + 1, sp1 + 4);
    if (sp1 + 4 > e || code === undefined || code < 100 || code > 699) fail(ParseErrorCode.BadStartLine, 'Bad Status Code', { isRequest });
    if (sp1 + 4 < e && text.charCodeAt(sp1 + 4) !== 32) fail(ParseErrorCode.BadStartLine, 'Bad Status Code', { isRequest });
    scan.status = code;
    scan.reason = sp1 + 5 <= e ? text.slice(sp1 + 5, e) : '';
  }
}

/**
 * One pass over the header fields from `pos`: each field is recorded as offsets into `text` plus
 * its canonical key, and the core fields by index in `scan`. No per-field objects or strings.
 */
function scanFields(text: string, pos: number, maxHeaders: number): RawHeaders {
  const { isRequest } = scan;
  const n = text.length;
  const offs: number[] = [];
  const keys: string[] = [];
  let folded: Map<number, string> | undefined;
  const vias: number[] = (scan.vias = []);
  scan.from = scan.to = scan.callId = scan.cseq = scan.maxForwards = scan.contentLength = -1;
  let contentType = -1;
  while (pos < n) {
    let le = text.indexOf('\n', pos);
    if (le < 0) le = n;
    const next = le + 1;
    // trim trailing SP / HT / CR
    let ve = le;
    while (ve > pos) {
      const c = text.charCodeAt(ve - 1);
      if (c !== 13 && c !== 32 && c !== 9) break;
      ve--;
    }
    const c0 = text.charCodeAt(pos);
    if (c0 === 32 || c0 === 9) {
      // obsolete line folding (RFC 3261 §7.3.1): the continuation joins the previous value with one SP
      const last = keys.length - 1;
      if (last < 0) fail(ParseErrorCode.BadHeader, 'Bad Header Folding', { isRequest });
      let vs = pos;
      while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
      if (vs < ve) {
        const prev = folded?.get(last) ?? text.slice(offs[4 * last + 2], offs[4 * last + 3]);
        (folded ??= new Map()).set(last, prev.length > 0 ? `${prev} ${text.slice(vs, ve)}` : text.slice(vs, ve));
      }
      pos = next;
      continue;
    }
    // field-name = token, then HCOLON = *( SP / HTAB ) ":" SWS
    const colon = text.indexOf(':', pos);
    let nameEnd = colon;
    while (nameEnd > pos && (text.charCodeAt(nameEnd - 1) === 32 || text.charCodeAt(nameEnd - 1) === 9)) nameEnd--;
    if (colon < 0 || colon >= ve || nameEnd === pos) {
      fail(ParseErrorCode.BadHeader, 'Malformed Header Line', { isRequest, detail: text.slice(pos, Math.min(ve, pos + 40)) });
    }
    let vs = colon + 1;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    const index = keys.length;
    if (index >= maxHeaders) fail(ParseErrorCode.TooManyHeaders, 'Too Many Headers', { isRequest });
    offs.push(pos, nameEnd, vs, ve);
    // a known name is recognised in place (the comparison also proves it a token)
    const known = knownName(text, pos, nameEnd);
    if (known === undefined) {
      for (let i = pos; i < nameEnd; i++) {
        if (!isTokenChar(text.charCodeAt(i))) fail(ParseErrorCode.BadHeader, 'Bad Header Name', { isRequest, detail: text.slice(pos, Math.min(nameEnd, pos + 40)) });
      }
      keys.push(canonicalKey(text.slice(pos, nameEnd)));
    } else {
      keys.push(known.key);
      switch (known.id) {
        case HeaderId.Via: vias.push(index); break;
        case HeaderId.From: scan.from = once(scan.from, index, 'From'); break;
        case HeaderId.To: scan.to = once(scan.to, index, 'To'); break;
        case HeaderId.CallId: scan.callId = once(scan.callId, index, 'Call-ID'); break;
        case HeaderId.CSeq: scan.cseq = once(scan.cseq, index, 'CSeq'); break;
        case HeaderId.MaxForwards: scan.maxForwards = once(scan.maxForwards, index, 'Max-Forwards'); break;
        case HeaderId.ContentLength: scan.contentLength = once(scan.contentLength, index, 'Content-Length'); break;
        case HeaderId.ContentType: contentType = once(contentType, index, 'Content-Type'); break;
      }
    }
    pos = next;
  }
  return { text, offs, keys, folded };
}

interface CoreValues {
  vias: Via[];
  from: NameAddr;
  to: NameAddr;
  cseq: CSeq;
  callId: string;
  maxForwards: number | undefined;
}

/** Presence and syntax of the core headers, scanned in place in the header text (or their joined string when folded). */
function coreHeaders(raw: RawHeaders, maxVias: number, isRequest: boolean): CoreValues {
  const { text, offs, folded } = raw;
  const { from, to, callId, cseq } = scan;
  if (scan.vias.length === 0) fail(ParseErrorCode.MissingHeader, 'Missing Via', { field: 'Via', isRequest });
  if (from < 0) fail(ParseErrorCode.MissingHeader, 'Missing From', { field: 'From', isRequest });
  if (to < 0) fail(ParseErrorCode.MissingHeader, 'Missing To', { field: 'To', isRequest });
  if (callId < 0) fail(ParseErrorCode.MissingHeader, 'Missing Call-ID', { field: 'Call-ID', isRequest });
  if (cseq < 0) fail(ParseErrorCode.MissingHeader, 'Missing CSeq', { field: 'CSeq', isRequest });

  const vias: Via[] = [];
  let field = 'Via';
  let fromV: NameAddr;
  let toV: NameAddr;
  let cseqV: CSeq;
  try {
    for (const f of scan.vias) {
      const fv = folded?.get(f);
      if (fv !== undefined) parseViaRange(fv, 0, fv.length, vias, maxVias);
      else parseViaRange(text, offs[4 * f + 2], offs[4 * f + 3], vias, maxVias);
    }
    field = 'From';
    fromV = folded?.has(from) ? parseNameAddr(rawValue(raw, from), field) : parseNameAddrRange(text, offs[4 * from + 2], offs[4 * from + 3], field);
    field = 'To';
    toV = folded?.has(to) ? parseNameAddr(rawValue(raw, to), field) : parseNameAddrRange(text, offs[4 * to + 2], offs[4 * to + 3], field);
    field = 'CSeq';
    cseqV = folded?.has(cseq) ? parseCSeq(rawValue(raw, cseq)) : parseCSeqRange(text, offs[4 * cseq + 2], offs[4 * cseq + 3]);
  } catch (err) {
    if (err instanceof TooManyVias) fail(ParseErrorCode.TooManyHeaders, 'Too Many Via Entries', { field: 'Via', isRequest });
    if (err instanceof HeaderSyntaxError) fail(ParseErrorCode.BadHeader, `Bad ${field}`, { field, isRequest, detail: err.message });
    throw err;
  }
  if (vias.length === 0) fail(ParseErrorCode.MissingHeader, 'Missing Via', { field: 'Via', isRequest });
  // callid = word [ "@" word ]: one run without whitespace
  const cid = rawValue(raw, callId);
  if (cid.length === 0 || hasWs(cid, 0, cid.length)) fail(ParseErrorCode.BadHeader, 'Bad Call-ID', { field: 'Call-ID', isRequest });
  let mf: number | undefined;
  if (scan.maxForwards >= 0) {
    mf = uintField(raw, scan.maxForwards, 255);
    if (mf === undefined) fail(ParseErrorCode.BadHeader, 'Bad Max-Forwards', { field: 'Max-Forwards', isRequest });
  }
  return { vias, from: fromV, to: toV, cseq: cseqV, callId: cid, maxForwards: mf };
}

/** RFC 3261 §18.3: Content-Length bounds the body; a datagram without one runs to the end. */
function messageBody(buf: Buffer, raw: RawHeaders, stream: boolean, isRequest: boolean): Buffer {
  const { bodyStart } = scan;
  const available = buf.length - bodyStart;
  let bodyLen = available;
  if (scan.contentLength >= 0) {
    const cl = uintField(raw, scan.contentLength, 0xffffffff);
    if (cl === undefined) fail(ParseErrorCode.BadContentLength, 'Bad Content-Length', { field: 'Content-Length', isRequest });
    if (cl > available) {
      fail(ParseErrorCode.BadContentLength, 'Content-Length Exceeds Body', { field: 'Content-Length', isRequest, detail: `${cl} > ${available}` });
    }
    bodyLen = cl;
  } else if (stream) {
    fail(ParseErrorCode.BadContentLength, 'Missing Content-Length', { field: 'Content-Length', isRequest });
  }
  return bodyLen === 0 ? EMPTY : buf.subarray(bodyStart, bodyStart + bodyLen);
}

function hasWs(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 10) return true;
  }
  return false;
}

function once(prev: number, index: number, field: string): number {
  if (prev >= 0) fail(ParseErrorCode.DuplicateHeader, `Duplicate ${field}`, { field, isRequest: scan.isRequest });
  return index;
}

/** Placeholder field list for parsed messages, whose fields come from the RawHeaders table. */
const NO_FIELDS: HeaderField[] = [];

/** A numeric field (Max-Forwards, Content-Length) read in place. */
function uintField(raw: RawHeaders, i: number, max: number): number | undefined {
  const f = raw.folded?.get(i);
  return f !== undefined ? parseUint(f, max) : parseUintAt(raw.text, raw.offs[4 * i + 2], raw.offs[4 * i + 3], max);
}

function rawValue(raw: RawHeaders, i: number): string {
  const f = raw.folded?.get(i);
  return f !== undefined ? f : raw.text.slice(raw.offs[4 * i + 2], raw.offs[4 * i + 3]);
}

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT, case-insensitive (RFC 3261 §7.1).
function checkVersion(text: string, a: number, b: number, isRequest: boolean): string {
  if (b - a === 7 && text.startsWith('SIP/2.0', a)) return 'SIP/2.0';
  const v = text.slice(a, b).toUpperCase();
  if (v === 'SIP/2.0') return 'SIP/2.0';
  const dot = v.indexOf('.');
  if (v.startsWith('SIP/') && dot > 4 && parseUint(v.slice(4, dot)) !== undefined && parseUint(v.slice(dot + 1)) !== undefined) {
    fail(ParseErrorCode.BadVersion, 'Version Not Supported', { status: 505, field: 'SIP-Version', isRequest });
  }
  fail(ParseErrorCode.BadStartLine, 'Bad SIP Version', { field: 'SIP-Version', isRequest });
}
