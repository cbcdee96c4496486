// Code faults raised by the transaction layer (style §2.4 kind 3): misuse by the caller, never a
// protocol outcome. Protocol outcomes (timeouts, transport failures) reach the TU as callbacks.

export const TransactionErrorCode = {
  /** sendRequest() was given a request without any Via header field. */
  NoVia: 'SSW_TX_NO_VIA',
  /** A request the layer must copy from (ACK, CANCEL construction) lacks From or To. */
  MissingHeader: 'SSW_TX_MISSING_HEADER',
  /** sendRequest() was given an ACK: ACK for 2xx is not a transaction (RFC 3261 §17.1.1.3), send it via the transport. */
  AckNotATransaction: 'SSW_TX_ACK_NOT_TRANSACTION',
  /** A client transaction with the same branch and method already exists. */
  DuplicateTransaction: 'SSW_TX_DUPLICATE',
  /** respond() was given a status code outside 100-699. */
  BadStatus: 'SSW_TX_BAD_STATUS',
} as const;
export type TransactionErrorCode = (typeof TransactionErrorCode)[keyof typeof TransactionErrorCode];

export class TransactionError extends Error {
  readonly code: TransactionErrorCode;

  constructor(code: TransactionErrorCode, message: string) {
    super(message);
    this.name = 'TransactionError';
    this.code = code;
  }
}
