/**
 * `pix-pptpd --service --config FILE`, the real built binary with stdin
 * /dev/null, as systemd runs it: it stays up past stdin EOF, every stderr
 * line carries a journal priority prefix, SIGTERM stops it with exit 0
 * and the stop notice; a config with bad lines or a missing file exits 78
 * naming the lines, having started nothing. With root, the same with the
 * VPN server inside a namespace this test made: the listener is up, a
 * PPTP tunnel is cleared by SIGTERM, and a bad config never listens.
 * And with a real FreeRADIUS: a live RADIUS-authenticated call is stopped
 * by SIGTERM with an Accounting Stop (Acct-Terminate-Cause Admin-Reboot,
 * the Start's Acct-Session-Id) already in FreeRADIUS's detail file when the
 * process exits 0.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRoot } from '../../src/lab/rig/capability.js';
import { LineReader, spawnInNetns, stopChild, vethPair, waitExit, withNetns } from '../../src/lab/rig/netns.js';
import { freeRadiusAvailable, startFreeRadius, type FreeRadius, detailRecords } from '../../src/lab/rig/freeradius.js';
import { DEFAULT_CONFIG_TEXT } from '../../src/cli/default-config.js';
import { spawnNodeInNetns } from '../harness/node-child.js';
import { cliCommand } from './cli-command.js';

const STOP_MS = 15_000;

function tempConfig(text: string | undefined): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'pix-svc-e2e-'));
  const path = join(dir, 'pix.cfg');
  if (text !== undefined) writeFileSync(path, text);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The product with stdin /dev/null, in the root namespace (never with the server there) or in `ns`. */
