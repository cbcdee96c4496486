// The stateful proxy core (RFC 3261 §16), its ports, trunk state and call bookkeeping. See README.md.
export { ProxyCore, PROXY_ALLOW, type ProxyCoreOptions } from './proxy-core.js';
export {
  canonicalAor,
  type RegisteredContact,
  type RegistrarPort,
  type RouteDecision,
  type RouteInput,
  type RouteTarget,
  type RouterPort,
  type TrunkConfig,
  type TrunkPingConfig,
} from './ports.js';
export { TrunkManager, type TrunkManagerOptions, type TrunkSnapshot, type TrunkStatus, type PingResult } from './trunks.js';
export { DialogTracker, type CallEnd, type CallEndKind, type CallSetup, type CallState, type DialogMatch, type DialogTrackerOptions, type TrackedCall } from './dialogs.js';
export { LocalIdentity, type IdentityOptions } from './identity.js';
export type { SipResolverPort, BranchSpec } from './forwarding.js';
export { DeferredUser } from './deferred-user.js';
