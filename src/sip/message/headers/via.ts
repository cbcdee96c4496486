// Via (RFC 3261 §20.42, §25.1; received/rport RFC 3581 §3).
import { HeaderSyntaxError } from '../parse-error.js';
import { formatParams, isTokenChar, isWs, parseParams, parseUint, skipWs, splitList, type Params } from '../text.js';

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

export function parseViaList(value: string): Via[] {
  return splitList(value, 'Via').map(parseVia);
}

export function parseVia(text: string): Via {
  const f = 'Via';
  const n = text.length;
  let i = 0;
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, LWS allowed around SLASH
  const parts: string[] = [];
  for (let k = 0; k < 3; k++) {
    i = skipWs(text, i);
    const start = i;
    while (i < n && isTokenChar(text.charCodeAt(i))) i++;
    if (i === start) throw new HeaderSyntaxError(f, 'malformed sent-protocol');
    parts.push(text.slice(start, i));
    i = skipWs(text, i);
    if (k < 2) {
      if (text.charCodeAt(i) !== 47) throw new HeaderSyntaxError(f, 'malformed sent-protocol');
      i++;
    }
  }
  if (i === n || !isWs(text.charCodeAt(i - 1))) {
    if (i === n) throw new HeaderSyntaxError(f, 'missing sent-by');
  }
  i = skipWs(text, i);
  // sent-by = host [ COLON port ], up to ';' (params), whitespace, or end
  const hostStart = i;
  let host: string;
  if (text.charCodeAt(i) === 91) {
    const close = text.indexOf(']', i);
    if (close < 0) throw new HeaderSyntaxError(f, 'unterminated IPv6 reference');
    i = close + 1;
    host = text.slice(hostStart, i);
  } else {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 58 || c === 59 || isWs(c)) break;
      if (!(isTokenChar(c)) || c === 33 || c === 37 || c === 42) throw new HeaderSyntaxError(f, 'invalid character in sent-by');
      i++;
    }
    host = text.slice(hostStart, i);
  }
  if (host.length === 0) throw new HeaderSyntaxError(f, 'empty sent-by host');
  i = skipWs(text, i);
  let port: number | undefined;
  if (text.charCodeAt(i) === 58) {
    i = skipWs(text, i + 1);
    const ps = i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    port = parseUint(text.slice(ps, i), 65535);
    if (port === undefined) throw new HeaderSyntaxError(f, 'invalid sent-by port');
  }
  i = skipWs(text, i);
  // comment after the params is allowed by RFC 2543-era stacks; we do not accept it (RFC 3261 has none)
  const params = parseParams(text, i, f);
  const branch = params.get('branch');
  const received = params.get('received');
  const rport = params.get('rport');
  const maddr = params.get('maddr');
  const ttl = params.get('ttl');
  let rportValue: number | true | undefined;
  if (rport === null) rportValue = true;
  else if (rport !== undefined) {
    rportValue = parseUint(rport, 65535);
    if (rportValue === undefined) throw new HeaderSyntaxError(f, 'invalid rport');
  }
  let ttlValue: number | undefined;
  if (ttl !== undefined && ttl !== null) {
    ttlValue = parseUint(ttl, 255);
    if (ttlValue === undefined) throw new HeaderSyntaxError(f, 'invalid ttl');
  }
  if (branch === null || received === null || maddr === null) throw new HeaderSyntaxError(f, 'parameter needs a value');
  return {
    protocol: `${parts[0]}/${parts[1]}`,
    transport: parts[2].toUpperCase(),
    host,
    port,
    params,
    branch: branch ?? undefined,
    received: received ?? undefined,
    rport: rportValue,
    maddr: maddr ?? undefined,
    ttl: ttlValue,
  };
}

export function formatVia(v: Via): string {
  return `${v.protocol}/${v.transport} ${v.host}${v.port !== undefined ? `:${v.port}` : ''}${formatParams(v.params)}`;
}
