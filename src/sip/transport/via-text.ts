// Minimal Via editing for the transport: read one via-parm from text (for stateless replies built
// from raw bytes, where no parsed message exists) and write one back after changing sent-by,
// received or rport. Grammar: RFC 3261 §20.42 / §25.1, RFC 3581 §3.
import type { SipMessage, Via } from '../message/index.js';
import { normalizeAddress, sameAddress } from './address.js';
import type { Endpoint } from './types.js';

export interface ViaText {
  /** "SIP/2.0" */
  protocol: string;
  /** Transport token as it will be written ("UDP", "TCP", "TLS", "WS", "WSS"). */
  transport: string;
  /** As written in sent-by: IPv6 references keep their brackets. */
  host: string;
  port: number | undefined;
  /** In order; `null` for a flag parameter such as a bare `rport`. */
  params: Array<[string, string | null]>;
}

/** Splits a header value at its first comma outside quotes: the top via-parm and the rest ('' if none). */
export function splitFirstElement(value: string): { first: string; rest: string } {
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 34 /* " */) quoted = !quoted;
    else if (c === 92 /* \ */ && quoted) i++;
    else if (c === 44 /* , */ && !quoted) return { first: value.slice(0, i).trim(), rest: value.slice(i + 1).trim() };
  }
  return { first: value.trim(), rest: '' };
}

/** One via-parm ("SIP/2.0/UDP host:port;branch=...") or undefined when unreadable. */
export function parseViaText(text: string): ViaText | undefined {
  const semi = indexOutsideQuotes(text, 59 /* ; */);
  const head = semi < 0 ? text : text.slice(0, semi);
  // sent-protocol: three tokens around two slashes, whitespace allowed around the slashes
  const slash1 = head.indexOf('/');
  const slash2 = slash1 < 0 ? -1 : head.indexOf('/', slash1 + 1);
  if (slash2 < 0) return undefined;
  const name = head.slice(0, slash1).trim();
  const version = head.slice(slash1 + 1, slash2).trim();
  const after = head.slice(slash2 + 1).trimStart();
  let t = 0;
  while (t < after.length && !isSpace(after.charCodeAt(t))) t++;
  const transport = after.slice(0, t);
  const sentBy = after.slice(t).replace(/\s+/g, '');
  if (!name || !version || !transport || !sentBy) return undefined;
  let host: string;
  let portText: string | undefined;
  if (sentBy.startsWith('[')) {
    const close = sentBy.indexOf(']');
    if (close < 0) return undefined;
    host = sentBy.slice(0, close + 1);
    const tail = sentBy.slice(close + 1);
    if (tail !== '') {
      if (!tail.startsWith(':')) return undefined;
      portText = tail.slice(1);
    }
  } else {
    const colon = sentBy.indexOf(':');
    host = colon < 0 ? sentBy : sentBy.slice(0, colon);
    if (colon >= 0) portText = sentBy.slice(colon + 1);
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = Number(portText);
    if (portText === '' || !Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  }
  const params: Array<[string, string | null]> = [];
  if (semi >= 0) {
    for (const part of splitOutsideQuotes(text.slice(semi + 1), 59)) {
      const eq = part.indexOf('=');
      const pname = (eq < 0 ? part : part.slice(0, eq)).trim();
      if (pname === '') return undefined;
      params.push([pname, eq < 0 ? null : part.slice(eq + 1).trim()]);
    }
  }
  return { protocol: `${name}/${version}`, transport, host, port, params };
}

export function viaTextOf(via: Via): ViaText {
  return { protocol: via.protocol, transport: via.transport, host: via.host, port: via.port, params: [...via.params] };
}

export function formatViaText(v: ViaText): string {
  let s = `${v.protocol}/${v.transport} ${v.host}${v.port === undefined ? '' : `:${v.port}`}`;
  for (const [k, val] of v.params) s += val === null ? `;${k}` : `;${k}=${val}`;
  return s;
}

export function getParam(v: ViaText, name: string): string | null | undefined {
  const lower = name.toLowerCase();
  for (const [k, val] of v.params) if (k.toLowerCase() === lower) return val;
  return undefined;
}

/** Replaces the first parameter of that name in place, or appends it. */
export function setParam(v: ViaText, name: string, value: string | null): void {
  const lower = name.toLowerCase();
  const idx = v.params.findIndex(([k]) => k.toLowerCase() === lower);
  if (idx >= 0) v.params[idx] = [v.params[idx][0], value];
  else v.params.push([name, value]);
}

/**
 * RFC 3261 §18.2.1: add `received` when the sent-by host differs from the source address.
 * RFC 3581 §4: fill an empty `rport` with the source port, and then always add `received`.
 * Returns true when the Via changed.
 */
export function stampReceived(v: ViaText, source: Endpoint): boolean {
  const rport = getParam(v, 'rport');
  const hasRport = rport !== undefined;
  const differs = !sameAddress(v.host, source.address);
  if (!hasRport && !differs) return false;
  setParam(v, 'received', normalizeAddress(source.address));
  if (rport === null) setParam(v, 'rport', String(source.port));
  return true;
}

/**
 * Replaces the top via-parm of a message with `text`, keeping the other Via values in order. Uses only
 * setHeader/removeHeader/prependHeader; when several Via lines exist they are re-inserted at the top.
 */
export function replaceTopVia(message: SipMessage, text: string): void {
  const values = message.headerValues('Via');
  if (values.length === 0) {
    message.prependHeader('Via', text);
    return;
  }
  const { rest } = splitFirstElement(values[0]);
  const top = rest === '' ? text : `${text}, ${rest}`;
  if (values.length === 1) {
    message.setHeader('Via', top);
    return;
  }
  message.removeHeader('Via');
  for (let i = values.length - 1; i >= 1; i--) message.prependHeader('Via', values[i]);
  message.prependHeader('Via', top);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function indexOutsideQuotes(s: string, code: number): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 92 && quoted) i++;
    else if (c === code && !quoted) return i;
  }
  return -1;
}

function splitOutsideQuotes(s: string, code: number): string[] {
  const out: string[] = [];
  let rest = s;
  for (let i = indexOutsideQuotes(rest, code); i >= 0; i = indexOutsideQuotes(rest, code)) {
    out.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  out.push(rest);
  return out;
}
