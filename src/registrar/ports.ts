// Storage ports the registrar (and digest auth, and later priority) depend on. Adapters live in
// src/storage/{memory,sqlite,...}; only main.ts chooses one.

/** One contact binding of an address-of-record (RFC 3261 §10.3). */
export interface Binding {
  /** Canonical AOR: `sip:user@domain` (scheme sip, lower-case host, no params). */
  aor: string;
  /** The Contact URI as registered (text). */
  contact: string;
  /** Absolute expiry, epoch milliseconds. */
  expiresAt: number;
  q: number | undefined;
  callId: string;
  cseq: number;
  /** RFC 3327 Path header values, in order, to be used as a pre-loaded Route set. */
  path: string[];
  /** Where the REGISTER came from, for NAT'd clients: `udp:192.0.2.1:5060` (transport:address:port). */
  source: string | undefined;
  /** The connection the REGISTER arrived on (stream transports), if still relevant. */
  connectionId: string | undefined;
  /** RFC 5626 +sip.instance and reg-id, when present. */
  instanceId: string | undefined;
  regId: number | undefined;
  userAgent: string | undefined;
  updatedAt: number;
}

export interface LocationStore {
  /** Live bindings of an AOR, ordered by contact; expired ones (`expiresAt <= now`) are not returned. */
  lookup(aor: string, now: number): Promise<Binding[]>;
  /** Insert or replace the binding with the same (aor, contact). */
  save(binding: Binding): Promise<void>;
  remove(aor: string, contact: string): Promise<void>;
  removeAll(aor: string): Promise<void>;
  /** Deletes expired bindings; returns how many. */
  purgeExpired(now: number): Promise<number>;
  /** Every live binding (for the API and the CLI), ordered by (aor, contact), bounded by `limit`. */
  list(now: number, limit?: number): Promise<Binding[]>;
  count(now: number): Promise<number>;
}

/** A subscriber of a local domain. Passwords are never stored, only HA1 digests (RFC 3261 §22, RFC 8760). */
export interface Subscriber {
  username: string;
  domain: string;
  /** MD5(username:realm:password) with realm = domain. */
  ha1Md5: string;
  /** SHA-256(username:realm:password) with realm = domain. */
  ha1Sha256: string;
  displayName: string | undefined;
  /** Priority subscription (WPS-style), e.g. `wps.2`; used by the priority issue. */
  priorityClass: string | undefined;
  enabled: boolean;
  createdAt: number;
}

/** Usernames compare case-sensitively, domains ASCII-case-insensitively (RFC 3261 §19.1.4). */
export interface SubscriberStore {
  get(username: string, domain: string): Promise<Subscriber | undefined>;
  /** Ordered by (domain, username); `limit` is a non-negative integer, unbounded when absent. */
  list(domain?: string, limit?: number): Promise<Subscriber[]>;
  /** Inserts or replaces. */
  put(subscriber: Subscriber): Promise<void>;
  /** Returns whether a subscriber was removed. */
  remove(username: string, domain: string): Promise<boolean>;
}
