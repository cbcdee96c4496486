// Via (RFC 3261 §20.42, §25.1; received/rport RFC 3581 §3; IPv6 RFC 5118).
//
// One scanning pass per via-parm validates it, picks out branch/received/rport/maddr/ttl, and
// remembers where the parameters start; the full `params` Map is built only when someone asks.
import { HeaderSyntaxError } from '../parse-error.js';
import { eqLower, formatParams, isTokenChar, paramScan, paramsFromScan, parseUintAt, scanParams, skipWs, type Params } from '../text.js';

export interface Via {
  /** "SIP/2.0" as written. */
  protocol: string;
  /** Upper-cased transport: "UDP", "TCP", "TLS", "WS", "WSS", "SCTP" or another token. */
  transport: string;
  host: string;
  port: number | undefined;
  params: Params;
  branch: string | undefined;
  received: string | undefined;
  /** `true` for a bare `rport` (request for the source port), a number once filled in. */
  rport: number | true | undefined;
  maddr: string | undefined;
  ttl: number | undefined;
}

const F = 'Via';

/** A parsed via-parm; reads like the plain `Via` object, with `params` built on first access. */
class ParsedVia implements Via {
  protocol: string;
  transport: string;
  host: string;
  port: number | undefined;
  branch: string | undefined;
  received: string | undefined;
  rport: number | true | undefined;
  maddr: string | undefined;
  ttl: number | undefined;
  #params: Params | undefined;
  #src: string;
  #paramStart: number;
  #end: number;

  constructor(protocol: string, transport: string, host: string, port: number | undefined, src: string, paramStart: number, end: number) {
    this.protocol = protocol;
    this.transport = transport;
    this.host = host;
    this.port = port;
    this.branch = undefined;
    this.received = undefined;
    this.rport = undefined;
    this.maddr = undefined;
    this.ttl = undefined;
    this.#params = undefined;
    this.#src = src;
    this.#paramStart = paramStart;
    this.#end = end;
  }

