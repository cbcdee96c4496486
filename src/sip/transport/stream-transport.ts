// Shared machinery of the TCP and TLS listeners (RFC 3261 §18: connection reuse, responses on the
// request's connection): a server socket, a connection table, outbound connects with a timeout, and
// connection limits. The subclasses supply only how sockets are created.
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from 'pino';
import { addressFamily, endpointKey, isUnspecified, normalizeAddress } from './address.js';
import { ConnectionTable, nextConnectionId } from './connection-table.js';
import type { ListenSpec } from './listen-spec.js';
import {
  type ConnectionConfig,
  type Listener,
  type ListenerContext,
  type ListenerSendOptions,
  type SendResult,
  sentByFor,
} from './listener.js';
import { StreamConnection } from './stream-connection.js';
import { type Endpoint, TransportError, type TransportProtocol } from './types.js';

/** How a concrete stream transport makes sockets. */
export interface StreamSocketFactory {
  readonly protocol: Extract<TransportProtocol, 'tcp' | 'tls'>;
  /** A server that calls onSocket for each ready (for TLS: handshaken) inbound socket. */
  createServer(onSocket: (socket: Socket) => void): Promise<Server>;
  /** Starts an outbound connection; `readyEvent` fires when it can carry SIP. */
  connect(destination: Endpoint, localAddress: string | undefined): Socket;
  readonly readyEvent: 'connect' | 'secureConnect';
}

export class StreamTransport implements Listener {
  readonly protocol: Extract<TransportProtocol, 'tcp' | 'tls'>;
  readonly reliable = true;
  readonly family: 4 | 6;
  readonly #spec: ListenSpec;
  readonly #factory: StreamSocketFactory;
  readonly #ctx: ListenerContext;
  readonly #config: ConnectionConfig;
  readonly #log: Logger;
  readonly #table: ConnectionTable<StreamConnection>;
  readonly #pending = new Map<string, Promise<StreamConnection>>();
  /** Every accepted socket, including TLS ones still handshaking, so close() can end them all. */
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #local: Endpoint;
  #sentBy: { host: string; port: number };

  constructor(spec: ListenSpec, factory: StreamSocketFactory, ctx: ListenerContext, config: ConnectionConfig) {
    this.protocol = factory.protocol;
    this.family = spec.family;
    this.#spec = spec;
    this.#factory = factory;
    this.#ctx = ctx;
    this.#config = config;
    this.#log = ctx.log;
    this.#table = new ConnectionTable<StreamConnection>(config);
    this.#local = { protocol: this.protocol, address: spec.address, port: spec.port };
    this.#sentBy = sentByFor(spec, spec.port);
  }

  get local(): Endpoint {
    return this.#local;
  }

  get sentBy(): { host: string; port: number } {
    return this.#sentBy;
  }

  get connectionCount(): number {
    return this.#table.size;
  }