function spawnService(args: string[], ns?: string): { child: ChildProcess; err: LineReader; out: () => string } {
  const cmd = cliCommand();
  const argv = [...cmd.argv.slice(1), '--service', ...args];
  const child = ns
    ? spawnInNetns(ns, cmd.argv[0], argv, { cwd: cmd.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(cmd.argv[0], argv, { cwd: cmd.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (d) => (stdout += d));
  return { child, err: new LineReader(child.stderr!), out: () => stdout };
}

async function exitOf(child: ChildProcess, ms: number): Promise<number | null> {
  const code = await waitExit(child, ms);
  if (code === undefined) {
    child.kill('SIGKILL');
    assert.fail(`pix-pptpd still running after ${ms} ms`);
  }
  return code;
}

function assertJournalLines(lines: string[]): void {
  assert.ok(lines.length > 0, 'something was logged');
  for (const l of lines) assert.match(l, /^<[0-7]>\S/, `not a journal line: ${JSON.stringify(l)}`);
}

const TWO_BAD = ['hostname SVC', 'nameif ethernet0 outside security0', 'ip adress outside 127.0.0.1 255.255.255.255', 'logging on', 'vpdn username bob pasword s3cret', ''].join('\n');

test('service without the server: up past stdin EOF, journal lines, SIGTERM exits 0', async () => {
  const cfg = tempConfig('hostname SVC\nlogging on\n');
  const p = spawnService(['--no-server', '--config', cfg.path]);
  try {
    await p.err.waitFor(/^<5>pix-pptpd \S+ started from .* no VPN server \(--no-server\); syslog to the journal at informational$/, 20_000);
    // stdin was /dev/null from the start: a console would have ended by now
    assert.equal(await waitExit(p.child, 1000), undefined, 'still running after stdin EOF');
    const t0 = Date.now();
    p.child.kill('SIGTERM');
    assert.equal(await exitOf(p.child, STOP_MS), 0, p.err.lines.join('\n'));
    assert.ok(Date.now() - t0 < STOP_MS);
    assertJournalLines(p.err.lines);
    assert.equal(p.err.lines.at(-1), '<5>pix-pptpd stopped');
    assert.ok(p.err.lines.includes('<5>pix-pptpd stopping on SIGTERM: clearing 0 tunnels, 0 sessions'), p.err.lines.join('\n'));
    assert.equal(p.out(), '', 'nothing on stdout');
  } finally {
    await stopChild(p.child);
    cfg.cleanup();
  }
});

test('service: two bad lines exit 78 with both line numbers and the secret masked; nothing starts', async () => {
  const cfg = tempConfig(TWO_BAD);
  const p = spawnService(['--no-server', '--config', cfg.path]);
  try {
    assert.equal(await exitOf(p.child, 20_000), 78, p.err.lines.join('\n'));
    assertJournalLines(p.err.lines);
    assert.ok(p.err.lines.some((l) => /^<3>ERROR: line 3: ip adress \.\.\. \(invalid input at 'adress'\)$/.test(l)), p.err.lines.join('\n'));
    assert.ok(p.err.lines.some((l) => /^<3>ERROR: line 5: vpdn username bob pasword \.\.\./.test(l)), p.err.lines.join('\n'));
    assert.ok(p.err.lines.some((l) => /2 errors; nothing applied, not started/.test(l)));
    assert.ok(!p.err.lines.some((l) => /started from/.test(l)));
    assert.ok(!p.err.lines.join('\n').includes('s3cret'), 'the mistyped password is not logged');
  } finally {
    await stopChild(p.child);
    cfg.cleanup();
  }
});

test('service: a missing config file exits 78', async () => {
  const cfg = tempConfig(undefined);
  try {
    const p = spawnService(['--no-server', '--config', cfg.path]);
    assert.equal(await exitOf(p.child, 20_000), 78);
    assert.deepEqual(p.err.lines, [`<3>pix-pptpd: startup config ${cfg.path} not found; the service runs only from a saved config`]);
    const q = spawnService(['--no-server']);
    assert.equal(await exitOf(q.child, 20_000), 78);
    assert.match(q.err.lines.join('\n'), /^<3>pix-pptpd: --service needs --config FILE/);
  } finally {
    cfg.cleanup();
  }
});

function listening1723(ns: string): boolean {
  const r = spawnSync('ip', ['netns', 'exec', ns, 'ss', '-Hltn', 'sport = :1723'], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim() !== '';
}

test('service with the VPN server in a namespace: listens, SIGTERM clears the tunnel and exits 0', async (t) => {
  const root = canRoot();
  if (!root.ok) return t.skip(root.reason);
  const cfg = tempConfig(DEFAULT_CONFIG_TEXT.replace('logging console debugging', 'logging console informational'));
  try {
    await withNetns('pixsvc', async (ns) => {
      const p = spawnService(['--config', cfg.path], ns);
      await p.err.waitFor(/^<5>pix-pptpd \S+ started from .*: PPTP listening on 127\.0\.0\.1:1723 \(outside\); syslog to the journal at informational$/, 20_000);
      assert.ok(listening1723(ns), 'listener on 1723 in the namespace');

      const client = spawnNodeInNetns(ns, 'pptp-control-child', ['127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const ctl = new LineReader(client.stdout!);
      await ctl.waitFor(/^CTRL 2$/, 10_000); // Start-Control-Connection-Reply: the tunnel is up

      p.child.kill('SIGTERM');
      await ctl.waitFor(/^CTRL 3$/, STOP_MS); // Stop-Control-Connection-Request from the server
      await ctl.waitFor(/^CLOSED$/, STOP_MS);
      assert.equal(await exitOf(p.child, STOP_MS), 0, p.err.lines.join('\n'));
      assertJournalLines(p.err.lines);
      assert.ok(p.err.lines.includes('<5>pix-pptpd stopping on SIGTERM: clearing 1 tunnel, 0 sessions'), p.err.lines.join('\n'));
      assert.equal(p.err.lines.at(-1), '<5>pix-pptpd stopped');
      assert.equal(listening1723(ns), false);
      await stopChild(client);
    });
  } finally {
    cfg.cleanup();
  }
});

test('service with the VPN server in a namespace: a bad config never listens', async (t) => {
  const root = canRoot();
  if (!root.ok) return t.skip(root.reason);
  const cfg = tempConfig(DEFAULT_CONFIG_TEXT + 'vpdn group 1 ppp authentication mschap-v3\npager lines many\n');
  try {
    await withNetns('pixsvcbad', async (ns) => {
      const p = spawnService(['--config', cfg.path], ns);
      let listened = false;
      while (p.child.exitCode === null && p.child.signalCode === null) {
        if (listening1723(ns)) listened = true;
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(await exitOf(p.child, 20_000), 78, p.err.lines.join('\n'));
      assert.equal(listened, false, 'no listener while it ran');
      const total = DEFAULT_CONFIG_TEXT.split('\n').length;
      assert.ok(p.err.lines.some((l) => l.startsWith(`<3>ERROR: line ${total}: vpdn group 1 ppp authentication mschap-v3`)), p.err.lines.join('\n'));
      assert.ok(p.err.lines.some((l) => l.startsWith(`<3>ERROR: line ${total + 1}: pager lines many`)), p.err.lines.join('\n'));
      assertJournalLines(p.err.lines);
    });
  } finally {
    cfg.cleanup();
  }
});

const ACCT = { server: '10.98.0.1', client: '10.98.0.2', user: 'acctuser', password: 'Acct-Svc-Pw7', secret: 'svc-Rad-Key3' };

/** Group 1 authenticated and accounted by FreeRADIUS on the server namespace's loopback; no local users. */
const ACCT_CONFIG = [
  'nameif ethernet0 outside security0',
  'hostname pixacct',
  'logging on',
  'logging console informational',
  `ip address outside ${ACCT.server} 255.255.255.0`,
  'ip local pool pptp-pool 10.97.0.10-10.97.0.20',
  'aaa-server R protocol radius',
  `aaa-server R (outside) host 127.0.0.1 ${ACCT.secret} timeout 5 authentication-port 1812 accounting-port 1813`,
  'vpdn group 1 accept dialin pptp',
  'vpdn group 1 ppp authentication mschap-v2',
  'vpdn group 1 ppp encryption mppe 128 required',
  'vpdn group 1 client configuration address local pptp-pool',
  'vpdn group 1 client authentication aaa R',
  'vpdn group 1 client accounting R',
  'vpdn enable outside',
  '',
].join('\n');

async function until(cond: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('service with RADIUS accounting: SIGTERM sends each live call\'s Accounting Stop (Admin-Reboot) to FreeRADIUS before exiting 0', async (t) => {
  const root = canRoot();
  if (!root.ok) return t.skip(root.reason);
  const fr = freeRadiusAvailable();
  if (!fr.ok) return t.skip(fr.reason);
  const cfg = tempConfig(ACCT_CONFIG);
  try {
    await withNetns('pixacctS', (srv) =>
      withNetns('pixacctC', async (cli) => {
        await vethPair(srv, cli, `${ACCT.server}/24`, `${ACCT.client}/24`);
        let radius: FreeRadius | undefined;
        let client: ChildProcess | undefined;
        try {
          radius = await startFreeRadius({ users: [{ name: ACCT.user, password: ACCT.password }], secret: ACCT.secret, netns: srv });
          const p = spawnService(['--config', cfg.path], srv);
          await p.err.waitFor(/^<5>pix-pptpd \S+ started from .*: PPTP listening on 10\.98\.0\.1:1723 \(outside\)/, 20_000);

          client = spawnNodeInNetns(cli, 'flood-client', [ACCT.server, ACCT.client, ACCT.user, ACCT.password], { stdio: ['pipe', 'pipe', 'inherit'] });
          const c = new LineReader(client.stdout!);
          const upLine = await c.waitFor(/^(UP|FAIL) /, 20_000);
          assert.match(upLine, /^UP /, `${upLine}\n${p.err.lines.join('\n')}`);
          const up = JSON.parse(upLine.slice(3)) as { clientAddress: string; mppe: { bits: number } | null };
          assert.equal(up.mppe?.bits, 128, 'MPPE-128, keyed from the Access-Accept');
          await c.waitFor(/^PING 2 1 /, 10_000); // traffic through the call, for the Stop's counters

          const ofUser = () => detailRecords(radius!.accounting()).filter((r) => r['User-Name'] === ACCT.user);
          await until(() => ofUser().length > 0, 'the Accounting Start in the detail file', 10_000);

          p.child.kill('SIGTERM');
          assert.equal(await exitOf(p.child, STOP_MS), 0, p.err.lines.join('\n'));
          // read at once: the Stop must have been acknowledged before the process exited
          const recs = ofUser();
          const why = `\n${radius.accounting()}\n${p.err.lines.join('\n')}`;
          assert.deepEqual(recs.map((r) => r['Acct-Status-Type']), ['Start', 'Stop'], why);
          const [start, stop] = recs as [Record<string, string>, Record<string, string>];
          assert.match(start['Acct-Session-Id'] ?? '', /^[0-9A-F]{18}$/, why);
          assert.equal(stop['Acct-Session-Id'], start['Acct-Session-Id'], why);
          // RFC 2866 5.10: the administrator is ending service on the NAS
          assert.equal(stop['Acct-Terminate-Cause'], 'Admin-Reboot', why);
          for (const r of recs) {
            assert.equal(r['Framed-IP-Address'], up.clientAddress, why);
            assert.equal(r['Calling-Station-Id'], ACCT.client, why);
            assert.equal(r['Acct-Authentic'], 'RADIUS', why);
          }
          assert.ok(Number(stop['Acct-Input-Packets']) >= 3 && Number(stop['Acct-Output-Packets']) >= 3, `the pings were counted${why}`);
          assert.ok(Number(stop['Acct-Session-Time']) >= 0, why);

          assertJournalLines(p.err.lines);
          assert.ok(p.err.lines.includes('<5>pix-pptpd stopping on SIGTERM: clearing 1 tunnel, 1 session'), p.err.lines.join('\n'));
          assert.equal(p.err.lines.at(-1), '<5>pix-pptpd stopped');
          assert.ok(!p.err.lines.join('\n').includes(ACCT.secret) && !p.err.lines.join('\n').includes(ACCT.password), 'no secret in the journal');
        } finally {
          if (client) await stopChild(client);
          await radius?.stop();
        }
      }),
    );
  } finally {
    cfg.cleanup();
  }
});
