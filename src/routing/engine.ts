// The routing engine (BGCF / call routing): a dialled number in, an ordered list of trunk targets
// (or a 404/484) out, with a human-readable trace of every step. Pure (style §2.2): trunk state, the
// clock and any ENUM answer come in with the request; the configuration is compiled once, and a
// reload builds a new engine.
import { parseUri } from '../sip/message/index.js';
import {
  DEFAULT_FAILOVER_ON, DEFAULT_TRUNK_TIMEOUT_MS, ENUM_TARGET, routingReferenceIssues,
  type NumberingContext, type RouteConfig, type RoutingConfig, type TrunkConfig,
} from './config.js';
import { dialString, normalizeNumber, toE164 } from './normalize.js';
import { PrefixTrie } from './prefix-trie.js';
import { lcrOrder, weightedOrder } from './strategy.js';
import { parseTrunkUri, uriDestination, type Destination } from './target-uri.js';
import { TimeWindow } from './time-window.js';

export interface RouteRequest {
  /** User part of the Request-URI, or a tel number, as dialled (URIs are unwrapped). */
  called: string;
  caller?: string;
  /** Name of the trunk the call came in on (its numbering context applies). */
  sourceTrunk?: string;
  /** The instant the call is routed at (time-of-day conditions). */
  at: Date;
  /** A sip:/sips: URI from an ENUM lookup done by the caller; tried before any trunk. */
  enumResult?: string;
}

export interface TrunkStatus {
  up: boolean;
  /** At maxCalls or cps. */
  full: boolean;
}

export interface RouteTarget {
  /** Trunk name; "enum" for a target from `RouteRequest.enumResult`. */
  trunk: string;
  /** Request-URI to send to: sip:<number>@<trunk host:port>;user=phone, egress strip/prefix applied. */
  uri: string;
  destination: Destination;
  /** Final statuses that move the call on to the next target. */
  failoverOn: number[];
  /** No provisional or final response within this → next target. */
  timeoutMs: number;
}

export type RouteDecision =
  | {
      kind: 'route';
      rule: string;
      dialled: string;
      /** Normalised, after LNP and the route's translation. */
      called: string;
      targets: RouteTarget[];
      trace: string[];
      /** Set when LNP replaced a ported number by its routing number (for rn/npdi, RFC 4694). */
      ported?: { number: string; routingNumber: string };
    }
  | { kind: 'no-route'; status: 404 | 484; reason: string; trace: string[] };

export interface RoutingEngineOptions {
  /** Random source in [0, 1) for the weighted strategy. Default Math.random. */
  random?: () => number;
}

interface Trunk {
  name: string;
  uriStart: string;
  uriEnd: string;
  destination: Destination;
  failoverOn: readonly number[];
  timeoutMs: number;
  strip: number;
  prefix: string;
  context: NumberingContext | undefined;
}

interface Rule {
  name: string;
  label: string;
  trunks: Trunk[];
  /** The trace line of the failover order, built once. */
  failoverText: string;
  strategy: RouteConfig['strategy'];
  weights: number[];
  rates: (PrefixTrie<number> | undefined)[];
  sourceTrunks: ReadonlySet<string> | undefined;
  callers: PrefixTrie<true> | undefined;
  callerText: string;
  window: TimeWindow | undefined;
  translate: { strip: number; prefix: string } | undefined;
}

const ALWAYS_UP: TrunkStatus = { up: true, full: false };

export class RoutingEngine {
  readonly #trunks = new Map<string, Trunk>();
  readonly #rules = new PrefixTrie<Rule[]>();
  readonly #lnp = new Map<string, string>();
  readonly #numbering: NumberingContext | undefined;
  readonly #minLength: number;
  readonly #shortCodes: ReadonlySet<string>;
  readonly #random: () => number;

