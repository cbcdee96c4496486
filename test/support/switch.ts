// The real switch process for end-to-end tests: a generated YAML configuration in a temp dir, the
// `precedence` CLI (start, subscriber, cdr export) run as child processes, and SIPp runs that keep
// their <log> output so a test can assert what an external peer actually received.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SippResult, type SippRun, startSipp } from './sipp.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const DOMAIN = 'precedence.test';

export interface TrunkSpec {
  name: string;
  port: number;
  maxCalls?: number;
  cps?: number;
  failoverOn?: number[];
  timeout?: string;
}

export interface SwitchOptions {
  port: number;
  trunks: TrunkSpec[];
  /** numbering.minLength (digits of the E.164 number, country code included) → 484 below it. */
  minLength?: number;
  mode?: 'proxy' | 'redirect';
}

/** The YAML the switch is specified to accept: one route "+1" over the trunks in order (failover). */
export function switchYaml(o: SwitchOptions, dir: string): string {
  const trunk = (t: TrunkSpec): string => {
    const f = [`name: ${t.name}`, `uri: "sip:127.0.0.1:${t.port}"`];
    if (t.maxCalls !== undefined) f.push(`maxCalls: ${t.maxCalls}`);
    if (t.cps !== undefined) f.push(`cps: ${t.cps}`);
    f.push('ping: false');
    if (t.failoverOn !== undefined) f.push(`failoverOn: [${t.failoverOn.join(', ')}]`);
    if (t.timeout !== undefined) f.push(`timeout: ${t.timeout}`);
    return `  - { ${f.join(', ')} }`;
  };
  return [
    `listen: [udp://127.0.0.1:${o.port}, tcp://127.0.0.1:${o.port}]`,
    `domains: [${DOMAIN}]`,
    `store: sqlite:${join(dir, 'switch.db')}`,
    'log: { level: info }',
    'registrar: { auth: true, minExpires: 60, maxExpires: 3600, defaultExpires: 3600 }',
    `proxy: { recordRoute: true, timerC: 180s, mode: ${o.mode ?? 'proxy'} }`,
    `numbering: { countryCode: "1", nationalPrefix: "1", internationalPrefix: "011"${o.minLength === undefined ? '' : `, minLength: ${o.minLength}`} }`,
    'trunks:',
    ...o.trunks.map(trunk),
    'routes:',
    `  - { name: us, prefix: "+1", trunks: [${o.trunks.map((t) => t.name).join(', ')}], strategy: failover }`,
    '',
  ].join('\n');
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `precedence <args>` via tsx, synchronously (bounded at 30 s). */
export function cli(args: string[]): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export interface CdrLine {
  callId: string;
  disposition: string;
  finalStatus: number;
  calledDialled: string;
  calledRouted?: string;
  sourceTrunk?: string;
  destinationTrunk?: string;
  releasedBy?: string;
  releaseCause?: string;
  answeredAt?: number;
  [k: string]: unknown;
}

export class SwitchProcess {
  readonly dir: string;
  readonly configPath: string;
  #proc: ChildProcess | undefined;
  #log = '';

  constructor(readonly options: SwitchOptions) {
    this.dir = mkdtempSync(join(tmpdir(), 'precedence-switch-'));
    this.configPath = join(this.dir, 'switch.yaml');
    writeFileSync(this.configPath, switchYaml(options, this.dir));
  }

  get port(): number {
    return this.options.port;
  }
  get pidFile(): string {
    return join(this.dir, 'precedence.pid');
  }
  /** Rewrites the configuration file (for reload tests). */
  rewrite(options: SwitchOptions, extra = ''): void {
    writeFileSync(this.configPath, switchYaml(options, this.dir) + extra);
  }
  /** Ends the process abruptly, as a crash would (no graceful shutdown, no flush). */
  async crash(): Promise<void> {
    const p = this.#proc;
    this.#proc = undefined;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
  }
  get log(): string {
    return this.#log;
  }

  /** `precedence <command> --config <this yaml> <args>`; asserts exit 0. */
  run(command: string[], args: string[] = []): CliResult {
    const r = cli([...command, '--config', this.configPath, ...args]);
    assert.equal(r.code, 0, `precedence ${[...command, ...args].join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  }

  addSubscriber(aor: string, password: string): void {
    this.run(['subscriber', 'add'], [aor, '--password', password]);
  }

  async start(): Promise<void> {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', this.configPath, '--pid-file', this.pidFile], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.#log += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.#log += d.toString()));
    const deadline = Date.now() + 20_000;
    const listening = (p: string): boolean => this.#log.split('\n').some((l) => l.includes('"msg":"listening"') && l.includes(`"protocol":"${p}"`));
    while (!(listening('udp') && listening('tcp'))) {
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`switch did not start (config ${this.configPath}):\n${this.#log}`);
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    const p = this.#proc;
    this.#proc = undefined;
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  cdrs(): CdrLine[] {
    const r = this.run(['cdr', 'export'], ['--format', 'json']);
    return r.stdout
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as CdrLine);
  }

  /** The CDRs whose Call-ID starts with `prefix`, waiting (≤ timeoutMs) until there are `count`. */
  async waitCdrs(prefix: string, count = 1, timeoutMs = 8000): Promise<CdrLine[]> {
    const deadline = Date.now() + timeoutMs;
    let found: CdrLine[] = [];
    for (;;) {
      found = this.cdrs().filter((c) => c.callId.startsWith(prefix));
      if (found.length >= count || Date.now() > deadline) break;
      await sleep(250);
    }
    assert.ok(found.length >= count, `expected ${count} CDR(s) for Call-ID ${prefix}*, found ${found.length}: ${JSON.stringify(this.cdrs(), null, 1)}\n--- switch log tail ---\n${this.#log.slice(-4000)}`);
    return found;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface LoggedSippResult extends SippResult {
  /** The scenario's <log> lines (`-trace_logs`). */
  logs: string;
}

export interface LoggedSipp {
  done: Promise<LoggedSippResult>;
  kill(): void;
}

/** SIPp with its <log> actions written to a file read back at exit. */
export function startLoggedSipp(run: SippRun): LoggedSipp {
  const dir = mkdtempSync(join(tmpdir(), 'sipp-log-'));
  const logFile = join(dir, 'logs.log');
  const p = startSipp({ ...run, extra: [...(run.extra ?? []), '-trace_logs', '-log_file', logFile] });
  return {
    kill: p.kill,
    done: p.done.then((r) => {
      let logs = '';
      try {
        logs = readFileSync(logFile, 'utf8');
      } catch {
        /* nothing logged */
      }
      rmSync(dir, { recursive: true, force: true });
      return { ...r, logs };
    }),
  };
}

/** Every SIPp UAC scenario in test/e2e/sipp/switch-uac-*.xml takes -s (user) and -key ruri_host. */
export function uacArgs(o: { service: string; ruriHost: string; callId: string; holdMs?: number; extra?: string[] }): string[] {
  return ['-s', o.service, '-key', 'ruri_host', o.ruriHost, '-cid_str', `${o.callId}-%u-%p@%s`, '-d', String(o.holdMs ?? 200), ...(o.extra ?? [])];
}

/** One-line summary of a SIPp run for assertion messages. */
export function describeRun(name: string, r: SippResult, sw?: SwitchProcess): string {
  return `${name}: exit ${r.code}, successful ${r.successful}, failed ${r.failed}\nerrors: ${r.errors.slice(-3000)}\nstderr: ${r.stderr.slice(-1000)}${sw ? `\n--- switch log tail ---\n${sw.log.slice(-3000)}` : ''}`;
}

/** Waits for the caller; when it failed, stops the peers at once instead of letting them run into their timeouts. */
export async function settle(caller: Promise<LoggedSippResult>, peers: LoggedSipp[]): Promise<{ caller: LoggedSippResult; peers: LoggedSippResult[] }> {
  const c = await caller;
  if (c.code !== 0) for (const p of peers) p.kill();
  return { caller: c, peers: await Promise.all(peers.map((p) => p.done)) };
}
