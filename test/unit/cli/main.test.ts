import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main, parseArgs, prepareApp } from '../../../bin/pix-pptpd.js';
import { DebugBus } from '../../../src/debug/bus.js';
import { FakeServer } from './fake-server.js';

test('argv parsing: flags, values, --x=y, errors', () => {
  assert.deepEqual(parseArgs(['--plain', '--config', 'a.cfg', '--listen=127.0.0.2']), {
    plain: true,
    service: false,
    noServer: false,
    config: 'a.cfg',
    listen: '127.0.0.2',
    help: false,
    version: false,
  });
  assert.equal((parseArgs(['--service', '--config', '/etc/p.cfg']) as { service: boolean }).service, true);
  assert.equal(parseArgs(['--config']), '--config needs a value');
  assert.equal(parseArgs(['-x']), "unknown option '-x'");
});

test('--workers N | auto, and what it refuses; it reaches the server factory', async () => {
  assert.equal((parseArgs(['--workers', '2']) as { workers?: number }).workers, 2);
  assert.equal((parseArgs(['--workers=1']) as { workers?: number }).workers, 1);
  assert.equal((parseArgs([]) as { workers?: number }).workers, undefined, 'not given: auto, resolved by the product factory');
  assert.equal((parseArgs(['--workers', 'auto']) as { workers?: unknown }).workers, 'auto');
  for (const bad of ['0', '65', '1.5', 'many']) assert.match(parseArgs(['--workers', bad]) as string, /--workers needs a number of worker processes/);
  let seen: { workers?: number | 'auto' } | undefined;
  const { app } = await prepareApp(parseArgs(['--workers', '3']) as never, {
    bus: new DebugBus(),
    createServer: (o) => {
      seen = o;
      return new FakeServer(undefined, o.bus);
    },
  });
  assert.equal(seen?.workers, 3);
  await app.close();
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

/** Seed 003's local-auth config with PAP only under required MPPE: no client can connect. */
const UNUSABLE_MPPE = `nameif ethernet0 outside security0
nameif ethernet1 inside security100
hostname PIX
ip address outside 172.18.124.152 255.255.255.0
ip address inside 10.1.1.1 255.255.255.0
ip local pool pptp-pool 192.168.1.1-192.168.1.5
sysopt connection permit-pptp
vpdn group 1 accept dialin pptp
vpdn group 1 ppp authentication pap
vpdn group 1 ppp encryption mppe 40 required
vpdn group 1 client configuration address local pptp-pool
vpdn group 1 client authentication local
vpdn username cisco password cisco
vpdn enable outside
`;

test('--check explains why clients fail (the linter) and exits 1 on a linter error', async () => {
  const { writeFileSync, mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'pix-check-'));
  try {
    const file = join(dir, 'mppe.cfg');
    writeFileSync(file, UNUSABLE_MPPE);
    const out = new PassThrough();
    let text = '';
    out.on('data', (d) => (text += d));
    assert.equal(await main(['--check', file], { stdout: out, stderr: new PassThrough(), signals: false }), 1);
    assert.match(text, /14 lines applied, 0 rejected/, 'every line is valid on its own');
    assert.match(text, /^ERROR mppe-required-unusable: clients see Windows error 734$/m);
    assert.match(text, /^    vpdn group 1 ppp encryption mppe 40 required$/m);
    assert.match(text, /^1 error, \d+ warnings?, \d+ notes?$/m);
    assert.doesNotMatch(text, /password cisco/, 'no secret in the findings');

    const fixed = join(dir, 'fixed.cfg');
    writeFileSync(fixed, UNUSABLE_MPPE.replace('ppp authentication pap', 'ppp authentication mschap-v2'));
    let t2 = '';
    const o2 = new PassThrough();
    o2.on('data', (d) => (t2 += d));
    assert.equal(await main(['--check', fixed], { stdout: o2, stderr: new PassThrough(), signals: false }), 0, t2);
    assert.match(t2, /^No problems found: PPTP clients should connect with this configuration\.$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('show vpdn diagnostics: the linter on the running-config, then the server error counters', async () => {
  const args = parseArgs([]);
  if (typeof args === 'string') throw new Error(args);
  const server = new FakeServer();
  server.st.errors = { 'gre-bad-header': 3 };
  const { app } = await prepareApp(args, { bus: new DebugBus(), version: 't', createServer: () => server });
  try {
    await app.loadText(UNUSABLE_MPPE, app.emptyConfig());
    const s = app.createSession();
    await s.execute('enable');
    await s.execute('');
    const out = await s.execute('show vpdn diagnostics');
    assert.ok(out.includes('ERROR mppe-required-unusable: clients see Windows error 734'), out.join('\n'));
    assert.deepEqual(out.slice(-3), ['', 'PPTP error counters:', '  gre-bad-header: 3']);
    await s.execute('conf t');
    await s.execute('vpdn group 1 ppp authentication mschap-v2');
    const after = await s.execute('sh vpdn diag');
    assert.ok(!after.some((l) => l.startsWith('ERROR mppe-required-unusable')), 'the finding goes once the config is fixed');
  } finally {
    await app.close();
  }
});

test('--service has no console: it refuses --plain and --check', async () => {
  for (const extra of ['--plain', '--check=x.cfg']) {
    const err = new PassThrough();
    let text = '';
    err.on('data', (d) => (text += d));
    assert.equal(await main(['--service', '--config', 'x.cfg', extra], { stdout: new PassThrough(), stderr: err, signals: false }), 2);
    assert.match(text, /--service runs without a console/);
  }
});
