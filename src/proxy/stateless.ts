// What the proxy forwards without a transaction: the ACK for a 2xx (RFC 3261 §16.11, it is its own
// end-to-end transaction) and 2xx responses to INVITE that match no client transaction any more
// (RFC 6026 §7.2: retransmissions after Timer M, or a fork's late answer).
import type { Logger } from 'pino';
import type { SipRequest, SipResponse } from '../sip/message/index.js';
import type { InboundInfo, MessageTransport } from '../sip/transport/types.js';
import { upstreamCopy } from './best-response.js';
import { copyRequest, type Forwarder } from './forwarding.js';
import type { LocalIdentity } from './identity.js';
import { statelessBranch } from './loop-detection.js';
import { processRoutes } from './request-checks.js';

export class StatelessRelay {
  readonly #identity: LocalIdentity;
  readonly #forwarder: Forwarder;
  readonly #transport: MessageTransport;
  readonly #log: Logger;

  constructor(identity: LocalIdentity, forwarder: Forwarder, transport: MessageTransport, log: Logger) {
    this.#identity = identity;
    this.#forwarder = forwarder;
    this.#transport = transport;
    this.#log = log;
  }

  /**
   * An ACK for a 2xx: Route processing (§16.4), then forwarded by its Route set or Request-URI with a
   * branch derived from the incoming one (retransmissions look the same). An ACK addressed to us, or
   * one that ran out of Max-Forwards, is absorbed.
   */
  async forwardAck(ack: SipRequest, info: InboundInfo): Promise<void> {
    const log = this.#log.child({ callId: ack.callId });
    try {
      if (ack.maxForwards === 0) return;
      const work = copyRequest(ack);
      processRoutes(work, this.#identity);
      if (work.routes.length === 0 && this.#identity.isUs(work.uri)) {
        log.debug({ uri: work.uriText }, 'ACK for the switch itself absorbed');
        return;
      }
      const prepared = await this.#forwarder.prepare(work, { label: 'ack' }, { inbound: info, loopHash: '', recordRoute: false, branch: statelessBranch(ack) });
      if (!prepared.ok) {
        log.info({ uri: work.uriText, status: prepared.status }, `ACK not forwarded: ${prepared.reason}`);
        return;
      }
      await this.#transport.sendRequest(prepared.request, prepared.destination);
      log.debug({ destination: prepared.destination }, 'ACK forwarded');
    } catch (err) {
      log.info({ err }, 'ACK not forwarded');
    }
  }

  /** A 2xx to INVITE whose top Via is ours: pop it and send the rest upstream (§16.7 step 3, §18.2.2). */
  forwardStray(response: SipResponse): void {
    try {
      if (response.status < 200 || response.status >= 300 || response.cseq.method !== 'INVITE') return;
      const vias = response.vias;
      if (vias.length < 2 || !this.#identity.isOwnVia(vias[0])) return;
      this.#transport.sendResponse(upstreamCopy(response)).catch((err: unknown) => {
        this.#log.info({ callId: response.callId, err }, 'stray 2xx not forwarded');
      });
    } catch (err) {
      this.#log.debug({ err }, 'unusable stray response dropped');
    }
  }
}
