// Configuration sections of the routing server: `trunks`, `routes`, `numbering`, `lnp` and `enum`.
//
// The main configuration embeds `routingSections` (spread into its object) and calls
// `addRoutingIssues` from its superRefine, so cross-reference errors carry paths from the top of the
// file (`routes[3].trunks[0]: unknown trunk "carier-a"`). `routingConfigSchema` is the same thing
// standing alone. Durations (`"8s"`, `"500ms"`, `"2m"` or a number of milliseconds) come out as
// milliseconds.
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseTrunkUri } from './target-uri.js';

/** SIP statuses that move a call on to the next trunk unless a trunk says otherwise. */
export const DEFAULT_FAILOVER_ON: readonly number[] = Object.freeze([408, 480, 500, 502, 503, 504]);
export const DEFAULT_TRUNK_TIMEOUT_MS = 8000;

const duration = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(ms|s|m)$/, 'a duration such as 500ms, 10s or 2m')])
  .transform((v) => (typeof v === 'number' ? v : v.endsWith('ms') ? Number.parseInt(v, 10) : Number.parseInt(v, 10) * (v.endsWith('m') ? 60_000 : 1000)));

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of letters, digits, ".", "_" or "-" (at most 64)');
/** A number prefix: digits with an optional leading "+"; "" matches every number. */
const numberPrefix = z.string().regex(/^\+?[0-9*#]*$/, 'digits with an optional leading "+", e.g. "+1555" ("" matches everything)');
const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number such as "+15551230000"');
const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** How numbers from one source are written: `5551234567`, `15551234567`, `011 44 ...` for NANP. */
export const numberingContextSchema = z.strictObject({
  countryCode: z.string().regex(/^[1-9]\d{0,2}$/, 'a country calling code of 1-3 digits, e.g. "1" or "44"'),
  nationalPrefix: z.string().regex(/^\d{0,3}$/, 'the national (trunk) prefix, e.g. "1" or "0" ("" for none)'),
  internationalPrefix: z.string().regex(/^\d{1,4}$/, 'the international prefix, e.g. "011" or "00"'),
});

export const numberingSchema = numberingContextSchema.extend({
  /** Fewer digits than this in the E.164 result (country code included) → 484 Address Incomplete. */
  minLength: z.number().int().min(1).max(15).optional(),
  /** Dialled strings routed as dialled, without normalisation or minLength (e.g. "911", "112"). */
  shortCodes: z.array(z.string().regex(/^[0-9*#]{1,15}$/, 'digits, "*" or "#"')).default([]),
});

export const trunkPingSchema = z.strictObject({
  interval: duration,
  timeout: duration.default(5000),
  downAfter: z.number().int().min(1).default(3),
  upAfter: z.number().int().min(1).default(2),
});

export const trunkSchema = z.strictObject({
  name,
  uri: z.string().superRefine((v, ctx) => {
    const r = parseTrunkUri(v);
    if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
  }),
  maxCalls: z.number().int().positive().optional(),
  cps: z.number().positive().optional(),
  trusted: z.boolean().default(false),
  ping: z.union([z.literal(false), trunkPingSchema]).default(false),
  failoverOn: z.array(z.number().int().min(400).max(699)).default([...DEFAULT_FAILOVER_ON]),
  timeout: duration.default(DEFAULT_TRUNK_TIMEOUT_MS),
  prefix: z.string().regex(/^\+?[0-9*#]*$/, 'digits with an optional leading "+"').default(''),
  strip: z.number().int().min(0).max(15).default(0),
  normalize: numberingContextSchema.optional(),
});

export const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type DayName = (typeof DAY_NAMES)[number];

export const timeWindowSchema = z
  .strictObject({
    days: z.array(z.enum(DAY_NAMES)).min(1).optional(),
    from: z.string().regex(hhmm, 'a time of day "HH:MM", e.g. "08:00"'),
    to: z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time of day "HH:MM", e.g. "18:00" (or "24:00")'),
    tz: z.string().refine(isTimeZone, 'an IANA time zone such as "UTC" or "America/New_York"').default('UTC'),
  })
  .superRefine((w, ctx) => {
    if (w.from === w.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must differ from "from" (an empty window never matches)' });
  });

export const translationSchema = z.strictObject({
  /** Characters removed from the front of the number (a leading "+" counts). */
  strip: z.number().int().min(0).max(16).default(0),
  prefix: z.string().regex(/^\+?[0-9*#]*$/, 'digits with an optional leading "+"').default(''),
});

export const routeSchema = z.strictObject({
  name: name.optional(),
  prefix: numberPrefix,
  trunks: z.array(name).min(1, 'at least one trunk'),
  strategy: z.enum(['failover', 'weighted', 'lcr']).default('failover'),
  weights: z.record(z.string(), z.number().nonnegative()).optional(),
  rates: z.array(z.strictObject({ trunk: name, prefix: numberPrefix, rate: z.number().nonnegative() })).optional(),
  when: z
    .strictObject({
      sourceTrunk: z.array(name).min(1).optional(),
      caller: z.array(numberPrefix).min(1).optional(),
      time: timeWindowSchema.optional(),
    })
    .optional(),
  translate: translationSchema.optional(),
});

export const lnpEntrySchema = z.strictObject({ number: e164, routingNumber: e164 });

export const enumSchema = z.strictObject({
  enabled: z.boolean().default(false),
  domain: z.string().regex(/^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/, 'a DNS domain such as "e164.arpa"').default('e164.arpa'),
  servers: z.array(z.string().refine(isDnsServer, 'a DNS server address such as "127.0.0.1:53" or "[::1]:53"')).optional(),
  timeout: duration.default(2000),
});

function isDnsServer(s: string): boolean {
  const m = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(s) ?? /^([^:]+)(?::(\d{1,5}))?$/.exec(s);
  const host = m?.[1] ?? s; // bare IPv6 without port
  const port = m?.[2] === undefined ? 53 : Number(m[2]);
  return isIP(host) !== 0 && port >= 1 && port <= 65535;
}

/** The routing sections, to spread into the main configuration object. */
export const routingSections = {
  trunks: z.array(trunkSchema).default([]),
  routes: z.array(routeSchema).default([]),
  numbering: numberingSchema.optional(),
  lnp: z.array(lnpEntrySchema).default([]),
  enum: enumSchema.prefault({}),
};

/** The routing sections standing alone, cross-references checked. */
export const routingConfigSchema = z.strictObject(routingSections).superRefine((cfg, ctx) => addRoutingIssues(cfg, ctx));

export type RoutingConfig = z.output<typeof routingConfigSchema>;
export type RoutingConfigInput = z.input<typeof routingConfigSchema>;
export type TrunkConfig = z.output<typeof trunkSchema>;
export type RouteConfig = z.output<typeof routeSchema>;
export type NumberingContext = z.output<typeof numberingContextSchema>;
export type NumberingConfig = z.output<typeof numberingSchema>;
export type TimeWindowConfig = z.output<typeof timeWindowSchema>;
export type EnumConfig = z.output<typeof enumSchema>;

export interface RoutingIssue {
  path: (string | number)[];
  message: string;
}

/** Trunk name given to ENUM targets in a RouteDecision; no configured trunk may use it. */
export const ENUM_TARGET = 'enum';

/** Checks what a schema on one element cannot: names that refer to each other, duplicates, shadowed rules. */
export function routingReferenceIssues(cfg: Pick<RoutingConfig, 'trunks' | 'routes' | 'lnp'>): RoutingIssue[] {
  const out: RoutingIssue[] = [];
  const trunks = new Set<string>();
  cfg.trunks.forEach((t, i) => {
    if (t.name === ENUM_TARGET) out.push({ path: ['trunks', i, 'name'], message: `"${ENUM_TARGET}" is reserved for ENUM targets` });
    else if (trunks.has(t.name)) out.push({ path: ['trunks', i, 'name'], message: `duplicate trunk name "${t.name}"` });
    trunks.add(t.name);
  });
  const routeNames = new Set<string>();
  const unconditional = new Map<string, number>();
  cfg.routes.forEach((r, i) => {
    const at = (...p: (string | number)[]): (string | number)[] => ['routes', i, ...p];
    if (r.name !== undefined) {
      if (routeNames.has(r.name)) out.push({ path: at('name'), message: `duplicate route name "${r.name}"` });
      routeNames.add(r.name);
    }
    const inRoute = new Set<string>();
    r.trunks.forEach((t, j) => {
      if (!trunks.has(t)) out.push({ path: at('trunks', j), message: `unknown trunk "${t}"` });
      else if (inRoute.has(t)) out.push({ path: at('trunks', j), message: `trunk "${t}" is listed twice` });
      inRoute.add(t);
    });
    if (r.weights !== undefined) {
      if (r.strategy !== 'weighted') out.push({ path: at('weights'), message: `weights apply only to strategy "weighted", not "${r.strategy}"` });
      for (const t of Object.keys(r.weights)) {
        if (!inRoute.has(t)) out.push({ path: at('weights', t), message: `weight for trunk "${t}", which is not in this route` });
      }
    }
    if (r.rates !== undefined) {
      if (r.strategy !== 'lcr') out.push({ path: at('rates'), message: `rates apply only to strategy "lcr", not "${r.strategy}"` });
      const seen = new Set<string>();
      r.rates.forEach((rate, k) => {
        const key = `${rate.trunk} ${rate.prefix}`;
        if (!inRoute.has(rate.trunk)) out.push({ path: at('rates', k, 'trunk'), message: `rate for trunk "${rate.trunk}", which is not in this route` });
        else if (seen.has(key)) out.push({ path: at('rates', k, 'prefix'), message: `duplicate rate for trunk "${rate.trunk}" and prefix "${rate.prefix}"` });
        seen.add(key);
      });
    }
    r.when?.sourceTrunk?.forEach((t, k) => {
      if (!trunks.has(t)) out.push({ path: at('when', 'sourceTrunk', k), message: `unknown trunk "${t}"` });
    });
    const shadow = unconditional.get(r.prefix);
    if (shadow !== undefined) {
      out.push({ path: at('prefix'), message: `unreachable: routes[${shadow}] has the same prefix "${r.prefix}" and no conditions` });
    } else if (r.when === undefined || (r.when.sourceTrunk === undefined && r.when.caller === undefined && r.when.time === undefined)) {
      unconditional.set(r.prefix, i);
    }
  });
  const ported = new Set<string>();
  cfg.lnp.forEach((e, i) => {
    if (ported.has(e.number)) out.push({ path: ['lnp', i, 'number'], message: `duplicate LNP entry for "${e.number}"` });
    ported.add(e.number);
  });
  return out;
}

/** For the main configuration's superRefine: reports `routingReferenceIssues` on `ctx`. */
export function addRoutingIssues(
  cfg: Pick<RoutingConfig, 'trunks' | 'routes' | 'lnp'>,
  ctx: { addIssue(issue: { code: 'custom'; message: string; path: (string | number)[] }): void },
): void {
  for (const issue of routingReferenceIssues(cfg)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
}
