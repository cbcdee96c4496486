// CdrStore on the `cdrs` table.
//
// `query` streams: it reads keyset batches, `(setup_at, seq) > cursor ORDER BY setup_at, seq LIMIT n`,
// each through `stmt.iterate()`, and closes the cursor before yielding. Holding a better-sqlite3 iterator
// open across an `await` would make every other statement on the connection (a registrar `save`, a CDR
// `write`) throw "connection is busy", and would pin a WAL read snapshot for as long as a slow consumer
// (an HTTP export) takes. Memory use is bounded by the batch size.
import type Database from 'better-sqlite3';
import type { GroupCommit } from './group-commit.js';

import type { CdrDisposition, CdrQuery, CdrRecord, CdrStore } from '../../cdr/cdr.js';
import { checkCdrQuery } from '../limits.js';

interface CdrRow {
  id: string;
  call_id: string;
  caller: string;
  called_dialled: string;
  called_routed: string | null;
  source_trunk: string | null;
  destination_trunk: string | null;
  setup_at: number;
  answered_at: number | null;
  ended_at: number;
  duration_sec: number;
  disposition: string;
  final_status: number;
  release_cause: string | null;
  released_by: string | null;
  route_rule: string | null;
  priority_namespace: string | null;
  priority_value: string | null;
}

interface CursorRow extends CdrRow {
  seq: number;
}

function toRow(r: CdrRecord): CdrRow {
  return {
    id: r.id,
    call_id: r.callId,
    caller: r.caller,
    called_dialled: r.calledDialled,
    called_routed: r.calledRouted ?? null,
    source_trunk: r.sourceTrunk ?? null,
    destination_trunk: r.destinationTrunk ?? null,
    setup_at: r.setupAt,
    answered_at: r.answeredAt ?? null,
    ended_at: r.endedAt,
    duration_sec: r.durationSec,
    disposition: r.disposition,
    final_status: r.finalStatus,
    release_cause: r.releaseCause ?? null,
    released_by: r.releasedBy ?? null,
    route_rule: r.routeRule ?? null,
    priority_namespace: r.priorityNamespace ?? null,
    priority_value: r.priorityValue ?? null,
  };
}

function fromRow(r: CdrRow): CdrRecord {
  return {
    id: r.id,
    callId: r.call_id,
    caller: r.caller,
    calledDialled: r.called_dialled,
    calledRouted: r.called_routed ?? undefined,
    sourceTrunk: r.source_trunk ?? undefined,
    destinationTrunk: r.destination_trunk ?? undefined,
    setupAt: r.setup_at,
    answeredAt: r.answered_at ?? undefined,
    endedAt: r.ended_at,
    durationSec: r.duration_sec,
    disposition: r.disposition as CdrDisposition,
    finalStatus: r.final_status,
    releaseCause: r.release_cause ?? undefined,
    releasedBy: (r.released_by ?? undefined) as CdrRecord['releasedBy'],
    routeRule: r.route_rule ?? undefined,
    priorityNamespace: r.priority_namespace ?? undefined,
    priorityValue: r.priority_value ?? undefined,
  };
}

const COLUMNS = [
  'id', 'call_id', 'caller', 'called_dialled', 'called_routed', 'source_trunk', 'destination_trunk', 'setup_at',
  'answered_at', 'ended_at', 'duration_sec', 'disposition', 'final_status', 'release_cause', 'released_by',
  'route_rule', 'priority_namespace', 'priority_value',
] as const;

interface BatchParams {
  after_setup: number;
  after_seq: number;
  until: number;
  call_id: string | null;
  disposition: string | null;
  n: number;
}

export interface SqliteCdrStoreOptions {
  /** Rows per keyset batch of `query` (default 256). */
  batchSize?: number;
}

export class SqliteCdrStore implements CdrStore {
  readonly #write: Database.Statement<[CdrRow]>;
  /** Batch statements by filter shape: bit 0 = callId, bit 1 = disposition (each uses its own index). */
  readonly #batches: ReadonlyArray<Database.Statement<[BatchParams], CursorRow>>;
  readonly #batchSize: number;

  readonly #commit: GroupCommit | undefined;

  constructor(db: Database.Database, options: SqliteCdrStoreOptions = {}, commit?: GroupCommit) {
    this.#commit = commit;
    this.#batchSize = options.batchSize ?? 256;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new RangeError('batchSize must be a positive integer');
    const updates = COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ');
    this.#write = db.prepare(
      `INSERT INTO cdrs (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')}) ON CONFLICT (id) DO UPDATE SET ${updates}`,
    );
    this.#batches = [0, 1, 2, 3].map((shape) => {
      const where = ['(setup_at, seq) > (@after_setup, @after_seq)', 'setup_at < @until'];
      if (shape & 1) where.push('call_id = @call_id');
      if (shape & 2) where.push('disposition = @disposition');
      return db.prepare<[BatchParams], CursorRow>(
        `SELECT seq, ${COLUMNS.join(', ')} FROM cdrs WHERE ${where.join(' AND ')} ORDER BY setup_at, seq LIMIT @n`,
      );
    });
  }

  async write(record: CdrRecord): Promise<void> {
    const row = toRow(record);
    if (this.#commit) return this.#commit.submit(() => this.#write.run(row));
    this.#write.run(row);
  }

  query(q: CdrQuery): AsyncIterable<CdrRecord> {
    return this.#iterate({ ...q });
  }

  async *#iterate(q: CdrQuery): AsyncGenerator<CdrRecord> {
    checkCdrQuery(q);
    const stmt = this.#batches[(q.callId !== undefined ? 1 : 0) | (q.disposition !== undefined ? 2 : 0)];
    let remaining = q.limit ?? Infinity;
    const params: BatchParams = {
      after_setup: q.since ?? -Infinity,
      after_seq: 0,
      until: q.until ?? Infinity,
      call_id: q.callId ?? null,
      disposition: q.disposition ?? null,
      n: 0,
    };
    while (remaining > 0) {
      params.n = Math.min(this.#batchSize, remaining);
      const batch: CdrRecord[] = [];
      for (const row of stmt.iterate(params)) {
        batch.push(fromRow(row));
        params.after_setup = row.setup_at;
        params.after_seq = row.seq;
      }
      for (const record of batch) yield record;
      remaining -= batch.length;
      if (batch.length < params.n) return;
    }
  }
}
