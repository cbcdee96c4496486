// Shared types of the transaction layer (RFC 3261 §17, RFC 6026): states, timer values and the
// interfaces of the transaction user (TU) above it.
import type { SipRequest, SipResponse } from '../message/index.js';
import type { TimerService } from '../../util/timers.js';
import type { InboundInfo, MessageTransport } from '../transport/types.js';
import type { InviteClientTransaction } from './invite-client-transaction.js';
import type { InviteServerTransaction } from './invite-server-transaction.js';
import type { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import type { NonInviteServerTransaction } from './non-invite-server-transaction.js';

/** Every transaction state name used by RFC 3261 §17 and RFC 6026. */
export const TransactionState = {
  Calling: 'Calling',
  Trying: 'Trying',
  Proceeding: 'Proceeding',
  Completed: 'Completed',
  Confirmed: 'Confirmed',
  Accepted: 'Accepted',
  Terminated: 'Terminated',
} as const;
export type TransactionState = (typeof TransactionState)[keyof typeof TransactionState];

/** RFC 3261 Figure 5 as amended by RFC 6026 §8.4. */
export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';
/** RFC 3261 Figure 6. */
export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';
/** RFC 3261 Figure 7 as amended by RFC 6026 §7.1. */
export type InviteServerState = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';
/** RFC 3261 Figure 8. */
export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export const TransactionKind = { Ict: 'ict', Nict: 'nict', Ist: 'ist', Nist: 'nist' } as const;
export type TransactionKind = (typeof TransactionKind)[keyof typeof TransactionKind];

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type AnyTransaction = ClientTransaction | ServerTransaction;

/** RFC 3261 §17.1.1.1 / Table 4 base values in milliseconds. */
export interface TimerValues {
  /** RTT estimate. Default 500. */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses. Default 4000. */
  t2: number;
  /** Maximum time a message remains in the network. Default 5000. */
  t4: number;
}

export const DEFAULT_TIMER_VALUES: Readonly<TimerValues> = Object.freeze({ t1: 500, t2: 4000, t4: 5000 });

/** The TU of a client transaction (the UAC core or a proxy's response context). */
export interface ClientTransactionUser {
  /**
   * Every response the state machine passes up: provisionals, the final response, and (RFC 6026 §8.4)
   * each 2xx received in Accepted (retransmissions and forked 2xx alike).
   */
  onResponse(response: SipResponse, tx: ClientTransaction, info: InboundInfo): void;
  /** Timer B or F fired; the TU treats this as a 408 (RFC 3261 §8.1.3.1). */
  onTimeout(tx: ClientTransaction): void;
  /** The transport refused the request; the transaction is Terminated; the TU treats this as a 503 (RFC 3261 §8.1.3.1). */
  onTransportError(tx: ClientTransaction, error: Error): void;
}

/** The TU above the server side (UAS core, proxy core). */
export interface TransactionUser {
  /** A new request created `tx`; the TU answers with `tx.respond()`. Not called for ACK or CANCEL. */
  onRequest(tx: ServerTransaction, request: SipRequest, info: InboundInfo): void;
  /**
   * An ACK that is not absorbed by a server transaction: an ACK for a 2xx (RFC 3261 §17.2.3 never lets
   * it create a transaction; RFC 6026 §7.1 passes it up from Accepted) or an ACK matching nothing.
   */
  onAck?(request: SipRequest, info: InboundInfo): void;
  /**
   * A new CANCEL (RFC 3261 §9.2). `cancelTx` is its own non-INVITE server transaction; `invite` is the
   * INVITE server transaction it matches, if any. The TU answers 200 on `cancelTx` and 487 on `invite`,
   * or 481 on `cancelTx` when nothing matched. Without this callback the layer does exactly that itself.
   */
  onCancel?(cancelTx: NonInviteServerTransaction, invite: InviteServerTransaction | undefined): void;
  /** A response that matched no client transaction (a proxy forwards stray 2xx to INVITE, RFC 6026 §7.2). */
  onStrayResponse?(response: SipResponse, info: InboundInfo): void;
  /** Timer H fired: the ACK for a non-2xx final response never arrived (RFC 3261 §17.2.1). */
  onTimeout?(tx: ServerTransaction): void;
  /** Sending a response failed (RFC 3261 §17.2.4, RFC 6026 §8.8). Reported once per transaction. */
  onTransportError?(tx: ServerTransaction, error: Error): void;
}

/** What a transaction needs from the layer that owns it. Internal to `sip/transaction`. */
export interface TransactionEnvironment {
  readonly transport: MessageTransport;
  readonly timers: TimerService;
  readonly timerValues: Readonly<TimerValues>;
  /** Called after every state change; the layer drops the transaction from its tables on Terminated. */
  onStateChange(tx: AnyTransaction, from: TransactionState, to: TransactionState): void;
}