  constructor(config: RoutingConfig, options: RoutingEngineOptions = {}) {
    const issues = routingReferenceIssues(config);
    if (issues.length > 0) {
      throw new RangeError(`invalid routing configuration: ${issues.map((i) => `${formatPath(i.path)}: ${i.message}`).join('; ')}`);
    }
    this.#random = options.random ?? Math.random;
    this.#numbering = config.numbering;
    this.#minLength = config.numbering?.minLength ?? 0;
    this.#shortCodes = new Set(config.numbering?.shortCodes ?? []);
    for (const t of config.trunks) this.#trunks.set(t.name, compileTrunk(t));
    config.routes.forEach((r, i) => {
      const rule = this.#compileRule(r, i);
      const list = this.#rules.get(r.prefix);
      if (list === undefined) this.#rules.set(r.prefix, [rule]);
      else list.push(rule);
    });
    for (const e of config.lnp) this.#lnp.set(e.number, e.routingNumber);
  }

  route(req: RouteRequest, trunkState?: (trunk: string) => TrunkStatus): RouteDecision {
    const trace: string[] = [];
    trace.push(`dialled "${req.called}"${req.sourceTrunk === undefined ? '' : ` from trunk ${req.sourceTrunk}`}${req.caller === undefined ? '' : `, caller "${req.caller}"`}`);
    const source = req.sourceTrunk === undefined ? undefined : this.#trunks.get(req.sourceTrunk);
    if (req.sourceTrunk !== undefined && source === undefined) trace.push(`source trunk "${req.sourceTrunk}" is not configured: global numbering context`);
    const ctx = source?.context ?? this.#numbering;

    // 1. normalise
    const normalised = this.#normalise(req.called, ctx, source?.context === undefined ? 'global context' : `context of ${source.name}`, trace);
    if (typeof normalised !== 'string') return normalised;
    let called = normalised;

    // 2. local number portability
    let ported: { number: string; routingNumber: string } | undefined;
    const rn = this.#lnp.get(called);
    if (rn !== undefined) {
      trace.push(`LNP: "${called}" is ported → routing number "${rn}"`);
      ported = { number: called, routingNumber: rn };
      called = rn;
    } else if (this.#lnp.size > 0) {
      trace.push(`LNP: "${called}" is not ported`);
    }

    // 3. ENUM answer from the caller, tried first
    const enumTarget = req.enumResult === undefined ? undefined : enumTargetOf(req.enumResult, trace);

    // 4. rule: longest prefix first, first whose conditions hold
    const rule = this.#selectRule(called, req, ctx, trace);
    if (typeof rule === 'string') {
      if (enumTarget === undefined) return noRoute(404, rule, trace);
      trace.push(`no rule (${rule}): ENUM target only`);
      return withPorted({ kind: 'route', rule: ENUM_TARGET, dialled: req.called, called, targets: [enumTarget], trace }, ported);
    }

    // 5. translation (LCR rates still apply to the number as routed)
    const routed = called;
    if (rule.translate !== undefined) {
      const t = rule.translate;
      called = t.prefix + routed.slice(t.strip);
      trace.push(`translated "${routed}" → "${called}" (strip ${t.strip}, prefix "${t.prefix}")`);
    }

    // 6. order by strategy, 7. drop unavailable trunks
    const targets: RouteTarget[] = enumTarget === undefined ? [] : [enumTarget];
    const unavailable = this.#addTargets(this.#order(rule, routed, trace), called, trunkState, targets, trace);
    if (targets.length === 0) return noRoute(404, `all trunks of rule "${rule.name}" are unavailable: ${unavailable.join(', ')}`, trace);
    return withPorted({ kind: 'route', rule: rule.name, dialled: req.called, called, targets, trace }, ported);
  }

  /** The E.164 number (or short code) to route, or the 404/484 decision. */
  #normalise(input: string, ctx: NumberingContext | undefined, ctxName: string, trace: string[]): string | RouteDecision {
    const dial = dialString(input);
    if (dial === undefined) return noRoute(404, `"${input}" is not a telephone number`, trace);
    if (this.#shortCodes.has(dial)) {
      trace.push(`"${dial}" is a short code: routed as dialled`);
      return dial;
    }
    const e164 = toE164(dial, ctx);
    if (e164 === undefined) {
      const why = ctx === undefined && dial.charCodeAt(0) !== 43 ? 'no numbering context for a national number' : 'not a valid E.164 number';
      return noRoute(404, `"${input}" cannot be normalised: ${why}`, trace);
    }
    trace.push(e164 === input ? `"${e164}" is already E.164` : `normalised "${input}" → "${e164}" (${ctxName})`);
    const digits = e164.length - 1;
    if (digits < this.#minLength) return noRoute(484, `"${e164}" is incomplete: ${digits} digits, minLength is ${this.#minLength}`, trace);
    return e164;
  }

