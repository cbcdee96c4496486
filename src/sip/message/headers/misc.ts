// Small structured headers: option-tag lists (RFC 3261 §20.32/§20.29/§20.37/§20.40), Content-Type
// (§20.15), Reason (RFC 3326), Retry-After (§20.33).
import { HeaderSyntaxError } from '../parse-error.js';
import { endOfQuoted, isToken, isTokenChar, parseParams, parseUint, skipWs, splitList, unquote, type Params } from '../text.js';

export function parseOptionTags(values: string[], field: string): string[] {
  const out: string[] = [];
  for (const v of values) {
    for (const t of splitList(v, field)) {
      if (!isToken(t)) throw new HeaderSyntaxError(field, `invalid option tag "${t}"`);
      out.push(t.toLowerCase());
    }
  }
  return out;
}

export interface MediaType {
  type: string;
  subtype: string;
  params: Params;
}

export function parseMediaType(value: string, field = 'Content-Type'): MediaType {
  const slash = value.indexOf('/');
  if (slash <= 0) throw new HeaderSyntaxError(field, 'missing "/" in media type');
  const type = value.slice(0, slash).trim().toLowerCase();
  let i = slash + 1;
  i = skipWs(value, i);
  const start = i;
  while (i < value.length && isTokenChar(value.charCodeAt(i))) i++;
  const subtype = value.slice(start, i).toLowerCase();
  if (!isToken(type) || !isToken(subtype)) throw new HeaderSyntaxError(field, 'invalid media type');
  return { type, subtype, params: parseParams(value, i, field) };
}

export interface Reason {
  protocol: string;
  cause: number | undefined;
  text: string | undefined;
  params: Params;
}

export function parseReasons(values: string[]): Reason[] {
  const out: Reason[] = [];
  for (const v of values) {
    for (const item of splitList(v, 'Reason')) {
      let i = 0;
      while (i < item.length && isTokenChar(item.charCodeAt(i))) i++;
      const protocol = item.slice(0, i);
      if (protocol.length === 0) throw new HeaderSyntaxError('Reason', 'missing protocol');
      const params = parseParams(item, i, 'Reason');
      // protocol-cause = "cause" EQUAL cause, cause = 1*DIGIT
      const c = params.get('cause');
      const cause = c === undefined || c === null ? undefined : parseUint(c);
      if (c !== undefined && cause === undefined) throw new HeaderSyntaxError('Reason', 'invalid cause');
      const t = params.get('text');
      out.push({ protocol, cause, text: t === undefined || t === null ? undefined : unquote(t), params });
    }
  }
  return out;
}

export interface RetryAfter {
  seconds: number;
  comment: string | undefined;
  duration: number | undefined;
  params: Params;
}

export function parseRetryAfter(value: string): RetryAfter {
  let i = 0;
  while (i < value.length && value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) i++;
  const seconds = parseUint(value.slice(0, i));
  if (seconds === undefined) throw new HeaderSyntaxError('Retry-After', 'invalid delta-seconds');
  i = skipWs(value, i);
  let comment: string | undefined;
  if (value.charCodeAt(i) === 40) {
    let depth = 0;
    const start = i;
    for (; i < value.length; i++) {
      const ch = value.charCodeAt(i);
      if (ch === 34) i = endOfQuoted(value, i, 'Retry-After') - 1;
      else if (ch === 40) depth++;
      else if (ch === 41 && --depth === 0) break;
    }
    if (depth !== 0) throw new HeaderSyntaxError('Retry-After', 'unbalanced comment');
    comment = value.slice(start + 1, i);
    i++;
  }
  const params = parseParams(value, skipWs(value, i), 'Retry-After');
  // retry-param = ("duration" EQUAL delta-seconds) / generic-param
  const d = params.get('duration');
  const duration = d === undefined || d === null ? undefined : parseUint(d);
  if (d !== undefined && duration === undefined) throw new HeaderSyntaxError('Retry-After', 'invalid duration');
  return { seconds, comment, duration, params };
}
