// baresip (Debian's 1.0.x) as a real, headless SIP phone for end-to-end tests: its own config dir in a
// temp folder, no sound card (the `aubridge` module is both audio source and player; G.711 only), bound
// to 127.0.0.1 (`net_interface`), and driven through `ctrl_tcp`: netstring-framed JSON commands
// (`{"command":"dial","params":"sip:bob@…","token":"1"}`) and events (`{"event":true,"type":"REGISTER_OK",…}`).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { requireTool } from './tools.js';

export interface BaresipEvent {
  event: true;
  type: string;
  class?: string;
  accountaor?: string;
  direction?: string;
  peeruri?: string;
  id?: string;
  param?: string;
}

interface BaresipResponse {
  response: true;
  ok: boolean;
  data: string;
  token?: string;
}

export interface BaresipOptions {
  /** e.g. `sip:alice@precedence.test` */
  aor: string;
  password: string;
  /** host:port of the switch: the outbound proxy and registrar. */
  proxy: string;
  answerAuto?: boolean;
  regint?: number;
}

/** A UDP+TCP port p with p+1 free too: baresip also opens a TLS listener on the SIP port + 1. */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const p = await freePort();
    const { createServer } = await import('node:net');
    const ok = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p + 1, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (ok) return p;
  }
  throw new Error('no free port pair for baresip');
}

export class Baresip {
  readonly events: BaresipEvent[] = [];
  readonly dir: string;
  sipPort = 0;
  #proc: ChildProcess | undefined;
  #sock: Socket | undefined;
  #buf = Buffer.alloc(0);
  #out = '';
  #token = 0;
  readonly #pending = new Map<string, (r: BaresipResponse) => void>();
  readonly #waiters: { match: (e: BaresipEvent) => boolean; resolve: (e: BaresipEvent) => void }[] = [];

  constructor(readonly name: string, readonly options: BaresipOptions) {
    this.dir = mkdtempSync(join(tmpdir(), `baresip-${name}-`));
  }

  /** Everything baresip printed (with `-s`, the SIP trace). */
  get output(): string {
    return this.#out;
  }

  async start(): Promise<void> {
    const bin = requireTool('baresip');
    this.sipPort = await freePortPair();
    const ctrlPort = await freePort();
    const o = this.options;
    writeFileSync(
      join(this.dir, 'config'),
      [
        'poll_method\t\tepoll',
        `sip_listen\t\t127.0.0.1:${this.sipPort}`,
        'net_interface\t\t127.0.0.1',
        'call_local_timeout\t30',
        'call_max_calls\t\t4',
        `audio_player\t\taubridge,${this.name}`,
        `audio_source\t\taubridge,${this.name}`,
        `audio_alert\t\taubridge,${this.name}`,
        'module_path\t\t/usr/lib/baresip/modules',
        'module\t\t\tg711.so',
        'module\t\t\taubridge.so',
        'module_tmp\t\taccount.so',
        'module_app\t\tmenu.so',
        'module_app\t\tctrl_tcp.so',
        `ctrl_tcp_listen\t\t127.0.0.1:${ctrlPort}`,
        '',
      ].join('\n'),
    );
    const account = `<${o.aor}>;auth_pass=${o.password};outbound="sip:${o.proxy};transport=udp";regint=${o.regint ?? 600}${o.answerAuto ? ';answermode=auto' : ''}`;
    writeFileSync(join(this.dir, 'accounts'), `${account}\n`);
    writeFileSync(join(this.dir, 'contacts'), '');
    const proc = spawn(bin, ['-f', this.dir, '-s'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#proc = proc;
    proc.stdout?.on('data', (d: Buffer) => (this.#out += d.toString()));
    proc.stderr?.on('data', (d: Buffer) => (this.#out += d.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`baresip ${this.name} exited ${proc.exitCode}:\n${this.#out}`);
      try {
        this.#sock = await new Promise<Socket>((resolve, reject) => {
          const s = connect(ctrlPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`baresip ${this.name}: ctrl_tcp 127.0.0.1:${ctrlPort} never accepted:\n${this.#out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.#sock.on('data', (d: Buffer) => this.#onData(d));
    this.#sock.on('error', () => undefined);
  }

  #onData(d: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, d]);
    for (;;) {
      const colon = this.#buf.indexOf(0x3a);
      if (colon < 0) return;
      const len = Number(this.#buf.subarray(0, colon).toString());
      if (this.#buf.length < colon + 1 + len + 1) return;
      const body = this.#buf.subarray(colon + 1, colon + 1 + len).toString();
      this.#buf = this.#buf.subarray(colon + 1 + len + 1);
      const msg = JSON.parse(body) as BaresipEvent | BaresipResponse;
      if ('event' in msg) {
        this.events.push(msg);
        for (const w of [...this.#waiters]) {
          if (w.match(msg)) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1);
            w.resolve(msg);
          }
        }
      } else if (msg.token !== undefined) {
        this.#pending.get(msg.token)?.(msg);
        this.#pending.delete(msg.token);
      }
    }
  }

  /** A ctrl_tcp command (a long menu command: dial, hangup, reginfo, quit, …). */
  command(command: string, params = '', timeoutMs = 5000): Promise<BaresipResponse> {
    const token = String(++this.#token);
    const body = Buffer.from(JSON.stringify({ command, params, token }));
    this.#sock?.write(Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`baresip ${this.name}: no response to "${command} ${params}" in ${timeoutMs} ms`)), timeoutMs);
      this.#pending.set(token, (r) => {
        clearTimeout(t);
        resolve(r);
      });
    });
  }

  /**
   * Registration runs from startup, usually before ctrl_tcp is connected (so REGISTER_OK may never be
   * seen as an event): poll `reginfo` until the account shows OK.
   */
  async waitRegistered(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = (await this.command('reginfo')).data.replace(/\x1b\[[0-9;]*m/g, '');
      if (/\bOK\b/.test(last) || this.events.some((e) => e.type === 'REGISTER_OK')) return;
      if (Date.now() > deadline) {
        throw new Error(`baresip ${this.name}: not registered after ${timeoutMs} ms; reginfo: ${last.trim()}\n--- baresip output tail ---\n${this.#out.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The first event (already seen or coming) of `type`, within timeoutMs. */
  waitEvent(type: string, timeoutMs = 10_000): Promise<BaresipEvent> {
    const seen = this.events.find((e) => e.type === type);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        reject(new Error(`baresip ${this.name}: no ${type} event in ${timeoutMs} ms; events: ${this.events.map((e) => `${e.type}(${e.param ?? ''})`).join(', ')}\n--- baresip output tail ---\n${this.#out.slice(-4000)}`));
      }, timeoutMs);
      this.#waiters.push({ match: (e) => e.type === type, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  }

  async stop(): Promise<void> {
    const p = this.#proc;
    this.#proc = undefined;
    this.#sock?.destroy();
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      const t = setTimeout(() => p.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
