// The SIP transport layer (RFC 3261 §18, RFC 3581): owns the listeners, turns inbound bytes into
// messages for the transaction layer, and sends requests and responses where §18 says they go.
//
// Inbound: bytes → early hook (optional) → parseMessage → received/rport on the top Via of requests →
// InboundHandler. Wire faults are data: a bad request is answered statelessly from its raw header lines
// when it can be routed, everything else is dropped, and both are counted.
import { pino, type Logger } from 'pino';
import { parseMessage, type SipRequest, type SipResponse, type Via } from '../message/index.js';
import { addressFamily, formatHostPort, normalizeAddress, sameAddress } from './address.js';
import { createCounters } from './counters.js';
import { type ListenSpec, parseListenSpec } from './listen-spec.js';
import { type ConnectionConfig, type ConnectionOptions, connectionConfig, type Listener, type ListenerContext, type ListenerSendOptions, type MessageLimits, type SendResult } from './listener.js';
import { RawPeek } from './raw-peek.js';
import { protocolOfVia, responseDestination, routingOf, viaTransportOf } from './response-route.js';
import { buildStatelessReply } from './stateless-reply.js';
import type { FramingError } from './stream-framer.js';
import { TcpTransport } from './tcp-transport.js';
import { type TlsClientOptions, TlsTransport } from './tls-transport.js';
import {
  type EarlyHook,
  type EarlyVerdict,
  type Endpoint,
  type InboundHandler,
  type InboundInfo,
  type MessageTransport,
  type SendOptions,
  type TransportCounters,
  TransportError,
  type TransportProtocol,
} from './types.js';
import { type UdpOptions, UdpTransport } from './udp-transport.js';
import { formatViaText, replaceTopVia, stampReceived, viaTextOf } from './via-text.js';
import { WsTransport } from './ws-transport.js';

export interface TransportLayerOptions {
  /** Listen specs (`udp://127.0.0.1:5060`, `tls://[::1]:5061?key=…&cert=…`, …) or parsed specs. */
  listen: ReadonlyArray<string | ListenSpec>;
  logger?: Logger;
  /** Largest message accepted on any transport. Default 65535. */
  maxMessageSize?: number;
  /** Largest header section on stream transports. Default 16384. */
  maxHeaderSize?: number;
  udp?: UdpOptions;
  connections?: ConnectionOptions;
  /** Client side of outbound tls/wss connections. */
  tls?: TlsClientOptions;
  /** A UDP request larger than this goes over TCP when a TCP listener exists (RFC 3261 §18.1.1). Default 1300. */
  udpMaxRequestSize?: number;
  handler?: InboundHandler;
}

/** Refusals after which RFC 3261 §18.1.1 says to retry a size-switched request over UDP. */
const REFUSED = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPROTONOSUPPORT']);

export class TransportLayer implements MessageTransport {
  readonly #listeners: Listener[];
  readonly #log: Logger;
  readonly #limits: MessageLimits;
  readonly #udpMax: number;
  readonly #counters: TransportCounters = createCounters();
  #handler: InboundHandler | undefined;
  #earlyHook: EarlyHook | undefined;
  #started = false;

  constructor(options: TransportLayerOptions) {
    this.#log = (options.logger ?? pino({ level: 'info' })).child({ module: 'sip-transport' });
    this.#limits = Object.freeze({ maxMessageSize: options.maxMessageSize ?? 65535, maxHeaderSize: options.maxHeaderSize ?? 16384 });
    this.#udpMax = options.udpMaxRequestSize ?? 1300;
    this.#handler = options.handler;
    const config = connectionConfig(options.connections);
    this.#listeners = options.listen.map((s) => this.#create(typeof s === 'string' ? parseListenSpec(s) : s, config, options));
  }

