// Shared transport-facing types. Owned by the transport layer; the transaction layer depends on
// these shapes only (never on sockets), so it can be driven by a fake in tests.
import type { SipMessage, SipRequest, SipResponse } from '../message/index.js';

export type TransportProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/** A transport address: where a message came from or goes to. `address` is a literal IPv4/IPv6 address. */
export interface Endpoint {
  protocol: TransportProtocol;
  address: string;
  port: number;
}

/** What the transport knows about an inbound message besides its bytes. */
export interface InboundInfo {
  source: Endpoint;
  local: Endpoint;
  /** Set for connection-oriented transports: responses go back over this connection (RFC 3261 §18.2.2). */
  connectionId?: string;
  reliable: boolean;
  /** process.hrtime-based milliseconds when the bytes were read, for latency accounting. */
  receivedAt: number;
}

export interface SendOptions {
  /** Prefer this existing connection (e.g. the flow a REGISTER arrived on, RFC 5626). */
  connectionId?: string;
  /**
   * Send from this local listener (normally InboundInfo.local of the request being answered), so a
   * UDP response leaves from the address and port the request reached: symmetric response, RFC 3581 §4.
   */
  local?: Endpoint;
}

/** Raised (as a rejected promise) when bytes cannot be handed to the network. RFC 3261 §8.1.3.1 treats it as 503. */
export class TransportError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportError';
    this.code = code;
  }
}

/**
 * The downward port the transaction layer uses. The transport layer implements it:
 * - sendRequest rewrites the top Via's transport and sent-by to the local listener actually used
 *   (keeping branch and other params), switches UDP→TCP for large requests (RFC 3261 §18.1.1),
 *   and rejects with TransportError on failure.
 * - sendResponse routes by the top Via (RFC 3261 §18.2.2, RFC 3581 rport/received): over the
 *   connection the request came on when still open, else to received/rport/maddr/sent-by.
 */
export interface MessageTransport {
  sendRequest(request: SipRequest, destination: Endpoint, options?: SendOptions): Promise<Endpoint>;
  sendResponse(response: SipResponse, options?: SendOptions): Promise<void>;
  isReliable(protocol: TransportProtocol): boolean;
}

export type InboundHandler = (message: SipMessage, info: InboundInfo) => void;

// ---- additions owned by the transport layer ------------------------------------------------

/**
 * Cheap, lazy view over raw inbound bytes for the early hook: nothing is parsed until asked, and
 * `header()` scans bytes for one header (long or compact form) without building a message.
 */
export interface EarlyPeek {
  /** False when the start line begins with "SIP/" (a response). */
  readonly isRequest: boolean;
  /** The request method from the start line ('' for responses or an unreadable start line). */
  readonly method: string;
  /** First value of the named header (case-insensitive, compact forms understood), unfolded and trimmed. */
  header(name: string): string | undefined;
}

/** What the early hook decided: pass on to the parser, drop silently, or answer statelessly. */
export type EarlyVerdict = 'accept' | 'drop' | { status: number; reason: string; retryAfter?: number };

/** Runs on every inbound message before parsing (load shedding, RFC 4412 priority screening). Must be cheap. */
export type EarlyHook = (raw: Buffer, peek: EarlyPeek, info: InboundInfo) => EarlyVerdict;

/** Per-protocol counters, exposed live for metrics. */
export interface ProtocolCounters {
  /** Messages read (datagrams, framed stream messages, WebSocket messages), keep-alives excluded. */
  received: number;
  /** Messages the parser rejected (answered with 4xx or dropped). */
  parseErrors: number;
  /** Messages discarded without delivery: unanswerable faults, early-hook drops, no handler. */
  dropped: number;
  /** Messages handed to the network, stateless replies included. */
  sent: number;
  sendErrors: number;
  /** Stateless replies produced by the transport itself (400 on parse errors, early-hook answers). */
  statelessReplies: number;
  /** Stream framing faults (missing Content-Length, oversized); each one closes its connection. */
  framingErrors: number;
  /** Inbound connections refused by the connection limit. */
  connectionsRejected: number;
}

export type TransportCounters = Record<TransportProtocol, ProtocolCounters>;
