// Telephone number normalisation to E.164 ("+" country code, national number; ITU-T E.164).
//
// Input is a number as dialled ("(555) 123-4567", "011 44 20 7946 0000", "+1-555-123-4567"), a tel:
// URI (RFC 3966) or a sip:/sips: URI whose user part is a telephone-subscriber (user=phone, RFC 3261
// §19.1.6). The numbering context of the source says how national and international numbers are
// written there. Anything that is not a number ("alice") gives undefined.
import { parseUri } from '../sip/message/index.js';
import type { NumberingContext } from './config.js';

export type { NumberingContext };

const CH_PLUS = 43;
const CH_STAR = 42;
const CH_HASH = 35;

/** RFC 3966 visual separators, plus the blanks people type. */
function isSeparator(c: number): boolean {
  return c === 45 /* - */ || c === 46 /* . */ || c === 40 /* ( */ || c === 41 /* ) */ || c === 32 || c === 9;
}

function userPartOf(input: string): string | undefined {
  const uri = parseUri(input);
  if (uri === undefined) {
    // a local tel: number without phone-context, as a user might type it
    if (/^tel:/i.test(input)) return input.slice(4).split(';', 1)[0];
    return undefined;
  }
  if (uri.scheme === 'tel') return uri.number;
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return undefined;
  if (uri.user === undefined) return undefined;
  // telephone-subscriber parameters (";isub=", ";npdi", ";rn=") follow the number in the user part
  let user = uri.user.split(';', 1)[0];
  if (user.includes('%')) {
    try {
      user = decodeURIComponent(user);
    } catch {
      return undefined;
    }
  }
  return user;
}

/**
 * The dial string of `input`: separators removed, URIs unwrapped. Digits, "*" and "#", with an
 * optional leading "+". Undefined when `input` is not a telephone number.
 */
export function dialString(input: string): string | undefined {
  let s = input.trim();
  if (/^(tel|sips?):/i.test(s)) {
    const user = userPartOf(s);
    if (user === undefined) return undefined;
    s = user;
  }
  // "+44 (0)20 7946 0000": the bracketed national prefix is not dialled after a country code
  if (s.charCodeAt(0) === CH_PLUS) s = s.replace('(0)', '');
  let out = '';
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      out += s[i];
      digits++;
    } else if (c === CH_STAR || c === CH_HASH) {
      out += s[i];
    } else if (c === CH_PLUS && out.length === 0) {
      out = '+';
    } else if (!isSeparator(c)) {
      return undefined;
    }
  }
  if (out.length === 0 || out === '+' || (digits === 0 && out.charCodeAt(0) === CH_PLUS)) return undefined;
  return out;
}

/**
 * E.164 form of a dial string (see `dialString`) in a numbering context:
 * "+..." is kept; the international prefix is replaced by "+"; the national prefix, or nothing,
 * by "+" and the country code. Undefined for "*" / "#" strings, for a national number without a
 * context, and for results that cannot be E.164 (a leading 0, more than 15 digits).
 */
export function toE164(dial: string, ctx?: NumberingContext): string | undefined {
  let digits: string;
  if (dial.charCodeAt(0) === CH_PLUS) digits = dial.slice(1);
  else if (ctx === undefined) return undefined;
  else if (dial.startsWith(ctx.internationalPrefix)) digits = dial.slice(ctx.internationalPrefix.length);
  else if (ctx.nationalPrefix !== '' && dial.startsWith(ctx.nationalPrefix)) digits = ctx.countryCode + dial.slice(ctx.nationalPrefix.length);
  else digits = ctx.countryCode + dial;
  if (digits.length === 0 || digits.length > 15 || digits.charCodeAt(0) === 48) return undefined;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return `+${digits}`;
}

/** `toE164(dialString(input), ctx)`: the E.164 number, or undefined for non-numbers. */
export function normalizeNumber(input: string, ctx?: NumberingContext): string | undefined {
  const dial = dialString(input);
  return dial === undefined ? undefined : toE164(dial, ctx);
}
