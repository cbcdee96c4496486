// The internal contract between TransportLayer and the per-protocol listeners (udp, tcp, tls, ws).
import { networkInterfaces } from 'node:os';
import type { Logger } from 'pino';
import { isUnspecified } from './address.js';
import type { ListenSpec } from './listen-spec.js';
import type { FramingError } from './stream-framer.js';
import type { Endpoint, InboundInfo, TransportProtocol } from './types.js';

/** What a listener reports upward. Calls are synchronous and must not throw (the layer guards them). */
export interface ListenerSink {
  /** One whole inbound message: a datagram, a framed stream message or a WebSocket message. */
  onMessage(data: Buffer, info: InboundInfo): void;
  /** A fatal stream framing fault; the returned bytes (a stateless reply) are written before closing. */
  onFramingError(error: FramingError, info: InboundInfo): Buffer | undefined;
  /** An inbound connection refused by the connection limit. */
  onConnectionRejected(): void;
}

export interface ListenerSendOptions {
  /** Use this connection when it belongs to the listener and is open. */
  connectionId?: string;
  /** Open a new connection when none to the destination is open (default true). */
  connect?: boolean;
}

export interface SendResult {
  /** The connection used, for connection-oriented listeners. */
  connectionId?: string;
}

export interface Listener {
  readonly protocol: TransportProtocol;
  readonly reliable: boolean;
  readonly family: 4 | 6;
  /** Bound address and port (valid after start). */
  readonly local: Endpoint;
  /** What goes into Via sent-by for requests sent through this listener. */
  readonly sentBy: { host: string; port: number };
  start(): Promise<void>;
  close(): Promise<void>;
  send(data: Buffer, destination: Endpoint, options?: ListenerSendOptions): Promise<SendResult>;
  hasConnection(connectionId: string): boolean;
  /** Open connections (0 for UDP). */
  readonly connectionCount: number;
}

/** Limits and timers shared by connection-oriented listeners. */
export interface ConnectionOptions {
  /** Close a connection with no traffic for this long (ms). Default 300 000. */
  idleTimeout?: number;
  /** Give up an outbound connect (TCP plus TLS/WebSocket handshake) after this long (ms). Default 5 000. */
  connectTimeout?: number;
  /** Open connections per listener, inbound and outbound together. Default 4096. */
  maxConnections?: number;
  /** Bytes queued for a peer that does not read before the connection is closed. Default 1 MiB. */
  maxWriteBuffer?: number;
  /** Close a connection whose partial message is not completed within this long (ms). Default 30 000. */
  partialMessageTimeout?: number;
}

export type ConnectionConfig = Required<ConnectionOptions>;

export function connectionConfig(o: ConnectionOptions = {}): ConnectionConfig {
  return Object.freeze({
    idleTimeout: o.idleTimeout ?? 300_000,
    connectTimeout: o.connectTimeout ?? 5_000,
    maxConnections: o.maxConnections ?? 4096,
    maxWriteBuffer: o.maxWriteBuffer ?? 1024 * 1024,
    partialMessageTimeout: o.partialMessageTimeout ?? 30_000,
  });
}

/** Framing limits shared by every listener. */
export interface MessageLimits {
  maxMessageSize: number;
  maxHeaderSize: number;
}

/** Everything a listener needs besides its spec. */
export interface ListenerContext {
  sink: ListenerSink;
  log: Logger;
  limits: MessageLimits;
}

/**
 * Via sent-by for a listener: the advertised host when configured, else the bound address, else
 * (wildcard bind) the first non-internal interface address of the family, falling back to loopback.
 */
export function sentByFor(spec: ListenSpec, boundPort: number): { host: string; port: number } {
  const port = spec.advertise?.port ?? boundPort;
  if (spec.advertise) return { host: spec.advertise.host, port };
  if (!isUnspecified(spec.address)) return { host: spec.address, port };
  for (const list of Object.values(networkInterfaces())) {
    for (const ni of list ?? []) {
      if (!ni.internal && ni.family === (spec.family === 4 ? 'IPv4' : 'IPv6') && !ni.address.startsWith('fe80')) {
        return { host: ni.address, port };
      }
    }
  }
  return { host: spec.family === 4 ? '127.0.0.1' : '::1', port };
}

/** Milliseconds on the monotonic clock (process.hrtime based). */
export function now(): number {
  return performance.now();
}

/** True when a chunk is only CR/LF bytes (a keep-alive on a message-oriented transport). */
export function isKeepAlive(data: Buffer): boolean {
  for (let i = 0; i < data.length; i++) if (data[i] !== 13 && data[i] !== 10) return false;
  return true;
}
