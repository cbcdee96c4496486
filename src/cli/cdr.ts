// `precedence cdr export`: streams CDRs from the store as CSV or JSON lines (no full load in memory).
import type { Command } from 'commander';
import type { CdrRecord } from '../cdr/cdr.js';
import { openStore } from '../storage/index.js';
import { fail, parseTime, readConfig } from './common.js';

export const CDR_COLUMNS: ReadonlyArray<keyof CdrRecord> = [
  'id', 'callId', 'caller', 'calledDialled', 'calledRouted', 'sourceTrunk', 'destinationTrunk', 'setupAt', 'answeredAt',
  'endedAt', 'durationSec', 'disposition', 'finalStatus', 'releaseCause', 'releasedBy', 'routeRule', 'priorityNamespace', 'priorityValue',
];

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'number' ? String(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function cdrToCsvRow(r: CdrRecord): string {
  return CDR_COLUMNS.map((k) => {
    const v = r[k];
    return (k === 'setupAt' || k === 'answeredAt' || k === 'endedAt') && typeof v === 'number' ? new Date(v).toISOString() : csvCell(v);
  }).join(',');
}

export function registerCdrCommands(program: Command): void {
  program
    .command('cdr')
    .description('call detail records')
    .command('export')
    .option('--since <time>', 'ISO time or a span back from now (2h, 7d)')
    .option('--until <time>')
    .option('--format <format>', 'csv or json (one object per line)', 'csv')
    .option('--limit <n>')
    .option('-c, --config <file>')
    .action(async (opts: { since?: string; until?: string; format: string; limit?: string; config?: string }) => {
      if (opts.format !== 'csv' && opts.format !== 'json') fail(`--format must be csv or json, not "${opts.format}"`);
      const limit = opts.limit === undefined ? undefined : Number(opts.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) fail(`--limit must be a whole number, not "${opts.limit}"`);
      const stores = openStore(readConfig(opts.config).store);
      try {
        if (opts.format === 'csv') process.stdout.write(`${CDR_COLUMNS.join(',')}\n`);
        const q = { since: opts.since ? parseTime(opts.since) : undefined, until: opts.until ? parseTime(opts.until) : undefined, limit };
        for await (const r of stores.cdrs.query(q)) {
          const line = opts.format === 'csv' ? cdrToCsvRow(r) : JSON.stringify(r);
          if (!process.stdout.write(`${line}\n`)) await new Promise((res) => process.stdout.once('drain', res));
        }
      } finally {
        await stores.close();
      }
    });
}
