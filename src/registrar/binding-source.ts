// The `source` text of a binding (`udp:192.0.2.1:5060`, `tcp:[2001:db8::1]:5060`): where a REGISTER came
// from, so requests to a NAT'd client go back to the address it registered from.
import type { Endpoint, TransportProtocol } from '../sip/transport/types.js';

const PROTOCOLS: ReadonlySet<string> = new Set<TransportProtocol>(['udp', 'tcp', 'tls', 'ws', 'wss']);

/** `protocol:address:port`, IPv6 addresses in brackets. */
export function formatSource(endpoint: Endpoint): string {
  const address = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  return `${endpoint.protocol}:${address}:${endpoint.port}`;
}

/** Reads `formatSource` text back (brackets optional for IPv6); undefined when it is not one. */
export function parseSource(text: string | undefined): Endpoint | undefined {
  if (text === undefined) return undefined;
  const first = text.indexOf(':');
  const last = text.lastIndexOf(':');
  if (first <= 0 || last <= first + 1) return undefined;
  const protocol = text.slice(0, first);
  if (!PROTOCOLS.has(protocol)) return undefined;
  let address = text.slice(first + 1, last);
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const portText = text.slice(last + 1);
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535 || address === '') return undefined;
  return { protocol: protocol as TransportProtocol, address, port };
}
