// Registrar (RFC 3261 §10.3, RFC 3327, RFC 5626 basics) and its storage ports. See README.md.
export { Registrar, type RegistrarOptions, type RegisteredTarget, type RegisterTransaction } from './registrar.js';
export { aorOf, aorParts, canonicalAor, decodedUser, isAorUri, normaliseUser, sameContactUri } from './aor.js';
export { formatSource, parseSource } from './binding-source.js';
export { SubscriberCredentialStore, credentialsOf, type SubscriberCredentialStoreOptions } from './credential-store.js';
export { planUpdate, readContacts, type BindingTemplate, type ContactUpdate, type ContactsResult, type ExpiryLimits, type PlanResult, type Rejection } from './registration.js';
export type { Binding, LocationStore, Subscriber, SubscriberStore } from './ports.js';
