// A small user agent on a real SipStack for the proxy's loopback tests: places calls (ACKs 2xx, CANCEL,
// BYE with the dialog's route set) and answers them (180 then 200 with Record-Route copied, or a fixed
// status, or ringing until CANCEL), and can hang up from either side.
import {
  createRequest, createResponse, generateBranch, generateCallId, generateTag,
  type SipRequest, type SipResponse,
} from '../../sip/message/index.js';
import { SipStack } from '../../sip/stack.js';
import type {
  ClientTransaction, InviteClientTransaction, InviteServerTransaction, NonInviteServerTransaction, ServerTransaction, TransactionUser,
} from '../../sip/transaction/index.js';
import type { Endpoint } from '../../sip/transport/types.js';
import { silentLogger } from '../../observability/logger.js';

interface Dialog {
  callId: string;
  localTag: string;
  remoteTag: string;
  localUri: string;
  remoteUri: string;
  /** In the order requests use it (first = next hop). */
  routeSet: string[];
  remoteTarget: string;
  cseq: number;
}

export interface PlacedCall {
  callId: string;
  provisional: number[];
  /** Resolves with the final response to the INVITE. */
  final: Promise<SipResponse>;
  cancel(): void;
}

/** What the UAS does with an INVITE: a final status (200 rings first), or `ring` (180, wait for CANCEL). */
export type Behaviour = number | 'ring';

export class TestUa implements TransactionUser {
  readonly stack: SipStack;
  readonly invites: SipRequest[] = [];
  readonly byes: SipRequest[] = [];
  readonly acks: SipRequest[] = [];
  readonly cancels: SipRequest[] = [];
  behaviour: (request: SipRequest) => Behaviour = () => 200;
  readonly #dialogs = new Map<string, Dialog>();
  readonly #byeWaiters = new Map<string, () => void>();

  private constructor(listen: string) {
    this.stack = new SipStack({ listen: [listen], user: this, logger: silentLogger });
  }

  static async start(listen = 'udp://127.0.0.1:0'): Promise<TestUa> {
    const ua = new TestUa(listen);
    await ua.stack.start();
    return ua;
  }

  get endpoint(): Endpoint {
    return this.stack.transport.endpoints[0];
  }

  close(): Promise<void> {
    return this.stack.close();
  }

  /** Resolves when a BYE for `callId` has arrived. */
  byeReceived(callId: string): Promise<void> {
    if (this.byes.some((b) => b.callId === callId)) return Promise.resolve();
    return new Promise((resolve) => this.#byeWaiters.set(callId, resolve));
  }

  // ---- UAC ---------------------------------------------------------------------------------------

  call(proxy: Endpoint, uri: string, extraHeaders: Array<[string, string]> = []): PlacedCall {
    const callId = generateCallId('127.0.0.1');
    const fromTag = generateTag();
    const localUri = `sip:caller@${this.#hostPort()}`;
    const invite = createRequest({
      method: 'INVITE', uri,
      headers: [
        ['Via', this.#via()], ['Max-Forwards', '70'], ['From', `<${localUri}>;tag=${fromTag}`], ['To', `<${uri}>`],
        ['Call-ID', callId], ['CSeq', '1 INVITE'], ['Contact', `<${localUri}>`], ...extraHeaders,
      ],
    });
    const provisional: number[] = [];
    let ict: ClientTransaction | undefined;
    const final = new Promise<SipResponse>((resolve, reject) => {
      ict = this.stack.transactions.sendRequest(invite, proxy, {
        onResponse: (res) => {
          if (res.status < 200) {
            provisional.push(res.status);
            return;
          }
          if (res.status < 300) this.#onAnswer(invite, res, proxy);
          resolve(res);
        },
        onTimeout: () => reject(new Error('INVITE timed out')),
        onTransportError: (_tx, e) => reject(e),
      });
    });
    return {
      callId, provisional, final,
      cancel: () => {
        if (ict !== undefined) this.stack.transactions.cancel(ict as InviteClientTransaction);
      },
    };
  }

  #onAnswer(invite: SipRequest, ok: SipResponse, proxy: Endpoint): void {
    let d = this.#dialogs.get(invite.callId);
    if (d === undefined) {
      d = {
        callId: invite.callId, localTag: invite.from.tag ?? '', remoteTag: ok.to.tag ?? '',
        localUri: invite.from.uri.toString(), remoteUri: invite.to.uri.toString(),
        routeSet: ok.list('Record-Route').reverse(), remoteTarget: ok.contacts[0]?.uri.toString() ?? invite.uriText, cseq: 1,
      };
      this.#dialogs.set(invite.callId, d);
    }
    // RFC 3261 §13.2.2.4: the UAC core ACKs every 2xx, retransmissions included
    const ack = this.#inDialog(d, 'ACK', 1);
    void this.stack.transport.sendRequest(ack, this.#nextHop(d, proxy)).catch(() => undefined);
  }

  /** BYE on an established dialog (either side); resolves with the final status. */
  bye(callId: string, proxy: Endpoint): Promise<number> {
    const d = this.#dialogs.get(callId);
    if (d === undefined) return Promise.reject(new Error(`no dialog ${callId}`));
    const bye = this.#inDialog(d, 'BYE', ++d.cseq);
    return new Promise((resolve, reject) => {
      this.stack.transactions.sendRequest(bye, this.#nextHop(d, proxy), {
        onResponse: (res) => {
          if (res.status >= 200) {
            this.#dialogs.delete(callId);
            resolve(res.status);
          }
        },
        onTimeout: () => reject(new Error('BYE timed out')),
        onTransportError: (_tx, e) => reject(e),
      });
    });
  }

  #inDialog(d: Dialog, method: string, seq: number): SipRequest {
    const headers: Array<[string, string]> = [
      ['Via', this.#via()], ['Max-Forwards', '70'], ['From', `<${d.localUri}>;tag=${d.localTag}`], ['To', `<${d.remoteUri}>;tag=${d.remoteTag}`],
      ['Call-ID', d.callId], ['CSeq', `${seq} ${method}`],
    ];
    for (const r of d.routeSet) headers.push(['Route', r]);
    return createRequest({ method, uri: d.remoteTarget, headers });
  }

  /** Loose routing: the first Route's address (our tests only use literal addresses), else the proxy. */
  #nextHop(d: Dialog, fallback: Endpoint): Endpoint {
    const m = /sip:(?:[^@]*@)?([\d.]+):(\d+)/.exec(d.routeSet[0] ?? '');
    return m ? { protocol: 'udp', address: m[1], port: Number(m[2]) } : fallback;
  }

