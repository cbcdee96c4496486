// Runs every storage contract suite against the in-memory adapters.
import { MemoryCdrStore, MemoryLocationStore, MemorySubscriberStore } from '../../src/storage/index.js';
import { cdrStoreSuite } from './cdr-store.suite.js';
import { locationStoreSuite } from './location-store.suite.js';
import { subscriberStoreSuite } from './subscriber-store.suite.js';

const handle = <T>(store: T) => ({ store, close: async () => {} });

locationStoreSuite('memory', () => handle(new MemoryLocationStore()));
subscriberStoreSuite('memory', () => handle(new MemorySubscriberStore()));
cdrStoreSuite('memory', () => handle(new MemoryCdrStore()));
