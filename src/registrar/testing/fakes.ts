// Test doubles for the registrar: tiny in-memory ports with failure injection, a recording transaction,
// and REGISTER messages built as raw text and parsed by the real parser.
import { parseMessage, type SipRequest, type SipResponse } from '../../sip/message/index.js';
import type { InboundInfo } from '../../sip/transport/index.js';
import type { Binding, LocationStore, Subscriber, SubscriberStore } from '../ports.js';

export class FakeLocationStore implements LocationStore {
  readonly bindings = new Map<string, Binding>();
  /** When set, every call rejects with this error. */
  failWith: Error | undefined;
  purges = 0;

  #check(): void {
    if (this.failWith !== undefined) throw this.failWith;
  }

  async lookup(aor: string, now: number): Promise<Binding[]> {
    this.#check();
    return [...this.bindings.values()].filter((b) => b.aor === aor && b.expiresAt > now).map((b) => ({ ...b }));
  }

  async save(binding: Binding): Promise<void> {
    this.#check();
    this.bindings.set(`${binding.aor} ${binding.contact}`, { ...binding });
  }

  async remove(aor: string, contact: string): Promise<void> {
    this.#check();
    this.bindings.delete(`${aor} ${contact}`);
  }

  async removeAll(aor: string): Promise<void> {
    this.#check();
    for (const [k, b] of this.bindings) if (b.aor === aor) this.bindings.delete(k);
  }

  async purgeExpired(now: number): Promise<number> {
    this.#check();
    this.purges++;
    let n = 0;
    for (const [k, b] of this.bindings) {
      if (b.expiresAt <= now) {
        this.bindings.delete(k);
        n++;
      }
    }
    return n;
  }

  async list(now: number, limit?: number): Promise<Binding[]> {
    this.#check();
    return [...this.bindings.values()].filter((b) => b.expiresAt > now).slice(0, limit);
  }

  async count(now: number): Promise<number> {
    return (await this.list(now)).length;
  }
}

export class FakeSubscriberStore implements SubscriberStore {
  readonly subscribers = new Map<string, Subscriber>();

  async get(username: string, domain: string): Promise<Subscriber | undefined> {
    return this.subscribers.get(`${username}@${domain.toLowerCase()}`);
  }

  async list(domain?: string, limit?: number): Promise<Subscriber[]> {
    return [...this.subscribers.values()].filter((s) => domain === undefined || s.domain === domain).slice(0, limit);
  }

  async put(subscriber: Subscriber): Promise<void> {
    this.subscribers.set(`${subscriber.username}@${subscriber.domain}`, subscriber);
  }

  async remove(username: string, domain: string): Promise<boolean> {
    return this.subscribers.delete(`${username}@${domain}`);
  }
}

export class RecordingTransaction {
  readonly responses: SipResponse[] = [];

  respond(response: SipResponse): void {
    this.responses.push(response);
  }

  get last(): SipResponse {
    const r = this.responses.at(-1);
    if (r === undefined) throw new Error('no response recorded');
    return r;
  }
}

export interface RegisterInit {
  user?: string;
  domain?: string;
  requestUri?: string;
  callId?: string;
  cseq?: number;
  contacts?: string[];
  expires?: number | string;
  headers?: Array<[string, string]>;
}

/** A REGISTER as raw text (CRLF line ends), parsed by the real parser. */
export function register(init: RegisterInit = {}): SipRequest {
  const user = init.user ?? 'alice';
  const domain = init.domain ?? 'example.com';
  const lines = [
    `REGISTER ${init.requestUri ?? `sip:${domain}`} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK' + Math.random().toString(36).slice(2),
    'Max-Forwards: 70',
    `From: <sip:${user}@${domain}>;tag=fr0m`,
    `To: <sip:${user}@${domain}>`,
    `Call-ID: ${init.callId ?? 'reg-call-1@192.0.2.10'}`,
    `CSeq: ${init.cseq ?? 1} REGISTER`,
  ];
  for (const c of init.contacts ?? ['<sip:alice@192.0.2.10:5060>']) lines.push(`Contact: ${c}`);
  if (init.expires !== undefined) lines.push(`Expires: ${init.expires}`);
  for (const [name, value] of init.headers ?? []) lines.push(`${name}: ${value}`);
  lines.push('Content-Length: 0');
  const result = parseMessage(Buffer.from(lines.join('\r\n') + '\r\n\r\n'));
  if (!result.ok) throw new Error(`REGISTER fixture does not parse: ${result.error.message}`);
  if (!result.message.isRequest) throw new Error('REGISTER fixture is not a request');
  return result.message;
}

export function udpInfo(address = '192.0.2.10', port = 5060): InboundInfo {
  return {
    source: { protocol: 'udp', address, port },
    local: { protocol: 'udp', address: '192.0.2.1', port: 5060 },
    reliable: false,
    receivedAt: 0,
  };
}

export function tcpInfo(connectionId: string): InboundInfo {
  return {
    source: { protocol: 'tcp', address: '198.51.100.7', port: 40123 },
    local: { protocol: 'tcp', address: '192.0.2.1', port: 5060 },
    connectionId,
    reliable: true,
    receivedAt: 0,
  };
}
