// ENUM (RFC 6116): E.164 number → domain under e164.arpa → NAPTR records → a sip: URI.
//
// Not part of the pure engine: the proxy calls `EnumResolver.resolve()` before routing and passes
// the URI found as `RouteRequest.enumResult`. DNS sits behind the `NaptrLookup` port; the default
// `DnsNaptrLookup` uses node:dns/promises, tests pass a fake.
import { Resolver } from 'node:dns/promises';
import { parseUri } from '../sip/message/index.js';
import { dialString } from './normalize.js';

/** A NAPTR record (RFC 3403 §4.1). */
export interface NaptrRecord {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
}

/** NAPTR query port. Resolves `[]` when the name has no NAPTR (NXDOMAIN/NODATA); rejects on failures. */
export interface NaptrLookup {
  naptr(domain: string): Promise<NaptrRecord[]>;
}

export interface DnsNaptrLookupOptions {
  /** DNS servers ("127.0.0.1:53", "[::1]:53"). Default: the system's. */
  servers?: readonly string[];
  /** Per-query timeout in milliseconds. Default 2000. */
  timeout?: number;
  /** Attempts per server. Default 1. */
  tries?: number;
}

/** `NaptrLookup` over node:dns/promises `Resolver` (real DNS queries; /etc/hosts is not consulted). */
export class DnsNaptrLookup implements NaptrLookup {
  readonly #resolver: Resolver;

  constructor(options: DnsNaptrLookupOptions = {}) {
    this.#resolver = new Resolver({ timeout: options.timeout ?? 2000, tries: options.tries ?? 1 });
    if (options.servers !== undefined && options.servers.length > 0) this.#resolver.setServers([...options.servers]);
  }

  /** Cancels outstanding queries (they reject with ECANCELLED). */
  cancel(): void {
    this.#resolver.cancel();
  }

  async naptr(domain: string): Promise<NaptrRecord[]> {
    try {
      const rs = await this.#resolver.resolveNaptr(domain);
      return rs.map((r) => ({ order: r.order, preference: r.preference, flags: r.flags, service: r.service, regexp: r.regexp, replacement: r.replacement }));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      throw e;
    }
  }
}

/**
 * The ENUM domain of an E.164 number (RFC 6116 §2.4): digits reversed, dot-separated, under
 * `domain`. "+1-555-123-4567" → "7.6.5.4.3.2.1.5.5.5.1.e164.arpa". Undefined if not E.164.
 */
export function enumDomain(number: string, domain = 'e164.arpa'): string | undefined {
  const dial = dialString(number);
  if (dial === undefined || !/^\+[1-9]\d{0,14}$/.test(dial)) return undefined;
  const labels: string[] = [];
  for (let i = dial.length - 1; i >= 1; i--) labels.push(dial[i]);
  return `${labels.join('.')}.${domain.replace(/\.$/, '')}`;
}

type ReplPart = string | number;

/**
 * Applies a NAPTR substitution expression (RFC 3402 §3.2: `delim ere delim repl delim [i]`, e.g.
 * `!^.*$!sip:info@example.com!`) to the application unique string. Backreferences `\1`–`\9` in the
 * replacement. Undefined when the expression is malformed or does not match.
 */
export function applyNaptrRegexp(regexp: string, aus: string): string | undefined {
  const delim = regexp[0];
  if (delim === undefined || delim === '\\' || delim === 'i' || (delim >= '0' && delim <= '9')) return undefined;
  const parts: string[] = [''];
  for (let i = 1; i < regexp.length; i++) {
    const c = regexp[i];
    if (c === '\\' && i + 1 < regexp.length) {
      const n = regexp[++i];
      parts[parts.length - 1] += n === delim ? n : c + n;
    } else if (c === delim) {
      parts.push('');
    } else {
      parts[parts.length - 1] += c;
    }
  }
  if (parts.length !== 3 || (parts[2] !== '' && parts[2] !== 'i')) return undefined;
  const [ere, repl, flags] = parts;
  let re: RegExp;
  try {
    re = new RegExp(ere, flags === 'i' ? 'i' : '');
  } catch {
    return undefined;
  }
  const m = re.exec(aus);
  if (m === null) return undefined;
  const tokens: ReplPart[] = [];
  let lit = '';
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i];
    if (c === '\\' && i + 1 < repl.length) {
      const n = repl[++i];
      if (n >= '1' && n <= '9') {
        tokens.push(lit, Number(n));
        lit = '';
      } else {
        lit += n;
      }
    } else {
      lit += c;
    }
  }
  tokens.push(lit);
  let out = '';
  for (const t of tokens) out += typeof t === 'number' ? (m[t] ?? '') : t;
  return aus.slice(0, m.index) + out + aus.slice(m.index + m[0].length);
}

