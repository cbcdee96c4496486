// Test fixtures for the transaction layer: readable raw SIP text parsed by the real parser, inbound
// metadata, recording TUs and a harness wiring a TransactionLayer to fakes.
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../../message/index.js';
import type { Endpoint, InboundInfo } from '../../transport/types.js';
import { FakeTimerService } from '../../../util/timers.js';
import { TransactionLayer, type TransactionLayerOptions } from '../transaction-layer.js';
import type {
  ClientTransaction,
  ClientTransactionUser,
  ServerTransaction,
  TransactionUser,
} from '../types.js';
import type { InviteServerTransaction } from '../invite-server-transaction.js';
import type { NonInviteServerTransaction } from '../non-invite-server-transaction.js';
import { FakeMessageTransport } from './fake-message-transport.js';

/** Parses SIP written with "\n" line ends and optional common indentation. */
export function parse(text: string): SipMessage {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  const wire = lines.map((l) => l.slice(indent)).join('\r\n') + '\r\n\r\n';
  const result = parseMessage(Buffer.from(wire, 'utf8'));
  if (!result.ok) throw new Error(`fixture does not parse: ${result.error.message} (${result.error.field ?? ''})\n${wire}`);
  return result.message;
}

export function request(text: string): SipRequest {
  const m = parse(text);
  if (!m.isRequest) throw new Error('fixture is not a request');
  return m;
}

export function response(text: string): SipResponse {
  const m = parse(text);
  if (m.isRequest) throw new Error('fixture is not a response');
  return m;
}

export const BOB: Endpoint = { protocol: 'udp', address: '192.0.2.20', port: 5060 };
export const BOB_TCP: Endpoint = { protocol: 'tcp', address: '192.0.2.20', port: 5060 };

export function inbound(protocol: 'udp' | 'tcp' = 'udp'): InboundInfo {
  const info: InboundInfo = {
    source: { protocol, address: '192.0.2.10', port: 5060 },
    local: { protocol, address: '192.0.2.1', port: 5060 },
    reliable: protocol !== 'udp',
    receivedAt: 0,
  };
  if (protocol !== 'udp') info.connectionId = 'conn-1';
  return info;
}

export interface RequestFixture {
  method?: string;
  branch?: string;
  /** Top Via sent-by. */
  sentBy?: string;
  transport?: string;
  uri?: string;
  toTag?: string;
  fromTag?: string;
  callId?: string;
  cseq?: number;
  routes?: string[];
}

/** A request as Alice's UA (or a proxy in front of it) would send it. */
export function requestText(f: RequestFixture = {}): string {
  const method = f.method ?? 'INVITE';
  const via = `SIP/2.0/${f.transport ?? 'UDP'} ${f.sentBy ?? 'pc33.atlanta.example.com'}${f.branch === '' ? '' : `;branch=${f.branch ?? 'z9hG4bK776asdhds'}`}`;
  const lines = [
    `${method} ${f.uri ?? 'sip:bob@biloxi.example.com'} SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    `To: Bob <sip:bob@biloxi.example.com>${f.toTag ? `;tag=${f.toTag}` : ''}`,
    `From: Alice <sip:alice@atlanta.example.com>;tag=${f.fromTag ?? '1928301774'}`,
    `Call-ID: ${f.callId ?? 'a84b4c76e66710@pc33.atlanta.example.com'}`,
    `CSeq: ${f.cseq ?? 314159} ${method}`,
    ...(f.routes ?? []).map((r) => `Route: ${r}`),
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    'Content-Length: 0',
  ];
  return lines.join('\n');
}

export function makeRequest(f: RequestFixture = {}): SipRequest {
  return request(requestText(f));
}

export interface ResponseFixture {
  branch?: string;
  sentBy?: string;
  method?: string;
  cseq?: number;
  toTag?: string;
  reason?: string;
}

/** A response to a `requestText()` request. */
export function makeResponse(status: number, f: ResponseFixture = {}): SipResponse {
  const toTag = f.toTag ?? (status === 100 ? undefined : 'a6c85cf');
  return response(
    [
      `SIP/2.0 ${status} ${f.reason ?? 'Whatever'}`,
      `Via: SIP/2.0/UDP ${f.sentBy ?? 'pc33.atlanta.example.com'};branch=${f.branch ?? 'z9hG4bK776asdhds'};received=192.0.2.10`,
      `To: Bob <sip:bob@biloxi.example.com>${toTag ? `;tag=${toTag}` : ''}`,
      'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
      'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
      `CSeq: ${f.cseq ?? 314159} ${f.method ?? 'INVITE'}`,
      'Content-Length: 0',
    ].join('\n'),
  );
}

/** Records every TU callback, client and server side. */
export class RecordingUser implements TransactionUser, ClientTransactionUser {
  readonly events: string[] = [];
  readonly requests: Array<{ tx: ServerTransaction; request: SipRequest; info: InboundInfo }> = [];
  readonly responses: Array<{ response: SipResponse; tx: ClientTransaction }> = [];
  readonly acks: SipRequest[] = [];
  readonly cancels: Array<{ cancelTx: NonInviteServerTransaction; invite: InviteServerTransaction | undefined }> = [];
  readonly strays: SipResponse[] = [];
  readonly errors: Error[] = [];
  /** Set to answer CANCELs (and see them); leave undefined to exercise the layer's default. */
  handleCancel: ((cancelTx: NonInviteServerTransaction, invite: InviteServerTransaction | undefined) => void) | undefined;
  onCancel: TransactionUser['onCancel'];

  constructor(options: { handleCancel?: boolean } = {}) {
    this.onCancel = options.handleCancel
      ? (cancelTx, invite): void => {
          this.events.push(`cancel:${invite ? invite.kind : 'none'}`);
          this.cancels.push({ cancelTx, invite });
          this.handleCancel?.(cancelTx, invite);
        }
      : undefined;
  }

  onRequest(tx: ServerTransaction, request: SipRequest, info: InboundInfo): void {
    this.events.push(`request:${request.method}`);
    this.requests.push({ tx, request, info });
  }

  onAck(request: SipRequest): void {
    this.events.push('ack');
    this.acks.push(request);
  }

  onStrayResponse(response: SipResponse): void {
    this.events.push(`stray:${response.status}`);
    this.strays.push(response);
  }

  onResponse(response: SipResponse, tx: ClientTransaction): void {
    this.events.push(`response:${response.status}`);
    this.responses.push({ response, tx });
  }

  onTimeout(tx: ClientTransaction | ServerTransaction): void {
    this.events.push(`timeout:${tx.kind}`);
  }

  onTransportError(tx: ClientTransaction | ServerTransaction, error: Error): void {
    this.events.push(`transport-error:${tx.kind}`);
    this.errors.push(error);
  }
}

export interface Harness {
  timers: FakeTimerService;
  transport: FakeMessageTransport;
  user: RecordingUser;
  layer: TransactionLayer;
}

export function harness(options: Partial<Pick<TransactionLayerOptions, 't1' | 't2' | 't4'>> & { handleCancel?: boolean } = {}): Harness {
  const timers = new FakeTimerService();
  const transport = new FakeMessageTransport(timers);
  const user = new RecordingUser({ handleCancel: options.handleCancel ?? false });
  const layer = new TransactionLayer({ transport, timers, user, t1: options.t1, t2: options.t2, t4: options.t4 });
  return { timers, transport, user, layer };
}

/** Lets rejected transport promises settle. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Asserts nothing is left behind: both tables empty and no timer pending. */
export function leftovers(h: Harness): { client: number; server: number; timers: number } {
  return { ...h.layer.size(), timers: h.timers.pending() };
}
