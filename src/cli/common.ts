// Helpers shared by the `precedence` sub-commands.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { type Config, ConfigError, loadConfig, validateConfig } from '../config/index.js';
import { listenProblems } from '../main.js';

export const DEFAULT_CONFIG = 'config/precedence.sample.yaml';
export const DEFAULT_PID_FILE = 'data/precedence.pid';

export function writePidFile(path: string, logger: Logger): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${process.pid}\n`);
  } catch (e) {
    logger.warn({ err: e, pidFile: path }, 'could not write the pid file; `precedence reload` will not find this process');
  }
}

export function removePidFile(path: string): void {
  try {
    if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
  } catch {
    /* already gone */
  }
}

export function readPidFile(path: string): number {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    fail(`no pid file at ${path}: is the switch running (started with the same --pid-file)?`, 1);
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) fail(`${path} does not hold a process id`, 1);
  return pid;
}

export function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/**
 * The configuration `start` runs on: the file (or the sample, or the defaults) with the --listen
 * overrides applied and the listen specs checked. Throws ConfigError naming every problem; used at
 * start and on every reload, so both accept exactly the same files.
 */
export function loadEffectiveConfig(file: string | undefined, overrides: { listen?: string[] } = {}): Config {
  const path = file ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  let config = path ? loadConfig(path) : validateConfig({}, '<defaults>');
  if (overrides.listen && overrides.listen.length > 0) config = validateConfig({ ...config, listen: overrides.listen }, path ?? '<defaults>');
  const problems = listenProblems(config);
  if (problems.length > 0) throw new ConfigError(path ?? '<defaults>', problems);
  return config;
}

/** loadEffectiveConfig for commands: a configuration problem ends the process with its message. */
export function readConfig(file: string | undefined, overrides: { listen?: string[] } = {}): Config {
  try {
    return loadEffectiveConfig(file, overrides);
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
}

/** `2026-11-22`, `2026-11-22T10:00:00Z`, or a span back from now: `90s`, `15m`, `2h`, `7d`. */
export function parseTime(text: string, now = Date.now()): number {
  const rel = /^(\d+)(s|m|h|d)$/.exec(text);
  if (rel) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd'];
    return now - Number(rel[1]) * unit;
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) fail(`cannot read the time "${text}": use an ISO date (2026-11-22T10:00:00Z) or a span such as 2h or 7d`);
  return t;
}
