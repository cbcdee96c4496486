// Runs SIPp as a real external peer: a scenario, a bounded number of calls, a hard time limit.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from './tools.js';

export const scenarioDir = fileURLToPath(new URL('../e2e/sipp/', import.meta.url));

export interface SippRun {
  /** `-sf` scenario file name in test/e2e/sipp, or a built-in (`-sn uas`). */
  scenario: { file: string } | { builtin: string };
  /** host:port of the element under test (omitted for a UAS). */
  remote?: string;
  localPort: number;
  transport?: 'u1' | 't1';
  calls?: number;
  rate?: number;
  /** Percentage of packets SIPp drops on purpose (its -lost option) to exercise retransmissions. */
  lost?: number;
  timeoutSeconds?: number;
  extra?: string[];
}

export interface SippResult {
  code: number | null;
  stdout: string;
  stderr: string;
  errors: string;
  /** Successful and failed call counts from SIPp's final statistics. */
  successful: number;
  failed: number;
  /** Messages SIPp retransmitted (its own timers) over the run. */
  retransmissions: number;
}

export interface SippProcess {
  done: Promise<SippResult>;
  kill(): void;
}

export function startSipp(run: SippRun): SippProcess {
  const sipp = requireTool('sipp');
  const dir = mkdtempSync(join(tmpdir(), 'sipp-'));
  const timeout = run.timeoutSeconds ?? 30;
  const args: string[] = [];
  if ('file' in run.scenario) args.push('-sf', join(scenarioDir, run.scenario.file));
  else args.push('-sn', run.scenario.builtin);
  if (run.remote) args.push(run.remote);
  args.push(
    '-i', '127.0.0.1', '-p', String(run.localPort), '-t', run.transport ?? 'u1',
    '-m', String(run.calls ?? 1), '-r', String(run.rate ?? 10),
    '-timeout', `${timeout}s`, '-timeout_error', '-nostdin', '-trace_err', '-trace_stat', '-stf', join(dir, 'stat.csv'),
    '-error_file', join(dir, 'errors.log'), '-max_recv_loops', '1000',
  );
  if (run.lost !== undefined) args.push('-lost', String(run.lost));
  if (run.extra) args.push(...run.extra);
  const child = spawn(sipp, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), (timeout + 15) * 1000);
  const done = new Promise<SippResult>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(guard);
      let errors = '';
      try {
        errors = readFileSync(join(dir, 'errors.log'), 'utf8');
      } catch {
        /* no errors file: no errors */
      }
      resolve({ code, stdout, stderr, errors, ...readStats(dir) });
    });
  });
  return { done, kill: () => child.kill('SIGTERM') };
}

function readStats(dir: string): { successful: number; failed: number; retransmissions: number } {
  try {
    const csv = readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('stat')) ?? 'stat.csv'), 'utf8').trim().split('\n');
    const head = csv[0].split(';');
    const last = csv[csv.length - 1].split(';');
    const col = (name: string): number => Number(last[head.indexOf(name)] ?? NaN);
    return { successful: col('SuccessfulCall(C)'), failed: col('FailedCall(C)'), retransmissions: col('Retransmissions(C)') };
  } catch {
    return { successful: Number.NaN, failed: Number.NaN, retransmissions: Number.NaN };
  }
}

export async function runSipp(run: SippRun): Promise<SippResult> {
  return startSipp(run).done;
}
