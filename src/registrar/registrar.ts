// Registrar (RFC 3261 §10.3, RFC 3327 Path, RFC 5626 §6 basics): answers REGISTER from the location
// service and keeps it clean. The order of the checks is the one of §10.3; see README.md for the choices
// made where the RFC leaves room (404 for foreign domains, 500 Out Of Order, Path only when supported).
import type { CredentialStore, DigestAuthenticator } from '../sip/auth/index.js';
import { createResponse, generateTag, ParseError, type SipRequest } from '../sip/message/index.js';
import type { ServerTransaction } from '../sip/transaction/index.js';
import type { Endpoint, InboundInfo } from '../sip/transport/index.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { RealTimerService, type TimerHandle, type TimerService } from '../util/timers.js';

import { aorOf, canonicalAor, decodedUser, isAorUri } from './aor.js';
import { formatSource, parseSource } from './binding-source.js';
import { SubscriberCredentialStore } from './credential-store.js';
import type { Binding, LocationStore, Subscriber, SubscriberStore } from './ports.js';
import { planUpdate, readContacts, type ExpiryLimits, type Rejection } from './registration.js';

export interface RegistrarOptions {
  /** Domains (host names or literal addresses) this registrar is responsible for. */
  domains: readonly string[];
  locations: LocationStore;
  subscribers: SubscriberStore;
  /** Digest authentication; undefined = open registrar (any user of a local domain may register). */
  authenticator?: DigestAuthenticator;
  /** Shortest accepted registration in seconds; shorter non-zero requests get 423 (default 60). */
  minExpires?: number;
  /** Longer requests are shortened to this (default 3600). */
  maxExpires?: number;
  /** Used when neither the Contact `expires` parameter nor `Expires` is present (default 3600). */
  defaultExpires?: number;
  /** Period of the expired-binding purge started by `start()` (default 60). */
  purgeIntervalSeconds?: number;
  /** Retry-After of the 500 sent when the store fails (default 5). */
  retryAfterSeconds?: number;
  /** Wall clock in epoch milliseconds for binding expiry (default Date.now). */
  now?: () => number;
  /** Schedules the purge (default a RealTimerService). */
  timers?: TimerService;
  logger?: Logger;
}

/** A registered contact of an AOR, as the proxy needs it for forking. */
export interface RegisteredTarget {
  uri: string;
  /** RFC 3327 Path values, in order: the pre-loaded Route set towards the contact. */
  path: string[];
  /** Where the REGISTER came from (for NAT'd clients). */
  source: Endpoint | undefined;
  /** The connection the REGISTER arrived on (stream transports). */
  connectionId: string | undefined;
  /** Contact q-value; 1 when the contact gave none. */
  q: number;
}

/** What `handle()` needs of the server transaction (so tests can pass a recording fake). */
export type RegisterTransaction = Pick<ServerTransaction, 'respond'>;

/** Option tags this registrar supports; anything else in Require gets 420 (RFC 3261 §8.2.2.3). */
const SUPPORTED_OPTIONS: ReadonlySet<string> = new Set(['path']);

function checkSeconds(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`SSW_REG_BAD_CONFIG: ${name} must be an integer number of seconds`);
  return value;
}

export class Registrar {
  readonly #domains: ReadonlySet<string>;
  readonly #locations: LocationStore;
  readonly #subscribers: SubscriberStore;
  readonly #authenticator: DigestAuthenticator | undefined;
  readonly #limits: ExpiryLimits;
  readonly #purgeMs: number;
  readonly #retryAfter: number;
  readonly #now: () => number;
  readonly #timers: TimerService;
  readonly #logger: Logger;
  /** Per-AOR chain: REGISTERs of one AOR run one after the other (read, plan, write). */
  readonly #locks = new Map<string, Promise<void>>();
  #purgeTimer: TimerHandle | undefined;
  #running = false;

  constructor(options: RegistrarOptions) {
    const minExpires = checkSeconds('minExpires', options.minExpires ?? 60);
    const maxExpires = checkSeconds('maxExpires', options.maxExpires ?? 3600);
    const defaultExpires = checkSeconds('defaultExpires', options.defaultExpires ?? 3600);
    if (minExpires > maxExpires) throw new RangeError('SSW_REG_BAD_CONFIG: minExpires exceeds maxExpires');
    if (defaultExpires < minExpires) throw new RangeError('SSW_REG_BAD_CONFIG: defaultExpires is below minExpires');
    const purge = options.purgeIntervalSeconds ?? 60;
    if (!(purge > 0) || !Number.isFinite(purge)) throw new RangeError('SSW_REG_BAD_CONFIG: purgeIntervalSeconds must be positive');
    this.#domains = new Set(options.domains.map(normaliseHost));
    this.#locations = options.locations;
    this.#subscribers = options.subscribers;
    this.#authenticator = options.authenticator;
    this.#limits = Object.freeze({ minExpires, maxExpires, defaultExpires: Math.min(defaultExpires, maxExpires) });
    this.#purgeMs = purge * 1000;
    this.#retryAfter = checkSeconds('retryAfterSeconds', options.retryAfterSeconds ?? 5);
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? new RealTimerService();
    this.#logger = options.logger ?? silentLogger;
  }

