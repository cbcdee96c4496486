// The DNS port of the resolver: the four queries RFC 3263 needs. The default adapter is
// NodeDnsClient (node:dns/promises); tests inject FakeDnsClient.

/** NAPTR record (RFC 3403). `ttl` in seconds when the adapter knows it. */
export interface NaptrRecord {
  order: number;
  preference: number;
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  ttl?: number;
}

/** SRV record (RFC 2782). `name` is the target host; "." means "service not available here". */
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  name: string;
  ttl?: number;
}

/** A or AAAA record: a literal address. */
export interface AddressRecord {
  address: string;
  ttl?: number;
}

/** Record type per query, for typed caching. */
export interface DnsRecordMap {
  NAPTR: NaptrRecord;
  SRV: SrvRecord;
  A: AddressRecord;
  AAAA: AddressRecord;
}
export type DnsRecordType = keyof DnsRecordMap;

/**
 * DNS queries used by SipResolver.
 * Contract: resolve with `[]` when the name has no record of that type (NXDOMAIN or NODATA);
 * reject (preferably with a ResolveError, else an error carrying a node:dns `code`) on timeouts
 * and server failures, so they are not mistaken for, or cached as, negative answers.
 */
export interface DnsClient {
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolve4(name: string): Promise<AddressRecord[]>;
  resolve6(name: string): Promise<AddressRecord[]>;
}
