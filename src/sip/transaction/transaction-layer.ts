// The transaction layer (RFC 3261 §17): owns the client and server transaction tables, matches
// inbound messages to transactions, creates server transactions for new requests, and builds
// CANCEL for its INVITE client transactions.
import { createResponse, generateTag, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import type { Endpoint, InboundInfo, MessageTransport } from '../transport/types.js';
import type { TimerService } from '../../util/timers.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { buildCancel, ensureBranch } from './request-builders.js';
import { TransactionError, TransactionErrorCode } from './transaction-error.js';
import { clientKey, isRfc3261Branch, serverKey } from './transaction-keys.js';
import {
  type AnyTransaction,
  type ClientTransaction,
  type ClientTransactionUser,
  DEFAULT_TIMER_VALUES,
  type ServerTransaction,
  type TimerValues,
  type TransactionEnvironment,
  type TransactionState,
  type TransactionUser,
} from './types.js';

export interface TransactionLayerOptions {
  transport: MessageTransport;
  timers: TimerService;
  user: TransactionUser;
  /** RTT estimate in ms (default 500). */
  t1?: number;
  /** Maximum retransmit interval in ms (default 4000). */
  t2?: number;
  /** Maximum message lifetime in the network in ms (default 5000). */
  t4?: number;
}

export interface CancelOptions {
  /** Extra header fields for the CANCEL, e.g. `['Reason', 'SIP;cause=200;text="Call completed elsewhere"']` (RFC 3326). */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** Receives the responses to the CANCEL itself (normally just a 200); ignored when omitted. */
  user?: ClientTransactionUser;
}

/** Live table sizes, for tests and metrics. */
export interface TransactionCounts {
  client: number;
  server: number;
}

const IGNORE: ClientTransactionUser = {
  onResponse: () => undefined,
  onTimeout: () => undefined,
  onTransportError: () => undefined,
};

export class TransactionLayer {
  readonly #user: TransactionUser;
  readonly #env: TransactionEnvironment;
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #servers = new Map<string, ServerTransaction>();
  /** INVITE client transactions cancelled while still in Calling (RFC 3261 §9.1: wait for a provisional). */
  readonly #pendingCancels = new Map<InviteClientTransaction, CancelOptions>();
  /** INVITE client transactions a CANCEL was sent or scheduled for (so cancel() is idempotent). */
  readonly #cancelled = new WeakSet<InviteClientTransaction>();

  constructor(options: TransactionLayerOptions) {
    this.#user = options.user;
    const timerValues: TimerValues = Object.freeze({
      t1: options.t1 ?? DEFAULT_TIMER_VALUES.t1,
      t2: options.t2 ?? DEFAULT_TIMER_VALUES.t2,
      t4: options.t4 ?? DEFAULT_TIMER_VALUES.t4,
    });
    for (const [name, v] of Object.entries(timerValues)) {
      if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`TransactionLayer: ${name} must be a positive number of ms, got ${v}`);
    }
    this.#env = {
      transport: options.transport,
      timers: options.timers,
      timerValues,
      onStateChange: (tx, from, to) => this.#onStateChange(tx, from, to),
    };
  }

  get timerValues(): Readonly<TimerValues> {
    return this.#env.timerValues;
  }

  /** Transactions currently in the tables (Terminated ones are removed at once). */
  size(): TransactionCounts {
    return { client: this.#clients.size, server: this.#servers.size };
  }

  /** Inbound message from the transport (an `InboundHandler`). */
  receive(message: SipMessage, info: InboundInfo): void {
    if (message.isRequest) this.#receiveRequest(message, info);
    else this.#receiveResponse(message, info);
  }

  /**
   * Starts a client transaction for `request` (anything but ACK) towards `destination`. The top Via
   * should carry a fresh branch; one is added when missing.
   */
  sendRequest(request: SipRequest, destination: Endpoint, user: ClientTransactionUser): ClientTransaction {
    if (request.method === 'ACK') {
      throw new TransactionError(TransactionErrorCode.AckNotATransaction, 'ACK is not sent in a client transaction; send it through the transport');
    }
    const branch = ensureBranch(request);
    const key = clientKey(branch, request.method);
    if (this.#clients.has(key)) {
      throw new TransactionError(TransactionErrorCode.DuplicateTransaction, `a ${request.method} client transaction with branch ${branch} already exists`);
    }
    const tx =
      request.method === 'INVITE'
        ? new InviteClientTransaction(this.#env, key, request, destination, user)
        : new NonInviteClientTransaction(this.#env, key, request, destination, user);
    this.#clients.set(key, tx);
    tx.start();
    return tx;
  }

  /**
   * Cancels a pending INVITE (RFC 3261 §9.1): sends CANCEL now if a provisional response has arrived,
   * defers it until one does while the transaction is still Calling, and does nothing once a final
   * response has been received. Returns whether a CANCEL was sent or scheduled by this call.
   *
   * https://www.rfc-editor.org/rfc/rfc3261#section-9.1
   * "If no provisional response has been received, the CANCEL request MUST NOT be sent; rather, the
   * client MUST wait for the arrival of a provisional response before sending the request. If the
   * original request has generated a final response, the CANCEL SHOULD NOT be sent".
   */
  cancel(invite: InviteClientTransaction, options: CancelOptions = {}): boolean {
    if (this.#cancelled.has(invite)) return false;
    if (invite.state === 'Calling') {
      this.#cancelled.add(invite);
      this.#pendingCancels.set(invite, options);
      return true;
    }
    if (invite.state !== 'Proceeding') return false;
    this.#cancelled.add(invite);
    this.#sendCancel(invite, options);
    return true;
  }

  /** Ends every transaction without calling the TU (shutdown); their timers are cleared. */
  close(): void {
    for (const tx of [...this.#clients.values(), ...this.#servers.values()]) tx.dispose();
    this.#pendingCancels.clear();
  }

  #sendCancel(invite: InviteClientTransaction, options: CancelOptions): void {
    const cancel = buildCancel(invite.request, options.headers);
    this.sendRequest(cancel, invite.destination, options.user ?? IGNORE);
  }

  #onStateChange(tx: AnyTransaction, from: TransactionState, to: TransactionState): void {
    if (tx instanceof InviteClientTransaction && from === 'Calling') {
      const pending = this.#pendingCancels.get(tx);
      if (pending !== undefined) {
        this.#pendingCancels.delete(tx);
        if (to === 'Proceeding') this.#sendCancel(tx, pending);
      }
    }
    if (to !== 'Terminated') return;
    if (tx.kind === 'ict' || tx.kind === 'nict') {
      if (this.#clients.get(tx.id) === tx) this.#clients.delete(tx.id);
    } else if (this.#servers.get(tx.id) === tx) {
      this.#servers.delete(tx.id);
    }
  }

  #receiveResponse(response: SipResponse, info: InboundInfo): void {
    // https://www.rfc-editor.org/rfc/rfc3261#section-17.1.3 (see clientKey)
    const branch = response.topVia.branch;
    const tx = branch === undefined ? undefined : this.#clients.get(clientKey(branch, response.cseq.method));
    if (tx !== undefined) {
      tx.receiveResponse(response, info);
      return;
    }
    // https://www.rfc-editor.org/rfc/rfc6026#section-7.2
    // "Any response received that does not match an existing client transaction state machine is
    // simply dropped. (Implementations are, of course, free to log or do other implementation-specific
    // things with such responses [...])" — the TU decides (a proxy forwards stray 2xx to INVITE).
    this.#user.onStrayResponse?.(response, info);
  }

  #receiveRequest(request: SipRequest, info: InboundInfo): void {
    const method = request.method;
    if (method === 'ACK') {
      this.#receiveAck(request, info);
      return;
    }
    const key = serverKey(request, method);
    const existing = this.#servers.get(key);
    if (existing !== undefined) {
      // A retransmission: https://www.rfc-editor.org/rfc/rfc3261#section-17.2.3
      existing.receiveRequest(request, info);
      return;
    }
    if (method === 'CANCEL') {
      this.#receiveCancel(request, info, key);
      return;
    }
    // https://www.rfc-editor.org/rfc/rfc3261#section-17.2
    // "When a request is received from the network by the server, it has to be matched to an existing
    // transaction. [...] If there is no match, the request is passed to the core, which may decide to
    // construct a server transaction for the request."
    const tx =
      method === 'INVITE'
        ? new InviteServerTransaction(this.#env, key, request, info, this.#user)
        : new NonInviteServerTransaction(this.#env, key, request, info, this.#user);
    this.#servers.set(key, tx);
    try {
      this.#user.onRequest(tx, request, info);
    } catch (e) {
      answerUnanswered(tx);
      throw e;
    }
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.3 (ACK matches the INVITE transaction; with an
   * RFC 2543 branch its To tag must equal the tag of the response the transaction sent) and
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.3: an ACK for a 2xx is its own transaction,
   * never a server transaction here, so whatever is not absorbed goes to the TU.
   */
  #receiveAck(ack: SipRequest, info: InboundInfo): void {
    const invite = this.#findInvite(ack, true);
    if (invite !== undefined) invite.receiveRequest(ack, info);
    else this.#user.onAck?.(ack, info);
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-9.2
   * "The CANCEL method requests that the TU at the server side cancel a pending transaction. The TU
   * determines the transaction to be cancelled by taking the CANCEL request, and then assuming that
   * the request method is anything but CANCEL or ACK and applying the transaction matching procedures
   * of Section 17.2.3. The matching transaction is the one to be cancelled. [...] If the UAS did not
   * find a matching transaction for the CANCEL according to the procedure above, it SHOULD respond to
   * the CANCEL with a 481 (Call Leg/Transaction Does Not Exist)."
   */
  #receiveCancel(request: SipRequest, info: InboundInfo, key: string): void {
    const cancelTx = new NonInviteServerTransaction(this.#env, key, request, info, this.#user);
    this.#servers.set(key, cancelTx);
    const invite = this.#findInvite(request, false);
    if (this.#user.onCancel === undefined) {
      answerCancel(cancelTx, invite);
      return;
    }
    try {
      this.#user.onCancel(cancelTx, invite);
    } catch (e) {
      answerUnanswered(cancelTx);
      throw e;
    }
  }

  #findInvite(request: SipRequest, isAck: boolean): InviteServerTransaction | undefined {
    const direct = this.#servers.get(serverKey(request, 'INVITE'));
    if (direct instanceof InviteServerTransaction) return direct;
    if (!isAck || isRfc3261Branch(request.topVia.branch)) return undefined;
    // RFC 2543 ACK: the INVITE carried no To tag; the ACK carries the tag of the response.
    const initial = this.#servers.get(serverKey(request, 'INVITE', ''));
    if (!(initial instanceof InviteServerTransaction)) return undefined;
    const sent = initial.lastFinal ?? initial.lastProvisional;
    return sent !== undefined && sent.to.tag === request.to.tag ? initial : undefined;
  }
}

/**
 * Default UAS answer to CANCEL when the TU has no `onCancel`:
 * https://www.rfc-editor.org/rfc/rfc3261#section-9.2
 * "If the original request was an INVITE, the UAS SHOULD immediately respond to the INVITE with a 487
 * (Request Terminated). [...] The To tag of the response to the CANCEL and the To tag in the response
 * to the original request SHOULD be the same."
 */
function answerCancel(cancelTx: NonInviteServerTransaction, invite: InviteServerTransaction | undefined): void {
  if (invite === undefined) {
    cancelTx.respond(createResponse(cancelTx.request, 481, undefined, { toTag: generateTag() }));
    return;
  }
  const toTag = invite.lastFinal?.to.tag ?? invite.lastProvisional?.to.tag ?? generateTag();
  cancelTx.respond(createResponse(cancelTx.request, 200, undefined, { toTag }));
  if (invite.state === 'Proceeding') invite.respond(createResponse(invite.request, 487, undefined, { toTag }));
}

/**
 * A TU that threw while handling a new request leaves a server transaction no timer would ever end
 * (Trying/Proceeding have none): answer 500 so it completes, then let the error propagate.
 */
function answerUnanswered(tx: ServerTransaction): void {
  const pending = tx.kind === 'ist' ? tx.state === 'Proceeding' : tx.state === 'Trying' || tx.state === 'Proceeding';
  if (pending) tx.respond(createResponse(tx.request, 500, undefined, { toTag: generateTag() }));
}
