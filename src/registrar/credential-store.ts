// Adapter: the registrar's SubscriberStore port seen as the digest authenticator's CredentialStore port.
// The digest realm is the subscriber's domain (HA1 = H(username:domain:password), see ports.ts).
import type { CredentialStore, StoredCredentials } from '../sip/auth/index.js';

import type { Subscriber, SubscriberStore } from './ports.js';

/** The HA1s of a subscriber in the authenticator's shape (empty values left out). */
export function credentialsOf(subscriber: Subscriber): StoredCredentials {
  const out: { ha1Md5?: string; ha1Sha256?: string } = {};
  if (subscriber.ha1Md5 !== '') out.ha1Md5 = subscriber.ha1Md5;
  if (subscriber.ha1Sha256 !== '') out.ha1Sha256 = subscriber.ha1Sha256;
  return out;
}

export interface SubscriberCredentialStoreOptions {
  /**
   * Return credentials of disabled subscribers too (default false: a disabled subscriber looks unknown).
   * The registrar verifies the password first and answers 403 for a disabled account afterwards.
   */
  readonly includeDisabled?: boolean;
  /** Called with each subscriber found (before the enabled check), e.g. to reuse the record. */
  readonly onSubscriber?: (subscriber: Subscriber) => void;
}

export class SubscriberCredentialStore implements CredentialStore {
  readonly #subscribers: SubscriberStore;
  readonly #includeDisabled: boolean;
  readonly #onSubscriber: ((subscriber: Subscriber) => void) | undefined;

  constructor(subscribers: SubscriberStore, options: SubscriberCredentialStoreOptions = {}) {
    this.#subscribers = subscribers;
    this.#includeDisabled = options.includeDisabled ?? false;
    this.#onSubscriber = options.onSubscriber;
  }

  /** A rejected SubscriberStore promise propagates (the caller answers 500). */
  async lookup(username: string, realm: string): Promise<StoredCredentials | undefined> {
    const subscriber = await this.#subscribers.get(username, realm.toLowerCase());
    if (subscriber === undefined) return undefined;
    this.#onSubscriber?.(subscriber);
    if (!subscriber.enabled && !this.#includeDisabled) return undefined;
    return credentialsOf(subscriber);
  }
}
