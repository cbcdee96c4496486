// name-addr / addr-spec values: From, To (RFC 3261 §20.20, §20.39), Contact (§20.10), Route and
// Record-Route (§20.34, §20.30), and the many extension headers of the same shape.
import { HeaderSyntaxError } from '../parse-error.js';
import { endOfQuoted, formatParams, isTokenChar, isWs, parseParams, quote, skipWs, splitList, unquote, type Params } from '../text.js';
import { parseUriStrict, type Uri } from '../uri.js';

export interface NameAddr {
  displayName: string | undefined;
  uri: Uri;
  params: Params;
  tag: string | undefined;
}

export interface Contact extends NameAddr {
  expires: number | undefined;
  q: number | undefined;
}

export function parseNameAddr(text: string, field: string): NameAddr {
  const n = text.length;
  let i = skipWs(text, 0);
  let displayName: string | undefined;
  let uriText: string;
  const c0 = text.charCodeAt(i);
  if (c0 === 34) {
    const end = endOfQuoted(text, i, field);
    displayName = unquote(text.slice(i, end));
    i = skipWs(text, end);
    if (text.charCodeAt(i) !== 60) throw new HeaderSyntaxError(field, 'quoted display name without <URI>');
  }
  const lt = c0 === 34 ? i : text.indexOf('<', i);
  if (lt >= 0 && text.charCodeAt(lt) === 60 && !hasSeparatorBefore(text, i, lt)) {
    if (displayName === undefined && lt > i) {
      // unquoted display name: *(token LWS)
      const dn = text.slice(i, lt).trim();
      for (let k = 0; k < dn.length; k++) {
        const c = dn.charCodeAt(k);
        if (!isTokenChar(c) && !isWs(c)) throw new HeaderSyntaxError(field, 'invalid character in display name');
      }
      displayName = dn.length > 0 ? dn : undefined;
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new HeaderSyntaxError(field, 'missing ">"');
    uriText = text.slice(lt + 1, gt);
    i = gt + 1;
  } else {
    // addr-spec: the URI ends at the first ';' (following params belong to the header), RFC 3261 §20
    const start = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 59 || isWs(c)) break;
      if (c === 60 || c === 62 || c === 34) throw new HeaderSyntaxError(field, 'unexpected character in address');
      i++;
    }
    uriText = text.slice(start, i);
  }
  if (uriText.length === 0) throw new HeaderSyntaxError(field, 'empty URI');
  for (let k = 0; k < uriText.length; k++) {
    if (isWs(uriText.charCodeAt(k))) throw new HeaderSyntaxError(field, 'whitespace inside URI');
  }
  const uri = parseUriStrict(uriText, field);
  const params = parseParams(text, skipWs(text, i), field);
  const tag = params.get('tag');
  if (tag === null) throw new HeaderSyntaxError(field, 'tag without value');
  return { displayName, uri, params, tag };
}

/** True when a ';' or ',' appears between from..to outside quotes: then '<' is not this address's. */
function hasSeparatorBefore(text: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === 59 || c === 44 || c === 58) return true;
  }
  return false;
}

export function parseNameAddrList(value: string, field: string): NameAddr[] {
  return splitList(value, field).map((t) => parseNameAddr(t, field));
}

export function parseContacts(value: string): Contact[] {
  return splitList(value, 'Contact').map((t) => {
    const na = parseNameAddr(t, 'Contact');
    const e = na.params.get('expires');
    const q = na.params.get('q');
    let expires: number | undefined;
    if (e !== undefined && e !== null) {
      const v = Number(e);
      if (!/^\d{1,10}$/.test(e)) throw new HeaderSyntaxError('Contact', 'invalid expires');
      expires = v;
    }
    let qv: number | undefined;
    if (q !== undefined && q !== null) {
      qv = Number(q);
      if (!(qv >= 0 && qv <= 1) || !/^[01](\.\d{0,3})?$/.test(q)) throw new HeaderSyntaxError('Contact', 'invalid q');
    }
    return { ...na, expires, q: qv };
  });
}

export function formatNameAddr(na: { displayName?: string | undefined; uri: Uri | string; params?: Params }): string {
  const dn = na.displayName !== undefined ? `${quote(na.displayName)} ` : '';
  return `${dn}<${na.uri.toString()}>${na.params ? formatParams(na.params) : ''}`;
}
