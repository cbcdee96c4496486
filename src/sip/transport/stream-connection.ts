// One TCP or TLS connection: frames inbound bytes, answers keep-alive pings, bounds what is queued
// for a peer that does not read, and never lets a socket error escape.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Connection } from './connection-table.js';
import { type ListenerSink, type MessageLimits, now } from './listener.js';
import { StreamFramer } from './stream-framer.js';
import { type Endpoint, type InboundInfo, TransportError } from './types.js';

export interface StreamConnectionParams {
  id: string;
  socket: Socket;
  remote: Endpoint;
  /** The listener's endpoint (reported as InboundInfo.local). */
  local: Endpoint;
  limits: MessageLimits;
  maxWriteBuffer: number;
  sink: ListenerSink;
  log: Logger;
  onClose: (c: StreamConnection) => void;
}

const CRLF = Buffer.from('\r\n');

export class StreamConnection implements Connection {
  readonly id: string;
  readonly remote: Endpoint;
  readonly #socket: Socket;
  readonly #local: Endpoint;
  readonly #framer: StreamFramer;
  readonly #maxWriteBuffer: number;
  readonly #sink: ListenerSink;
  readonly #log: Logger;
  readonly #onClose: (c: StreamConnection) => void;
  #open = true;
  #lastActivity = now();
  #partialSince: number | undefined;

  constructor(p: StreamConnectionParams) {
    this.id = p.id;
    this.remote = p.remote;
    this.#socket = p.socket;
    this.#local = p.local;
    this.#framer = new StreamFramer(p.limits);
    this.#maxWriteBuffer = p.maxWriteBuffer;
    this.#sink = p.sink;
    this.#log = p.log;
    this.#onClose = p.onClose;
    const s = p.socket;
    s.setNoDelay(true);
    s.setKeepAlive(true, 30_000);
    s.on('data', (chunk: Buffer) => this.#onData(chunk));
    s.on('error', (err: Error) => this.#log.debug({ err, connectionId: this.id }, 'connection error'));
    s.on('close', () => this.#closed('socket closed'));
  }

  get open(): boolean {
    return this.#open;
  }

  get lastActivity(): number {
    return this.#lastActivity;
  }

  get partialSince(): number | undefined {
    return this.#partialSince;
  }

  write(data: Buffer): Promise<void> {
    if (!this.#open) return Promise.reject(new TransportError('SSW_TRANSPORT_CONNECTION_CLOSED', `connection ${this.id} is closed`));
    if (this.#socket.writableLength + data.length > this.#maxWriteBuffer) {
      this.close('write buffer overflow (peer not reading)');
      return Promise.reject(new TransportError('SSW_TRANSPORT_BACKPRESSURE', `connection ${this.id}: peer is not reading`));
    }
    this.#lastActivity = now();
    return new Promise((resolve, reject) => {
      this.#socket.write(data, (err) => {
        if (err) reject(new TransportError('SSW_TRANSPORT_SEND_FAILED', `connection ${this.id}: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  /** Closes now, or after flushing `farewell` (a stateless reply to a framing fault). */
  close(reason: string, farewell?: Buffer): void {
    if (!this.#open) return;
    this.#log.debug({ connectionId: this.id, reason }, 'closing connection');
    this.#closed(reason);
    if (farewell) {
      this.#socket.end(farewell);
      setTimeout(() => this.#socket.destroy(), 2000).unref();
    } else {
      this.#socket.destroy();
    }
  }

  #closed(reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.#log.debug({ connectionId: this.id, reason }, 'connection closed');
    this.#onClose(this);
  }

  #onData(chunk: Buffer): void {
    if (!this.#open) return;
    const at = now();
    this.#lastActivity = at;
    const events = this.#framer.push(chunk);
    for (const ev of events) {
      if (ev.type === 'message') {
        this.#sink.onMessage(ev.data, this.#info(at));
      } else if (ev.type === 'ping') {
        // RFC 5626 §3.5.1: answer a double-CRLF ping with a single CRLF pong.
        if (this.#socket.writableLength < this.#maxWriteBuffer) this.#socket.write(CRLF);
      } else {
        this.#log.debug({ connectionId: this.id, code: ev.error.code, remote: this.remote }, 'framing error, closing connection');
        const reply = this.#sink.onFramingError(ev.error, this.#info(at));
        this.close(ev.error.reason, reply);
        return;
      }
      if (!this.#open) return;
    }
    this.#partialSince = this.#framer.buffered === 0 ? undefined : (this.#partialSince ?? at);
  }

  #info(receivedAt: number): InboundInfo {
    return { source: this.remote, local: this.#local, connectionId: this.id, reliable: true, receivedAt };
  }
}
