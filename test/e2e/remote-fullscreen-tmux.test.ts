/**
 * The full-screen console over SSH and Telnet. The OpenSSH client, in a tmux pane
 * (TERM=screen-256color, UTF-8), logs in to the SSH shell of an App on
 * 127.0.0.1 and asks for a pty. It gets the same console as the local
 * terminal: status line, prompt on the input line, `show vpdn live` with a
 * frame drawn in box characters (not `lqqk`), the layout following a
 * window resize (SSH window-change), and `exit` ending the connection.
 * `ssh -tt` with TERM=dumb gets line mode. inetutils telnet names its
 * terminal type (TERMINAL-TYPE): after `PIX passwd:` it gets the same
 * console. Skips without tmux, ssh, sshpass or telnet.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasTool } from '../../src/lab/rig/capability.js';
import { DebugBus } from '../../src/debug/bus.js';
import { createApp } from '../../src/cli/app.js';
import type { ManagementPlane } from '../../src/cli/remote/plane.js';
import { LiveFakeServer } from '../unit/cli/fake-server.js';
import { twoUserStatus } from '../unit/cli/fixtures.js';

const CONFIG = [
  'nameif ethernet0 outside security0',
  'nameif ethernet1 inside security100',
  'ip address inside 127.0.0.1 255.255.255.255',
  'hostname pixssh',
  'passwd letmein',
  'ssh 127.0.0.1 255.255.255.255 inside',
  'telnet 127.0.0.1 255.255.255.255 inside',
].join('\n');

const SSH = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
  '-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no'];

/** tmux on a private socket, one window `fs`, and an App with SSH and Telnet shells on 127.0.0.1. */
async function rig(dir: string) {
  const bus = new DebugBus();
  const app = createApp({ bus, server: new LiveFakeServer(twoUserStatus(), bus), configPath: join(dir, 'pix.cfg'), management: { ports: { ssh: 0, telnet: 0 } } });
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', join(dir, 'tmux'), ...args], { encoding: 'utf8' });
  // the pane being watched; a new one is made before the old one goes, so the tmux server never exits between them
  let pane = 'fs';
  let panes = 0;
  const screen = (): string => {
    try {
      return tmux('capture-pane', '-p', '-t', pane);
    } catch {
      return '';
    }
  };
  const waitFor = async (pred: (s: string) => boolean, what: string, ms = 15_000): Promise<string> => {
    const end = Date.now() + ms;
    let s = '';
    while (Date.now() < end) {
      s = screen();
      if (pred(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
  };
  const r = await app.loadText(CONFIG, app.emptyConfig());
  assert.deepEqual(r.messages.filter((m) => m.startsWith('ERROR')), []);
  await app.startManagement();
  const port = (service: 'ssh' | 'telnet') => (app.management() as ManagementPlane).listening().find((l) => l.service === service)!.port;
  return {
    app,
    tmux,
    waitFor,
    port,
    type: (text: string) => tmux('send-keys', '-t', pane, '-l', text),
    key: (k: string) => tmux('send-keys', '-t', pane, k),
    /** Run `command` in a fresh 100x30 pane, watched from now on. */
    launch: (command: string) => {
      const next = `fs${++panes}`;
      tmux('-f', '/dev/null', 'new-session', '-d', '-s', next, '-x', '100', '-y', '30', command);
      if (panes > 1) tmux('kill-session', '-t', pane);
      pane = next;
    },
    /** enable (empty password), then show vpdn live; resolves with the screen showing it. */
    async openDashboard(): Promise<string> {
      this.type('enable');
      this.key('Enter');
      await waitFor((x) => /Password:/.test(x), 'the enable password question');
      this.key('Enter');
      await waitFor((x) => /mode: privileged/.test(x), 'privileged mode');
      this.type('show vpdn live');
      this.key('Enter');
      return waitFor((x) => x.includes('show vpdn live') && /alice/.test(x), 'the dashboard');
    },
    resize: (cols: number, rows: number) => tmux('resize-window', '-t', pane, '-x', String(cols), '-y', String(rows)),
    close: async () => {
      try {
        tmux('kill-server');
      } catch {
        // not started or already gone
      }
      await app.close();
    },
  };
}

function missingTools(t: TestContext, tools: string[]): boolean {
  const missing = tools.filter((x) => !hasTool(x));
  if (missing.length === 0) return false;
  console.log(`# skipped: missing ${missing.join(', ')} (scripts/setup.sh --test installs them)`);
  t.skip(`missing ${missing.join(', ')}`);
  return true;
}

test('OpenSSH in tmux asks for a pty: the full-screen console, show vpdn live framed in box characters, resize, exit', async (t: TestContext) => {
  if (missingTools(t, ['tmux', 'ssh', 'sshpass'])) return;
  const dir = mkdtempSync(join(tmpdir(), 'pix-sshfs-'));
  const b = await rig(dir);
  const { app, tmux, waitFor, type, key } = b;
  try {
    const ssh = ['sshpass', '-p', 'letmein', 'ssh', ...SSH, '-p', String(b.port('ssh')), 'pix@127.0.0.1'].map((a) => `'${a}'`).join(' ');

    b.launch(`TERM=screen-256color LANG=C.UTF-8 ${ssh}; echo EXITED:$?; sleep 30`);
    let s = await waitFor((x) => /mode: user/.test(x) && /pixssh>/.test(x), 'the console status line and prompt');
    assert.match(s, /pixssh \| mode: user \| tunnels: 2 sessions: 2 \| debug: off/);
    s = await b.openDashboard();
    assert.match(s, /^┌─* show vpdn live ─+┐$/m, s);
    assert.match(s, /^└─+┘$/m);
    assert.doesNotMatch(s, /^lqq|qqk$/m);
    const width = (x: string) => x.split('\n').find((l) => l.startsWith('┌'))!.length;
    assert.equal(width(s), 100);

    b.resize(80, 24);
    s = await waitFor((x) => x.split('\n').some((l) => l.startsWith('┌') && l.length === 80), 'the frame at the new width');
    key('q');
    await waitFor((x) => !x.includes('┌') && /mode: privileged/.test(x), 'q back to the prompt');

    type('exit');
    key('Enter');
    type('exit');
    key('Enter');
    s = await waitFor((x) => x.includes('EXITED:'), 'ssh to exit');
    assert.match(s, /EXITED:0/);
    // the shell is gone on the box too
    assert.equal(app.shells().filter((x) => x.service === 'ssh').length, 0);

    // ssh disconnect from the console ends a full-screen shell; the reason is left on the client's screen
    b.launch(`TERM=xterm-256color LANG=C.UTF-8 ${ssh}; echo EXITED:$?; sleep 30`);
    await waitFor((x) => /mode: user/.test(x), 'the second full-screen shell');
    const admin = app.createSession({ interactive: false, privilege: 15 });
    const sessions = await admin.execute('show ssh sessions');
    const id = /^\s+(\d+)\s+127\.0\.0\.1\s/m.exec(sessions.join('\n'));
    assert.ok(id, sessions.join('\n'));
    assert.deepEqual(await admin.execute(`ssh disconnect ${id[1]}`), []);
    s = await waitFor((x) => x.includes('EXITED:'), 'ssh to end');
    assert.match(s, /% Disconnected by an administrator/);
    assert.doesNotMatch(s, /mode: user/, 'the console left the screen');
    assert.equal(app.shells().filter((x) => x.service === 'ssh').length, 0);

    // TERM=dumb: line mode on the same pty request
    b.launch(`TERM=dumb ${ssh.replace("'ssh'", "'ssh' '-tt'")}; echo EXITED:$?; sleep 30`);
    s = await waitFor((x) => /pixssh> ?$/m.test(x), 'the line-mode prompt');
    assert.doesNotMatch(s, /mode: user/);
    type('exit');
    key('Enter');
    await waitFor((x) => x.includes('EXITED:'), 'ssh to exit');
  } finally {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('inetutils telnet in tmux names its terminal type: after PIX passwd: the full-screen console; exit', async (t: TestContext) => {
  if (missingTools(t, ['tmux', 'telnet'])) return;
  const dir = mkdtempSync(join(tmpdir(), 'pix-telfs-'));
  const b = await rig(dir);
  const { app, tmux, waitFor, type, key } = b;
  try {
    b.launch(`TERM=screen-256color LANG=C.UTF-8 telnet 127.0.0.1 ${b.port('telnet')}; echo EXITED:$?; sleep 30`);
    await waitFor((x) => /PIX passwd:/.test(x), 'the password prompt');
    type('letmein');
    key('Enter');
    let s = await waitFor((x) => /mode: user/.test(x) && /pixssh>/.test(x), 'the console status line and prompt');
    assert.doesNotMatch(s, /letmein/);
    s = await b.openDashboard();
    assert.match(s, /^┌─* show vpdn live ─+┐$/m, s);
    key('q');
    await waitFor((x) => !x.includes('┌') && /mode: privileged/.test(x), 'q back to the prompt');
    assert.equal(app.shells().filter((x) => x.service === 'telnet').length, 1);
    type('exit');
    key('Enter');
    type('exit');
    key('Enter');
    await waitFor((x) => x.includes('EXITED:'), 'telnet to end');
    assert.equal(app.shells().filter((x) => x.service === 'telnet').length, 0);
  } finally {
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
