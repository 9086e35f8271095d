import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main, parseArgs, prepareApp } from '../../../bin/pix-pptpd.js';
import { DebugBus } from '../../../src/debug/bus.js';
import { FakeServer } from './fake-server.js';

test('argv parsing: flags, values, --x=y, errors', () => {
  assert.deepEqual(parseArgs(['--plain', '--config', 'a.cfg', '--listen=127.0.0.2']), {
    plain: true,
    noServer: false,
    config: 'a.cfg',
    listen: '127.0.0.2',
    help: false,
    version: false,
  });
  assert.equal(parseArgs(['--config']), '--config needs a value');
  assert.equal(parseArgs(['-x']), "unknown option '-x'");
});

test('--listen reaches the server factory; the default config is pushed into the server', async () => {
  let seen: { listen?: string } | undefined;
  let server: FakeServer | undefined;
  const { app, startup } = await prepareApp(parseArgs(['--listen', '127.0.0.9']) as never, {
    bus: new DebugBus(),
    createServer: (o) => {
      seen = o;
      server = new FakeServer(undefined, o.bus);
      return server;
    },
  });
  assert.equal(seen?.listen, '127.0.0.9');
  assert.deepEqual(startup, []);
  assert.equal(server!.diffs.length, 1);
  assert.deepEqual(server!.diffs[0].after.vpdnEnable, ['outside']);
  assert.equal(server!.diffs[0].after.interfaces.find((i) => i.name === 'outside')?.address, '127.0.0.1');
  await app.close();
  assert.equal(server!.closed, true);
});

test('main() in plain mode runs piped input and closes the server at EOF', async () => {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d) => (text += d));
  let server: FakeServer | undefined;
  stdin.end('enable\n\nshow vpdn\n');
  const code = await main(['--plain'], {
    stdin,
    stdout,
    stderr: new PassThrough(),
    signals: false,
    createServer: (o) => (server = new FakeServer(undefined, o.bus)),
  });
  assert.equal(code, 0);
  assert.match(text, /pixfirewall#show vpdn\n% No active PPTP tunnels\n/);
  assert.equal(server!.closed, true);
});

test('--check reports bad lines and exits 1; a clean file exits 0', async () => {
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'pix-check-'));
  try {
    const bad = join(dir, 'bad.cfg');
    writeFileSync(bad, 'hostname X\nvpdn group 1 ppp encryption mppe 99\n');
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    assert.equal(await main(['--check', bad], { stdout: out, stderr: new PassThrough(), signals: false }), 1);
    assert.match(text, /^ERROR: line 2: vpdn group 1 ppp encryption mppe 99$/m);
    const good = join(dir, 'good.cfg');
    writeFileSync(good, 'hostname X\n');
    assert.equal(await main(['--check', good], { stdout: new PassThrough(), stderr: new PassThrough(), signals: false }), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
