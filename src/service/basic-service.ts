// The transaction user `precedence start` runs until the proxy and registrar land (issue #3): it
// answers OPTIONS (RFC 3261 §11.2) so peers and monitors can ping the switch, and refuses every
// other out-of-dialog request with a final response instead of leaving it to time out.
import type { Logger } from 'pino';
import { createResponse, generateTag, type SipRequest } from '../sip/message/index.js';
import type { ServerTransaction, TransactionUser } from '../sip/transaction/index.js';
import type { InboundInfo } from '../sip/transport/types.js';

export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, UPDATE, PRACK, MESSAGE, REFER, NOTIFY, SUBSCRIBE';
const KNOWN_METHODS = new Set(ALLOW.split(', '));

export interface BasicServiceOptions {
  logger: Logger;
  userAgent: string;
}

export class BasicService implements TransactionUser {
  readonly #log: Logger;
  readonly #ua: string;

  constructor(options: BasicServiceOptions) {
    this.#log = options.logger;
    this.#ua = options.userAgent;
  }

  onRequest(tx: ServerTransaction, request: SipRequest, info: InboundInfo): void {
    const log = this.#log.child({ callId: request.callId });
    const common: Array<[string, string]> = [['Server', this.#ua]];
    let status: number;
    let reason: string | undefined;
    const headers: Array<[string, string]> = [];
    if (request.method === 'OPTIONS') {
      status = 200;
      headers.push(['Allow', ALLOW], ['Accept', 'application/sdp'], ['Supported', 'path, outbound']);
    } else if (!KNOWN_METHODS.has(request.method)) {
      // RFC 3261 §8.2.1: a method the element does not implement → 501.
      status = 501;
    } else if (request.to.tag !== undefined) {
      // An in-dialog request for a dialog this element never set up (RFC 3261 §12.2.2).
      status = 481;
    } else {
      status = 404;
      reason = 'No Route';
    }
    log.info({ method: request.method, status, source: `${info.source.address}:${info.source.port}`, protocol: info.source.protocol }, 'request answered');
    tx.respond(createResponse(request, status, reason, { toTag: generateTag(), headers: [...common, ...headers] }));
  }
}
