import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadEffectiveConfig } from '../cli/common.js';
import { ConfigError, loadConfig } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'precedence-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.problems;
  }
  assert.fail('expected a ConfigError');
}

test('the sample configuration is valid', () => {
  const c = loadConfig('config/precedence.sample.yaml');
  assert.ok(c.listen.length > 0);
  assert.equal(c.registrar.auth, true);
});

test('a missing file names the file and what to do', () => {
  const p = problems(() => loadConfig(join(dir, 'nope.yaml')));
  assert.match(p[0], /cannot read the file \(ENOENT\); pass --config/);
});

test('YAML syntax errors give the line', () => {
  const p = problems(() => loadConfig(file('syntax.yaml', 'listen: [udp://127.0.0.1:5060\nsip: {\n')));
  assert.match(p[0], /YAML syntax error at line \d+/);
});

test('a top level that is not a mapping is refused', () => {
  assert.match(problems(() => loadConfig(file('list.yaml', '- a\n- b\n')))[0], /expected a mapping/);
});

test('schema errors carry their path; unknown keys and cross references are reported together', () => {
  const p = problems(() =>
    loadConfig(file('bad.yaml', 'sip: { t1: 5 }\nbogus: 1\ntrunks:\n  - { name: a, uri: "sip:127.0.0.1:5080" }\nroutes:\n  - { prefix: "+1", trunks: [carier-a] }\n')),
  );
  assert.ok(p.some((x) => x.startsWith('sip.t1: ')), p.join('\n'));
  assert.ok(p.some((x) => /Unrecognized key.*bogus/.test(x)), p.join('\n'));
});

test('cross references: routes[0].trunks[0]: unknown trunk', () => {
  const p = problems(() => loadConfig(file('ref.yaml', 'trunks:\n  - { name: a, uri: "sip:127.0.0.1:5080" }\nroutes:\n  - { prefix: "+1", trunks: [carier-a] }\n')));
  assert.deepEqual(p, ['routes[0].trunks[0]: unknown trunk "carier-a"']);
});

test('bad listen specs are named by index, from the file and from --listen overrides', () => {
  const path = file('listen.yaml', 'listen: [udp://127.0.0.1:5060, foo://1.2.3.4:5060]\n');
  assert.match(problems(() => loadEffectiveConfig(path))[0], /^listen\[1\]: invalid listen spec "foo:\/\/1\.2\.3\.4:5060": unknown protocol "foo"/);
  const ok = file('ok.yaml', 'listen: [udp://127.0.0.1:5060]\n');
  assert.match(problems(() => loadEffectiveConfig(ok, { listen: ['tcp://[::1]:99999'] }))[0], /^listen\[0\]: /);
  assert.deepEqual(loadEffectiveConfig(ok, { listen: ['tcp://127.0.0.1:5062'] }).listen, ['tcp://127.0.0.1:5062']);
});
