/**
 * The OpenSSH client and inetutils telnet, each from a host namespace this
 * test made, against the real product running in its own namespace: log
 * in, show running-config, change the config and see it applied; a source
 * address outside the ssh/telnet lines is refused. Needs root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRootWith } from '../../src/lab/rig/capability.js';
import { LineReader, runInNetns, spawnInNetns, stopChild, vethPair, withNetns } from '../../src/lab/rig/netns.js';
import { cliCommand, shellQuote } from './cli-command.js';

const CONFIG = [
  'nameif ethernet0 outside security0',
  'nameif ethernet1 inside security100',
  'hostname pixlab',
  'ip address inside 10.1.1.1 255.255.255.0',
  'passwd letmein',
  'logging on',
  'logging console informational',
  'ssh 10.1.1.5 255.255.255.255 inside',
  'telnet 10.1.1.5 255.255.255.255 inside',
  '',
];

const SSH = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'ConnectTimeout=10',
  '-o', 'PreferredAuthentications=password', '-o', 'PubkeyAuthentication=no'];

test('OpenSSH and telnet clients from another namespace: login, show running-config, a change applied; other hosts refused', async (t) => {
  const cap = canRootWith('ssh', 'sshpass', 'expect', 'inetutils-telnet');
  if (!cap.ok) return t.skip(cap.reason);
  const dir = mkdtempSync(join(tmpdir(), 'pix-shells-'));
  try {
    await withNetns('pixsh', (product) => withNetns('pixadm', async (admin) => {
      const { ifB } = await vethPair(product, admin, '10.1.1.1/24', '10.1.1.5/24');
      // a second source address on the admin host, outside the access lists
      await runInNetns(admin, 'ip', ['addr', 'add', '10.1.1.9/24', 'dev', ifB]);
      const cfg = join(dir, 'pix.cfg');
      writeFileSync(cfg, CONFIG.join('\n'));
      const cmd = cliCommand();
      const pix = spawnInNetns(product, 'sh', ['-c', `cd '${cmd.cwd}' && exec ${shellQuote(cmd.argv)} --plain --no-server --config '${cfg}'`], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out = new LineReader(pix.stdout!);
      try {
        // the console is up once it answers a line
        pix.stdin!.write('show version\n');
        await out.waitFor(/Cisco PIX Firewall Version/, 20_000);

        // OpenSSH, no pty: whole lines in, the change applied to the one running-config
        const ssh = await runInNetns(admin, 'sshpass', ['-p', 'letmein', 'ssh', ...SSH, '-T', 'pix@10.1.1.1'], {
          input: ['enable', '', 'configure terminal', 'hostname viassh', 'end', 'show running-config', 'exit', 'exit', ''].join('\n'),
          timeoutMs: 30_000,
        });
        assert.equal(ssh.code, 0, ssh.stderr + ssh.stdout);
        assert.match(ssh.stdout, /^hostname viassh$/m);
        assert.match(ssh.stdout, /^ssh 10\.1\.1\.5 255\.255\.255\.255 inside$/m);
        assert.match(ssh.stdout, /^passwd \S{16} encrypted$/m);
        assert.ok(!ssh.stdout.includes('letmein'));
        // the console sees it: its next prompt, and the syslog of the login
        pix.stdin!.write('show clock\n');
        await out.waitFor(/^viassh>/, 10_000);
        await out.waitFor(/605005: Login permitted from 10\.1\.1\.5\/\d+ to inside:10\.1\.1\.1\/ssh for user "pix"/, 10_000);

        // an exec request with a pty-less command
        const exec = await runInNetns(admin, 'sshpass', ['-p', 'letmein', 'ssh', ...SSH, 'pix@10.1.1.1', 'show curpriv'], { timeoutMs: 30_000 });
        assert.match(exec.stdout, /Current privilege level : 1/, exec.stderr);

        // from 10.1.1.9: closed before the SSH banner, 710003 on the console
        const refused = await runInNetns(admin, 'sshpass', ['-p', 'letmein', 'ssh', ...SSH, '-b', '10.1.1.9', '-T', 'pix@10.1.1.1', 'show version'], { timeoutMs: 30_000 });
        assert.notEqual(refused.code, 0);
        assert.doesNotMatch(refused.stdout, /PIX/);
        await out.waitFor(/710003: TCP access denied by ACL from 10\.1\.1\.9\/\d+ to inside:10\.1\.1\.1\/ssh/, 10_000);

        // telnet, driven by expect: PIX passwd:, then a pty-style shell with echo and paging
        // (TERM=dumb: line mode; a real terminal type gets the full-screen console, remote-fullscreen-tmux.test.ts)
        const script = join(dir, 'telnet.exp');
        writeFileSync(script, [
          'set timeout 15',
          'set env(TERM) dumb',
          'spawn inetutils-telnet 10.1.1.1',
          'expect "PIX passwd: "',
          'send "letmein\\r"',
          'expect "viassh>"',
          'send "enable\\r"',
          'expect "Password: "',
          'send "\\r"',
          'expect "viassh#"',
          'send "configure terminal\\r"',
          'expect "viassh(config)#"',
          'send "hostname viatelnet\\r"',
          'expect "viatelnet(config)#"',
          'send "show running-config\\r"',
          'expect {',
          '  "<--- More --->" { send " "; exp_continue }',
          '  "viatelnet(config)#" {}',
          '}',
          'send "exit\\r"',
          'expect "viatelnet#"',
          'send "exit\\r"',
          'expect "viatelnet>"',
          'send "exit\\r"',
          'expect eof',
          '',
        ].join('\n'));
        const tel = await runInNetns(admin, 'expect', [script], { timeoutMs: 60_000 });
        assert.equal(tel.code, 0, tel.stdout + tel.stderr);
        assert.match(tel.stdout, /telnet 10\.1\.1\.5 255\.255\.255\.255 inside/);
        assert.ok(!tel.stdout.includes('letmein'), 'the password was echoed');
        pix.stdin!.write('show clock\n');
        await out.waitFor(/^viatelnet>/, 10_000);

        // telnet from 10.1.1.9: the connection is closed at once
        const tbad = await runInNetns(admin, 'inetutils-telnet', ['-b', '10.1.1.9', '10.1.1.1'], { input: '', timeoutMs: 20_000 });
        assert.doesNotMatch(tbad.stdout, /passwd/);
        await out.waitFor(/710003: TCP access denied by ACL from 10\.1\.1\.9\/\d+ to inside:10\.1\.1\.1\/telnet/, 10_000);
      } finally {
        pix.stdin!.end();
        await stopChild(pix);
      }
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
