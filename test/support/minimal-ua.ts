// A minimal user agent built on the stack, for end-to-end tests against SIPp. It is deliberately
// small but follows the RFC where it matters: the UAS core retransmits 2xx until the ACK arrives
// (RFC 3261 §13.3.1.4), the UAC core ACKs 2xx itself (§13.2.2.4) and answers BYE in-dialog.
import {
  createRequest, createResponse, generateBranch, generateCallId, generateTag,
  type SipRequest, type SipResponse,
} from '../../src/sip/message/index.js';
import { SipStack } from '../../src/sip/stack.js';
import type { ClientTransaction, ServerTransaction, TransactionUser } from '../../src/sip/transaction/index.js';
import type { Endpoint, InboundInfo } from '../../src/sip/transport/types.js';
import { silentLogger } from '../../src/observability/logger.js';
import type { TimerHandle } from '../../src/util/timers.js';

const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

interface UasDialog {
  callId: string;
  localTag: string;
  ok: SipResponse;
  tx: ServerTransaction;
  retransmit?: TimerHandle;
  interval: number;
  elapsed: number;
  confirmed: boolean;
}

export interface UaStats {
  invites: number;
  answered: number;
  acked: number;
  byesReceived: number;
  cancelled: number;
  okRetransmissions: number;
  options: number;
}

/** UAS core: 180 then 200 (with SDP) for any INVITE, except user `ring-forever` which only rings. */
export class MinimalUas implements TransactionUser {
  readonly stats: UaStats = { invites: 0, answered: 0, acked: 0, byesReceived: 0, cancelled: 0, okRetransmissions: 0, options: 0 };
  readonly dialogs = new Map<string, UasDialog>();
  stack!: SipStack;
  answerDelayMs = 10;

  onRequest(tx: ServerTransaction, request: SipRequest, _info: InboundInfo): void {
    switch (request.method) {
      case 'OPTIONS':
        this.stats.options++;
        tx.respond(createResponse(request, 200, undefined, { toTag: generateTag(), headers: [['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS']] }));
        return;
      case 'INVITE':
        this.#invite(tx, request);
        return;
      case 'BYE': {
        const key = `${request.callId};${request.to.tag ?? ''}`;
        const d = this.dialogs.get(key);
        if (!d) {
          tx.respond(createResponse(request, 481));
          return;
        }
        this.#stopRetransmit(d);
        this.dialogs.delete(key);
        this.stats.byesReceived++;
        tx.respond(createResponse(request, 200));
        return;
      }
      default:
        tx.respond(createResponse(request, 501));
    }
  }

