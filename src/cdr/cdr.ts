// Call detail records: one per call attempt, written when the attempt ends.

export type CdrDisposition = 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'rejected' | 'no-route';

export interface CdrRecord {
  /** Unique id of the record (uuid). */
  id: string;
  callId: string;
  caller: string;
  /** Called number/URI as dialled (Request-URI user or the whole URI). */
  calledDialled: string;
  /** After normalisation/translation by the routing server. */
  calledRouted: string | undefined;
  sourceTrunk: string | undefined;
  destinationTrunk: string | undefined;
  /** Epoch ms. */
  setupAt: number;
  answeredAt: number | undefined;
  endedAt: number;
  /** Seconds between answer and end; 0 when not answered. */
  durationSec: number;
  disposition: CdrDisposition;
  /** Final SIP status of the INVITE (200 for answered calls). */
  finalStatus: number;
  /** Release cause: e.g. `BYE`, `CANCEL`, `SIP 486`, `timeout`, `Q.850;cause=16` from a Reason header. */
  releaseCause: string | undefined;
  /** Who released: caller, callee or switch. */
  releasedBy: 'caller' | 'callee' | 'switch' | undefined;
  routeRule: string | undefined;
  priorityNamespace: string | undefined;
  priorityValue: string | undefined;
}

/** All filters are ANDed; the time range is half-open on `setupAt`: `since <= setupAt < until`. */
export interface CdrQuery {
  /** Inclusive lower bound on `setupAt` (epoch ms). */
  since?: number;
  /** Exclusive upper bound on `setupAt` (epoch ms). */
  until?: number;
  callId?: string;
  disposition?: CdrDisposition;
  /** Maximum number of records (a non-negative integer); unbounded when absent. */
  limit?: number;
}

export interface CdrStore {
  /**
   * Durable when the promise resolves (fsync'd/committed). Writing an existing `id` again replaces that
   * record (so a retried write after an unclear failure never duplicates a call).
   */
  write(record: CdrRecord): Promise<void>;
  /**
   * Streams matching records in setup time order (ties in write order) without loading them all into
   * memory. Records written while a query is being consumed may or may not appear in it.
   */
  query(q: CdrQuery): AsyncIterable<CdrRecord>;
}
