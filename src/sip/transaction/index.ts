// Transaction layer (RFC 3261 §17, RFC 6026). See README.md.
export { TransactionLayer, type TransactionLayerOptions, type CancelOptions, type TransactionCounts } from './transaction-layer.js';
export { InviteClientTransaction } from './invite-client-transaction.js';
export { NonInviteClientTransaction } from './non-invite-client-transaction.js';
export { InviteServerTransaction } from './invite-server-transaction.js';
export { NonInviteServerTransaction } from './non-invite-server-transaction.js';
export { Transaction } from './transaction.js';
export { TransactionError, TransactionErrorCode } from './transaction-error.js';
export { buildNon2xxAck, buildCancel } from './request-builders.js';
export {
  TransactionState,
  TransactionKind,
  DEFAULT_TIMER_VALUES,
  type InviteClientState,
  type NonInviteClientState,
  type InviteServerState,
  type NonInviteServerState,
  type ClientTransaction,
  type ServerTransaction,
  type AnyTransaction,
  type TimerValues,
  type ClientTransactionUser,
  type TransactionUser,
} from './types.js';
