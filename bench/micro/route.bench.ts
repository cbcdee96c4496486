// npm run bench:route — the routing hot path with 100,000 random routes on one core:
//   1. PrefixTrie build time and longest-prefix lookups/s,
//   2. routing config parse + RoutingEngine build time and route() decisions/s (normalise, LNP,
//      match, failover order, targets with a trace).
// BENCH_ROUTES sets the route count (default 100000), BENCH_SECONDS the time per case (default 3).
import { PrefixTrie, RoutingEngine, routingConfigSchema, type RouteRequest } from '../../src/routing/index.js';

const ROUTES = Number(process.env.BENCH_ROUTES ?? 100_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 3);

// deterministic pseudo-random digits (mulberry32)
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const digits = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(48 + Math.floor(random() * 10));
  return s;
};

// 100k distinct prefixes of "+" and 2–8 digits (country code + area/exchange), first digit non-zero
const prefixes = new Set<string>();
while (prefixes.size < ROUTES) prefixes.add(`+${1 + Math.floor(random() * 9)}${digits(1 + Math.floor(random() * 7))}`);
const prefixList = [...prefixes];
// called numbers: 11–13 digit E.164 numbers, half of them under a known prefix
const keys: string[] = [];
for (let i = 0; i < 8192; i++) {
  const base = i % 2 === 0 ? prefixList[Math.floor(random() * prefixList.length)] : `+${1 + Math.floor(random() * 9)}`;
  keys.push(base + digits(12 - base.length + Math.floor(random() * 3)));
}

function time<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [r, Number(process.hrtime.bigint() - t0) / 1e6];
}

function rate(name: string, op: (i: number) => number): void {
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += op(i); // warm up the JIT
  let n = 0;
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 4096; i++) sink += op(n + i);
    n += 4096;
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const r = n / secs;
  console.log(`${name.padEnd(34)} ${Math.round(r).toLocaleString('en-US').padStart(12)} /s  ${(1e9 / r).toFixed(0).padStart(6)} ns/op  [${sink > 0 ? 'ok' : '-'}]`);
}

console.log(`bench:route — node ${process.version}, ${ROUTES.toLocaleString('en-US')} routes, ${seconds}s per case, one core`);

// 1. the trie alone
const builds: number[] = [];
let trie = new PrefixTrie<number>();
for (let run = 0; run < 5; run++) {
  const [t, ms] = time(() => {
    const t = new PrefixTrie<number>();
    for (let i = 0; i < prefixList.length; i++) t.set(prefixList[i], i);
    return t;
  });
  trie = t;
  builds.push(ms);
}
builds.sort((a, b) => a - b);
console.log(`${'PrefixTrie build'.padEnd(34)} ${builds[2].toFixed(1).padStart(12)} ms (median of 5; ${trie.size.toLocaleString('en-US')} prefixes)`);
const mask = keys.length - 1;
rate('PrefixTrie.lookup (12-15 char keys)', (i) => (trie.lookup(keys[i & mask]) ?? 0) + 1);

// 2. the whole engine
const trunks = ['carrier-a', 'carrier-b', 'carrier-c'].map((name, i) => ({ name, uri: `sip:192.0.2.${10 + i}:5060` }));
const raw = {
  trunks,
  numbering: { countryCode: '1', nationalPrefix: '1', internationalPrefix: '011' },
  routes: [{ name: 'default', prefix: '', trunks: ['carrier-c'] }, ...prefixList.map((prefix, i) => ({ prefix, trunks: i % 2 === 0 ? ['carrier-a', 'carrier-b'] : ['carrier-b', 'carrier-a'] }))],
  lnp: Array.from({ length: 1000 }, () => ({ number: `+1${2 + Math.floor(random() * 8)}${digits(9)}`, routingNumber: `+1${2 + Math.floor(random() * 8)}${digits(9)}` })),
};
const [config, parseMs] = time(() => routingConfigSchema.parse(raw));
const [engine, buildMs] = time(() => new RoutingEngine(config));
console.log(`${'routing config parse (zod)'.padEnd(34)} ${parseMs.toFixed(1).padStart(12)} ms`);
console.log(`${'RoutingEngine build'.padEnd(34)} ${buildMs.toFixed(1).padStart(12)} ms`);
const at = new Date();
const requests: RouteRequest[] = keys.map((called) => ({ called, at }));
const states = { up: true, full: false };
rate('RoutingEngine.route (E.164 in)', (i) => {
  const d = engine.route(requests[i & mask], () => states);
  return d.kind === 'route' ? d.targets.length : 1;
});
const national: RouteRequest[] = keys.map((k) => ({ called: `(${k.slice(2, 5)}) ${k.slice(5, 8)}-${k.slice(8)}`, at }));
rate('RoutingEngine.route (national in)', (i) => {
  const d = engine.route(national[i & mask], () => states);
  return d.kind === 'route' ? d.targets.length : 1;
});
