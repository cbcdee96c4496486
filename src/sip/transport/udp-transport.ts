// SIP over UDP (RFC 3261 §18): one datagram is one message. Socket buffers are enlarged after bind
// (the kernel caps them at net.core.rmem_max / wmem_max; the effective size is logged).
import { createSocket, type Socket as DgramSocket } from 'node:dgram';
import type { Logger } from 'pino';
import { addressFamily, normalizeAddress } from './address.js';
import type { ListenSpec } from './listen-spec.js';
import { isKeepAlive, type Listener, type ListenerContext, type SendResult, now, sentByFor } from './listener.js';
import { type Endpoint, TransportError } from './types.js';

export interface UdpOptions {
  /** Requested SO_RCVBUF in bytes. Default 4 MiB. */
  receiveBufferSize?: number;
  /** Requested SO_SNDBUF in bytes. Default 4 MiB. */
  sendBufferSize?: number;
}

const DEFAULT_BUFFER = 4 * 1024 * 1024;

export class UdpTransport implements Listener {
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  readonly family: 4 | 6;
  readonly connectionCount = 0;
  readonly #spec: ListenSpec;
  readonly #ctx: ListenerContext;
  readonly #options: UdpOptions;
  readonly #log: Logger;
  readonly #maxDatagram: number;
  #socket: DgramSocket | undefined;
  #local: Endpoint;
  #sentBy: { host: string; port: number };

  constructor(spec: ListenSpec, ctx: ListenerContext, options: UdpOptions = {}) {
    this.family = spec.family;
    this.#spec = spec;
    this.#ctx = ctx;
    this.#options = options;
    this.#log = ctx.log;
    this.#maxDatagram = spec.family === 4 ? 65507 : 65527;
    this.#local = { protocol: 'udp', address: spec.address, port: spec.port };
    this.#sentBy = sentByFor(spec, spec.port);
  }

  get local(): Endpoint {
    return this.#local;
  }

  get sentBy(): { host: string; port: number } {
    return this.#sentBy;
  }

  hasConnection(): boolean {
    return false;
  }

  async start(): Promise<void> {
    const socket = createSocket({ type: this.family === 4 ? 'udp4' : 'udp6', ipv6Only: this.family === 6 });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void =>
        reject(new TransportError('SSW_TRANSPORT_LISTEN_FAILED', `udp bind ${this.#spec.address}:${this.#spec.port}: ${err.message}`, { cause: err }));
      socket.once('error', onError);
      socket.bind({ address: this.#spec.address, port: this.#spec.port }, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    // Errors after bind (e.g. ICMP-reported ones on some platforms) are logged, never fatal.
    socket.on('error', (err) => this.#log.warn({ err }, 'udp socket error'));
    socket.on('message', (msg, rinfo) => this.#onDatagram(msg, rinfo.address, rinfo.port));
    this.#socket = socket;
    const addr = socket.address();
    this.#local = { protocol: 'udp', address: normalizeAddress(addr.address), port: addr.port };
    this.#sentBy = sentByFor(this.#spec, addr.port);
    this.#sizeBuffers(socket);
    this.#log.info({ local: this.#local, sentBy: this.#sentBy }, 'listening');
  }

  #sizeBuffers(socket: DgramSocket): void {
    const recv = this.#options.receiveBufferSize ?? DEFAULT_BUFFER;
    const send = this.#options.sendBufferSize ?? DEFAULT_BUFFER;
    try {
      socket.setRecvBufferSize(recv);
    } catch (err) {
      this.#log.warn({ err, requested: recv }, 'cannot set udp receive buffer size');
    }
    try {
      socket.setSendBufferSize(send);
    } catch (err) {
      this.#log.warn({ err, requested: send }, 'cannot set udp send buffer size');
    }
    try {
      // Linux reports twice the granted size (bookkeeping overhead included) and caps the request
      // at net.core.rmem_max / net.core.wmem_max.
      const effectiveRecv = socket.getRecvBufferSize();
      const effectiveSend = socket.getSendBufferSize();
      const overhead = process.platform === 'linux' ? 2 : 1;
      const capped = effectiveRecv / overhead < recv || effectiveSend / overhead < send;
      this.#log[capped ? 'warn' : 'info'](
        { requestedRecv: recv, effectiveRecv, requestedSend: send, effectiveSend },
        capped ? 'udp socket buffers capped by the kernel (raise net.core.rmem_max / wmem_max)' : 'udp socket buffers',
      );
    } catch (err) {
      this.#log.debug({ err }, 'cannot read udp buffer sizes');
    }
  }

  async close(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  send(data: Buffer, destination: Endpoint): Promise<SendResult> {
    const socket = this.#socket;
    if (!socket) return Promise.reject(new TransportError('SSW_TRANSPORT_NOT_STARTED', 'udp listener is not running'));
    if (addressFamily(destination.address) !== this.family) {
      return Promise.reject(new TransportError('SSW_TRANSPORT_BAD_DESTINATION', `${destination.address} is not an IPv${this.family} address`));
    }
    if (data.length > this.#maxDatagram) {
      return Promise.reject(new TransportError('SSW_TRANSPORT_TOO_LARGE', `${data.length} bytes do not fit a UDP datagram`));
    }
    return new Promise((resolve, reject) => {
      socket.send(data, destination.port, normalizeAddress(destination.address), (err) => {
        if (err) {
          const code = (err as NodeJS.ErrnoException).code ?? err.message;
          reject(new TransportError('SSW_TRANSPORT_SEND_FAILED', `udp send to ${destination.address}:${destination.port}: ${code}`, { cause: err }));
        } else resolve({});
      });
    });
  }

  #onDatagram(msg: Buffer, address: string, port: number): void {
    // CRLF keep-alives sent over UDP by some clients carry no message.
    if (msg.length === 0 || isKeepAlive(msg)) return;
    this.#ctx.sink.onMessage(msg, {
      source: { protocol: 'udp', address: normalizeAddress(address), port },
      local: this.#local,
      reliable: false,
      receivedAt: now(),
    });
  }
}