  get params(): Params {
    if (this.#params === undefined) {
      scanParams(this.#src, this.#paramStart, this.#end, F, true); // validated already: cannot throw
      this.#params = paramsFromScan(this.#src);
    }
    return this.#params;
  }

  set params(p: Params) {
    this.#params = p;
  }
}

/** Where the last parseViaAt stopped: the end of the text or the ',' before the next via-parm. */
let viaEnd = 0;

const TRANSPORTS = ['udp', 'tcp', 'tls', 'sctp', 'ws', 'wss'];
const TRANSPORTS_UP = ['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS'];

function transportName(s: string, a: number, b: number): string {
  for (let k = 0; k < TRANSPORTS.length; k++) if (eqLower(s, a, b, TRANSPORTS[k])) return TRANSPORTS_UP[k];
  return s.slice(a, b).toUpperCase();
}

function token(s: string, i: number, n: number): number {
  while (i < n && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

function slash(s: string, i: number, n: number): number {
  i = skipWs(s, i, n);
  if (i >= n || s.charCodeAt(i) !== 47) throw new HeaderSyntaxError(F, 'malformed sent-protocol');
  return skipWs(s, i + 1, n);
}

function isSip20(s: string, i: number, n: number): boolean {
  return i + 8 <= n && s.charCodeAt(i) === 83 && s.charCodeAt(i + 1) === 73 && s.charCodeAt(i + 2) === 80 && s.charCodeAt(i + 3) === 47 &&
    s.charCodeAt(i + 4) === 50 && s.charCodeAt(i + 5) === 46 && s.charCodeAt(i + 6) === 48 && s.charCodeAt(i + 7) === 47;
}

/**
 * via-parm = sent-protocol LWS sent-by *( SEMI via-params ), parsed from `i` within s[.., n);
 * stops at `n` or at a top-level ',' (recorded in viaEnd).
 */
function parseViaAt(s: string, i: number, n: number): ParsedVia {
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport (LWS allowed around SLASH)
  let protocol: string;
  let ts: number;
  if (isSip20(s, i, n)) {
    protocol = 'SIP/2.0';
    ts = skipWs(s, i + 8, n);
  } else {
    const p0 = i;
    i = token(s, i, n);
    if (i === p0) throw new HeaderSyntaxError(F, 'malformed sent-protocol');
    const p1 = i;
    const v0 = (i = slash(s, i, n));
    i = token(s, i, n);
    if (i === v0) throw new HeaderSyntaxError(F, 'malformed sent-protocol');
    protocol = `${s.slice(p0, p1)}/${s.slice(v0, i)}`;
    ts = slash(s, i, n);
  }
  i = token(s, ts, n);
  if (i === ts) throw new HeaderSyntaxError(F, 'malformed sent-protocol');
  const transport = transportName(s, ts, i);
  const afterTransport = i;
  i = skipWs(s, i, n);
  if (i >= n || i === afterTransport) throw new HeaderSyntaxError(F, 'missing sent-by');
  // sent-by = host [ COLON port ]
  const hs = i;
  if (s.charCodeAt(i) === 91) {
    i++;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (!((c >= 48 && c <= 58) || ((c | 32) >= 97 && (c | 32) <= 102) || c === 46)) break;
      i++;
    }
    if (i >= n || s.charCodeAt(i) !== 93 || i === hs + 1) throw new HeaderSyntaxError(F, 'invalid IPv6 reference');
    i++;
  } else {
    while (i < n) {
      const c = s.charCodeAt(i);
      // hostname characters; "_" and the other token marks are tolerated as before (not ! % *)
      if (!isTokenChar(c) || c === 33 || c === 37 || c === 42) break;
      i++;
    }
    if (i === hs) throw new HeaderSyntaxError(F, 'empty sent-by host');
  }
  const host = s.slice(hs, i);
  const he = i;
  i = skipWs(s, i, n);
  let port: number | undefined;
  if (i < n && s.charCodeAt(i) === 58) {
    const ps = (i = skipWs(s, i + 1, n));
    while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
    port = parseUintAt(s, ps, i, 65535);
    if (port === undefined) throw new HeaderSyntaxError(F, 'invalid sent-by port');
  } else if (i === he && i < n) {
    const c = s.charCodeAt(i);
    if (c !== 59 && c !== 44) throw new HeaderSyntaxError(F, 'invalid character in sent-by');
  }
  const paramStart = i;
  viaEnd = scanParams(s, i, n, F, true);
  const via = new ParsedVia(protocol, transport, host, port, s, paramStart, n);
  const { count, offs } = paramScan;
  for (let k = 0; k < count * 4; k += 4) {
    const a = offs[k];
    const len = offs[k + 1] - a;
    const vs = offs[k + 2];
    const ve = offs[k + 3];
    // RFC 3261 §20.42/§25.1: these are token / host / digits, never flags or quoted strings
    if (len === 6 && eqLower(s, a, a + 6, 'branch')) via.branch = plainValue(s, vs, ve, 'branch');
    else if (len === 8 && eqLower(s, a, a + 8, 'received')) via.received = plainValue(s, vs, ve, 'received');
    else if (len === 5 && eqLower(s, a, a + 5, 'maddr')) via.maddr = plainValue(s, vs, ve, 'maddr');
    else if (len === 5 && eqLower(s, a, a + 5, 'rport')) {
      if (vs < 0) via.rport = true;
      else {
        const v = parseUintAt(s, vs, ve, 65535);
        if (v === undefined) throw new HeaderSyntaxError(F, 'invalid rport');
        via.rport = v;
      }
    } else if (len === 3 && eqLower(s, a, a + 3, 'ttl')) {
      const v = vs < 0 ? undefined : parseUintAt(s, vs, ve, 255);
      if (v === undefined) throw new HeaderSyntaxError(F, 'invalid ttl');
      via.ttl = v;
    }
  }
  return via;
}

function plainValue(s: string, vs: number, ve: number, name: string): string {
  if (vs < 0) throw new HeaderSyntaxError(F, `parameter "${name}" needs a value`);
  if (s.charCodeAt(vs) === 34) throw new HeaderSyntaxError(F, `parameter "${name}" cannot be quoted`);
  return s.slice(vs, ve);
}

/**
 * Appends the via-parms of one Via field value (`via-parm *(COMMA via-parm)`) to `out`. Empty list
 * elements are skipped (RFC 3261 §7.3.1). Throws once `out` would hold more than `max` entries.
 */
export function parseViaValues(value: string, out: Via[], max = Infinity): void {
  parseViaRange(value, 0, value.length, out, max);
}

/** parseViaValues over value[start, end) of a larger text (the parser's header section). */
export function parseViaRange(value: string, start: number, end: number, out: Via[], max = Infinity): void {
  const n = end;
  let i = start;
  for (;;) {
    while (i < n) {
      const c = value.charCodeAt(i);
      if (c !== 44 && c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
      i++;
    }
    if (i >= n) return;
    if (out.length >= max) throw new TooManyVias();
    out.push(parseViaAt(value, i, n));
    i = viaEnd;
    if (i < n) i++; // the ','
  }
}

/** Raised by parseViaValues when the cap is hit; the parser maps it to its own error. */
export class TooManyVias extends Error {}

/** One via-parm; throws HeaderSyntaxError when malformed or followed by anything else. */
export function parseVia(text: string): Via {
  const v = parseViaAt(text, skipWs(text, 0), text.length);
  if (viaEnd < text.length) throw new HeaderSyntaxError(F, 'unexpected "," after via-parm');
  return v;
}

export function formatVia(v: Via): string {
  return `${v.protocol}/${v.transport} ${v.host}${v.port !== undefined ? `:${v.port}` : ''}${formatParams(v.params)}`;
}
