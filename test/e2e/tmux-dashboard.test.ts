/**
 * The live dashboard (`show vpdn live`) in a real terminal: tmux on a
 * private socket, 110x34, the program started with a fake server whose
 * byte counters grow with the clock (two calls: cisco on tunnel 13, alice
 * on tunnel 14). Checks the rows, that the numbers move, that `d` turns on
 * per-user debug (alice's lines appear below the table, cisco's do not),
 * that `c` + Enter clears the selected tunnel through clearTunnels (the
 * row goes, the 603105 syslog shows), and that q returns to the prompt.
 *
 * The same file is the child program when PIX_DASHBOARD_CHILD=1: main()
 * of bin/pix-pptpd.ts with the fake server. Skips when tmux is missing.
 */
import { after, test, type TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../bin/pix-pptpd.js';
import { LiveFakeServer } from '../unit/cli/fake-server.js';
import { twoUserStatus } from '../unit/cli/fixtures.js';

const CHILD = process.env.PIX_DASHBOARD_CHILD === '1';

if (CHILD) {
  main(process.argv.slice(2), { createServer: (o) => new LiveFakeServer(twoUserStatus(), o.bus) }).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`${(e as Error).stack}\n`);
      process.exit(1);
    },
  );
} else {
  const hasTmux = spawnSync('tmux', ['-V']).status === 0;
  // tmux on a socket in a directory of our own, removed after the tests
  const socketDir = mkdtempSync(join(tmpdir(), 'pix-dash-'));
  after(() => rmSync(socketDir, { recursive: true, force: true }));
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-S', join(socketDir, 'tmux'), ...args], { encoding: 'utf8' });
  const screen = (name: string): string => {
    try {
      return tmux('capture-pane', '-p', '-t', name);
    } catch {
      return '';
    }
  };
  const waitFor = async (name: string, pred: (s: string) => boolean, what: string, ms = 15_000): Promise<string> => {
    const end = Date.now() + ms;
    let s = '';
    while (Date.now() < end) {
      s = screen(name);
      if (pred(s)) return s;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
  };
  const keys = (name: string, ...k: string[]) => tmux('send-keys', '-t', name, ...k);
  const literal = (name: string, text: string) => tmux('send-keys', '-t', name, '-l', text);
  const quote = (argv: string[]) => argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');

  /** This file as the child program (from source with tsx, or compiled). */
  function childCommand(): { cwd: string; argv: string[] } {
    const self = fileURLToPath(import.meta.url);
    const here = dirname(self);
    if (self.endsWith('.ts')) {
      return { cwd: join(here, '..', '..'), argv: [process.execPath, '--openssl-legacy-provider', '--import', 'tsx', self] };
    }
    return { cwd: join(here, '..', '..', '..'), argv: [process.execPath, '--openssl-legacy-provider', self] };
  }

  /** The dashboard's frame is drawn with box characters, never the terminfo alternate-charset letters (lqqk, x). */
  function assertFrame(s: string): void {
    assert.match(s, /^┌─* show vpdn live ─+┐$/m, s);
    assert.match(s, /^│.*│$/m);
    assert.match(s, /^└─+┘$/m);
    assert.doesNotMatch(s, /^lqq|qqk$|^mqq|qqj$/m);
  }

  /** The Rx bytes of the row of `user` (column after the MPPE text). */
  function rxOf(s: string, user: string): number {
    const row = s.split('\n').find((l) => new RegExp(`\\b${user}\\*?\\s+192\\.168\\.`).test(l));
    const m = row && /(?:stateless|stateful)\s+(\d+)\s+(\d+)/.exec(row);
    if (!m) throw new Error(`no row for ${user} in:\n${s}`);
    return Number(m[1]);
  }

  test('live dashboard in tmux: rows, moving numbers, per-user debug key, clear key, q back to the prompt', async (t: TestContext) => {
    if (!hasTmux) {
      console.log('# skipped: tmux is not installed');
      t.skip('tmux is not installed');
      return;
    }
    const cmd = childCommand();
    const name = 'dash';
    const shell = `cd ${quote([cmd.cwd])} && PIX_DASHBOARD_CHILD=1 TERM=xterm-256color LANG=C.UTF-8 ${quote(cmd.argv)}; echo EXITED:$?; sleep 30`;
    tmux('-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', '110', '-y', '34', shell);
    try {
      let s = await waitFor(name, (x) => x.includes('pixfirewall>'), 'the first prompt', 60_000);
      literal(name, 'enable');
      keys(name, 'Enter');
      s = await waitFor(name, (x) => /Password: ?$/m.test(x), 'the Password: question');
      keys(name, 'Enter');
      s = await waitFor(name, (x) => /mode: privileged/.test(x), 'privileged mode');

      literal(name, 'sh vpdn live');
      keys(name, 'Enter');
      s = await waitFor(name, (x) => x.includes('show vpdn live') && /alice/.test(x) && /cisco/.test(x), 'the dashboard rows');
      assert.match(s, /PPTP Tunnel and Session Information \(Total tunnels=2 sessions=2\)/);
      assert.match(s, /Tnl +Peer +User +Client +Uptime +MPPE +Rx bytes +Tx bytes/);
      assert.match(s, />13 +161\.44\.17\.104 +cisco +192\.168\.1\.1 +00:00:\d\d +128 stateless/);
      assert.match(s, / 14 +161\.44\.17\.105 +alice +192\.168\.1\.2 /);
      assert.match(s, /Up\/Down select +c clear tunnel +d debug user +q\/Esc back/);
      assertFrame(s);
      const rx1 = rxOf(s, 'cisco');
      s = await waitFor(name, (x) => rxOf(x, 'cisco') >= rx1 + 1000, 'the byte counters to move');
      assert.match(s, /\d+(\.\d)?K\/s/, 'a throughput figure in the header');

      keys(name, 'Down');
      s = await waitFor(name, (x) => />14 +161\.44\.17\.105 +alice/.test(x), 'the selection to move to alice');
      literal(name, 'd');
      s = await waitFor(name, (x) => x.includes('debug vpdn event, ppp negotiation user alice'), 'the debug key');
      assert.match(s, /alice\* /, 'the row is marked');
      assert.match(s, /debug: (vpdn event\(user alice\), ppp negotiation\(user alice\)|2 on)/);

      literal(name, 'c');
      s = await waitFor(name, (x) => x.includes('Clear tunnel 14 (alice)? [confirm]'), 'the clear confirmation');
      keys(name, 'Enter');
      s = await waitFor(name, (x) => x.includes('Tunnel 14 cleared') && !/alice\*? +192/.test(x), 'tunnel 14 to go');
      assert.match(s, /Total tunnels=1 sessions=1/);
      assert.match(s, /603105: PPTP Tunnel deleted, tunnel_id = 14, remote_peer_ip = 161\.44\.17\.105/);
      assert.match(s, /Tnl 14 LCP: O TERMREQ \[Open\] \(alice\)/, "alice's debug line shows below the table");
      assert.match(s, />13 +161\.44\.17\.104 +cisco/, 'the cursor moved to the remaining row');

      literal(name, 'q');
      s = await waitFor(name, (x) => !x.includes('show vpdn live') && /pixfirewall#\s*$/m.test(x), 'q back to the prompt');
      literal(name, 'show debug');
      keys(name, 'Enter');
      s = await waitFor(name, (x) => x.includes('debug ppp negotiation user alice'), 'show debug');
      assert.match(s, /debug vpdn event user alice/);

      keys(name, 'F2');
      s = await waitFor(name, (x) => x.includes('show vpdn live') && /cisco/.test(x), 'F2 to open it again');
      keys(name, 'Escape');
      s = await waitFor(name, (x) => !x.includes('show vpdn live'), 'Esc to leave');

      literal(name, 'exit');
      keys(name, 'Enter');
      literal(name, 'exit');
      keys(name, 'Enter');
      s = await waitFor(name, (x) => x.includes('EXITED:'), 'the program to exit');
      assert.match(s, /EXITED:0/);
    } finally {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    }
  });

  test('live dashboard frame in tmux with TERM=screen-256color: box characters, not lqqk', async (t: TestContext) => {
    if (!hasTmux) {
      console.log('# skipped: tmux is not installed');
      t.skip('tmux is not installed');
      return;
    }
    const cmd = childCommand();
    const name = 'frame';
    const shell = `cd ${quote([cmd.cwd])} && PIX_DASHBOARD_CHILD=1 TERM=screen-256color LANG=C.UTF-8 ${quote(cmd.argv)}; echo EXITED:$?; sleep 30`;
    tmux('-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', '110', '-y', '34', shell);
    try {
      await waitFor(name, (x) => x.includes('pixfirewall>'), 'the first prompt', 60_000);
      literal(name, 'enable');
      keys(name, 'Enter');
      await waitFor(name, (x) => /Password: ?$/m.test(x), 'the Password: question');
      keys(name, 'Enter');
      await waitFor(name, (x) => /mode: privileged/.test(x), 'privileged mode');
      literal(name, 'sh vpdn live');
      keys(name, 'Enter');
      const s = await waitFor(name, (x) => x.includes('show vpdn live') && /alice/.test(x), 'the dashboard');
      assertFrame(s);
      literal(name, 'q');
      await waitFor(name, (x) => !x.includes('show vpdn live'), 'q back to the prompt');
    } finally {
      try {
        tmux('kill-server');
      } catch {
        // already gone
      }
    }
  });
}
