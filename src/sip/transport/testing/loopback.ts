// Test support for the transport layer: raw loopback peers (UDP, TCP, TLS, WebSocket clients that
// speak bytes, not SipMessages), an inbox with bounded waits, and SIP text builders.
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { pino, type Logger } from 'pino';
import WebSocket from 'ws';
import type { SipMessage } from '../../message/index.js';
import { formatHostPort } from '../address.js';
import { StreamFramer } from '../stream-framer.js';
import { TransportLayer, type TransportLayerOptions } from '../transport-layer.js';
import type { InboundInfo } from '../types.js';

export function quietLogger(): Logger {
  return pino({ level: 'silent' });
}

/** A FIFO with bounded waits: `next()` resolves with the next item or rejects after `timeoutMs`. */
export class Inbox<T> {
  readonly #items: T[] = [];
  readonly #waiters: Array<(item: T) => void> = [];

  push(item: T): void {
    const w = this.#waiters.shift();
    if (w) w(item);
    else this.#items.push(item);
  }

  get size(): number {
    return this.#items.length;
  }

  next(timeoutMs = 2000): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const waiter = (it: T): void => {
        clearTimeout(timer);
        resolve(it);
      };
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`nothing arrived within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Resolves true when nothing arrives within `ms`. */
  async quiet(ms = 150): Promise<boolean> {
    try {
      await this.next(ms);
      return false;
    } catch {
      return true;
    }
  }
}

export interface Received {
  message: SipMessage;
  info: InboundInfo;
}

export async function startLayer(listen: string[], options: Partial<TransportLayerOptions> = {}): Promise<{ layer: TransportLayer; inbox: Inbox<Received> }> {
  const inbox = new Inbox<Received>();
  const layer = new TransportLayer({ logger: quietLogger(), ...options, listen, handler: (message, info) => inbox.push({ message, info }) });
  await layer.start();
  return { layer, inbox };
}

/** Polls `cond` every 10 ms for at most `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** SIP request text with CRLF line ends and a correct Content-Length. */
export function requestText(o: { method?: string; via: string; callId?: string; body?: string; extra?: string[]; lengthHeader?: boolean }): string {
  const method = o.method ?? 'OPTIONS';
  const body = o.body ?? '';
  const lines = [
    `${method} sip:service@example.com SIP/2.0`,
    `Via: ${o.via}`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=a1',
    'To: <sip:service@example.com>',
    `Call-ID: ${o.callId ?? 'call-1@test'}`,
    `CSeq: 1 ${method}`,
    ...(o.extra ?? []),
  ];
  if (o.lengthHeader !== false) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

export class UdpPeer {
  readonly socket: DgramSocket;
  readonly inbox = new Inbox<{ data: Buffer; port: number; address: string }>();

  private constructor(socket: DgramSocket) {
    this.socket = socket;
    socket.on('message', (data, rinfo) => this.inbox.push({ data, port: rinfo.port, address: rinfo.address }));
  }

  static async open(address: '127.0.0.1' | '::1'): Promise<UdpPeer> {
    const socket = createSocket(address === '::1' ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => socket.bind(0, address, () => resolve()));
    return new UdpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(text: string | Buffer, port: number, address: string): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(typeof text === 'string' ? Buffer.from(text) : text, port, address, (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    this.socket.close();
  }
}

/** A raw TCP/TLS client that frames what it receives and records whether the server closed. */
export class StreamPeer {
  readonly socket: Socket;
  readonly inbox = new Inbox<Buffer>();
  pongs = 0;
  closed = false;
  readonly #framer = new StreamFramer();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      // a lone CRLF is a pong (RFC 5626 §3.5.1)
      if (chunk.length === 2 && chunk.toString() === '\r\n') {
        this.pongs++;
        return;
      }
      for (const ev of this.#framer.push(chunk)) if (ev.type === 'message') this.inbox.push(ev.data);
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  static connect(port: number, host: string, tls?: { ca: Buffer }): Promise<StreamPeer> {
    return new Promise((resolve, reject) => {
      const socket = tls ? tlsConnect({ port, host, ca: tls.ca }) : netConnect({ port, host });
      socket.once(tls ? 'secureConnect' : 'connect', () => resolve(new StreamPeer(socket)));
      socket.once('error', reject);
    });
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }
}

export class WsPeer {
  readonly ws: WebSocket;
  readonly inbox = new Inbox<Buffer>();
  closeCode: number | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.inbox.push(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer)));
    ws.on('close', (code) => {
      this.closeCode = code;
    });
    ws.on('error', () => {});
  }

  static connect(protocol: 'ws' | 'wss', address: string, port: number, opts: { ca?: Buffer; subprotocol?: string | null } = {}): Promise<WsPeer> {
    const sub = opts.subprotocol === undefined ? 'sip' : opts.subprotocol;
    const ws = new WebSocket(`${protocol}://${formatHostPort(address, port)}/`, sub === null ? [] : [sub], opts.ca ? { ca: opts.ca } : {});
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new WsPeer(ws)));
      ws.once('error', reject);
    });
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  close(): void {
    this.ws.terminate();
  }
}
