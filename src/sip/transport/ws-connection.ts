// One SIP WebSocket connection (RFC 7118 §5): each WebSocket message carries exactly one SIP message,
// text frames for UTF-8 content and binary frames otherwise.
import { isUtf8 } from 'node:buffer';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { Connection } from './connection-table.js';
import { isKeepAlive, type ListenerSink, now } from './listener.js';
import { type Endpoint, TransportError } from './types.js';

export interface WsConnectionParams {
  id: string;
  ws: WebSocket;
  remote: Endpoint;
  local: Endpoint;
  maxWriteBuffer: number;
  sink: ListenerSink;
  log: Logger;
  onClose: (c: WsConnection) => void;
}

export class WsConnection implements Connection {
  readonly id: string;
  readonly remote: Endpoint;
  readonly #ws: WebSocket;
  readonly #local: Endpoint;
  readonly #maxWriteBuffer: number;
  readonly #sink: ListenerSink;
  readonly #log: Logger;
  readonly #onClose: (c: WsConnection) => void;
  #open = true;
  #lastActivity = now();

  constructor(p: WsConnectionParams) {
    this.id = p.id;
    this.remote = p.remote;
    this.#ws = p.ws;
    this.#local = p.local;
    this.#maxWriteBuffer = p.maxWriteBuffer;
    this.#sink = p.sink;
    this.#log = p.log;
    this.#onClose = p.onClose;
    p.ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    p.ws.on('error', (err) => this.#log.debug({ err, connectionId: this.id }, 'websocket error'));
    p.ws.on('close', (code) => this.#closed(`websocket closed (${code})`));
    p.ws.on('ping', () => {
      this.#lastActivity = now();
    });
  }

  get open(): boolean {
    return this.#open;
  }

  get lastActivity(): number {
    return this.#lastActivity;
  }

  /** WebSocket messages arrive whole, so no partial message is ever held here. */
  get partialSince(): number | undefined {
    return undefined;
  }

  write(data: Buffer): Promise<void> {
    if (!this.#open || this.#ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new TransportError('SSW_TRANSPORT_CONNECTION_CLOSED', `connection ${this.id} is closed`));
    }
    if (this.#ws.bufferedAmount + data.length > this.#maxWriteBuffer) {
      this.close('write buffer overflow (peer not reading)');
      return Promise.reject(new TransportError('SSW_TRANSPORT_BACKPRESSURE', `connection ${this.id}: peer is not reading`));
    }
    this.#lastActivity = now();
    return new Promise((resolve, reject) => {
      this.#ws.send(data, { binary: !isUtf8(data) }, (err) => {
        if (err) reject(new TransportError('SSW_TRANSPORT_SEND_FAILED', `connection ${this.id}: ${err.message}`, { cause: err }));
        else resolve();
      });
    });
  }

  close(reason: string): void {
    if (!this.#open) return;
    this.#log.debug({ connectionId: this.id, reason }, 'closing websocket');
    this.#closed(reason);
    // 1000 for an orderly close; the socket is torn down if the peer does not answer the close frame.
    this.#ws.close(1000);
    setTimeout(() => this.#ws.terminate(), 2000).unref();
  }

  #closed(reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.#log.debug({ connectionId: this.id, reason }, 'websocket connection closed');
    this.#onClose(this);
  }

  #onMessage(data: WebSocket.RawData, _isBinary: boolean): void {
    if (!this.#open) return;
    const at = now();
    this.#lastActivity = at;
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (buf.length === 0 || isKeepAlive(buf)) return;
    this.#sink.onMessage(buf, { source: this.remote, local: this.#local, connectionId: this.id, reliable: true, receivedAt: at });
  }
}
