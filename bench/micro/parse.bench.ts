// npm run bench:parse — parse + access the common headers of a typical INVITE (~900 bytes) and a
// 200 OK on one core. Prints messages/s and an estimate of bytes allocated per message.
//
// It measures the compiled message layer in dist/ (`prebench:parse` builds it with
// bench/micro/tsconfig.json); BENCH_SOURCE=src measures the TypeScript sources through tsx
// instead. BENCH_SECONDS sets the time per case (default 3).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type MessageLayer = typeof import('../../src/sip/message/index.js');

const fromSource = process.env.BENCH_SOURCE === 'src';
const entry = new URL(fromSource ? '../../src/sip/message/index.js' : '../../dist/sip/message/index.js', import.meta.url);
const { parseMessage } = (await import(entry.href)) as MessageLayer;

const fixtures = fileURLToPath(new URL('../../test/fixtures/sip/', import.meta.url));
const invite = readFileSync(`${fixtures}invite-typical.sip`);
const ok200 = readFileSync(`${fixtures}ok-200.sip`);

function work(buf: Buffer): number {
  const r = parseMessage(buf);
  if (!r.ok) throw r.error;
  const m = r.message;
  // the headers a proxy reads for every message
  let acc = m.topVia.branch!.length + m.callId.length + m.cseq.seq + (m.from.tag?.length ?? 0) + (m.to.tag?.length ?? 0);
  acc += m.maxForwards ?? 0;
  acc += m.isRequest ? m.uri.host.length + m.routes.length : m.status;
  return acc;
}

function run(name: string, buf: Buffer, seconds: number): void {
  for (let i = 0; i < 20000; i++) work(buf); // warm up the JIT
  const gc = (globalThis as { gc?: () => void }).gc;
  let n = 0;
  let sink = 0;
  // allocation: heap growth over a short window right after a full collection
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < 2000; i++) sink += work(buf);
  const allocSample = (process.memoryUsage().heapUsed - heap0) / 2000;
  // Wall-clock rate, plus the rate per second of this process's CPU time: on a shared machine the
  // second is the steadier figure (time spent descheduled does not count against the parser).
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const deadline = t0 + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 1000; i++) sink += work(buf);
    n += 1000;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const rate = n / secs;
  const cpuRate = n / ((cpu.user + cpu.system) / 1e6);
  const fmt = (r: number): string => Math.round(r).toLocaleString('en-US').padStart(9);
  console.log(`${name.padEnd(8)} ${buf.length} bytes  ${fmt(rate)} msg/s  ${(1e6 / rate).toFixed(2)} µs/msg  ${fmt(cpuRate)} msg/CPU-s  ~${Math.round(allocSample)} bytes allocated/msg${gc ? '' : ' (run with --expose-gc for a cleaner figure)'}  [${sink > 0 ? 'ok' : ''}]`);
}

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
console.log(`bench:parse — node ${process.version}, ${seconds}s per case, one core, ${fromSource ? 'TypeScript sources via tsx' : 'compiled dist/'}`);
run('INVITE', invite, seconds);
run('200 OK', ok200, seconds);
