// Requests the transaction layer builds itself: the ACK for a non-2xx final response
// (RFC 3261 §17.1.1.3) and CANCEL (§9.1), plus the branch the layer adds when the TU left it out.
import { createRequest, generateBranch, type SipRequest, type SipResponse } from '../message/index.js';
import { TransactionError, TransactionErrorCode } from './transaction-error.js';

function topViaText(request: SipRequest): string {
  const vias = request.list('Via');
  if (vias.length === 0) throw new TransactionError(TransactionErrorCode.NoVia, `${request.method} request has no Via header field`);
  return vias[0];
}

function copied(request: SipRequest, name: string): string {
  const v = request.header(name);
  if (v === undefined) throw new TransactionError(TransactionErrorCode.MissingHeader, `${request.method} request has no ${name} header field`);
  return v;
}

/**
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1.3
 * "The ACK request constructed by the client transaction MUST contain values for the Call-ID, From,
 * and Request-URI that are equal to the values of those header fields in the request passed to the
 * transport by the client transaction (call this the "original request"). The To header field in the
 * ACK MUST equal the To header field in the response being acknowledged [...]. The ACK MUST contain a
 * single Via header field, and this MUST be equal to the top Via header field of the original request.
 * The CSeq header field in the ACK MUST contain the same value for the sequence number as was present
 * in the original request, but the method parameter MUST be equal to "ACK". If the INVITE request
 * whose response is being acknowledged had Route header fields, those header fields MUST appear in
 * the ACK."
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const headers: Array<[string, string]> = [
    ['Via', topViaText(invite)],
    ['Max-Forwards', invite.header('Max-Forwards') ?? '70'],
    ['From', copied(invite, 'From')],
    ['To', response.header('To') ?? copied(invite, 'To')],
    ['Call-ID', invite.callId],
    ['CSeq', `${invite.cseq.seq} ACK`],
  ];
  for (const route of invite.headerValues('Route')) headers.push(['Route', route]);
  return createRequest({ method: 'ACK', uri: invite.uri.clone(), headers });
}

/**
 * https://www.rfc-editor.org/rfc/rfc3261#section-9.1
 * "The Request-URI, Call-ID, To, the numeric part of CSeq, and From header fields in the CANCEL
 * request MUST be identical to those in the request being cancelled, including tags. A CANCEL
 * constructed by a client MUST have only a single Via header field value matching the top Via value
 * in the request being cancelled. [...] However, the method part of the CSeq header field MUST have a
 * value of CANCEL. If the request being cancelled contains a Route header field, the CANCEL request
 * MUST include that Route header field's values."
 */
export function buildCancel(request: SipRequest, extraHeaders: ReadonlyArray<readonly [string, string]> = []): SipRequest {
  const headers: Array<readonly [string, string]> = [
    ['Via', topViaText(request)],
    ['Max-Forwards', request.header('Max-Forwards') ?? '70'],
    ['From', copied(request, 'From')],
    ['To', copied(request, 'To')],
    ['Call-ID', request.callId],
    ['CSeq', `${request.cseq.seq} CANCEL`],
  ];
  for (const route of request.headerValues('Route')) headers.push(['Route', route]);
  for (const h of extraHeaders) headers.push(h);
  return createRequest({ method: 'CANCEL', uri: request.uri.clone(), headers });
}

/**
 * Returns the top Via branch, adding a fresh one when the TU left it out
 * (https://www.rfc-editor.org/rfc/rfc3261#section-8.1.1.7: "the branch ID inserted by an element
 * compliant with this specification MUST always begin with the characters "z9hG4bK"").
 * When a branch is added, the Via values are rewritten as one comma-separated field.
 */
export function ensureBranch(request: SipRequest): string {
  const vias = request.list('Via');
  if (vias.length === 0) throw new TransactionError(TransactionErrorCode.NoVia, `${request.method} request has no Via header field`);
  const existing = request.topVia.branch;
  if (existing !== undefined && existing.length > 0) return existing;
  const branch = generateBranch();
  vias[0] = `${vias[0]};branch=${branch}`;
  request.setHeader('Via', vias.join(', '));
  return branch;
}
