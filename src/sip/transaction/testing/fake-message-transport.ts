// Test double for the transport port: records every message handed to it and can be told to fail.
import type { SipMessage, SipRequest, SipResponse } from '../../message/index.js';
import { TransportError, type Endpoint, type MessageTransport, type SendOptions, type TransportProtocol } from '../../transport/types.js';
import type { TimerService } from '../../../util/timers.js';

export interface SentRecord {
  message: SipMessage;
  /** Requests only. */
  destination?: Endpoint;
  options?: SendOptions;
  /** Clock reading when it was handed over (the TimerService's `now()` when one was given). */
  at: number;
}

export class FakeMessageTransport implements MessageTransport {
  readonly sent: SentRecord[] = [];
  readonly #clock: TimerService | undefined;
  #failure: ((message: SipMessage) => Error | undefined) | undefined;
  #failNext = 0;
  /** Protocols reported as reliable. */
  readonly reliable = new Set<TransportProtocol>(['tcp', 'tls', 'ws', 'wss']);
  /** When set, sendRequest resolves with this endpoint (e.g. to simulate a UDP→TCP switch). */
  usedEndpoint: Endpoint | undefined;

  constructor(clock?: TimerService) {
    this.#clock = clock;
  }

  /** Every later send whose message `when` selects (default: all) rejects with a TransportError. */
  failWhen(when: (message: SipMessage) => boolean = () => true): void {
    this.#failure = (m) => (when(m) ? new TransportError('SSW_TRANSPORT_TEST', 'injected transport failure') : undefined);
  }

  /** The next `count` sends reject. */
  failNext(count = 1): void {
    this.#failNext = count;
  }

  heal(): void {
    this.#failure = undefined;
    this.#failNext = 0;
  }

  requests(): SipRequest[] {
    return this.sent.flatMap((r) => (r.message.isRequest ? [r.message] : []));
  }

  responses(): SipResponse[] {
    return this.sent.flatMap((r) => (r.message.isRequest ? [] : [r.message]));
  }

  /** Compact log lines: "INVITE", "ACK", "100", "486"... */
  summary(): string[] {
    return this.sent.map((r) => (r.message.isRequest ? r.message.method : String(r.message.status)));
  }

  clear(): void {
    this.sent.length = 0;
  }

  isReliable(protocol: TransportProtocol): boolean {
    return this.reliable.has(protocol);
  }

  sendRequest(request: SipRequest, destination: Endpoint, options?: SendOptions): Promise<Endpoint> {
    const error = this.#record({ message: request, destination, options, at: this.#now() });
    return error ? Promise.reject(error) : Promise.resolve(this.usedEndpoint ?? destination);
  }

  sendResponse(response: SipResponse, options?: SendOptions): Promise<void> {
    const error = this.#record({ message: response, options, at: this.#now() });
    return error ? Promise.reject(error) : Promise.resolve();
  }

  #now(): number {
    return this.#clock?.now() ?? 0;
  }

  #record(entry: SentRecord): Error | undefined {
    this.sent.push(entry);
    if (this.#failNext > 0) {
      this.#failNext--;
      return new TransportError('SSW_TRANSPORT_TEST', 'injected transport failure');
    }
    return this.#failure?.(entry.message);
  }
}