  /** Appends a target per available trunk; returns "<trunk> <why>" for each one left out. */
  #addTargets(ordered: readonly Trunk[], called: string, trunkState: ((trunk: string) => TrunkStatus) | undefined, targets: RouteTarget[], trace: string[]): string[] {
    const unavailable: string[] = [];
    for (const trunk of ordered) {
      const st = trunkState === undefined ? ALWAYS_UP : trunkState(trunk.name);
      const why = !st.up ? 'down' : st.full ? 'full' : undefined;
      if (why !== undefined) {
        trace.push(`${trunk.name} skipped: ${why}`);
        unavailable.push(`${trunk.name} ${why}`);
        continue;
      }
      const number = trunk.prefix + called.slice(trunk.strip);
      if (number.length === 0) {
        trace.push(`${trunk.name} skipped: egress strip ${trunk.strip} leaves no digits`);
        unavailable.push(`${trunk.name} strips everything`);
        continue;
      }
      if (trunk.strip > 0 || trunk.prefix !== '') trace.push(`${trunk.name}: egress strip ${trunk.strip}, prefix "${trunk.prefix}" → "${number}"`);
      const uri = trunk.uriStart + escapeUser(number) + trunk.uriEnd;
      trace.push(`target ${trunk.name}: ${uri}`);
      targets.push({ trunk: trunk.name, uri, destination: { ...trunk.destination }, failoverOn: [...trunk.failoverOn], timeoutMs: trunk.timeoutMs });
    }
    return unavailable;
  }

  #selectRule(called: string, req: RouteRequest, ctx: NumberingContext | undefined, trace: string[]): Rule | string {
    const matches = this.#rules.valuesAll(called);
    let caller: string | undefined;
    let skipped = 0;
    for (const rules of matches) {
      for (const rule of rules) {
        let why: string | undefined;
        if (rule.sourceTrunks !== undefined) {
          if (req.sourceTrunk === undefined) why = 'no source trunk';
          else if (!rule.sourceTrunks.has(req.sourceTrunk)) why = `source trunk ${req.sourceTrunk} is not one of [${[...rule.sourceTrunks].join(', ')}]`;
        }
        if (why === undefined && rule.callers !== undefined) {
          if (req.caller === undefined) why = 'no caller';
          else {
            caller ??= normalizeNumber(req.caller, ctx) ?? dialString(req.caller) ?? req.caller;
            if (rule.callers.lookup(caller) === undefined) why = `caller "${caller}" matches none of [${rule.callerText}]`;
          }
        }
        if (why === undefined && rule.window !== undefined) {
          const c = rule.window.check(req.at);
          if (!c.inside) why = `time ${c.local} is outside ${rule.window.toString()}`;
        }
        if (why === undefined) {
          trace.push(`${rule.label} matched`);
          return rule;
        }
        skipped++;
        trace.push(`${rule.label} skipped: ${why}`);
      }
    }
    if (skipped === 0) return `no route for "${called}"`;
    return `no route for "${called}": ${skipped} rule${skipped === 1 ? '' : 's'} matched the prefix but not the conditions`;
  }

  #order(rule: Rule, rateNumber: string, trace: string[]): Trunk[] {
    if (rule.strategy === 'weighted') {
      const order = weightedOrder(rule.trunks, rule.weights, this.#random);
      let line = 'weighted order:';
      for (let i = 0; i < order.length; i++) line += `${i === 0 ? ' ' : ', '}${order[i].name} (weight ${rule.weights[rule.trunks.indexOf(order[i])]})`;
      trace.push(line);
      return order;
    }
    if (rule.strategy === 'lcr') {
      const found = rule.rates.map((trie) => trie?.match(rateNumber));
      const order = lcrOrder(rule.trunks, found.map((m) => m?.value));
      let line = 'lcr order:';
      for (let i = 0; i < order.length; i++) {
        const m = found[rule.trunks.indexOf(order[i])];
        line += `${i === 0 ? ' ' : ', '}${order[i].name} ${m === undefined ? 'no rate' : `${m.value} (${m.prefix === '' ? 'default' : m.prefix})`}`;
      }
      trace.push(line);
      return order;
    }
    trace.push(rule.failoverText);
    return rule.trunks;
  }

  #compileRule(r: RouteConfig, index: number): Rule {
    const name = r.name ?? `routes[${index}]`;
    const trunks = r.trunks.map((n) => this.#trunks.get(n) as Trunk);
    const rates = trunks.map((t) => {
      const mine = (r.rates ?? []).filter((x) => x.trunk === t.name);
      return mine.length === 0 ? undefined : PrefixTrie.from(mine.map((x) => [x.prefix, x.rate] as const));
    });
    const callers = r.when?.caller;
    return {
      name,
      label: `rule "${name}" (${r.prefix === '' ? 'default prefix' : `prefix ${r.prefix}`})`,
      trunks,
      failoverText: `failover order: ${r.trunks.join(', ')}`,
      strategy: r.strategy,
      weights: trunks.map((t) => r.weights?.[t.name] ?? 1),
      rates,
      sourceTrunks: r.when?.sourceTrunk === undefined ? undefined : new Set(r.when.sourceTrunk),
      callers: callers === undefined ? undefined : PrefixTrie.from(callers.map((p) => [p, true] as const)),
      callerText: callers === undefined ? '' : callers.map((p) => (p === '' ? '""' : p)).join(', '),
      window: r.when?.time === undefined ? undefined : new TimeWindow(r.when.time),
      translate: r.translate,
    };
  }
}

