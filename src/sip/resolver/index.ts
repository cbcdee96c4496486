// RFC 3263 server location: SIP/SIPS URI → ordered transport targets. See README.md.
export { SipResolver, type ResolveOptions, type SipResolverOptions } from './resolver.js';
export {
  RESOLVE_ERROR_STATUS,
  ResolveError,
  ResolveErrorCode,
  isNoDataError,
  toResolveError,
} from './resolve-error.js';
export type { AddressRecord, DnsClient, DnsRecordMap, DnsRecordType, NaptrRecord, SrvRecord } from './dns-client.js';
export { NodeDnsClient, type NodeDnsClientOptions } from './node-dns-client.js';
export { DnsCache, normalizeName, type DnsCacheOptions, type DnsCacheStats } from './cache.js';
export { orderSrv } from './srv-order.js';
export { DEFAULT_PORTS, defaultPort, uriTarget, type UriTarget } from './uri-target.js';
export { FakeDnsClient } from './fake-dns-client.js';
