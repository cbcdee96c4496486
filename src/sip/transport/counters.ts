// Live per-protocol counters (see ProtocolCounters in types.ts), cheap enough to bump on every message.
import type { ProtocolCounters, TransportCounters } from './types.js';

function zero(): ProtocolCounters {
  return { received: 0, parseErrors: 0, dropped: 0, sent: 0, sendErrors: 0, statelessReplies: 0, framingErrors: 0, connectionsRejected: 0 };
}

export function createCounters(): TransportCounters {
  return { udp: zero(), tcp: zero(), tls: zero(), ws: zero(), wss: zero() };
}
