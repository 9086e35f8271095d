/**
 * runService in-process, with a twin server and an EventEmitter for the
 * signals: what starts when, what a stop does, and that a bad config
 * starts nothing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { DebugBus } from '../../../src/debug/bus.js';
import { EX_CONFIG, EX_SOFTWARE, runService, type SignalSource } from '../../../src/cli/service/run.js';
import { createServer as createTcpServer } from 'node:net';
import ssh2 from 'ssh2';
import { FakeServer } from './fake-server.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
}

function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = () => (cond() ? resolve() : Date.now() > end ? reject(new Error('timed out')) : setTimeout(tick, 5));
    tick();
  });
}

function withConfig(text: string | undefined, fn: (path: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pix-svc-unit-'));
    try {
      const path = join(dir, 'pix.cfg');
      if (text !== undefined) writeFileSync(path, text);
      await fn(path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const GOOD = 'hostname SVC\nlogging on\nlogging console notifications\n';

function start(path: string, shellPorts?: { ssh?: number }) {
  const stderr = new Capture();
  const signals = new EventEmitter();
  const made: { server?: FakeServer; bus?: DebugBus } = {};
  const createServer = ({ bus }: { bus: DebugBus }) => {
    made.bus = bus;
    made.server = new FakeServer(undefined, bus);
    return made.server;
  };
  const done = runService({ configPath: path, version: '9.9', createServer, stderr, signals: signals as unknown as SignalSource, shellPorts });
  return { stderr, signals, made, done };
}

describe('runService', () => {
  it('runs from the config until SIGTERM, logs syslog at the console level, then closes the server', withConfig(GOOD, async (path) => {
    const s = start(path);
    await until(() => /started from/.test(s.stderr.text));
    assert.equal(s.made.server!.closed, false);
    assert.ok(s.made.server!.diffs.length > 0, 'the config reached the server');
    s.made.bus!.syslog(603104, 6, 'PPTP Tunnel created (informational: below notifications)');
    s.made.bus!.syslog(603109, 5, 'notice level reaches the journal');
    assert.equal(s.signals.listenerCount('SIGTERM'), 1);
    s.signals.emit('SIGTERM', 'SIGTERM');
    assert.equal(await s.done, 0);
    assert.equal(s.made.server!.closed, true);
    assert.equal(s.signals.listenerCount('SIGTERM'), 0, 'handlers removed');
    const lines = s.stderr.lines();
    for (const l of lines) assert.match(l, /^<[0-7]>/, l);
    assert.ok(lines.includes('<5>%PIX-5-603109: notice level reaches the journal'), s.stderr.text);
    assert.ok(!s.stderr.text.includes('603104'), 'filtered by logging console');
    assert.match(lines.at(-2)!, /^<5>pix-pptpd stopping on SIGTERM: clearing 0 tunnels, 0 sessions$/);
    assert.equal(lines.at(-1), '<5>pix-pptpd stopped');
  }));

  it('a config with bad lines exits 78 and never builds the server', withConfig('hostname A\nfoo\nhostname B\nip address outside 1.2.3\n', async (path) => {
    const s = start(path);
    assert.equal(await s.done, EX_CONFIG);
    assert.equal(s.made.server, undefined);
    assert.match(s.stderr.text, /^<3>ERROR: line 2: foo/m);
    assert.match(s.stderr.text, /^<3>ERROR: line 4: ip address outside 1\.2\.3/m);
    assert.match(s.stderr.text, /2 errors; nothing applied, not started/);
    assert.equal(s.signals.listenerCount('SIGTERM'), 0);
  }));

  it('a missing config file and no --config are config errors', withConfig(undefined, async (path) => {
    const a = start(path);
    assert.equal(await a.done, EX_CONFIG);
    assert.match(a.stderr.text, /^<3>pix-pptpd: startup config .* not found/m);
    const b = start('');
    assert.equal(await b.done, EX_CONFIG);
    assert.match(b.stderr.text, /^<3>pix-pptpd: --service needs --config FILE/m);
  }));

  it('a config the server refuses exits 1 with nothing applied, and closes', withConfig(GOOD, async (path) => {
    const stderr = new Capture();
    let server: FakeServer | undefined;
    const code = await runService({
      configPath: path,
      version: '9.9',
      stderr,
      signals: new EventEmitter() as unknown as SignalSource,
      createServer: () => {
        server = new FakeServer();
        server.failNext = 'cannot bind 127.0.0.1:1723: address in use';
        return server;
      },
    });
    assert.equal(code, EX_SOFTWARE);
    assert.equal(server!.diffs.length, 0, 'nothing applied');
    assert.equal(server!.closed, true);
    assert.match(stderr.text, /^<3>.*address in use/m);
  }));

  it('is managed over SSH: the ssh hosts of the startup config get a shell, the login reaches the journal',
    withConfig('nameif ethernet1 inside security100\nip address inside 127.0.0.1 255.255.255.255\npasswd letmein\nlogging on\nlogging console informational\nssh 127.0.0.1 255.255.255.255 inside\n', async (path) => {
      const port = await new Promise<number>((resolve) => {
        const probe = createTcpServer().listen(0, '127.0.0.1', () => {
          const p = (probe.address() as { port: number }).port;
          probe.close(() => resolve(p));
        });
      });
      const s = start(path, { ssh: port });
      await until(() => /started from/.test(s.stderr.text));
      const c = new ssh2.Client();
      await new Promise<void>((resolve, reject) => {
        c.on('ready', resolve).on('error', reject);
        c.connect({ host: '127.0.0.1', port, username: 'pix', password: 'letmein', readyTimeout: 5000, hostVerifier: () => true });
      });
      const out = await new Promise<string>((resolve, reject) => c.exec('show curpriv', (err, ch) => {
        if (err) return reject(err);
        let o = '';
        ch.on('data', (d: Buffer) => (o += d.toString())).on('close', () => resolve(o));
      }));
      c.end();
      assert.match(out, /Current privilege level : 1/);
      await until(() => /^<6>%PIX-6-605005: Login permitted from 127\.0\.0\.1\/\d+ to inside:127\.0\.0\.1\/ssh for user "pix"$/m.test(s.stderr.text));
      assert.ok(!s.stderr.text.includes('letmein'));
      s.signals.emit('SIGTERM', 'SIGTERM');
      assert.equal(await s.done, 0);
    }));

  it('a stop signal during startup stops it before it runs', withConfig(GOOD, async (path) => {
    const s = start(path);
    s.signals.emit('SIGINT', 'SIGINT');
    assert.equal(await s.done, 0);
    assert.equal(s.made.server, undefined);
  }));
});
