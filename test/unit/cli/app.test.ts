import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, cryptochecksum } from '../../../src/cli/app.js';
import { DebugBus } from '../../../src/debug/bus.js';
import { FakeLanguage, enable, fakeOps } from './fakes.js';
import { FakeServer } from './fake-server.js';

function app(opts: { server?: FakeServer; configPath?: string } = {}) {
  return new App({ bus: new DebugBus(), lang: new FakeLanguage(), ops: fakeOps, ...opts });
}

test('a config line commits through server.reconfigure with before/after snapshots', async () => {
  const server = new FakeServer();
  const a = app({ server });
  const s = a.createSession();
  await enable(s);
  await s.execute('conf t');
  assert.deepEqual(await s.execute('vpdn enable outside'), ['Warning: toy warning', 'Warning: vpdn is enabled but no vpdn group accepts dialin pptp']);
  assert.equal(server.diffs.length, 1);
  assert.deepEqual(server.diffs[0].before.vpdnEnable, []);
  assert.deepEqual(server.diffs[0].after.vpdnEnable, ['outside']);
  assert.deepEqual(a.config().vpn.vpdnEnable, ['outside']);
});

test('a failed reconfigure changes nothing and prints the error', async () => {
  const server = new FakeServer();
  const a = app({ server });
  const s = a.createSession();
  await enable(s);
  await s.execute('conf t');
  server.failNext = 'cannot bind 127.0.0.1:1723: EADDRINUSE';
  const before = a.config();
  assert.deepEqual(await s.execute('vpdn enable outside'), ['Warning: toy warning', 'ERROR: cannot bind 127.0.0.1:1723: EADDRINUSE']);
  assert.equal(a.config(), before);
  assert.equal(server.diffs.length, 0);
});

test('validation errors block the commit; the server is not called', async () => {
  const server = new FakeServer();
  const a = app({ server });
  const s = a.createSession();
  await enable(s);
  await s.execute('conf t');
  const out = await s.execute('hostname invalid');
  assert.equal(out.length, 1);
  assert.match(out[0], /^ERROR: ip local pool b .* overlaps ip local pool a/);
  assert.deepEqual(a.config().vpn.pools, []);
  assert.equal(server.diffs.length, 0);
});

test('loadText reports bad lines with their numbers and keeps the rest', async () => {
  const server = new FakeServer();
  const a = app({ server });
  const r = await a.loadText('hostname PIX\nbad stuff\n! comment\nfrobnicate\nvpdn enable outside\n');
  assert.equal(r.applied, 3);
  assert.equal(r.rejected, 2);
  assert.deepEqual(r.messages, [
    'ERROR: line 2: bad stuff',
    'ERROR: bad line',
    'ERROR: line 4: frobnicate',
    "Type help or '?' for a list of available commands.",
    'Warning: vpdn is enabled but no vpdn group accepts dialin pptp',
  ]);
  assert.equal(a.config().vpn.hostname, 'PIX');
  assert.equal(server.diffs.length, 1, 'one reconfigure for the whole file');
});

test('write memory saves atomically to --config; a restart loads it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pix-app-'));
  try {
    const path = join(dir, 'pix.cfg');
    const a = app({ configPath: path });
    assert.deepEqual(await a.loadStartupFile(), [`Warning: ${path} does not exist yet; write memory will create it`]);
    const s = a.createSession();
    await enable(s);
    await s.execute('conf t');
    await s.execute('hostname PIX');
    await s.execute('enable password s3cret');
    const out = await s.execute('write memory');
    assert.equal(out[0], 'Building configuration...');
    assert.match(out[1], /^Cryptochecksum: [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8} [0-9a-f]{8}$/);
    assert.equal(out[2], '[OK]');
    assert.equal(readFileSync(path, 'utf8'), 'hostname PIX\nenable password s3cret\n');
    assert.deepEqual(await s.execute('show startup-config'), ['hostname PIX', 'enable password ********'], 'secrets masked');
    await a.close();
    const b = app({ configPath: path });
    assert.deepEqual(await b.loadStartupFile(), []);
    assert.equal(b.config().vpn.hostname, 'PIX');
    assert.deepEqual(b.config().enablePassword, { value: 's3cret', encrypted: false });
    const t = b.createSession();
    await t.execute('enable');
    assert.equal(t.prompt(), 'Password: ');
    await t.execute('s3cret');
    assert.equal(t.prompt(), 'PIX#');
    assert.deepEqual(await t.execute('write erase'), []);
    assert.equal(t.prompt(), 'Erase PIX configuration in flash memory? [confirm]');
    assert.deepEqual(await t.execute(''), ['[OK]']);
    assert.equal(readFileSync(path, 'utf8'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('write memory without --config keeps the startup config in memory and says so', async () => {
  const a = app();
  const s = a.createSession();
  await enable(s);
  const out = await s.execute('write memory');
  assert.ok(out.includes('Warning: no --config file; the configuration is kept in memory only'));
  assert.deepEqual(await s.execute('show running-config'), ['hostname pixfirewall']);
});

test('an unreadable --config is reported', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pix-app-'));
  try {
    writeFileSync(join(dir, 'x'), '');
    const a = app({ configPath: dir });
    const m = await a.loadStartupFile();
    assert.match(m[0], /^ERROR: cannot read /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cryptochecksum uses the embedded one when the writer has it', () => {
  assert.equal(cryptochecksum(['x', 'Cryptochecksum:a72d9f71d1a31332307fcd348e02410d', ': end']), 'a72d9f71 d1a31332 307fcd34 8e02410d');
  assert.match(cryptochecksum(['a']), /^([0-9a-f]{8} ){3}[0-9a-f]{8}$/);
});

test('without a server, pools come from the config and clear vpdn says none', async () => {
  const a = app();
  a.config().vpn.pools.push({ name: 'p', ranges: [{ start: '10.0.0.1', end: '10.0.0.3' }] });
  assert.deepEqual(a.pools().map((p) => [p.name, p.free, p.inUse]), [['p', 3, 0]]);
  assert.equal(a.clearTunnels('all'), 0);
});

test('close() closes the server', async () => {
  const server = new FakeServer();
  const a = app({ server });
  await a.close();
  assert.equal(server.closed, true);
});
