// Bad input to the `precedence` command: a clear message naming the problem and a non-zero exit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'precedence-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'c.yaml');
writeFileSync(config, `domains: [precedence.test]\nstore: "memory:"\ntrunks:\n  - { name: a, uri: "sip:127.0.0.1:5080" }\nroutes:\n  - { prefix: "+1", trunks: [a] }\n`);

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('cdr export refuses an unknown format and a bad limit', () => {
  const r = cli('cdr', 'export', '--config', config, '--format', 'xml');
  assert.equal(r.code, 2);
  assert.match(r.err, /--format must be csv or json, not "xml"/);
  assert.match(cli('cdr', 'export', '--config', config, '--limit', '-3').err, /--limit must be a whole number/);
  assert.match(cli('cdr', 'export', '--config', config, '--since', 'yesterday-ish').err, /cannot read the time "yesterday-ish"/);
});

test('subscriber add refuses a domain the switch does not serve and a value that is not user@domain', () => {
  const r = cli('subscriber', 'add', 'bob@elsewhere.example', '--password', 'x', '--config', config);
  assert.equal(r.code, 2);
  assert.match(r.err, /domain "elsewhere.example" is not one of the switch's domains \(precedence.test\)/);
  assert.match(cli('subscriber', 'add', 'no-at-sign', '--password', 'x', '--config', config).err, /"no-at-sign" is not user@domain/);
});

test('route names an unknown source trunk and prints the trace of a routed number', () => {
  assert.match(cli('route', '+15551234567', '--from', 'nope', '--config', config).err, /unknown trunk "nope"; configured trunks: a/);
  const ok = cli('route', '+15551234567', '--config', config);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /route "[^"]*": \+15551234567 via a \(sip:\+15551234567@127\.0\.0\.1:5080;user=phone\)/);
  const none = cli('route', '+445551234567', '--config', config);
  assert.equal(none.code, 1);
  assert.match(none.out, /no route: 404/);
});

test('reload without a running switch says so', () => {
  const r = cli('reload', '--pid-file', join(dir, 'missing.pid'));
  assert.equal(r.code, 1);
  assert.match(r.err, /no pid file at .*missing\.pid: is the switch running/);
});
