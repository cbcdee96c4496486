// Helpers shared by the two server transactions.
import type { SipResponse } from '../message/index.js';
import type { InboundInfo, SendOptions } from '../transport/types.js';
import { TransactionError, TransactionErrorCode } from './transaction-error.js';

/**
 * Send options for the responses of a server transaction: back over the connection the request
 * came on (RFC 3261 §18.2.2) and from the listener it reached (symmetric response, RFC 3581 §4).
 */
export function responseOptions(info: InboundInfo): SendOptions {
  const options: SendOptions = { local: info.local };
  if (info.connectionId !== undefined) options.connectionId = info.connectionId;
  return options;
}

/** Throws a TransactionError (code fault) when a TU hands over a status outside 100-699. */
export function checkStatus(response: SipResponse): void {
  if (!Number.isInteger(response.status) || response.status < 100 || response.status > 699) {
    throw new TransactionError(TransactionErrorCode.BadStatus, `status ${response.status} is not 100-699`);
  }
}
