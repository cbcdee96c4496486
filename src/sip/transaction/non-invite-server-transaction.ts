// Non-INVITE server transaction: RFC 3261 §17.2.2 (Figure 8). Timer J (absorb request
// retransmissions after the final response).
import type { SipRequest, SipResponse } from '../message/index.js';
import type { InboundInfo } from '../transport/types.js';
import { checkStatus, responseOptions } from './server-support.js';
import { Transaction } from './transaction.js';
import type { NonInviteServerState, TransactionEnvironment, TransactionUser } from './types.js';

export class NonInviteServerTransaction extends Transaction<NonInviteServerState, 'J'> {
  readonly kind = 'nist' as const;
  /** How the request arrived; responses go back the same way. */
  readonly info: InboundInfo;
  readonly #user: TransactionUser;
  #lastResponse: SipResponse | undefined;

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
   * "The state machine is initialized in the "Trying" state and is passed a request other than INVITE
   * or ACK when initialized. This request is passed up to the TU."
   */
  constructor(env: TransactionEnvironment, id: string, request: SipRequest, info: InboundInfo, user: TransactionUser) {
    super(env, id, request, 'Trying', info.reliable);
    this.info = info;
    this.#user = user;
  }

  /** The most recent response sent. */
  get lastResponse(): SipResponse | undefined {
    return this.#lastResponse;
  }

  /** Sends a response from the TU; final responses after the first are discarded (RFC 3261 §17.2.2). */
  respond(response: SipResponse): void {
    checkStatus(response);
    const status = response.status;
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        this.#lastResponse = response;
        if (status < 200) {
          // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
          // "While in the "Trying" state, if the TU passes a provisional response to the server
          // transaction, the server transaction MUST enter the "Proceeding" state. The response MUST be
          // passed to the transport layer for transmission. Any further provisional responses that are
          // received from the TU while in the "Proceeding" state MUST be passed to the transport layer
          // for transmission."
          this.transition('Proceeding');
          this.#send(response);
          return;
        }
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
        // "If the TU passes a final response (status codes 200-699) to the server while in the
        // "Proceeding" state, the transaction MUST enter the "Completed" state, and the response MUST be
        // passed to the transport layer for transmission. When the server transaction enters the
        // "Completed" state, it MUST set Timer J to fire in 64*T1 seconds for unreliable transports, and
        // zero seconds for reliable transports."
        this.transition('Completed');
        this.#send(response);
        if (this.reliable) this.transition('Terminated');
        else this.startTimer('J', 64 * this.values.t1, () => this.transition('Terminated'));
        return;
      case 'Completed':
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
        // "Any other final responses passed by the TU to the server transaction MUST be discarded while
        // in the "Completed" state."
        return;
      case 'Terminated':
        return;
    }
  }

  /** A retransmission of the request, matched to this transaction by the layer (RFC 3261 §17.2.3). */
  receiveRequest(_request: SipRequest, _info: InboundInfo): void {
    switch (this.state) {
      case 'Trying':
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
        // "Once in the "Trying" state, any further request retransmissions are discarded."
        return;
      case 'Proceeding':
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
        // "If a retransmission of the request is received while in the "Proceeding" state, the most
        // recently sent provisional response MUST be passed to the transport layer for retransmission."
        if (this.#lastResponse !== undefined) this.#send(this.#lastResponse);
        return;
      case 'Completed':
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
        // "While in the "Completed" state, the server transaction MUST pass the final response to the
        // transport layer for retransmission whenever a retransmission of the request is received."
        if (this.#lastResponse !== undefined) this.#send(this.#lastResponse);
        return;
      case 'Terminated':
        return;
    }
  }

  #send(response: SipResponse): void {
    this.dispatch(() => this.env.transport.sendResponse(response, responseOptions(this.info)));
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.4
   * "If those should all fail, based on the definition of failure in [4], the server transaction SHOULD
   * inform the TU that a failure has occurred, and SHOULD transition to the terminated state."
   * (RFC 6026 §8.8 keeps the INVITE server transaction alive instead; Figure 8 is unchanged.)
   */
  protected onSendFailure(error: Error): void {
    this.transition('Terminated');
    this.#user.onTransportError?.(this, error);
  }
}
