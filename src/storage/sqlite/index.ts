export { openSqliteDatabase, type SqliteOpenOptions } from './sqlite-database.js';
export { MIGRATIONS, migrate, schemaVersion, type Migration, type MigrationResult } from './migrations.js';
export { SqliteCdrStore, type SqliteCdrStoreOptions } from './sqlite-cdr-store.js';
export { SqliteLocationStore } from './sqlite-location-store.js';
export { SqliteSubscriberStore } from './sqlite-subscriber-store.js';