  #via(): string {
    return `SIP/2.0/UDP ${this.#hostPort()};branch=${generateBranch()};rport`;
  }

  #hostPort(): string {
    return `${this.endpoint.address}:${this.endpoint.port}`;
  }

  // ---- UAS ---------------------------------------------------------------------------------------

  onRequest(tx: ServerTransaction, request: SipRequest): void {
    if (request.method === 'INVITE') {
      this.#answer(tx, request);
      return;
    }
    if (request.method === 'BYE') {
      this.byes.push(request);
      const known = this.#dialogs.delete(request.callId);
      tx.respond(createResponse(request, known ? 200 : 481));
      this.#byeWaiters.get(request.callId)?.();
      return;
    }
    tx.respond(createResponse(request, 200, undefined, { toTag: generateTag() }));
  }

  onAck(request: SipRequest): void {
    this.acks.push(request);
  }

  /** RFC 3261 §9.2: 200 to the CANCEL, 487 to the INVITE (same To tag), or 481. */
  onCancel(cancelTx: NonInviteServerTransaction, invite: InviteServerTransaction | undefined): void {
    this.cancels.push(cancelTx.request);
    if (invite === undefined) {
      cancelTx.respond(createResponse(cancelTx.request, 481, undefined, { toTag: generateTag() }));
      return;
    }
    const toTag = invite.lastProvisional?.to.tag ?? generateTag();
    cancelTx.respond(createResponse(cancelTx.request, 200, undefined, { toTag }));
    if (invite.state === 'Proceeding') invite.respond(createResponse(invite.request, 487, undefined, { toTag }));
  }

  #answer(tx: ServerTransaction, request: SipRequest): void {
    this.invites.push(request);
    const behaviour = this.behaviour(request);
    const localTag = generateTag();
    const contact: [string, string] = ['Contact', `<sip:callee@${this.#hostPort()}>`];
    const rr = request.headerValues('Record-Route').map((v): [string, string] => ['Record-Route', v]);
    if (typeof behaviour === 'number' && behaviour >= 300) {
      tx.respond(createResponse(request, behaviour, undefined, { toTag: localTag }));
      return;
    }
    tx.respond(createResponse(request, 180, undefined, { toTag: localTag, headers: [...rr, contact] }));
    if (behaviour === 'ring') return;
    this.stack.timers.set(() => {
      if (tx.state !== 'Proceeding') return;
      this.#dialogs.set(request.callId, {
        callId: request.callId, localTag, remoteTag: request.from.tag ?? '', localUri: request.to.uri.toString(),
        remoteUri: request.from.uri.toString(), routeSet: request.list('Record-Route'),
        remoteTarget: request.contacts[0]?.uri.toString() ?? '', cseq: 100,
      });
      tx.respond(createResponse(request, 200, undefined, { toTag: localTag, headers: [...rr, contact] }));
    }, 20);
  }
}
