// The one configuration schema (design brief: "validated by a schema that names the exact path of
// any error"). Later issues add routing, trunks, priority and management sections here.
import { z } from 'zod';
import { addRoutingIssues, routingSections } from '../routing/config.js';

const duration = z.union([z.number().nonnegative(), z.string().regex(/^\d+(ms|s|m)$/, 'a duration such as 500ms, 10s or 2m')]);

export const sipSchema = z.strictObject({
  /** RFC 3261 §17.1.1.1 timer values, milliseconds. */
  t1: z.number().int().min(50).max(10_000).default(500),
  t2: z.number().int().min(500).max(60_000).default(4000),
  t4: z.number().int().min(500).max(60_000).default(5000),
  maxMessageSize: z.number().int().min(1500).max(1_048_576).default(65_535),
  udpBufferSize: z.number().int().min(65_536).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  tcpIdleTimeout: duration.default('10m'),
  maxConnections: z.number().int().min(1).max(1_000_000).default(10_000),
  userAgent: z.string().min(1).max(200).default('Precedence'),
});

export const registrarSchema = z.strictObject({
  /** Challenge REGISTER with digest authentication against the subscriber store (RFC 3261 §22). */
  auth: z.boolean().default(true),
  /** HMAC key for digest nonces; set the same value on every node of a cluster (default: random per process). */
  nonceSecret: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * Digest algorithms offered in 401 challenges, one WWW-Authenticate each, in this order (RFC 8760:
   * preferred first). Default MD5 only, as Kamailio does: deployed clients such as baresip 1.0 fail the
   * whole registration when any SHA-256 challenge is present, and SIPp 3.6 reads only the first one.
   * `[SHA-256, MD5]` enables RFC 8760 for fleets whose phones support it.
   */
  digestAlgorithms: z.array(z.enum(['MD5', 'SHA-256'])).min(1).default(['MD5']),
  minExpires: z.number().int().min(1).max(86_400).default(60),
  maxExpires: z.number().int().min(1).max(604_800).default(3600),
  defaultExpires: z.number().int().min(1).max(604_800).default(3600),
});

export const proxySchema = z.strictObject({
  /** proxy: stateful proxy (RFC 3261 §16); redirect: answer INVITE with 302 and the routed Contacts. */
  mode: z.enum(['proxy', 'redirect']).default('proxy'),
  recordRoute: z.boolean().default(true),
  /** RFC 3261 §16.6 step 11: Timer C, > 3 minutes recommended. */
  timerC: duration.default('180s'),
});

export const configSchema = z.strictObject({
  listen: z.array(z.string().min(1)).min(1, 'at least one listen address').default(['udp://127.0.0.1:5060']),
  domains: z.array(z.string().min(1)).default([]),
  tls: z.strictObject({ cert: z.string(), key: z.string(), ca: z.string().optional() }).optional(),
  sip: sipSchema.default(sipSchema.parse({})),
  log: z.strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') }).default({ level: 'info' }),
  store: z.string().default('sqlite:./data/precedence.db'),
  registrar: registrarSchema.default(registrarSchema.parse({})),
  proxy: proxySchema.default(proxySchema.parse({})),
  ...routingSections,
}).superRefine((cfg, ctx) => addRoutingIssues(cfg, ctx));

export type Config = z.infer<typeof configSchema>;

export function durationMs(v: number | string): number {
  if (typeof v === 'number') return v;
  const n = Number.parseInt(v, 10);
  if (v.endsWith('ms')) return n;
  if (v.endsWith('m')) return n * 60_000;
  return n * 1000;
}
