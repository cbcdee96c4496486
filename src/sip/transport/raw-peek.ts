// A lazy look at raw message bytes without parsing them (Kamailio-style: scan only as far as asked).
// Used by the early hook and to build stateless replies for messages the parser rejected.
import type { EarlyPeek } from './types.js';

// Compact forms (RFC 3261 §7.3.3 and later RFCs), kept local so the transport can scan bytes on its own.
const COMPACT: Record<string, string> = {
  a: 'accept-contact', b: 'referred-by', c: 'content-type', d: 'request-disposition', e: 'content-encoding',
  f: 'from', i: 'call-id', j: 'reject-contact', k: 'supported', l: 'content-length', m: 'contact',
  n: 'identity-info', o: 'event', r: 'refer-to', s: 'subject', t: 'to', u: 'allow-events', v: 'via',
  x: 'session-expires', y: 'identity',
};
const LONG_TO_COMPACT: Record<string, string> = Object.fromEntries(Object.entries(COMPACT).map(([k, v]) => [v, k]));

const CR = 13;
const LF = 10;

export class RawPeek implements EarlyPeek {
  readonly #raw: Buffer;
  #startLine: string | undefined;
  /** Offset of the first header line. */
  #headersAt = -1;

  constructor(raw: Buffer) {
    this.#raw = raw;
  }

  get isRequest(): boolean {
    return !this.startLine.startsWith('SIP/');
  }

  get method(): string {
    if (!this.isRequest) return '';
    const line = this.startLine;
    const sp = line.indexOf(' ');
    return sp > 0 ? line.slice(0, sp) : '';
  }

  /** The first line (leading CRLFs skipped), latin1. */
  get startLine(): string {
    if (this.#startLine === undefined) {
      const raw = this.#raw;
      let s = 0;
      while (s < raw.length && (raw[s] === CR || raw[s] === LF)) s++;
      let e = raw.indexOf(LF, s);
      if (e < 0) e = raw.length;
      this.#headersAt = Math.min(raw.length, e + 1);
      this.#startLine = raw.toString('latin1', s, e > s && raw[e - 1] === CR ? e - 1 : e);
    }
    return this.#startLine;
  }

  header(name: string): string | undefined {
    return this.#scan(name, true, 'utf8')[0];
  }

  /** Every value of the named header in order (one per header line), latin1 so bytes round-trip. */
  rawValues(name: string): string[] {
    return this.#scan(name, false, 'latin1');
  }

  #scan(name: string, firstOnly: boolean, encoding: 'utf8' | 'latin1'): string[] {
    void this.startLine;
    const wanted = name.toLowerCase();
    const long = wanted.length === 1 ? (COMPACT[wanted] ?? wanted) : wanted;
    const compact = LONG_TO_COMPACT[long];
    const raw = this.#raw;
    const out: string[] = [];
    let p = this.#headersAt;
    while (p < raw.length) {
      const eol = lineEnd(raw, p);
      if (eol.contentEnd === p) break; // blank line: end of the header section
      const colon = raw.indexOf(58 /* : */, p);
      if (colon > p && colon < eol.contentEnd && raw[p] !== 32 && raw[p] !== 9) {
        const hname = raw.toString('latin1', p, colon).trim().toLowerCase();
        if (hname === long || hname === compact) {
          let value = raw.toString(encoding, colon + 1, eol.contentEnd);
          let q = eol.next;
          // folded continuation lines (RFC 3261 §7.3.1)
          while (q < raw.length && (raw[q] === 32 || raw[q] === 9)) {
            const e2 = lineEnd(raw, q);
            value += ' ' + raw.toString(encoding, q, e2.contentEnd).trim();
            q = e2.next;
          }
          out.push(value.trim());
          if (firstOnly) return out;
        }
      }
      p = eol.next;
    }
    return out;
  }
}

function lineEnd(raw: Buffer, p: number): { contentEnd: number; next: number } {
  const lf = raw.indexOf(LF, p);
  if (lf < 0) return { contentEnd: raw.length, next: raw.length };
  return { contentEnd: lf > p && raw[lf - 1] === CR ? lf - 1 : lf, next: lf + 1 };
}
