export { MemoryCdrStore } from './memory-cdr-store.js';
export { MemoryLocationStore } from './memory-location-store.js';
export { MemorySubscriberStore } from './memory-subscriber-store.js';