  #invite(tx: ServerTransaction, request: SipRequest): void {
    this.stats.invites++;
    const localTag = generateTag();
    tx.respond(createResponse(request, 180, undefined, { toTag: localTag, headers: [['Contact', this.#contact()]] }));
    if (request.uri.user === 'ring-forever') return; // waits for CANCEL (the layer answers 200 + 487)
    this.stack.timers.set(() => {
      if (tx.state !== 'Proceeding') return; // cancelled meanwhile
      const ok = createResponse(request, 200, undefined, {
        toTag: localTag,
        headers: [['Contact', this.#contact()], ['Content-Type', 'application/sdp']],
        body: SDP,
      });
      const d: UasDialog = { callId: request.callId, localTag, ok, tx, interval: this.stack.transactions.timerValues.t1, elapsed: 0, confirmed: false };
      this.dialogs.set(`${request.callId};${localTag}`, d);
      this.stats.answered++;
      tx.respond(ok);
      if (!tx.reliable) this.#scheduleRetransmit(d);
    }, this.answerDelayMs);
  }

  // RFC 3261 §13.3.1.4: retransmit the 2xx at T1, doubling up to T2, until the ACK or 64*T1.
  #scheduleRetransmit(d: UasDialog): void {
    const { t1, t2 } = this.stack.transactions.timerValues;
    d.retransmit = this.stack.timers.set(() => {
      d.elapsed += d.interval;
      if (d.confirmed) return;
      if (d.elapsed >= 64 * t1) return; // a real UA would now send BYE
      this.stats.okRetransmissions++;
      d.tx.respond(d.ok);
      d.interval = Math.min(d.interval * 2, t2);
      this.#scheduleRetransmit(d);
    }, d.interval);
  }

  #stopRetransmit(d: UasDialog): void {
    d.confirmed = true;
    this.stack.timers.clear(d.retransmit);
  }

  onAck(request: SipRequest): void {
    const d = this.dialogs.get(`${request.callId};${request.to.tag ?? ''}`);
    if (!d || d.confirmed) return;
    this.stats.acked++;
    this.#stopRetransmit(d);
  }

  onCancel = undefined;

  #contact(): string {
    const e = this.stack.transport.endpoints[0];
    return `<sip:uas@${e.address}:${e.port}>`;
  }
}

export async function startMinimalUas(listen: string[]): Promise<{ uas: MinimalUas; stack: SipStack; endpoints: Endpoint[] }> {
  const uas = new MinimalUas();
  const stack = new SipStack({ listen, user: uas, logger: silentLogger });
  uas.stack = stack;
  const endpoints = await stack.start();
  return { uas, stack, endpoints };
}

export interface CallOutcome {
  finalStatus: number;
  provisional: number[];
  byeStatus?: number;
}

/** UAC core: places one call to `target`, ACKs the 2xx, holds `holdMs`, then sends BYE. */
export class MinimalUac implements TransactionUser {
  stack!: SipStack;

  onRequest(tx: ServerTransaction, request: SipRequest): void {
    tx.respond(createResponse(request, request.method === 'BYE' ? 200 : 501));
  }

  call(target: Endpoint, holdMs: number): Promise<CallOutcome> {
    const local = this.stack.transport.endpoints.find((e) => e.protocol === target.protocol) ?? this.stack.transport.endpoints[0];
    const via = (): string => `SIP/2.0/${target.protocol.toUpperCase()} ${local.address}:${local.port};branch=${generateBranch()};rport`;
    const callId = generateCallId('127.0.0.1');
    const fromTag = generateTag();
    const uri = `sip:service@${target.address}:${target.port}`;
    const common = (cseq: string, toTag?: string): Array<[string, string]> => [
      ['Via', via()],
      ['Max-Forwards', '70'],
      ['From', `<sip:uac@${local.address}:${local.port}>;tag=${fromTag}`],
      ['To', `<${uri}>${toTag ? `;tag=${toTag}` : ''}`],
      ['Call-ID', callId],
      ['CSeq', cseq],
      ['Contact', `<sip:uac@${local.address}:${local.port};transport=${target.protocol}>`],
    ];
    const invite = createRequest({ method: 'INVITE', uri, headers: [...common('1 INVITE'), ['Content-Type', 'application/sdp']], body: SDP });
    return new Promise<CallOutcome>((resolve, reject) => {
      const outcome: CallOutcome = { finalStatus: 0, provisional: [] };
      let acked = false;
      this.stack.transactions.sendRequest(invite, target, {
        onResponse: (res: SipResponse, _tx: ClientTransaction) => {
          if (res.status < 200) {
            outcome.provisional.push(res.status);
            return;
          }
          outcome.finalStatus = res.status;
          if (res.status >= 300) {
            resolve(outcome); // the transaction ACKs non-2xx itself
            return;
          }
          // RFC 3261 §13.2.2.4: the UAC core ACKs every 2xx (including retransmissions) end to end.
          const toTag = res.to.tag;
          const ack = createRequest({ method: 'ACK', uri: res.contacts[0]?.uri ?? uri, headers: common('1 ACK', toTag) });
          void this.stack.transport.sendRequest(ack, target).catch(reject);
          if (acked) return;
          acked = true;
          this.stack.timers.set(() => {
            const bye = createRequest({ method: 'BYE', uri: res.contacts[0]?.uri ?? uri, headers: common('2 BYE', toTag) });
            this.stack.transactions.sendRequest(bye, target, {
              onResponse: (r) => {
                if (r.status >= 200) {
                  outcome.byeStatus = r.status;
                  resolve(outcome);
                }
              },
              onTimeout: () => reject(new Error('BYE timed out')),
              onTransportError: (_t, e) => reject(e),
            });
          }, holdMs);
        },
        onTimeout: () => reject(new Error('INVITE timed out')),
        onTransportError: (_t, e) => reject(e),
      });
    });
  }
}

export async function startMinimalUac(listen: string[]): Promise<{ uac: MinimalUac; stack: SipStack }> {
  const uac = new MinimalUac();
  const stack = new SipStack({ listen, user: uac, logger: silentLogger });
  uac.stack = stack;
  await stack.start();
  return { uac, stack };
}
