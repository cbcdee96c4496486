// SIP over TLS (RFC 3261 §18, §26.2.1; sips: RFC 5630): a StreamTransport over node:tls. The server
// credentials come from the listen spec (PEM files); outbound connections verify the peer against
// `ca` (default: the system store) unless rejectUnauthorized is false.
import { readFile } from 'node:fs/promises';
import { isIP, type Server, type Socket } from 'node:net';
import { connect, createServer, type TLSSocket } from 'node:tls';
import type { ListenSpec } from './listen-spec.js';
import type { ConnectionConfig, ListenerContext } from './listener.js';
import { type StreamSocketFactory, StreamTransport } from './stream-transport.js';
import { type Endpoint, TransportError } from './types.js';

/** Client-side TLS settings used for outbound tls and wss connections. */
export interface TlsClientOptions {
  /** Trusted CA certificates (PEM); default the system store. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Default true. Only turn off in tests. */
  rejectUnauthorized?: boolean;
}

export async function loadServerCredentials(spec: ListenSpec): Promise<{ key: Buffer; cert: Buffer }> {
  if (!spec.tls) throw new TransportError('SSW_TRANSPORT_TLS_CONFIG', `${spec.protocol} listener on ${spec.address}:${spec.port} has no key/cert`);
  try {
    const [key, cert] = await Promise.all([readFile(spec.tls.keyPath), readFile(spec.tls.certPath)]);
    return { key, cert };
  } catch (err) {
    throw new TransportError('SSW_TRANSPORT_TLS_CONFIG', `cannot read TLS key/cert: ${(err as Error).message}`, { cause: err });
  }
}

function tlsSockets(spec: ListenSpec, client: TlsClientOptions, config: ConnectionConfig): StreamSocketFactory {
  return {
    protocol: 'tls',
    readyEvent: 'secureConnect',
    async createServer(onSocket: (socket: Socket) => void): Promise<Server> {
      const creds = await loadServerCredentials(spec);
      const server = createServer({ ...creds, minVersion: 'TLSv1.2', handshakeTimeout: config.connectTimeout }, (s: TLSSocket) => onSocket(s));
      // Handshake failures are the peer's problem; log nothing louder than debug and never crash.
      server.on('tlsClientError', (_err, socket) => socket.destroy());
      return server;
    },
    connect(destination: Endpoint, localAddress: string | undefined): Socket {
      return connect({
        host: destination.address,
        port: destination.port,
        ...(isIP(destination.address) ? {} : { servername: destination.address }),
        ...(localAddress ? { localAddress } : {}),
        ...(client.ca !== undefined ? { ca: client.ca } : {}),
        rejectUnauthorized: client.rejectUnauthorized ?? true,
        minVersion: 'TLSv1.2',
      });
    },
  };
}

export class TlsTransport extends StreamTransport {
  constructor(spec: ListenSpec, ctx: ListenerContext, config: ConnectionConfig, client: TlsClientOptions = {}) {
    super(spec, tlsSockets(spec, client, config), ctx, config);
  }
}
