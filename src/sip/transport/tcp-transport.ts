// SIP over TCP (RFC 3261 §18): a StreamTransport whose sockets come from node:net.
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { ListenSpec } from './listen-spec.js';
import type { ConnectionConfig, ListenerContext } from './listener.js';
import { type StreamSocketFactory, StreamTransport } from './stream-transport.js';
import type { Endpoint } from './types.js';

const tcpSockets: StreamSocketFactory = {
  protocol: 'tcp',
  readyEvent: 'connect',
  createServer(onSocket: (socket: Socket) => void): Promise<Server> {
    return Promise.resolve(createServer({ noDelay: true }, onSocket));
  },
  connect(destination: Endpoint, localAddress: string | undefined): Socket {
    return connect({ host: destination.address, port: destination.port, ...(localAddress ? { localAddress } : {}), noDelay: true });
  },
};

export class TcpTransport extends StreamTransport {
  constructor(spec: ListenSpec, ctx: ListenerContext, config: ConnectionConfig) {
    super(spec, tcpSockets, ctx, config);
  }
}
