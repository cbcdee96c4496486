// The transaction layer needs its user at construction and the proxy core needs the layer: this user
// forwards every callback to a target set afterwards (`user.target = core`).
import type { SipRequest, SipResponse } from '../sip/message/index.js';
import type { InviteServerTransaction, NonInviteServerTransaction, ServerTransaction, TransactionUser } from '../sip/transaction/index.js';
import type { InboundInfo } from '../sip/transport/types.js';

export class DeferredUser implements TransactionUser {
  target: TransactionUser | undefined;

  onRequest(tx: ServerTransaction, request: SipRequest, info: InboundInfo): void {
    if (this.target === undefined) throw new Error('DeferredUser: no target transaction user set');
    this.target.onRequest(tx, request, info);
  }

  onAck(request: SipRequest, info: InboundInfo): void {
    this.target?.onAck?.(request, info);
  }

  onCancel(cancelTx: NonInviteServerTransaction, invite: InviteServerTransaction | undefined): void {
    if (this.target?.onCancel !== undefined) this.target.onCancel(cancelTx, invite);
    else throw new Error('DeferredUser: target does not handle CANCEL');
  }

  onStrayResponse(response: SipResponse, info: InboundInfo): void {
    this.target?.onStrayResponse?.(response, info);
  }

  onTimeout(tx: ServerTransaction): void {
    this.target?.onTimeout?.(tx);
  }

  onTransportError(tx: ServerTransaction, error: Error): void {
    this.target?.onTransportError?.(tx, error);
  }
}
