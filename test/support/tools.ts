// Finds (or installs, via scripts/ensure-tools.sh) the external peers end-to-end tests drive.
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/ensure-tools.sh', import.meta.url));
const ready = new Map<string, string>();

/** Path of `tool`, installing its Debian package when missing; throws with the script's message otherwise. */
export function requireTool(tool: string): string {
  const known = ready.get(tool);
  if (known) return known;
  const res = spawnSync('bash', [script, tool], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  if (res.status !== 0) throw new Error(`external tool "${tool}" is not available: ${res.stderr.trim() || `ensure-tools exited ${res.status}`}`);
  const path = execFileSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
  ready.set(tool, path);
  return path;
}
