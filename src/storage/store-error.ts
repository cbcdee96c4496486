// Operational faults of the storage adapters (style §2.4 kind 3): thrown by `openStore` and the adapters'
// open/migrate step. Queries themselves reject with the driver's error (kept as `cause` where wrapped).

export const StoreErrorCode = {
  /** The store URL names a scheme with no adapter (yet). */
  UnsupportedUrl: 'SSW_STORE_UNSUPPORTED_URL',
  /** The scheme is known but the rest of the URL is unusable (empty path, trailing text after `memory:`). */
  BadUrl: 'SSW_STORE_BAD_URL',
  /** The database could not be opened or created (permissions, not a database, locked, …). */
  OpenFailed: 'SSW_STORE_OPEN_FAILED',
  /** The database was written by a newer Precedence (its schema version is above the newest we know). */
  SchemaTooNew: 'SSW_STORE_SCHEMA_TOO_NEW',
  /** A schema migration failed; the database is left at its previous version. */
  MigrationFailed: 'SSW_STORE_MIGRATION_FAILED',
} as const;
export type StoreErrorCode = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  /** The store URL or database path concerned. */
  readonly target: string;

  constructor(code: StoreErrorCode, target: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
    this.target = target;
  }
}