  async start(): Promise<void> {
    const server = await this.#factory.createServer((socket) => this.#accept(socket));
    server.maxConnections = this.#config.maxConnections;
    server.on('drop', () => this.#ctx.sink.onConnectionRejected());
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('error', (err) => this.#log.error({ err }, 'server socket error'));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new TransportError('SSW_TRANSPORT_LISTEN_FAILED', `${this.protocol} listen on ${this.#spec.address}:${this.#spec.port}: ${err.message}`, { cause: err }));
      server.once('error', onError);
      server.listen({ host: this.#spec.address, port: this.#spec.port, ipv6Only: this.family === 6 }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.#server = server;
    const addr = server.address() as AddressInfo;
    this.#local = { protocol: this.protocol, address: normalizeAddress(addr.address), port: addr.port };
    this.#sentBy = sentByFor(this.#spec, addr.port);
    this.#log.info({ local: this.#local, sentBy: this.#sentBy }, 'listening');
  }

  async close(): Promise<void> {
    this.#table.closeAll('transport closing');
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  hasConnection(connectionId: string): boolean {
    return this.#table.get(connectionId) !== undefined;
  }

  async send(data: Buffer, destination: Endpoint, options: ListenerSendOptions = {}): Promise<SendResult> {
    let conn = options.connectionId !== undefined ? this.#table.get(options.connectionId) : undefined;
    conn ??= this.#table.byRemote({ ...destination, protocol: this.protocol });
    if (!conn) {
      if (options.connect === false) {
        throw new TransportError('SSW_TRANSPORT_NO_CONNECTION', `no open ${this.protocol} connection to ${destination.address}:${destination.port}`);
      }
      conn = await this.#connect(destination);
    }
    await conn.write(data);
    return { connectionId: conn.id };
  }

  #connect(destination: Endpoint): Promise<StreamConnection> {
    const remote: Endpoint = { protocol: this.protocol, address: normalizeAddress(destination.address), port: destination.port };
    const key = endpointKey(remote);
    const pending = this.#pending.get(key);
    if (pending) return pending;
    const p = this.#doConnect(remote).finally(() => this.#pending.delete(key));
    this.#pending.set(key, p);
    return p;
  }

  #doConnect(remote: Endpoint): Promise<StreamConnection> {
    if (addressFamily(remote.address) !== this.family) {
      return Promise.reject(new TransportError('SSW_TRANSPORT_BAD_DESTINATION', `${remote.address} is not an IPv${this.family} address`));
    }
    if (this.#table.full) {
      return Promise.reject(new TransportError('SSW_TRANSPORT_CONNECTION_LIMIT', `${this.protocol}: ${this.#config.maxConnections} connections open`));
    }
    const localAddress = isUnspecified(this.#local.address) ? undefined : this.#local.address;
    return new Promise((resolve, reject) => {
      let socket: Socket;
      try {
        socket = this.#factory.connect(remote, localAddress);
      } catch (err) {
        reject(new TransportError('SSW_TRANSPORT_CONNECT_FAILED', `connect to ${remote.address}:${remote.port}: ${String(err)}`, { cause: err }));
        return;
      }
      const timer = setTimeout(() => fail(new Error(`timed out after ${this.#config.connectTimeout} ms`), 'SSW_TRANSPORT_CONNECT_TIMEOUT'), this.#config.connectTimeout);
      const onError = (err: Error): void => fail(err, 'SSW_TRANSPORT_CONNECT_FAILED');
      const fail = (err: Error, code: string): void => {
        clearTimeout(timer);
        socket.off(this.#factory.readyEvent, onReady);
        socket.on('error', () => {});
        socket.destroy();
        const errno = (err as NodeJS.ErrnoException).code;
        reject(new TransportError(code, `${this.protocol} connect to ${remote.address}:${remote.port}: ${errno ?? err.message}`, { cause: err }));
      };
      const onReady = (): void => {
        clearTimeout(timer);
        socket.off('error', onError);
        const conn = this.#adopt(socket, remote);
        if (conn) resolve(conn);
        else reject(new TransportError('SSW_TRANSPORT_CONNECTION_LIMIT', `${this.protocol}: connection limit reached`));
      };
      socket.once('error', onError);
      socket.once(this.#factory.readyEvent, onReady);
    });
  }

  #accept(socket: Socket): void {
    const address = socket.remoteAddress;
    const port = socket.remotePort;
    if (address === undefined || port === undefined) {
      socket.destroy();
      return;
    }
    if (!this.#adopt(socket, { protocol: this.protocol, address: normalizeAddress(address), port })) {
      this.#ctx.sink.onConnectionRejected();
    }
  }

  /** Wraps a ready socket and registers it; undefined (socket destroyed) when the table is full. */
  #adopt(socket: Socket, remote: Endpoint): StreamConnection | undefined {
    if (this.#table.full) {
      socket.on('error', () => {});
      socket.destroy();
      return undefined;
    }
    const conn = new StreamConnection({
      id: nextConnectionId(this.protocol),
      socket,
      remote,
      local: this.#local,
      limits: this.#ctx.limits,
      maxWriteBuffer: this.#config.maxWriteBuffer,
      sink: this.#ctx.sink,
      log: this.#log,
      onClose: (c) => this.#table.remove(c),
    });
    this.#table.add(conn);
    this.#log.debug({ connectionId: conn.id, remote }, 'connection open');
    return conn;
  }
}
