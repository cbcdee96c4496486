export { type Config, configSchema, durationMs } from './schema.js';
export { ConfigError, loadConfig, validateConfig } from './load.js';
