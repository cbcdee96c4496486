// Non-INVITE client transaction: RFC 3261 §17.1.2 (Figure 6). Timers: E (request retransmission,
// unreliable only, capped at T2), F (transaction timeout), K (wait for response retransmissions).
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Endpoint, InboundInfo } from '../transport/types.js';
import { Transaction } from './transaction.js';
import type { ClientTransactionUser, NonInviteClientState, TransactionEnvironment } from './types.js';

type NictTimer = 'E' | 'F' | 'K';

export class NonInviteClientTransaction extends Transaction<NonInviteClientState, NictTimer> {
  readonly kind = 'nict' as const;
  readonly destination: Endpoint;
  readonly #user: ClientTransactionUser;
  #timerE: number;

  /** Created by `TransactionLayer.sendRequest`; `start()` sends the request. */
  constructor(env: TransactionEnvironment, id: string, request: SipRequest, destination: Endpoint, user: ClientTransactionUser) {
    super(env, id, request, 'Trying', env.transport.isReliable(destination.protocol));
    this.destination = destination;
    this.#user = user;
    this.#timerE = env.timerValues.t1;
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2.2
   * "The "Trying" state is entered when the TU initiates a new client transaction with a request. When
   * entering this state, the client transaction SHOULD set timer F to fire in 64*T1 seconds. The
   * request MUST be passed to the transport layer for transmission. If an unreliable transport is in
   * use, the client transaction MUST set timer E to fire in T1 seconds."
   */
  start(): void {
    if (this.state !== 'Trying') return;
    this.startTimer('F', 64 * this.values.t1, () => this.#onTimerF());
    this.#send(true);
    if (!this.reliable) this.startTimer('E', this.#timerE, () => this.#onTimerE());
  }

  /** A response matched to this transaction by the layer (RFC 3261 §17.1.3). */
  receiveResponse(response: SipResponse, info: InboundInfo): void {
    const status = response.status;
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        if (status < 200) {
          // https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2.2
          // "If a provisional response is received while in the "Trying" state, the response MUST be
          // passed to the TU, and then the client transaction SHOULD move to the "Proceeding" state.
          // [...] If a provisional response is received while in the "Proceeding" state, it MUST be
          // passed to the TU."
          this.transition('Proceeding');
          this.#user.onResponse(response, this, info);
          return;
        }
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2.2
        // "If a final response (status codes 200-699) is received while in the "Trying" state, the
        // response MUST be passed to the TU, and the client transaction MUST transition to the
        // "Completed" state. [...] If a final response (status codes 200-699) is received while in the
        // "Proceeding" state, the response MUST be passed to the TU, and the client transaction MUST
        // transition to the "Completed" state. Once the client transaction enters the "Completed"
        // state, it MUST set Timer K to fire in T4 seconds for unreliable transports, and zero seconds
        // for reliable transports."
        this.stopTimer('E');
        this.stopTimer('F');
        this.transition('Completed');
        if (this.reliable) {
          try {
            this.#user.onResponse(response, this, info);
          } finally {
            this.transition('Terminated');
          }
          return;
        }
        this.startTimer('K', this.values.t4, () => this.transition('Terminated'));
        this.#user.onResponse(response, this, info);
        return;
      case 'Completed':
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2.2
        // "The "Completed" state exists to buffer any additional response retransmissions that may be
        // received (which is why the client transaction remains there only for unreliable transports)."
        return;
      case 'Terminated':
        return;
    }
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2.2
   * "If timer E fires while still in this state, the timer is reset, but this time with a value of
   * MIN(2*T1, T2). When the timer fires again, it is reset to a MIN(4*T1, T2). This process continues
   * so that retransmissions occur with an exponentially increasing interval that caps at T2. [...] If
   * Timer E fires while in the "Proceeding" state, the request MUST be passed to the transport layer
   * for retransmission, and Timer E MUST be reset with a value of T2 seconds."
   */
  #onTimerE(): void {
    if (this.reliable) return;
    if (this.state === 'Trying') this.#timerE = Math.min(2 * this.#timerE, this.values.t2);
    else if (this.state === 'Proceeding') this.#timerE = this.values.t2;
    else return;
    this.#send(false);
    this.startTimer('E', this.#timerE, () => this.#onTimerE());
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2.2
   * "If Timer F fires while the client transaction is still in the "Trying" state, the client
   * transaction SHOULD inform the TU about the timeout, and then it SHOULD enter the "Terminated"
   * state. [...] If timer F fires while in the "Proceeding" state, the TU MUST be informed of a
   * timeout, and the client transaction MUST transition to the terminated state."
   */
  #onTimerF(): void {
    if (this.state !== 'Trying' && this.state !== 'Proceeding') return;
    this.transition('Terminated');
    this.#user.onTimeout(this);
  }

  #send(first: boolean): void {
    this.dispatch(
      () => this.env.transport.sendRequest(this.request, this.destination),
      (used) => {
        // The transport may move a large request from UDP to a stream (RFC 3261 §18.1.1).
        if (first && !this.reliable && this.env.transport.isReliable(used.protocol)) {
          this.markReliable();
          this.stopTimer('E');
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
