// The pure part of REGISTER processing (RFC 3261 §10.3 steps 6–7, RFC 3327, RFC 5626 §6): reading the
// Contacts with their expiry, and planning the binding changes against the stored bindings. No I/O here;
// `registrar.ts` does the checks before, the store writes after, and the responses.
import { parseUri, unquote, type SipRequest, type Uri } from '../sip/message/index.js';

import { sameContactUri } from './aor.js';
import type { Binding } from './ports.js';

export interface ExpiryLimits {
  readonly minExpires: number;
  readonly maxExpires: number;
  readonly defaultExpires: number;
}

/** A non-2xx answer decided by the pure steps. */
export interface Rejection {
  readonly status: number;
  readonly reason?: string;
  readonly headers?: Array<[string, string]>;
}

/** One Contact of a REGISTER, with its effective expiry in seconds (0 = remove). */
export interface ContactUpdate {
  readonly uri: Uri;
  readonly text: string;
  readonly expires: number;
  readonly q: number | undefined;
  readonly instanceId: string | undefined;
  readonly regId: number | undefined;
}

export type ContactsResult =
  | { readonly ok: true; readonly star: boolean; readonly contacts: ContactUpdate[] }
  | { readonly ok: false; readonly rejection: Rejection };

function uint(text: string, max: number): number | undefined {
  if (!/^[0-9]{1,10}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= max ? n : undefined;
}

/**
 * Reads `Contact` and `Expires` (RFC 3261 §10.3 step 6). Lazily parsed headers may throw ParseError
 * (malformed Contact): the caller answers 400 with its reason.
 */
export function readContacts(request: SipRequest, limits: ExpiryLimits): ContactsResult {
  const expiresText = request.header('Expires');
  const headerExpires = expiresText === undefined ? undefined : uint(expiresText.trim(), 0xffffffff);
  if (expiresText !== undefined && headerExpires === undefined) return { ok: false, rejection: { status: 400, reason: 'Bad Expires' } };

  // https://www.rfc-editor.org/rfc/rfc3261#section-10.3 step 6
  // "If the Contact header field contains the special value "*", the registrar checks whether the request
  // contains an Expires header field with a value of zero and no other Contact header field values. If
  // not, the registrar MUST return a 400 (Invalid Request)."
  // (`Contact: *` next to other Contact values is a ParseError from `request.contacts`: also 400.)
  if (request.contactStar) {
    if (headerExpires !== 0) return { ok: false, rejection: { status: 400, reason: 'Invalid Request' } };
    return { ok: true, star: true, contacts: [] };
  }

  const contacts: ContactUpdate[] = [];
  for (const c of request.contacts) {
    // "the registrar determines the duration of the binding: the "expires" parameter, else the Expires
    // header field, else a locally-configured default"
    let expires = c.expires ?? headerExpires ?? limits.defaultExpires;
    // "If and only if the requested expiration interval is greater than zero AND smaller than one hour
    // AND less than a registrar-configured minimum, the registrar MAY reject the registration with a 423
    // (Interval Too Brief) response. This response MUST contain a Min-Expires header field."
    if (expires > 0 && expires < limits.minExpires) {
      return { ok: false, rejection: { status: 423, headers: [['Min-Expires', String(limits.minExpires)]] } };
    }
    // "The registrar MAY choose an expiration less than the requested expiration interval."
    if (expires > limits.maxExpires) expires = limits.maxExpires;

    const instance = c.params.get('+sip.instance');
    const regIdText = c.params.get('reg-id');
    const regId = typeof regIdText === 'string' ? uint(regIdText, 0x7fffffff) : undefined;
    if (regIdText !== undefined && (regId === undefined || regId === 0)) {
      return { ok: false, rejection: { status: 400, reason: 'Bad reg-id' } };
    }
    contacts.push({
      uri: c.uri,
      text: c.uri.toString(),
      expires,
      q: c.q,
      instanceId: typeof instance === 'string' ? unquote(instance) : undefined,
      // RFC 5626 §6: a reg-id without +sip.instance is ignored.
      regId: typeof instance === 'string' ? regId : undefined,
    });
  }
  return { ok: true, star: false, contacts };
}

/** What every binding written by one REGISTER shares. */
export interface BindingTemplate {
  readonly aor: string;
  readonly callId: string;
  readonly cseq: number;
  readonly path: string[];
  readonly source: string | undefined;
  readonly connectionId: string | undefined;
  readonly userAgent: string | undefined;
  /** Epoch milliseconds. */
  readonly now: number;
}

export type PlanResult =
  | {
      readonly ok: true;
      /** Contact texts to remove, applied before `save`. */
      readonly remove: string[];
      readonly save: Binding[];
      /** The AOR's bindings once the plan is applied, for the 200 (RFC 3261 §10.3 step 8). */
      readonly bindings: Binding[];
    }
  | { readonly ok: false; readonly rejection: Rejection };

const OUT_OF_ORDER: Rejection = { status: 500, reason: 'Out Of Order' };

/**
 * https://www.rfc-editor.org/rfc/rfc3261#section-10.3 step 7
 * "If the Call-ID value in the existing binding differs from the Call-ID value in the request, the binding
 * MUST be removed if the expiration time is zero and updated otherwise. If they are the same, the registrar
 * compares the CSeq value. If the value is higher than that of the existing binding, it MUST update or
 * remove the binding as above. If not, the update MUST be aborted and the request fails."
 */
function inOrder(binding: Binding, t: BindingTemplate): boolean {
  return binding.callId !== t.callId || t.cseq > binding.cseq;
}

/**
 * The binding a Contact refreshes: RFC 5626 §6 keys bindings with +sip.instance by (instance, reg-id), so a
 * new flow of the same instance replaces the old Contact; otherwise URI equivalence (RFC 3261 §19.1.4).
 */
function findMatch(live: Binding[], liveUris: Array<Uri | undefined>, c: ContactUpdate): Binding | undefined {
  if (c.instanceId !== undefined) {
    const byInstance = live.find((b) => b.instanceId === c.instanceId && b.regId === c.regId);
    if (byInstance !== undefined) return byInstance;
  }
  for (let i = 0; i < live.length; i++) {
    const uri = liveUris[i];
    if (uri === undefined ? live[i].contact === c.text : sameContactUri(uri, c.uri)) return live[i];
  }
  return undefined;
}

/** Plans the store writes for one REGISTER. Every check runs before anything is written. */
export function planUpdate(existing: Binding[], star: boolean, contacts: ContactUpdate[], t: BindingTemplate): PlanResult {
  const live = existing.filter((b) => b.expiresAt > t.now);
  if (star) {
    // §10.3 step 6: "*" removes every binding, under the Call-ID / CSeq rule of step 7.
    if (!live.every((b) => inOrder(b, t))) return { ok: false, rejection: OUT_OF_ORDER };
    return { ok: true, remove: live.map((b) => b.contact), save: [], bindings: [] };
  }

  const liveUris = live.map((b) => parseUri(b.contact));
  const remove = new Set<string>();
  const save = new Map<string, Binding>();
  for (const c of contacts) {
    const match = findMatch(live, liveUris, c);
    if (match !== undefined && !inOrder(match, t)) return { ok: false, rejection: OUT_OF_ORDER };
    if (match !== undefined && (match.contact !== c.text || c.expires === 0)) remove.add(match.contact);
    if (c.expires === 0) {
      save.delete(c.text);
      continue;
    }
    remove.delete(c.text);
    save.set(c.text, {
      aor: t.aor,
      contact: c.text,
      expiresAt: t.now + c.expires * 1000,
      q: c.q,
      callId: t.callId,
      cseq: t.cseq,
      path: t.path,
      source: t.source,
      connectionId: t.connectionId,
      instanceId: c.instanceId,
      regId: c.regId,
      userAgent: t.userAgent,
      updatedAt: t.now,
    });
  }

  const bindings: Binding[] = [];
  for (const b of live) if (!remove.has(b.contact) && !save.has(b.contact)) bindings.push(b);
  for (const b of save.values()) bindings.push(b);
  return { ok: true, remove: [...remove], save: [...save.values()], bindings };
}
