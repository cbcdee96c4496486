// Shared by the header tests: a valid INVITE around the header lines under test. Named *.test.ts so
// the build (tsconfig.build.json) leaves it out; it declares no tests of its own.
import assert from 'node:assert/strict';
import { parseMessage } from '../parser.js';
import { ParseError } from '../parse-error.js';
import type { SipMessage } from '../message.js';

export const CORE: Record<string, string> = {
  via: 'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'max-forwards': 'Max-Forwards: 70',
  to: 'To: Bob <sip:bob@biloxi.com>',
  from: 'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'call-id': 'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  cseq: 'CSeq: 314159 INVITE',
};

/** An INVITE with the core headers, where `lines` replace the core header of the same name. */
export function inviteWith(...lines: string[]): Buffer {
  const replaced = new Set(lines.map((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase()));
  const alias: Record<string, string> = { v: 'via', t: 'to', f: 'from', i: 'call-id' };
  for (const r of [...replaced]) if (alias[r]) replaced.add(alias[r]);
  const core = Object.entries(CORE).filter(([k]) => !replaced.has(k)).map(([, v]) => v);
  return Buffer.from(`INVITE sip:bob@biloxi.com SIP/2.0\r\n${[...core, ...lines].map((l) => `${l}\r\n`).join('')}\r\n`);
}

export function parsed(...lines: string[]): SipMessage {
  const r = parseMessage(inviteWith(...lines));
  if (!r.ok) assert.fail(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.message;
}

export function rejected(...lines: string[]): ParseError {
  const r = parseMessage(inviteWith(...lines));
  if (r.ok) assert.fail(`expected a ParseError for ${lines.join(' | ')}`);
  assert.ok(r.error instanceof ParseError);
  return r.error;
}

/** Asserts that reading `get` throws a ParseError naming `field` (never another kind of error). */
export function throwsParseError(get: () => unknown, field?: string): void {
  let thrown: unknown;
  try {
    get();
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof ParseError, `expected a ParseError, got ${String(thrown)}`);
  if (field !== undefined) assert.equal(thrown.field, field);
}