/** True for the SIP enumservice: "E2U+sip" (RFC 6116/3764), also "sip+E2U" (RFC 2916). */
export function isSipEnumService(service: string): boolean {
  const tokens = service.toLowerCase().split('+');
  if (tokens[0] === 'e2u') return tokens.slice(1).some((t) => t === 'sip' || t.startsWith('sip:'));
  return tokens.length === 2 && tokens[0] === 'sip' && tokens[1] === 'e2u';
}

export type EnumResult =
  | { kind: 'found'; uri: string; domain: string; record: NaptrRecord }
  | { kind: 'not-found'; domain: string; reason: string }
  | { kind: 'error'; domain: string; reason: string; error: unknown };

export interface EnumResolverOptions {
  /** ENUM tree apex. Default "e164.arpa". */
  domain?: string;
  /** The DNS port. Default: DnsNaptrLookup with `servers` and `timeout`. */
  lookup?: NaptrLookup;
  servers?: readonly string[];
  timeout?: number;
  /** Non-terminal NAPTR records followed at most. Default 5. */
  maxRedirects?: number;
}

/** RFC 6116 resolution of numbers to sip:/sips: URIs (service E2U+sip). Accepts `EnumConfig`. */
export class EnumResolver {
  readonly #domain: string;
  readonly #lookup: NaptrLookup;
  readonly #maxRedirects: number;

  constructor(options: EnumResolverOptions = {}) {
    this.#domain = options.domain ?? 'e164.arpa';
    this.#lookup = options.lookup ?? new DnsNaptrLookup({ servers: options.servers, timeout: options.timeout });
    this.#maxRedirects = options.maxRedirects ?? 5;
  }

  /** Looks up an E.164 number ("+15551234567", separators allowed). Never rejects. */
  async resolve(number: string): Promise<EnumResult> {
    const domain = enumDomain(number, this.#domain);
    if (domain === undefined) return { kind: 'not-found', domain: '', reason: `"${number}" is not an E.164 number` };
    const aus = dialString(number) as string;
    let name = domain;
    for (let hop = 0; hop <= this.#maxRedirects; hop++) {
      let records: NaptrRecord[];
      try {
        records = await this.#lookup.naptr(name);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return { kind: 'error', domain: name, reason: `NAPTR lookup of ${name} failed${code === undefined ? '' : ` (${code})`}`, error };
      }
      if (records.length === 0) return { kind: 'not-found', domain: name, reason: `no NAPTR records at ${name}` };
      const sorted = [...records].sort((a, b) => a.order - b.order || a.preference - b.preference);
      let next: string | undefined;
      for (const r of sorted) {
        const flags = r.flags.toLowerCase();
        if (flags === 'u' && isSipEnumService(r.service)) {
          const uri = applyNaptrRegexp(r.regexp, aus);
          const parsed = uri === undefined ? undefined : parseUri(uri);
          if (uri !== undefined && parsed !== undefined && (parsed.scheme === 'sip' || parsed.scheme === 'sips')) {
            return { kind: 'found', uri, domain: name, record: r };
          }
        } else if (flags === '' && r.replacement !== '' && r.replacement !== '.') {
          next = r.replacement.replace(/\.$/, ''); // non-terminal (RFC 6116 §2.4.1): continue there
          break;
        }
      }
      if (next === undefined) {
        const services = [...new Set(sorted.map((r) => r.service))].join(', ');
        return { kind: 'not-found', domain: name, reason: `no usable E2U+sip record at ${name} (services: ${services})` };
      }
      name = next;
    }
    return { kind: 'not-found', domain: name, reason: `more than ${this.#maxRedirects} non-terminal NAPTR records` };
  }
}
