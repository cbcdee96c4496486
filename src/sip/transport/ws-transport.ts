// SIP over WebSocket (RFC 7118), ws and wss. The handshake must offer the `sip` subprotocol (§4);
// each WebSocket message carries one SIP message (§5), bounded by maxPayload = maxMessageSize (an
// oversized message closes the connection with 1009). Plain HTTP requests get 426.
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import WebSocket, { WebSocketServer } from 'ws';
import { addressFamily, endpointKey, formatHostPort, isUnspecified, normalizeAddress } from './address.js';
import { ConnectionTable, nextConnectionId } from './connection-table.js';
import type { ListenSpec } from './listen-spec.js';
import { type ConnectionConfig, type Listener, type ListenerContext, type ListenerSendOptions, type SendResult, sentByFor } from './listener.js';
import { loadServerCredentials, type TlsClientOptions } from './tls-transport.js';
import { type Endpoint, TransportError } from './types.js';
import { WsConnection } from './ws-connection.js';

export class WsTransport implements Listener {
  readonly protocol: 'ws' | 'wss';
  readonly reliable = true;
  readonly family: 4 | 6;
  readonly #spec: ListenSpec;
  readonly #ctx: ListenerContext;
  readonly #config: ConnectionConfig;
  readonly #client: TlsClientOptions;
  readonly #log: Logger;
  readonly #table: ConnectionTable<WsConnection>;
  readonly #pending = new Map<string, Promise<WsConnection>>();
  #server: Server | undefined;
  #wss: WebSocketServer | undefined;
  #local: Endpoint;
  #sentBy: { host: string; port: number };

