// Where a response goes, from its top Via (RFC 3261 §18.2.2 with RFC 3581 §4).
import { addressFamily, normalizeAddress } from './address.js';
import { defaultPort } from './listen-spec.js';
import type { Endpoint, TransportProtocol } from './types.js';
import { getParam, type ViaText } from './via-text.js';

/** The parts of a Via that decide response routing. */
export interface ViaRouting {
  transport: string;
  host: string;
  port: number | undefined;
  received?: string | undefined;
  rport?: number | true | undefined;
  maddr?: string | undefined;
}

const BY_VIA_TRANSPORT: Record<string, TransportProtocol> = { UDP: 'udp', TCP: 'tcp', TLS: 'tls', WS: 'ws', WSS: 'wss' };

export function protocolOfVia(transport: string): TransportProtocol | undefined {
  return BY_VIA_TRANSPORT[transport.toUpperCase()];
}

export function viaTransportOf(protocol: TransportProtocol): string {
  return protocol.toUpperCase();
}

export function routingOf(v: ViaText): ViaRouting {
  const rport = getParam(v, 'rport');
  const rportNum = rport === null || rport === undefined ? undefined : Number(rport);
  return {
    transport: v.transport,
    host: v.host,
    port: v.port,
    received: getParam(v, 'received') ?? undefined,
    rport: rport === null ? true : rportNum !== undefined && Number.isInteger(rportNum) ? rportNum : undefined,
    maddr: getParam(v, 'maddr') ?? undefined,
  };
}

/**
 * The destination a response should be sent to when there is no open connection to reuse, or
 * undefined when the Via names an unknown transport or a host name without `received` (that would
 * need RFC 3263 §5 resolution, which the transport does not do).
 *
 * RFC 3261 §18.2.2: reliable transports: "the server SHOULD open a connection to the IP address in
 * the received parameter, if present, using the port in the sent-by value, or the default port for
 * that transport". Unreliable: maddr if present, else received + sent-by port, else sent-by.
 * RFC 3581 §4: "If the value contains both a received and an rport parameter, the response MUST be
 * sent to the IP address listed in the received parameter, and the port in the rport parameter."
 * https://www.rfc-editor.org/rfc/rfc3261#section-18.2.2 https://www.rfc-editor.org/rfc/rfc3581#section-4
 */
export function responseDestination(via: ViaRouting): Endpoint | undefined {
  const protocol = protocolOfVia(via.transport);
  if (!protocol) return undefined;
  const sentByPort = via.port ?? defaultPort(protocol);
  let address: string;
  let port = sentByPort;
  if (protocol !== 'udp') {
    address = via.received ?? via.host;
  } else if (via.maddr !== undefined) {
    address = via.maddr;
  } else if (via.received !== undefined) {
    address = via.received;
    if (typeof via.rport === 'number') port = via.rport;
  } else {
    address = via.host;
  }
  address = normalizeAddress(address);
  if (addressFamily(address) === 0) return undefined;
  return { protocol, address, port };
}
