// INVITE client transaction: RFC 3261 §17.1.1 (Figure 5) as amended by RFC 6026 §8.4 (Accepted
// state, Timer M). Timers: A (request retransmission, unreliable only), B (transaction timeout),
// D (wait for response retransmissions), M (wait for 2xx retransmissions).
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Endpoint, InboundInfo } from '../transport/types.js';
import { buildNon2xxAck } from './request-builders.js';
import { Transaction } from './transaction.js';
import type { ClientTransactionUser, InviteClientState, TransactionEnvironment } from './types.js';

/** Timer D for unreliable transports: "at least 32 seconds" (RFC 3261 §17.1.1.2, Table 4). */
const TIMER_D_UNRELIABLE = 32_000;

type IctTimer = 'A' | 'B' | 'D' | 'M';

export class InviteClientTransaction extends Transaction<InviteClientState, IctTimer> {
  readonly kind = 'ict' as const;
  /** Where the INVITE (and a non-2xx ACK or a CANCEL) is sent. */
  readonly destination: Endpoint;
  readonly #user: ClientTransactionUser;
  #timerA: number;
  #ack: SipRequest | undefined;

  /** Created by `TransactionLayer.sendRequest`; `start()` sends the request. */
  constructor(env: TransactionEnvironment, id: string, request: SipRequest, destination: Endpoint, user: ClientTransactionUser) {
    super(env, id, request, 'Calling', env.transport.isReliable(destination.protocol));
    this.destination = destination;
    this.#user = user;
    this.#timerA = env.timerValues.t1;
  }

  /** The ACK this transaction generated for a non-2xx final response, once there is one. */
  get ack(): SipRequest | undefined {
    return this.#ack;
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.2
   * "The initial state, "calling", MUST be entered when the TU initiates a new client transaction with
   * an INVITE request. The client transaction MUST pass the request to the transport layer for
   * transmission. If an unreliable transport is being used, the client transaction MUST start timer A
   * with a value of T1. [...] For any transport, the client transaction MUST start timer B with a value
   * of 64*T1 seconds (Timer B controls transaction timeouts)."
   */
  start(): void {
    if (this.state !== 'Calling') return;
    this.#send(this.request, true);
    if (!this.reliable) this.startTimer('A', this.#timerA, () => this.#onTimerA());
    this.startTimer('B', 64 * this.values.t1, () => this.#onTimerB());
  }

  /** A response matched to this transaction by the layer (RFC 3261 §17.1.3). */
  receiveResponse(response: SipResponse, info: InboundInfo): void {
    const status = response.status;
    switch (this.state) {
      case 'Calling':
      case 'Proceeding':
        if (status < 200) {
          // https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.2
          // "If the client transaction receives a provisional response while in the "Calling" state, it
          // transitions to the "Proceeding" state. In the "Proceeding" state, the client transaction
          // SHOULD NOT retransmit the request any longer. Furthermore, the provisional response MUST be
          // passed to the TU. Any further provisional responses MUST be passed up to the TU while in
          // the "Proceeding" state."
          // Timer B only applies in Calling ("If the client transaction is still in the "Calling" state
          // when timer B fires"); past a provisional the TU (e.g. a proxy's Timer C) owns the wait.
          this.stopTimer('A');
          this.stopTimer('B');
          this.transition('Proceeding');
          this.#user.onResponse(response, this, info);
          return;
        }
        this.stopTimer('A');
        this.stopTimer('B');
        if (status < 300) {
          // https://www.rfc-editor.org/rfc/rfc6026#section-8.4
          // "If a 2xx response is received while the client INVITE state machine is in the "Calling"
          // or "Proceeding" states, it MUST transition to the "Accepted" state, pass the 2xx response to
          // the TU, and set Timer M to 64*T1. [...] The client transaction MUST NOT generate an ACK to
          // the 2xx response -- its handling is delegated to the TU."
          this.transition('Accepted');
          this.startTimer('M', 64 * this.values.t1, () => this.transition('Terminated'));
          this.#user.onResponse(response, this, info);
          return;
        }
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.2
        // "When in either the "Calling" or "Proceeding" states, reception of a response with status code
        // from 300-699 MUST cause the client transaction to transition to "Completed". The client
        // transaction MUST pass the received response up to the TU, and the client transaction MUST
        // generate an ACK request, even if the transport is reliable [...]. The client transaction
        // SHOULD start timer D when it enters the "Completed" state, with a value of at least 32 seconds
        // for unreliable transports, and a value of zero seconds for reliable transports."
        this.transition('Completed');
        this.#ack = buildNon2xxAck(this.request, response);
        this.#send(this.#ack, false);
        if (this.reliable) {
          try {
            this.#user.onResponse(response, this, info);
          } finally {
            this.transition('Terminated');
          }
          return;
        }
        this.startTimer('D', TIMER_D_UNRELIABLE, () => this.transition('Terminated'));
        this.#user.onResponse(response, this, info);
        return;
      case 'Completed':
        // https://www.rfc-editor.org/rfc/rfc6026#section-8.4
        // "Any retransmissions of a response with status code 300-699 that are received while in the
        // "Completed" state MUST cause the ACK to be re-passed to the transport layer for
        // retransmission, but the newly received response MUST NOT be passed up to the TU."
        if (status >= 300 && this.#ack !== undefined) this.#send(this.#ack, false);
        return;
      case 'Accepted':
        // https://www.rfc-editor.org/rfc/rfc6026#section-8.4
        // "Any 2xx responses that match this client transaction state machine and are received while in
        // the "Accepted" state MUST be passed up to the TU. The client transaction MUST NOT generate an
        // ACK to the 2xx response."
        if (status >= 200 && status < 300) this.#user.onResponse(response, this, info);
        return;
      case 'Terminated':
        return;
    }
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.2
   * "When timer A fires, the client transaction MUST retransmit the request by passing it to the
   * transport layer, and MUST reset the timer with a value of 2*T1. [...] This process MUST continue so
   * that the request is retransmitted with intervals that double after each transmission. These
   * retransmissions SHOULD only be done while the client transaction is in the "calling" state."
   * (No T2 cap for INVITE: the caps in §17.1.2.2 and §17.2.1 are for non-INVITE requests and INVITE
   * responses.)
   */
  #onTimerA(): void {
    if (this.state !== 'Calling' || this.reliable) return;
    this.#send(this.request, false);
    this.#timerA *= 2;
    this.startTimer('A', this.#timerA, () => this.#onTimerA());
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.2
   * "If the client transaction is still in the "Calling" state when timer B fires, the client
   * transaction SHOULD inform the TU that a timeout has occurred. The client transaction MUST NOT
   * generate an ACK."
   */
  #onTimerB(): void {
    if (this.state !== 'Calling') return;
    this.transition('Terminated');
    this.#user.onTimeout(this);
  }

  #send(request: SipRequest, first: boolean): void {
    this.dispatch(
      () => this.env.transport.sendRequest(request, this.destination),
      (used) => {
        // The transport may move a large request from UDP to a stream (RFC 3261 §18.1.1).
        if (first && !this.reliable && this.env.transport.isReliable(used.protocol)) {
          this.markReliable();
          this.stopTimer('A');
        }
      },
    );
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.4
   * "the client transaction SHOULD inform the TU that a transport failure has occurred, and the client
   * transaction SHOULD transition directly to the "Terminated" state."
   */
  protected onSendFailure(error: Error): void {
    this.transition('Terminated');
    this.#user.onTransportError(this, error);
  }
}