  constructor(spec: ListenSpec, ctx: ListenerContext, config: ConnectionConfig, client: TlsClientOptions = {}) {
    this.protocol = spec.protocol === 'wss' ? 'wss' : 'ws';
    this.family = spec.family;
    this.#spec = spec;
    this.#ctx = ctx;
    this.#config = config;
    this.#client = client;
    this.#log = ctx.log;
    this.#table = new ConnectionTable<WsConnection>(config);
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

  hasConnection(connectionId: string): boolean {
    return this.#table.get(connectionId) !== undefined;
  }

  async start(): Promise<void> {
    const server = this.protocol === 'wss' ? createHttpsServer({ ...(await loadServerCredentials(this.#spec)), minVersion: 'TLSv1.2' }) : createHttpServer();
    server.headersTimeout = this.#config.connectTimeout;
    server.requestTimeout = this.#config.connectTimeout;
    server.on('request', (_req, res) => {
      res.writeHead(426, { Connection: 'close', Upgrade: 'websocket' }).end();
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    server.on('error', (err) => this.#log.error({ err }, 'websocket server error'));
    const wss = new WebSocketServer({
      server,
      maxPayload: this.#ctx.limits.maxMessageSize,
      perMessageDeflate: false,
      clientTracking: false,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
      verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => this.#verify(info.req, done),
    });
    wss.on('connection', (ws, req) => this.#accept(ws, req));
    wss.on('error', (err) => this.#log.error({ err }, 'websocket server error'));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void =>
        reject(new TransportError('SSW_TRANSPORT_LISTEN_FAILED', `${this.protocol} listen on ${this.#spec.address}:${this.#spec.port}: ${err.message}`, { cause: err }));
      server.once('error', onError);
      server.listen({ host: this.#spec.address, port: this.#spec.port, ipv6Only: this.family === 6 }, () => {
        server.off('error', onError);
        resolve();
      });
    });
    this.#server = server;
    this.#wss = wss;
    const addr = server.address() as AddressInfo;
    this.#local = { protocol: this.protocol, address: normalizeAddress(addr.address), port: addr.port };
    this.#sentBy = sentByFor(this.#spec, addr.port);
    this.#log.info({ local: this.#local, sentBy: this.#sentBy }, 'listening');
  }

  async close(): Promise<void> {
    this.#table.closeAll('transport closing');
    const wss = this.#wss;
    const server = this.#server;
    this.#wss = undefined;
    this.#server = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  async send(data: Buffer, destination: Endpoint, options: ListenerSendOptions = {}): Promise<SendResult> {
    let conn = options.connectionId !== undefined ? this.#table.get(options.connectionId) : undefined;
    conn ??= this.#table.byRemote({ ...destination, protocol: this.protocol });
    if (!conn) {
      if (options.connect === false) {
        throw new TransportError('SSW_TRANSPORT_NO_CONNECTION', `no open ${this.protocol} connection to ${destination.address}:${destination.port}`);
      }
      const remote: Endpoint = { protocol: this.protocol, address: normalizeAddress(destination.address), port: destination.port };
      const key = endpointKey(remote);
      let pending = this.#pending.get(key);
      if (!pending) {
        pending = this.#connect(remote).finally(() => this.#pending.delete(key));
        this.#pending.set(key, pending);
      }
      conn = await pending;
    }
    await conn.write(data);
    return { connectionId: conn.id };
  }

  #verify(req: IncomingMessage, done: (ok: boolean, code?: number, message?: string) => void): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim());
    if (!offered.includes('sip')) return done(false, 400, 'SIP subprotocol required');
    if (this.#spec.path !== undefined && (req.url ?? '/').split('?')[0] !== this.#spec.path) return done(false, 404, 'Not Found');
    if (this.#table.full) {
      this.#ctx.sink.onConnectionRejected();
      return done(false, 503, 'Too Many Connections');
    }
    done(true);
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const address = req.socket.remoteAddress;
    const port = req.socket.remotePort;
    if (address === undefined || port === undefined || !this.#adopt(ws, { protocol: this.protocol, address: normalizeAddress(address), port })) {
      if (this.#table.full) this.#ctx.sink.onConnectionRejected();
      ws.terminate();
    }
  }

  #adopt(ws: WebSocket, remote: Endpoint): WsConnection | undefined {
    if (this.#table.full) return undefined;
    const conn = new WsConnection({
      id: nextConnectionId(this.protocol),
      ws,
      remote,
      local: this.#local,
      maxWriteBuffer: this.#config.maxWriteBuffer,
      sink: this.#ctx.sink,
      log: this.#log,
      onClose: (c) => this.#table.remove(c),
    });
    this.#table.add(conn);
    return conn;
  }

  #connect(remote: Endpoint): Promise<WsConnection> {
    if (addressFamily(remote.address) !== this.family) {
      return Promise.reject(new TransportError('SSW_TRANSPORT_BAD_DESTINATION', `${remote.address} is not an IPv${this.family} address`));
    }
    if (this.#table.full) {
      return Promise.reject(new TransportError('SSW_TRANSPORT_CONNECTION_LIMIT', `${this.protocol}: ${this.#config.maxConnections} connections open`));
    }
    const url = `${this.protocol}://${formatHostPort(remote.address, remote.port)}/`;
    const ws = new WebSocket(url, 'sip', {
      handshakeTimeout: this.#config.connectTimeout,
      maxPayload: this.#ctx.limits.maxMessageSize,
      perMessageDeflate: false,
      ...(isUnspecified(this.#local.address) ? {} : { localAddress: this.#local.address }),
      ...(this.protocol === 'wss' && this.#client.ca !== undefined ? { ca: this.#client.ca } : {}),
      ...(this.protocol === 'wss' ? { rejectUnauthorized: this.#client.rejectUnauthorized ?? true } : {}),
    });
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => {
        ws.removeAllListeners('open');
        ws.on('error', () => {});
        ws.terminate();
        reject(new TransportError('SSW_TRANSPORT_CONNECT_FAILED', `${this.protocol} connect to ${url}: ${(err as NodeJS.ErrnoException).code ?? err.message}`, { cause: err }));
      };
      ws.once('error', fail);
      ws.once('open', () => {
        ws.off('error', fail);
        if (ws.protocol !== 'sip') {
          fail(new Error('server did not accept the sip subprotocol'));
          return;
        }
        const conn = this.#adopt(ws, remote);
        if (conn) resolve(conn);
        else fail(new Error('connection limit reached'));
      });
    });
  }
}
