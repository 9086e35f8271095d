/**
 * The built CLI in --plain mode with piped stdin: prompts, echo, errors,
 * --config round trip, bad input, flags.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliCommand } from './cli-command.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], input: string | Buffer, timeoutMs = 60_000): Promise<Run> {
  const cmd = cliCommand();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd.argv[0], [...cmd.argv.slice(1), ...args], { cwd: cmd.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI timed out; stdout so far:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

test('piped session: prompts, echo, modes, hostname, logoff', async () => {
  const r = await run(['--plain', '--no-server'], 'enable\n\nconf t\nhostname PIX\nexit\ndisable\nexit\n');
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.ok(lines.includes('pixfirewall>enable'), r.stdout);
  assert.ok(lines.includes('Password: '), 'enable asks, as on a PIX; Enter answers the default empty password');
  assert.ok(lines.includes('pixfirewall#conf t'), r.stdout);
  assert.ok(lines.includes('pixfirewall(config)#hostname PIX'), r.stdout);
  assert.ok(lines.includes('PIX(config)#exit'), r.stdout);
  assert.ok(lines.includes('PIX#disable'), r.stdout);
  assert.ok(lines.includes('PIX>exit'), r.stdout);
  assert.ok(lines.includes('Logoff'), r.stdout);
});

test('the default config is a ready PPTP setup on loopback', async () => {
  const r = await run(['--plain', '--no-server'], 'enable\n\nshow running-config\n');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ip address outside 127\.0\.0\.1 255\.255\.255\.255$/m);
  assert.match(r.stdout, /^vpdn enable outside$/m);
  assert.match(r.stdout, /^vpdn group 1 accept dialin pptp$/m);
});

test('write memory to --config, then a restart loads it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pix-e2e-'));
  try {
    const cfg = join(dir, 'pix.cfg');
    const a = await run(['--plain', '--no-server', '--config', cfg], 'enable\n\nconf t\nhostname E2E\nwrite memory\n');
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^Building configuration\.\.\.$/m);
    assert.match(a.stdout, /^Cryptochecksum: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}$/m);
    assert.match(a.stdout, /^\[OK\]$/m);
    assert.match(readFileSync(cfg, 'utf8'), /^hostname E2E$/m);
    const b = await run(['--plain', '--no-server', '--config', cfg], 'enable\n');
    assert.ok(b.stdout.split('\n').includes('E2E>enable'), b.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('binary garbage and a 100 kB line do not crash the shell', async () => {
  const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
  const input = Buffer.concat([
    Buffer.from('enable\n\n'),
    garbage,
    Buffer.from('\n' + 'A'.repeat(100_000) + '\n'),
    Buffer.from('show version\n'),
  ]);
  const r = await run(['--plain', '--no-server'], input);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /pix-pptpd Version/);
  assert.match(r.stdout, /ERROR: Line too long/);
});

test('unknown commands print the PIX hint and change nothing', async () => {
  const r = await run(['--plain', '--no-server'], 'frobnicate\nenable\n');
  assert.equal(r.code, 0);
  assert.ok(r.stdout.split('\n').includes('pixfirewall>frobnicate'));
  assert.ok(r.stdout.split('\n').includes('pixfirewall>enable'));
});

test('--help, --version, unknown flag', async () => {
  const h = await run(['--help'], '');
  assert.equal(h.code, 0);
  assert.match(h.stdout, /^Usage: pix-pptpd/);
  const v = await run(['--version'], '');
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^pix-pptpd \d+\.\d+\.\d+\n$/);
  const u = await run(['--bogus'], '');
  assert.equal(u.code, 2);
  assert.match(u.stderr, /unknown option '--bogus'/);
});

test('SIGTERM ends a waiting shell cleanly (exit 143)', async () => {
  const cmd = cliCommand();
  const child = spawn(cmd.argv[0], [...cmd.argv.slice(1), '--plain', '--no-server'], { cwd: cmd.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!stdout.includes('pixfirewall>') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  assert.ok(stdout.includes('pixfirewall>'), 'prompt before the signal');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  assert.equal(code, 143);
});
