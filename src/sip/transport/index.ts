// SIP transport layer (RFC 3261 §18, RFC 3581, RFC 5626 §3.5.1, RFC 7118). See README.md.
export { TransportLayer, type TransportLayerOptions } from './transport-layer.js';
export { parseListenSpec, defaultPort, ListenSpecError, type ListenSpec } from './listen-spec.js';
export { StreamFramer, FramingError, FramingErrorCode, type FrameEvent, type StreamFramerOptions } from './stream-framer.js';
export type { ConnectionOptions } from './listener.js';
export type { UdpOptions } from './udp-transport.js';
export type { TlsClientOptions } from './tls-transport.js';
export {
  TransportError,
  type TransportProtocol,
  type Endpoint,
  type InboundInfo,
  type SendOptions,
  type MessageTransport,
  type InboundHandler,
  type EarlyPeek,
  type EarlyVerdict,
  type EarlyHook,
  type ProtocolCounters,
  type TransportCounters,
} from './types.js';