function compileTrunk(t: TrunkConfig): Trunk {
  const u = parseTrunkUri(t.uri);
  if (typeof u === 'string') throw new RangeError(`trunk ${t.name}: uri ${u}`);
  const transport = u.destination.transport === undefined ? '' : `;transport=${u.destination.transport}`;
  return {
    name: t.name,
    uriStart: `${u.scheme}:`,
    uriEnd: `@${u.hostPort};user=phone${transport}`,
    destination: u.destination,
    failoverOn: t.failoverOn ?? DEFAULT_FAILOVER_ON,
    timeoutMs: t.timeout ?? DEFAULT_TRUNK_TIMEOUT_MS,
    strip: t.strip ?? 0,
    prefix: t.prefix ?? '',
    context: t.normalize,
  };
}

function enumTargetOf(result: string, trace: string[]): RouteTarget | undefined {
  const uri = parseUri(result);
  if (uri === undefined || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) {
    trace.push(`ENUM result "${result}" ignored: not a sip: or sips: URI`);
    return undefined;
  }
  trace.push(`ENUM: target ${result} ahead of any trunk`);
  return { trunk: ENUM_TARGET, uri: result, destination: uriDestination(uri), failoverOn: [...DEFAULT_FAILOVER_ON], timeoutMs: DEFAULT_TRUNK_TIMEOUT_MS };
}

/** "#" is not allowed unescaped in a SIP user part (RFC 3261 §25.1). */
function escapeUser(number: string): string {
  return number.includes('#') ? number.replaceAll('#', '%23') : number;
}

function noRoute(status: 404 | 484, reason: string, trace: string[]): RouteDecision {
  trace.push(`no route (${status}): ${reason}`);
  return { kind: 'no-route', status, reason, trace };
}

function withPorted(d: Extract<RouteDecision, { kind: 'route' }>, ported: { number: string; routingNumber: string } | undefined): RouteDecision {
  if (ported !== undefined) d.ported = ported;
  return d;
}

function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out.length === 0 ? p : `.${p}`;
  return out;
}