  #create(spec: ListenSpec, config: ConnectionConfig, options: TransportLayerOptions): Listener {
    let self: Listener | undefined;
    const log = this.#log.child({ transport: spec.protocol, listen: formatHostPort(spec.address, spec.port) });
    const ctx: ListenerContext = {
      log,
      limits: this.#limits,
      sink: {
        onMessage: (data, info) => {
          try {
            this.#inbound(self as Listener, data, info);
          } catch (err) {
            // Defensive: nothing about one message may take a listener down.
            this.#counters[spec.protocol].dropped++;
            log.error({ err }, 'inbound processing failed');
          }
        },
        onFramingError: (error, info) => this.#framingError(self as Listener, error, info),
        onConnectionRejected: () => this.#counters[spec.protocol].connectionsRejected++,
      },
    };
    switch (spec.protocol) {
      case 'udp':
        self = new UdpTransport(spec, ctx, options.udp);
        break;
      case 'tcp':
        self = new TcpTransport(spec, ctx, config);
        break;
      case 'tls':
        self = new TlsTransport(spec, ctx, config, options.tls);
        break;
      case 'ws':
      case 'wss':
        self = new WsTransport(spec, ctx, config, options.tls);
        break;
    }
    return self;
  }

  /** Binds every listener; returns the bound endpoints (ephemeral ports resolved). */
  async start(): Promise<Endpoint[]> {
    const results = await Promise.allSettled(this.#listeners.map((l) => l.start()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await this.close();
      throw failed.reason;
    }
    this.#started = true;
    return this.endpoints;
  }

  async close(): Promise<void> {
    this.#started = false;
    await Promise.all(this.#listeners.map((l) => l.close().catch((err: unknown) => this.#log.warn({ err }, 'error closing listener'))));
  }

  get endpoints(): Endpoint[] {
    return this.#listeners.map((l) => ({ ...l.local }));
  }

  /** Live counters by protocol, for metrics. */
  get counters(): Readonly<TransportCounters> {
    return this.#counters;
  }

  /** Open connections across all listeners. */
  get connectionCount(): number {
    return this.#listeners.reduce((n, l) => n + l.connectionCount, 0);
  }

  setHandler(handler: InboundHandler | undefined): void {
    this.#handler = handler;
  }

  setEarlyHook(hook: EarlyHook | undefined): void {
    this.#earlyHook = hook;
  }

  isReliable(protocol: TransportProtocol): boolean {
    return protocol !== 'udp';
  }

  async sendRequest(request: SipRequest, destination: Endpoint, options: SendOptions = {}): Promise<Endpoint> {
    this.#assertStarted();
    const family = addressFamily(destination.address);
    let listener = options.connectionId !== undefined ? this.#owner(options.connectionId) : undefined;
    const viaConnection = listener !== undefined;
    if (!listener) {
      if (family === 0) throw new TransportError('SSW_TRANSPORT_BAD_DESTINATION', `"${destination.address}" is not a literal IP address`);
      listener = this.#pick(destination.protocol, family, options.local);
    }
    if (!listener) throw new TransportError('SSW_TRANSPORT_NO_LISTENER', `no ${destination.protocol} listener for IPv${family}`);
    const address = normalizeAddress(destination.address);
    this.#stampOwnVia(request, listener);
    let data = request.toBuffer();

    // RFC 3261 §18.1.1: "If a request is within 200 bytes of the path MTU, or if it is larger than
    // 1300 bytes and the path MTU is unknown, the request MUST be sent using an RFC 2914 congestion
    // controlled transport protocol, such as TCP. [...] if the attempt to establish the connection
    // generates either an ICMP Protocol Not Supported, or results in a TCP reset, the element SHOULD
    // retry the request, using UDP." https://www.rfc-editor.org/rfc/rfc3261#section-18.1.1
    const tcp = listener.protocol === 'udp' && data.length > this.#udpMax && !viaConnection ? this.#pick('tcp', family) : undefined;
    if (tcp) {
      this.#stampOwnVia(request, tcp);
      try {
        await this.#transmit(tcp, request.toBuffer(), { protocol: 'tcp', address, port: destination.port });
        return { protocol: 'tcp', address, port: destination.port };
      } catch (err) {
        const errno = err instanceof TransportError ? (err.cause as NodeJS.ErrnoException | undefined)?.code : undefined;
        if (errno === undefined || !REFUSED.has(errno)) throw err;
        this.#log.debug({ destination, errno }, 'TCP refused for a large request; retrying over UDP');
        this.#stampOwnVia(request, listener);
        data = request.toBuffer();
      }
    }
    const sendOptions: ListenerSendOptions = viaConnection ? { connectionId: options.connectionId } : {};
    await this.#transmit(listener, data, { protocol: listener.protocol, address, port: destination.port }, sendOptions);
    return { protocol: listener.protocol, address, port: destination.port };
  }

  async sendResponse(response: SipResponse, options: SendOptions = {}): Promise<void> {
    this.#assertStarted();
    let via: Via;
    try {
      via = response.topVia;
    } catch (err) {
      throw new TransportError('SSW_TRANSPORT_NO_VIA', 'response has no usable Via', { cause: err });
    }
    const protocol = protocolOfVia(via.transport);
    if (!protocol) throw new TransportError('SSW_TRANSPORT_UNSUPPORTED', `unsupported Via transport "${via.transport}"`);
    const data = response.toBuffer();
    const dest = responseDestination(via);
    // RFC 3261 §18.2.2: over a reliable transport the response goes back on the request's connection
    // while it is open.
    if (protocol !== 'udp' && options.connectionId !== undefined) {
      const owner = this.#owner(options.connectionId);
      if (owner) {
        await this.#transmit(owner, data, dest ?? owner.local, { connectionId: options.connectionId, connect: false });
        return;
      }
    }
    if (!dest) throw new TransportError('SSW_TRANSPORT_UNROUTABLE', `cannot route a response to Via sent-by "${via.host}" without received`);
    const listener = this.#pick(dest.protocol, addressFamily(dest.address), options.local);
    if (!listener) throw new TransportError('SSW_TRANSPORT_NO_LISTENER', `no ${dest.protocol} listener for ${dest.address}`);
    await this.#transmit(listener, data, dest);
  }

  // ---- inbound ---------------------------------------------------------------------------------

  #inbound(listener: Listener, data: Buffer, info: InboundInfo): void {
    const counters = this.#counters[listener.protocol];
    counters.received++;
    let peek: RawPeek | undefined;
    const hook = this.#earlyHook;
    if (hook) {
      peek = new RawPeek(data);
      let verdict: EarlyVerdict;
      try {
        verdict = hook(data, peek, info);
      } catch (err) {
        this.#log.error({ err }, 'early hook threw; accepting the message');
        verdict = 'accept';
      }
      if (verdict === 'drop') {
        counters.dropped++;
        return;
      }
      if (verdict !== 'accept') {
        this.#replyStateless(listener, peek, verdict.status, verdict.reason, info, verdict.retryAfter);
        return;
      }
    }
    // RFC 7118 §5: a WebSocket message is one SIP message, so Content-Length is only mandatory on TCP/TLS.
    const stream = listener.protocol === 'tcp' || listener.protocol === 'tls';
    const result = parseMessage(data, { stream, maxMessageSize: this.#limits.maxMessageSize });
    if (!result.ok) {
      counters.parseErrors++;
      peek ??= new RawPeek(data);
      const { error } = result;
      this.#log.debug({ code: error.code, field: error.field, source: info.source }, 'unparseable message');
      if (error.isRequest ?? peek.isRequest) this.#replyStateless(listener, peek, error.status, error.reason, info);
      else counters.dropped++;
      return;
    }
    const message = result.message;
    if (message.isRequest) {
      // RFC 3261 §18.2.1 (received) and RFC 3581 §4 (rport).
      try {
        const top = viaTextOf(message.topVia);
        if (stampReceived(top, info.source)) replaceTopVia(message, formatViaText(top));
      } catch (err) {
        counters.parseErrors++;
        this.#log.debug({ err, source: info.source }, 'request with an unusable Via');
        this.#replyStateless(listener, peek ?? new RawPeek(data), 400, 'Bad Via', info);
        return;
      }
    }
    const handler = this.#handler;
    if (!handler) {
      counters.dropped++;
      return;
    }
    try {
      handler(message, info);
    } catch (err) {
      this.#log.error({ err }, 'inbound handler threw');
    }
  }

  #framingError(listener: Listener, error: FramingError, info: InboundInfo): Buffer | undefined {
    const counters = this.#counters[listener.protocol];
    counters.framingErrors++;
    if (!error.head) return undefined;
    const reply = buildStatelessReply(new RawPeek(error.head), error.status, error.reason, info.source);
    if (!reply) return undefined;
    counters.statelessReplies++;
    counters.sent++;
    return reply.data;
  }

  #replyStateless(listener: Listener, peek: RawPeek, status: number, reason: string, info: InboundInfo, retryAfter?: number): void {
    const counters = this.#counters[listener.protocol];
    const reply = buildStatelessReply(peek, status, reason, info.source, retryAfter === undefined ? {} : { retryAfter });
    if (!reply) {
      counters.dropped++;
      return;
    }
    counters.statelessReplies++;
    let dest = info.source;
    let options: ListenerSendOptions = {};
    if (info.connectionId !== undefined) {
      options = { connectionId: info.connectionId, connect: false };
    } else {
      const routed = responseDestination(routingOf(reply.via));
      if (routed && routed.protocol === listener.protocol && addressFamily(routed.address) === listener.family) dest = routed;
    }
    this.#transmit(listener, reply.data, dest, options).catch((err: unknown) => this.#log.debug({ err }, 'stateless reply not sent'));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  async #transmit(listener: Listener, data: Buffer, dest: Endpoint, options: ListenerSendOptions = {}): Promise<SendResult> {
    const counters = this.#counters[listener.protocol];
    try {
      const r = await listener.send(data, dest, options);
      counters.sent++;
      return r;
    } catch (err) {
      counters.sendErrors++;
      if (err instanceof TransportError) throw err;
      throw new TransportError('SSW_TRANSPORT_SEND_FAILED', String(err), { cause: err });
    }
  }

  /** Rewrites the top Via's transport and sent-by for the listener used, keeping its parameters. */
  #stampOwnVia(request: SipRequest, listener: Listener): void {
    let via: Via;
    try {
      via = request.topVia;
    } catch (err) {
      throw new TransportError('SSW_TRANSPORT_NO_VIA', 'request has no usable Via', { cause: err });
    }
    const text = viaTextOf(via);
    text.transport = viaTransportOf(listener.protocol);
    text.host = formatHostPort(listener.sentBy.host, undefined);
    text.port = listener.sentBy.port;
    replaceTopVia(request, formatViaText(text));
  }

  #owner(connectionId: string): Listener | undefined {
    return this.#listeners.find((l) => l.hasConnection(connectionId));
  }

  #pick(protocol: TransportProtocol, family: number, local?: Endpoint): Listener | undefined {
    let first: Listener | undefined;
    for (const l of this.#listeners) {
      if (l.protocol !== protocol || l.family !== family) continue;
      if (local && l.local.port === local.port && sameAddress(l.local.address, local.address)) return l;
      first ??= l;
    }
    return first;
  }

  #assertStarted(): void {
    if (!this.#started) throw new TransportError('SSW_TRANSPORT_NOT_STARTED', 'transport layer is not started');
  }
}
