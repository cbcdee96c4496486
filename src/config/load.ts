// Loads and validates the YAML configuration. Errors name the file, the path inside it and the
// problem, so an operator can fix the file without reading code.
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { type Config, configSchema } from './schema.js';

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(file: string, problems: string[]) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out.length === 0 ? String(p) : `.${String(p)}`;
  return out || '(top level)';
}

export function validateConfig(raw: unknown, file = '<config>'): Config {
  const res = configSchema.safeParse(raw ?? {});
  if (!res.success) throw new ConfigError(file, res.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
  return Object.freeze(res.data) as Config;
}

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [`cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)}); pass --config with an existing file`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    if (e instanceof YAMLParseError) {
      const where = e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'somewhere';
      throw new ConfigError(file, [`YAML syntax error at ${where}: ${e.message.split('\n')[0]}`]);
    }
    throw e;
  }
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(file, ['(top level): expected a mapping of settings']);
  }
  return validateConfig(raw, file);
}
