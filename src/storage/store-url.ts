// Store URLs (config key `store`):
//   memory:                         in-process maps, nothing on disk
//   sqlite:./data/precedence.db     a file, relative to `baseDir` (default: the working directory)
//   sqlite:/var/lib/precedence.db   an absolute path (also `sqlite:///var/lib/precedence.db`)
//   sqlite::memory:                 a private in-memory SQLite database
import { isAbsolute, resolve } from 'node:path';

import { StoreError, StoreErrorCode } from './store-error.js';

export type StoreLocation = { readonly kind: 'memory' } | { readonly kind: 'sqlite'; readonly path: string };

export const SUPPORTED_STORE_SCHEMES = ['sqlite:', 'memory:'] as const;
/** Schemes that are planned but have no adapter yet. */
const PLANNED_SCHEMES: ReadonlySet<string> = new Set(['postgres', 'postgresql', 'redis', 'rediss']);

export const SQLITE_MEMORY = ':memory:';

function unsupported(url: string, scheme: string | undefined): StoreError {
  const planned = scheme !== undefined && PLANNED_SCHEMES.has(scheme);
  const head = planned
    ? `store URL "${url}": "${scheme}:" is not implemented yet (PostgreSQL and Redis adapters come in a later issue)`
    : `store URL "${url}" has an unsupported scheme`;
  return new StoreError(
    StoreErrorCode.UnsupportedUrl,
    url,
    `${head}; supported: sqlite:PATH (e.g. sqlite:./data/precedence.db), sqlite::memory:, memory:` +
      (planned ? '' : ' (postgres: and redis: come in a later issue)'),
  );
}

/** Parses a store URL; relative SQLite paths are resolved against `baseDir`. */
export function parseStoreUrl(url: string, baseDir: string = process.cwd()): StoreLocation {
  const colon = url.indexOf(':');
  const scheme = colon > 0 ? url.slice(0, colon).toLowerCase() : undefined;
  const rest = colon > 0 ? url.slice(colon + 1) : '';
  switch (scheme) {
    case 'memory':
      if (rest !== '' && rest !== '//') {
        throw new StoreError(StoreErrorCode.BadUrl, url, `store URL "${url}": memory: takes no path (write just "memory:")`);
      }
      return { kind: 'memory' };
    case 'sqlite': {
      const path = rest.startsWith('//') ? rest.slice(2) : rest;
      if (path === '') {
        throw new StoreError(StoreErrorCode.BadUrl, url, `store URL "${url}": sqlite: needs a file path (sqlite:./data/precedence.db) or :memory:`);
      }
      if (path === SQLITE_MEMORY) return { kind: 'sqlite', path: SQLITE_MEMORY };
      return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(baseDir, path) };
    }
    default:
      throw unsupported(url, scheme);
  }
}