  /** Whether `host` (as in a URI: IPv6 in brackets or not, any case, trailing dot or not) is a local domain. */
  isLocalDomain(host: string): boolean {
    return this.#domains.has(normaliseHost(host));
  }

  /**
   * Answers one REGISTER on `tx`. Never rejects: wire faults become 400, store failures 500 with
   * Retry-After (logged). The response is sent after the store writes have completed.
   */
  async handle(tx: RegisterTransaction, request: SipRequest, info: InboundInfo): Promise<void> {
    try {
      await this.#handle(tx, request, info);
    } catch (error) {
      if (error instanceof ParseError) {
        this.#reply(tx, request, { status: 400, reason: error.reason });
        return;
      }
      this.#logger.error({ err: error, callId: safeCallId(request) }, 'registrar: REGISTER failed; answering 500');
      this.#reply(tx, request, { status: 500, headers: [['Retry-After', String(this.#retryAfter)]] });
    }
  }

  /** Live contacts of an AOR (any SIP URI text is canonicalised first), highest q first, then most recent. */
  async lookup(aor: string): Promise<RegisteredTarget[]> {
    const now = this.#now();
    const bindings = (await this.#locations.lookup(canonicalAor(aor), now)).filter((b) => b.expiresAt > now);
    bindings.sort((a, b) => (b.q ?? 1) - (a.q ?? 1) || b.updatedAt - a.updatedAt);
    return bindings.map((b) => ({ uri: b.contact, path: [...b.path], source: parseSource(b.source), connectionId: b.connectionId, q: b.q ?? 1 }));
  }

  /** Starts the periodic purge of expired bindings. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedulePurge();
  }

  stop(): void {
    this.#running = false;
    this.#timers.clear(this.#purgeTimer);
    this.#purgeTimer = undefined;
  }

  #schedulePurge(): void {
    this.#purgeTimer = this.#timers.set(() => {
      this.#purgeTimer = undefined;
      this.#locations
        .purgeExpired(this.#now())
        .then(
          (n) => {
            if (n > 0) this.#logger.debug({ purged: n }, 'registrar: expired bindings purged');
          },
          (error: unknown) => this.#logger.warn({ err: error }, 'registrar: purge of expired bindings failed'),
        )
        .finally(() => {
          if (this.#running && this.#purgeTimer === undefined) this.#schedulePurge();
        });
    }, this.#purgeMs);
  }

  async #handle(tx: RegisterTransaction, request: SipRequest, info: InboundInfo): Promise<void> {
    if (request.method !== 'REGISTER') {
      this.#reply(tx, request, { status: 405, headers: [['Allow', 'REGISTER']] });
      return;
    }
    // https://www.rfc-editor.org/rfc/rfc3261#section-10.3 step 1
    // "The registrar inspects the Request-URI to determine whether it has access to bindings for the
    // domain identified in the Request-URI. If not, and if the server also acts as a proxy server, the
    // server SHOULD forward the request to the addressed domain." Forwarding is the proxy's job, which
    // only hands us REGISTERs for local domains; anything else is answered 404 here.
    if (!request.uri.isSip) {
      this.#reply(tx, request, { status: 416 });
      return;
    }
    if (!this.isLocalDomain(request.uri.host)) {
      this.#reply(tx, request, { status: 404, reason: 'Not Here' });
      return;
    }
    // Step 2: "To guarantee that the registrar supports any necessary extensions, the registrar MUST
    // process the Require header field values as described for UASs in Section 8.2.2."
    const unsupported = request.require.filter((tag) => !SUPPORTED_OPTIONS.has(tag));
    if (unsupported.length > 0) {
      this.#reply(tx, request, { status: 420, headers: [['Unsupported', unsupported.join(', ')]] });
      return;
    }
    // Step 5 (checked before authentication, which needs the realm = the To domain): "The registrar
    // extracts the address-of-record from the To header field of the request. If the address-of-record
    // is not valid for the domain in the Request-URI, the registrar MUST send a 404 (Not Found)".
    const toUri = request.to.uri;
    if (!isAorUri(toUri) || !this.isLocalDomain(toUri.host)) {
      this.#reply(tx, request, { status: 404 });
      return;
    }
    const aor = aorOf(toUri);
    const domain = normaliseHost(toUri.host);

    // Steps 3 and 4: authenticate, then authorise the user for this AOR.
    if (this.#authenticator !== undefined) {
      const denied = await this.#authenticate(this.#authenticator, request, domain, decodedUser(toUri) ?? '');
      if (denied !== undefined) {
        this.#reply(tx, request, denied);
        return;
      }
    }

    const contacts = readContacts(request, this.#limits);
    if (!contacts.ok) {
      this.#reply(tx, request, contacts.rejection);
      return;
    }
    // RFC 3327 §5.3: Path is stored (and echoed) only when the UA indicated support for it.
    const pathSupported = request.supported.includes('path') || request.require.includes('path');
    const path = pathSupported ? request.list('Path') : [];

    const result = await this.#withLock(aor, async () => {
      const now = this.#now();
      const existing = await this.#locations.lookup(aor, now);
      const plan = planUpdate(existing, contacts.star, contacts.contacts, {
        aor,
        callId: request.callId,
        cseq: request.cseq.seq,
        path,
        source: formatSource(info.source),
        connectionId: info.connectionId,
        userAgent: request.header('User-Agent'),
        now,
      });
      if (!plan.ok) return { rejection: plan.rejection, bindings: [], now };
      // Durable before the 200: every write is awaited. A failure part-way leaves the earlier writes in
      // place; the client retries (Retry-After) and converges.
      if (contacts.star) {
        if (plan.remove.length > 0) await this.#locations.removeAll(aor);
      } else {
        for (const contact of plan.remove) await this.#locations.remove(aor, contact);
      }
      for (const binding of plan.save) await this.#locations.save(binding);
      if (plan.remove.length > 0 || plan.save.length > 0) {
        this.#logger.debug({ aor, saved: plan.save.length, removed: plan.remove.length, callId: request.callId }, 'registrar: bindings updated');
      }
      return { rejection: undefined, bindings: plan.bindings, now };
    });
    if (result.rejection !== undefined) {
      this.#reply(tx, request, result.rejection);
      return;
    }

    // Step 8: "The registrar returns a 200 (OK) response. The response MUST contain Contact header field
    // values enumerating all current bindings. Each Contact value MUST feature an "expires" parameter
    // indicating its expiration interval chosen by the registrar. The response SHOULD include a Date
    // header field."
    const headers: Array<[string, string]> = result.bindings.map((b) => ['Contact', contactValue(b, result.now)]);
    // RFC 3327 §5.3: "the registrar MUST include the Path header field values ... in the 200 (OK)".
    if (pathSupported) for (const value of request.headerValues('Path')) headers.push(['Path', value]);
    headers.push(['Date', new Date(result.now).toUTCString()]);
    this.#reply(tx, request, { status: 200, headers });
  }

  /** Steps 3–4; returns the rejection to send, or undefined when the request may modify the AOR. */
  async #authenticate(auth: DigestAuthenticator, request: SipRequest, realm: string, toUser: string): Promise<Rejection | undefined> {
    let subscriber: Subscriber | undefined;
    const store: CredentialStore = new SubscriberCredentialStore(this.#subscribers, {
      includeDisabled: true,
      onSubscriber: (s) => {
        subscriber = s;
      },
    });
    const result = await auth.verifyRequest(request, { realm, store, status: 401 });
    switch (result.outcome) {
      case 'challenge':
        return { status: 401, headers: auth.challengeResponseHeaders(401, realm, { stale: result.stale }) };
      case 'forbidden':
        this.#logger.info({ realm, reason: result.reason, callId: request.callId }, 'registrar: authentication refused');
        return { status: 403 };
      case 'bad-request':
        return { status: 400, reason: 'Bad Authorization' };
      case 'ok':
        break;
    }
    // https://www.rfc-editor.org/rfc/rfc3261#section-10.3 step 4
    // "The registrar SHOULD determine if the authenticated user is authorized to make registrations for
    // this address-of-record. ... If the authenticated user is not authorized to modify bindings, the
    // registrar MUST return a 403 (Forbidden) and skip the remaining steps."
    if (result.username !== toUser) return { status: 403, reason: 'Not Authorized For This AOR' };
    if (subscriber === undefined || !subscriber.enabled) return { status: 403 };
    return undefined;
  }

  async #withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.#locks.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }

  #reply(tx: RegisterTransaction, request: SipRequest, rejection: Rejection): void {
    try {
      tx.respond(createResponse(request, rejection.status, rejection.reason, { toTag: generateTag(), headers: rejection.headers ?? [] }));
    } catch (error) {
      this.#logger.error({ err: error, status: rejection.status }, 'registrar: could not send the response');
    }
  }
}

function contactValue(b: Binding, now: number): string {
  const seconds = Math.max(0, Math.ceil((b.expiresAt - now) / 1000));
  return `<${b.contact}>;expires=${seconds}${b.q === undefined ? '' : `;q=${b.q}`}`;
}

/** Lower case, no IPv6 brackets, no trailing dot. */
function normaliseHost(host: string): string {
  let h = host.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function safeCallId(request: SipRequest): string | undefined {
  try {
    return request.callId;
  } catch {
    return undefined;
  }
}
