// Routing server (BGCF / call routing): pure decision engine plus its configuration sections and
// the ENUM lookup the proxy runs before routing.
export {
  routingSections, routingConfigSchema, routingReferenceIssues, addRoutingIssues,
  trunkSchema, trunkPingSchema, routeSchema, numberingSchema, numberingContextSchema, timeWindowSchema,
  translationSchema, lnpEntrySchema, enumSchema, DEFAULT_FAILOVER_ON, DEFAULT_TRUNK_TIMEOUT_MS, ENUM_TARGET, DAY_NAMES,
  type RoutingConfig, type RoutingConfigInput, type TrunkConfig, type RouteConfig, type NumberingContext,
  type NumberingConfig, type TimeWindowConfig, type EnumConfig, type RoutingIssue, type DayName,
} from './config.js';
export { RoutingEngine, type RouteRequest, type RouteDecision, type RouteTarget, type TrunkStatus, type RoutingEngineOptions } from './engine.js';
export { normalizeNumber, dialString, toE164 } from './normalize.js';
export { PrefixTrie, type PrefixMatch } from './prefix-trie.js';
export { weightedOrder, lcrOrder } from './strategy.js';
export { TimeWindow, type TimeCheck } from './time-window.js';
export { parseTrunkUri, uriDestination, type Destination, type TrunkUri } from './target-uri.js';
export {
  EnumResolver, DnsNaptrLookup, enumDomain, applyNaptrRegexp, isSipEnumService,
  type EnumResult, type EnumResolverOptions, type NaptrLookup, type NaptrRecord, type DnsNaptrLookupOptions,
} from './enum.js';
