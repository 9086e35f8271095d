/**
 * contrib/systemd/pix-pptpd.service passes `systemd-analyze verify` (with
 * ExecStart pointed at this node and this checkout's dist/, since verify
 * wants the executable to exist) and keeps the least-privilege settings
 * the README promises.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'contrib', 'systemd', 'pix-pptpd.service'))) {
    const up = dirname(d);
    if (up === d) throw new Error('contrib/systemd/pix-pptpd.service not found above the test');
    d = up;
  }
  return d;
}

const ROOT = repoRoot();
const UNIT = readFileSync(join(ROOT, 'contrib', 'systemd', 'pix-pptpd.service'), 'utf8');

function setting(key: string): string[] {
  return [...UNIT.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1].trim());
}

test('the unit runs the product as a service from /etc/pix-pptpd/pix.cfg with exactly the two data-plane capabilities', () => {
  const [exec] = setting('ExecStart');
  assert.match(exec, /^\/usr\/bin\/node --openssl-legacy-provider .*\/opt\/pix-pptpd\/dist\/bin\/pix-pptpd\.js --service --config \/etc\/pix-pptpd\/pix\.cfg$/);
  assert.deepEqual(setting('Type'), ['simple']);
  assert.deepEqual(setting('AmbientCapabilities'), ['CAP_NET_ADMIN CAP_NET_RAW']);
  assert.deepEqual(setting('CapabilityBoundingSet'), ['CAP_NET_ADMIN CAP_NET_RAW']);
  assert.deepEqual(setting('User'), ['pix-pptpd']);
  assert.deepEqual(setting('NoNewPrivileges'), ['yes']);
  assert.deepEqual(setting('ProtectSystem'), ['strict']);
  assert.deepEqual(setting('ProtectHome'), ['yes']);
  assert.deepEqual(setting('PrivateTmp'), ['yes']);
  assert.deepEqual(setting('ReadWritePaths'), ['/etc/pix-pptpd']);
  assert.deepEqual(setting('DeviceAllow'), ['/dev/net/tun rw']);
  assert.deepEqual(setting('Restart'), ['on-failure']);
  assert.deepEqual(setting('RestartPreventExitStatus'), ['2 78']);
  assert.deepEqual(setting('KillSignal'), ['SIGTERM']);
  assert.deepEqual(setting('KillMode'), ['mixed'], 'SIGTERM to the primary, which stops its workers');
  assert.equal(setting('TimeoutStopSec').length, 1);
});

test('systemd-analyze verify accepts the unit', (t) => {
  const analyze = '/usr/bin/systemd-analyze';
  if (!existsSync(analyze)) return t.skip(`${analyze} not installed`);
  const entry = join(ROOT, 'dist', 'bin', 'pix-pptpd.js');
  if (!existsSync(entry)) return t.skip(`${entry} not built`);
  const dir = mkdtempSync(join(tmpdir(), 'pix-unit-'));
  try {
    const unit = join(dir, 'pix-pptpd.service');
    writeFileSync(
      unit,
      UNIT.replace(/^ExecStart=\/usr\/bin\/node /m, `ExecStart=${process.execPath} `)
        .replace('/opt/pix-pptpd/dist/bin/pix-pptpd.js', entry)
        .replace(/^WorkingDirectory=.*$/m, `WorkingDirectory=${ROOT}`),
    );
    const r = spawnSync(analyze, ['verify', unit], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    // verify also reports on other units it loads; only ours matters, and any remark about it fails
    const ours = (r.stderr + r.stdout).split('\n').filter((l) => l.includes(unit) || l.includes('pix-pptpd'));
    assert.deepEqual(ours, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
