// One SIP stack: transport layer + transaction layer wired together. The transaction user (proxy,
// registrar, UA core, test UAS) is supplied by the caller; nothing here knows what requests mean.
import type { Logger } from 'pino';
import { RealTimerService, type TimerService } from '../util/timers.js';
import { TransactionLayer, type TransactionUser } from './transaction/index.js';
import { TransportLayer, type TransportLayerOptions } from './transport/index.js';
import type { Endpoint } from './transport/types.js';

export interface SipStackOptions {
  listen: ReadonlyArray<string>;
  user: TransactionUser;
  logger?: Logger;
  timers?: TimerService;
  t1?: number;
  t2?: number;
  t4?: number;
  maxMessageSize?: number;
  udpBufferSize?: number;
  connections?: TransportLayerOptions['connections'];
  tls?: TransportLayerOptions['tls'];
}

export class SipStack {
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly timers: TimerService;

  constructor(options: SipStackOptions) {
    this.timers = options.timers ?? new RealTimerService();
    this.transport = new TransportLayer({
      listen: options.listen,
      logger: options.logger,
      maxMessageSize: options.maxMessageSize,
      udp: options.udpBufferSize ? { receiveBufferSize: options.udpBufferSize, sendBufferSize: options.udpBufferSize } : undefined,
      connections: options.connections,
      tls: options.tls,
    });
    this.transactions = new TransactionLayer({
      transport: this.transport,
      timers: this.timers,
      user: options.user,
      t1: options.t1,
      t2: options.t2,
      t4: options.t4,
    });
    this.transport.setHandler((message, info) => this.transactions.receive(message, info));
  }

  /** Binds every listener; resolves with the bound endpoints (port 0 resolved to the real port). */
  start(): Promise<Endpoint[]> {
    return this.transport.start();
  }

  async close(): Promise<void> {
    this.transactions.close();
    await this.transport.close();
  }
}
