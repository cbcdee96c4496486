// INVITE server transaction: RFC 3261 §17.2.1 (Figure 7) as amended by RFC 6026 §7.1/§8.5-§8.8
// (Accepted state, Timer L, transport errors). Timers: G (final response retransmission,
// unreliable only), H (wait for ACK), I (absorb ACK retransmissions), L (absorb INVITE
// retransmissions after a 2xx), and the 200 ms "send 100 Trying" timer.
import { createResponse, type SipRequest, type SipResponse } from '../message/index.js';
import type { InboundInfo } from '../transport/types.js';
import { checkStatus, responseOptions } from './server-support.js';
import { Transaction } from './transaction.js';
import type { InviteServerState, TransactionEnvironment, TransactionUser } from './types.js';

/** RFC 3261 §17.2.1: the 100 (Trying) is due unless the TU answers within 200 ms. */
const TRYING_DELAY = 200;

type IstTimer = 'G' | 'H' | 'I' | 'L' | 'Trying';

export class InviteServerTransaction extends Transaction<InviteServerState, IstTimer> {
  readonly kind = 'ist' as const;
  /** How the INVITE arrived; responses go back the same way. */
  readonly info: InboundInfo;
  readonly #user: TransactionUser;
  #timerG: number;
  #lastProvisional: SipResponse | undefined;
  #lastFinal: SipResponse | undefined;
  #transportErrorReported = false;

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
   * "When a server transaction is constructed for a request, it enters the "Proceeding" state. The
   * server transaction MUST generate a 100 (Trying) response unless it knows that the TU will generate
   * a provisional or final response within 200 ms, in which case it MAY generate a 100 (Trying)
   * response."
   */
  constructor(env: TransactionEnvironment, id: string, request: SipRequest, info: InboundInfo, user: TransactionUser) {
    super(env, id, request, 'Proceeding', info.reliable);
    this.info = info;
    this.#user = user;
    this.#timerG = env.timerValues.t1;
    this.startTimer('Trying', TRYING_DELAY, () => this.#sendTrying());
  }

  /** The most recent provisional response sent (the TU's, or the automatic 100 Trying). */
  get lastProvisional(): SipResponse | undefined {
    return this.#lastProvisional;
  }

  /** The final response sent, if any. */
  get lastFinal(): SipResponse | undefined {
    return this.#lastFinal;
  }

  /**
   * Sends a response from the TU. Responses the state machine may not send in the current state are
   * discarded (e.g. a late 487 after a 2xx).
   */
  respond(response: SipResponse): void {
    checkStatus(response);
    const status = response.status;
    switch (this.state) {
      case 'Proceeding':
        this.stopTimer('Trying');
        if (status < 200) {
          // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
          // "The TU passes any number of provisional responses to the server transaction. So long as the
          // server transaction is in the "Proceeding" state, each of these MUST be passed to the
          // transport layer for transmission. They are not sent reliably by the transaction layer (they
          // are not retransmitted by it) and do not cause a change in the state of the server
          // transaction."
          this.#lastProvisional = response;
          this.#send(response);
          return;
        }
        this.#lastFinal = response;
        if (status < 300) {
          // https://www.rfc-editor.org/rfc/rfc6026#section-8.5
          // "If, while in the "Proceeding" state, the TU passes a 2xx response to the server
          // transaction, the server transaction MUST pass this response to the transport layer for
          // transmission. It is not retransmitted by the server transaction; retransmissions of 2xx
          // responses are handled by the TU. The server transaction MUST then transition to the
          // "Accepted" state."
          // https://www.rfc-editor.org/rfc/rfc6026#section-8.7
          // "When the INVITE server transaction enters the "Accepted" state, Timer L MUST be set to
          // fire in 64*T1 for all transports."
          this.transition('Accepted');
          this.startTimer('L', 64 * this.values.t1, () => this.transition('Terminated'));
          this.#send(response);
          return;
        }
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
        // "While in the "Proceeding" state, if the TU passes a response with status code from 300 to 699
        // to the server transaction, the response MUST be passed to the transport layer for
        // transmission, and the state machine MUST enter the "Completed" state. For unreliable
        // transports, timer G is set to fire in T1 seconds, and is not set to fire for reliable
        // transports. [...] When the "Completed" state is entered, timer H MUST be set to fire in 64*T1
        // seconds for all transports."
        this.transition('Completed');
        if (!this.reliable) this.startTimer('G', this.#timerG, () => this.#onTimerG());
        this.startTimer('H', 64 * this.values.t1, () => this.#onTimerH());
        this.#send(response);
        return;
      case 'Accepted':
        // https://www.rfc-editor.org/rfc/rfc6026#section-8.7
        // "While in the "Accepted" state, if the TU passes a 2xx response, the server transaction MUST
        // pass the response to the transport layer for transmission."
        if (status >= 200 && status < 300) {
          this.#lastFinal = response;
          this.#send(response);
        }
        return;
      case 'Completed':
      case 'Confirmed':
        return;
      case 'Terminated':
        // Timer L and the TU's own 2xx retransmission schedule both run 64*T1: a 2xx retransmission
        // racing Timer L still goes out (statelessly, as RFC 3261 §13.3.1.4 would have it).
        if (status >= 200 && status < 300) {
          this.env.transport.sendResponse(response, responseOptions(this.info)).catch(() => undefined);
        }
        return;
    }
  }

  /** A retransmitted INVITE, or an ACK, matched to this transaction by the layer (RFC 3261 §17.2.3). */
  receiveRequest(request: SipRequest, info: InboundInfo): void {
    const isAck = request.method === 'ACK';
    switch (this.state) {
      case 'Proceeding':
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
        // "If a request retransmission is received while in the "Proceeding" state, the most recent
        // provisional response that was received from the TU MUST be passed to the transport layer for
        // retransmission."
        if (!isAck && this.#lastProvisional !== undefined) this.#send(this.#lastProvisional);
        return;
      case 'Completed':
        if (isAck) {
          // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
          // "If an ACK is received while the server transaction is in the "Completed" state, the server
          // transaction MUST transition to the "Confirmed" state. As Timer G is ignored in this state,
          // any retransmissions of the response will cease. [...] When this state is entered, timer I
          // is set to fire in T4 seconds for unreliable transports, and zero seconds for reliable
          // transports."
          this.stopTimer('G');
          this.stopTimer('H');
          this.transition('Confirmed');
          if (this.reliable) this.transition('Terminated');
          else this.startTimer('I', this.values.t4, () => this.transition('Terminated'));
          return;
        }
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
        // "Furthermore, while in the "Completed" state, if a request retransmission is received, the
        // server SHOULD pass the response to the transport for retransmission."
        if (this.#lastFinal !== undefined) this.#send(this.#lastFinal);
        return;
      case 'Confirmed':
        // https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
        // "The purpose of the "Confirmed" state is to absorb any additional ACK messages that arrive,
        // triggered from retransmissions of the final response."
        return;
      case 'Accepted':
        // https://www.rfc-editor.org/rfc/rfc6026#section-7.1
        // "While in the "Accepted" state, any retransmissions of the INVITE received will match this
        // transaction state machine and will be absorbed by the machine without changing its state.
        // These retransmissions are not passed onto the TU."
        // https://www.rfc-editor.org/rfc/rfc6026#section-8.7
        // "If an ACK is received while the INVITE server transaction is in the "Accepted" state, then
        // the ACK must be passed up to the TU."
        if (isAck) this.#user.onAck?.(request, info);
        return;
      case 'Terminated':
        return;
    }
  }

  #sendTrying(): void {
    if (this.state !== 'Proceeding' || this.#lastProvisional !== undefined) return;
    const trying = createResponse(this.request, 100, 'Trying');
    this.#lastProvisional = trying;
    this.#send(trying);
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
   * "If timer G fires, the response is passed to the transport layer once more for retransmission, and
   * timer G is set to fire in MIN(2*T1, T2) seconds. From then on, when timer G fires, the response is
   * passed to the transport again for transmission, and timer G is reset with a value that doubles,
   * unless that value exceeds T2, in which case it is reset with the value of T2."
   */
  #onTimerG(): void {
    if (this.state !== 'Completed' || this.#lastFinal === undefined) return;
    this.#send(this.#lastFinal);
    this.#timerG = Math.min(2 * this.#timerG, this.values.t2);
    this.startTimer('G', this.#timerG, () => this.#onTimerG());
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
   * "If timer H fires while in the "Completed" state, it implies that the ACK was never received. In
   * this case, the server transaction MUST transition to the "Terminated" state, and MUST indicate to
   * the TU that a transaction failure has occurred."
   */
  #onTimerH(): void {
    if (this.state !== 'Completed') return;
    this.transition('Terminated');
    this.#user.onTimeout?.(this);
  }

  #send(response: SipResponse): void {
    this.dispatch(() => this.env.transport.sendResponse(response, responseOptions(this.info)));
  }

  /**
   * https://www.rfc-editor.org/rfc/rfc6026#section-8.8
   * "If those should all fail, based on the definition of failure in [4], the server transaction
   * SHOULD inform the TU that a failure has occurred, and MUST remain in the current state."
   * (Staying put lets the transaction keep absorbing INVITE retransmissions; Timers H and L still end
   * it. The TU is told once.)
   */
  protected onSendFailure(error: Error): void {
    if (this.#transportErrorReported) return;
    this.#transportErrorReported = true;
    this.#user.onTransportError?.(this, error);
  }
}
