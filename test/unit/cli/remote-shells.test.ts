/**
 * SSH and Telnet shells on loopback, driven by real protocol clients (the
 * ssh2 client, a telnet-stream client): access list, logins, privilege,
 * one running-config shared with the console, who / kill / ssh disconnect,
 * idle timeout, syslog, and no password in any line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { TelnetSocket } from 'telnet-stream';
import { DebugBus, type LogLine } from '../../../src/debug/bus.js';
import { createApp, type App } from '../../../src/cli/app.js';
import type { ManagementPlane } from '../../../src/cli/remote/plane.js';

const BASE = [
  'nameif ethernet0 outside security0',
  'nameif ethernet1 inside security100',
  'ip address inside 127.0.0.1 255.255.255.255',
  'passwd letmein',
  'hostname pixlab',
];

type Syslog = Extract<LogLine, { kind: 'syslog' }>;

interface Box {
  app: App;
  syslog: Syslog[];
  port(service: 'ssh' | 'telnet'): number;
  close(): Promise<void>;
}

async function box(extra: string[], opts: { minuteMs?: number; configPath?: string } = {}): Promise<Box> {
  const bus = new DebugBus();
  const syslog: Syslog[] = [];
  bus.subscribe((l) => {
    if (l.kind === 'syslog') syslog.push(l);
  });
  const app = createApp({ bus, configPath: opts.configPath, management: { ports: { ssh: 0, telnet: 0 }, failDelayMs: 10, loginMs: 5000, minuteMs: opts.minuteMs } });
  const r = await app.loadText([...BASE, ...extra].join('\n'), app.emptyConfig());
  assert.deepEqual(r.messages.filter((m) => m.startsWith('ERROR')), []);
  const plane = app.management() as ManagementPlane;
  return {
    app,
    syslog,
    port: (service) => {
      const l = plane.listening().find((x) => x.service === service);
      assert.ok(l, `no ${service} listener`);
      return l.port;
    },
    close: () => app.close(),
  };
}

/**
 * An interactive SSH shell: what it printed so far, and a way to type. The
 * pty is a `dumb` terminal by default (line mode); a real terminal type
 * gets the full-screen console.
 */
async function sshShell(port: number, user: string, password: string, term: string | false = 'dumb', size = { cols: 100, rows: 30 }) {
  const c = new ssh2.Client();
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    c.on('ready', resolve);
    c.on('error', reject);
  });
  c.connect({ host: '127.0.0.1', port, username: user, password, readyTimeout: 5000, hostVerifier: () => true });
  await ready;
  const stream = await new Promise<ssh2.ClientChannel>((resolve, reject) =>
    c.shell(term ? { term, ...size } : false, (err, s) => (err ? reject(err) : resolve(s))));
  stream.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<void>((resolve) => stream.on('close', () => resolve()));
  return {
    output: () => out,
    type: (s: string) => stream.write(s),
    closed,
    end: () => c.end(),
  };
}

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!fn()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function ids(b: Box): number[] {
  return b.syslog.map((l) => l.id);
}

function noSecret(b: Box, ...secrets: string[]): void {
  for (const l of b.syslog) for (const s of secrets) assert.ok(!l.text.includes(s), `secret in syslog: ${l.text}`);
}

test('SSH: user pix with the passwd password; enable; a change made over SSH is the console\'s running-config', async () => {
  const b = await box(['ssh 127.0.0.1 255.255.255.255 inside']);
  try {
    const sh = await sshShell(b.port('ssh'), 'pix', 'letmein');
    await until('prompt', () => sh.output().includes('pixlab>'));
    assert.match(sh.output(), /Type help or '\?' for a list of available commands\./);
    sh.type('enable\r');
    await until('password prompt', () => sh.output().includes('Password: '));
    sh.type('\r');
    await until('# prompt', () => sh.output().includes('pixlab#'));
    sh.type('configure terminal\rhostname viassh\r');
    await until('new prompt', () => sh.output().includes('viassh(config)#'));
    assert.equal(b.app.config().vpn.hostname, 'viassh');
    const console = b.app.createSession();
    assert.equal(console.prompt(), 'viassh>');
    sh.type('show ssh sessions\r');
    await until('sessions', () => /Session ID\s+Client IP/.test(sh.output()));
    assert.match(sh.output(), /\n\s+\d+\s+127\.0\.0\.1\s+2\.0\s+\S+\s+6\s+pix/);
    sh.type('end\rexit\rexit\r');
    await sh.closed;
    const seen = ids(b);
    for (const id of [710001, 710002, 605005, 502103, 111008, 611103]) assert.ok(seen.includes(id), `syslog ${id} missing: ${seen}`);
    assert.ok(b.syslog.some((l) => l.text === "User 'enable_15' executed the 'hostname viassh' command."), b.syslog.map((l) => l.text).join('\n'));
    noSecret(b, 'letmein');
  } finally {
    await b.close();
  }
});

test('SSH: a wrong password is refused, logged (605004) and slowed; no password in any line', async () => {
  const b = await box(['ssh 127.0.0.1 255.255.255.255 inside']);
  try {
    const c = new ssh2.Client();
    const err = await new Promise<Error>((resolve) => {
      c.on('error', resolve);
      c.on('ready', () => resolve(new Error('logged in')));
      c.connect({ host: '127.0.0.1', port: b.port('ssh'), username: 'pix', password: 'guess-1', readyTimeout: 5000, hostVerifier: () => true });
    });
    assert.match(err.message, /authentication methods failed/i);
    c.end();
    assert.ok(b.syslog.some((l) => l.id === 605004 && /Login denied from 127\.0\.0\.1\/\d+ to inside:127\.0\.0\.1\/ssh for user "pix"/.test(l.text)));
    noSecret(b, 'guess-1', 'letmein');
  } finally {
    await b.close();
  }
});

test('SSH: a host outside the ssh lines is closed before the banner (710003)', async () => {
  const b = await box(['ssh 10.9.9.9 255.255.255.255 inside']);
  try {
    const got = await new Promise<string>((resolve) => {
      let data = '';
      const s: Socket = connect(b.port('ssh'), '127.0.0.1');
      s.on('data', (d) => (data += d.toString()));
      s.on('close', () => resolve(data));
      s.on('error', () => undefined);
    });
    assert.equal(got, '', 'no SSH banner for a refused host');
    assert.ok(b.syslog.some((l) => l.id === 710003 && l.severity === 3 && /TCP access denied by ACL from 127\.0\.0\.1\/\d+ to inside:127\.0\.0\.1\/ssh/.test(l.text)));
    assert.ok(!ids(b).includes(605005));
  } finally {
    await b.close();
  }
});

test('SSH: aaa authentication ssh console LOCAL: a privilege 15 user starts at #; exec channel runs commands', async () => {
  const b = await box(['username admin password s3cret privilege 15', 'username ops password opspw', 'aaa authentication ssh console LOCAL', 'ssh 127.0.0.1 255.255.255.255 inside']);
  try {
    const sh = await sshShell(b.port('ssh'), 'admin', 's3cret');
    await until('# prompt', () => sh.output().includes('pixlab#'));
    sh.type('show curpriv\r');
    await until('curpriv', () => sh.output().includes('Current privilege level : 15'));
    assert.match(sh.output(), /Username : admin/);
    sh.end();
    // exec: one line per command, as if typed
    const c = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      c.on('ready', resolve).on('error', reject);
      c.connect({ host: '127.0.0.1', port: b.port('ssh'), username: 'ops', password: 'opspw', readyTimeout: 5000, hostVerifier: () => true });
    });
    const out = await new Promise<string>((resolve, reject) => c.exec('show curpriv\nshow version', (err, s) => {
      if (err) return reject(err);
      let o = '';
      s.on('data', (d: Buffer) => (o += d.toString())).on('close', () => resolve(o));
    }));
    c.end();
    assert.match(out, /Username : ops/);
    assert.match(out, /Current privilege level : 2/);
    assert.match(out, /Cisco PIX Firewall Version/);
    assert.ok(ids(b).includes(611101));
    noSecret(b, 's3cret', 'opspw');
  } finally {
    await b.close();
  }
});

test('SSH: ssh timeout ends an idle shell (315011); ssh disconnect N ends another', async () => {
  const b = await box(['ssh 127.0.0.1 255.255.255.255 inside', 'ssh timeout 1'], { minuteMs: 300 });
  try {
    const idle = await sshShell(b.port('ssh'), 'pix', 'letmein');
    await idle.closed;
    assert.match(idle.output(), /Idle timeout/);
    assert.ok(b.syslog.some((l) => l.id === 315011 && l.text.includes('reason: "Time out activated"')));
    const victim = await sshShell(b.port('ssh'), 'pix', 'letmein');
    await until('prompt', () => victim.output().includes('pixlab>'));
    const con = b.app.createSession();
    await con.execute('enable');
    await con.execute('');
    const rows = await con.execute('show ssh sessions');
    const id = Number(/^\s+(\d+)\s+127\.0\.0\.1/m.exec(rows.join('\n'))?.[1]);
    assert.deepEqual(await con.execute(`ssh disconnect ${id}`), []);
    await victim.closed;
    assert.deepEqual(await con.execute(`ssh disconnect ${id}`), [`% No SSH session ${id}`]);
  } finally {
    await b.close();
  }
});

/** A telnet client: negotiation answered as a terminal would, window 90x10. */
function telnetClient(port: number) {
  const sock = connect(port, '127.0.0.1');
  const t = new TelnetSocket(sock);
  const seen = { will: new Set<number>(), do: new Set<number>() };
  let out = '';
  t.on('will', (o) => {
    seen.will.add(o);
    t.writeDo(o);
  });
  t.on('do', (o) => {
    seen.do.add(o);
    if (o === 31) {
      t.writeWill(31);
      t.writeSub(31, Buffer.from([0, 90, 0, 10]));
    } else t.writeWont(o);
  });
  t.on('data', (d) => (out += d.toString()));
  const closed = new Promise<void>((r) => t.on('close', () => r()));
  sock.on('error', () => undefined);
  return { seen, output: () => out, type: (s: string) => t.write(s), closed, end: () => sock.destroy() };
}

test('Telnet: WILL ECHO/SGA and DO NAWS; PIX passwd: not echoed; who and kill from the console; pages at the window height', async () => {
  const b = await box(['telnet 127.0.0.1 255.255.255.255 inside', 'pager lines 24']);
  try {
    const tc = telnetClient(b.port('telnet'));
    await until('password prompt', () => tc.output().includes('PIX passwd: '));
    assert.ok(tc.seen.will.has(1) && tc.seen.will.has(3) && tc.seen.do.has(31));
    tc.type('wrong\r\n');
    await until('refusal', () => tc.output().includes('Invalid password'));
    tc.type('letmein\r\n');
    await until('prompt', () => tc.output().includes('pixlab>'));
    assert.ok(!tc.output().includes('letmein') && !tc.output().includes('wrong'), 'password echoed');
    tc.type('enable\r\n\r\nshow running-config\r\n');
    await until('pager', () => tc.output().includes('<--- More --->'));
    // window of 10 rows: 9 lines of output before the prompt line
    const before = tc.output().split('\r\n');
    const at = before.findIndex((l) => l.startsWith(': Saved') || l.startsWith('PIX Version') || l.startsWith(':'));
    assert.ok(at >= 0, tc.output());
    assert.ok(before.length - at <= 11, `paged at the window height: ${before.length - at} rows`);
    tc.type('q');
    const con = b.app.createSession();
    await con.execute('enable');
    await con.execute('');
    const who = (await con.execute('who')).join('\n');
    const m = /^ (\d+): 127\.0\.0\.1 telnet pix/m.exec(who);
    assert.ok(m, who);
    assert.deepEqual(await con.execute(`kill ${m[1]}`), []);
    await tc.closed;
    assert.ok(ids(b).includes(605004) && ids(b).includes(605005) && ids(b).includes(611103));
    noSecret(b, 'letmein', 'wrong');
  } finally {
    await b.close();
  }
});

test('the SSH host key is made on first start beside the startup config (0600) and kept across restarts; ca zeroize/generate/save', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pix-hostkey-'));
  const cfg = join(dir, 'pix.cfg');
  try {
    const b1 = await box(['ssh 127.0.0.1 255.255.255.255 inside'], { configPath: cfg });
    const keyFile = `${cfg}.ssh_host_rsa_key`;
    assert.ok(existsSync(keyFile));
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    const con = b1.app.createSession();
    await con.execute('enable');
    await con.execute('');
    const pub1 = await con.execute('show ca mypubkey rsa');
    assert.match(pub1.join('\n'), /Key name: pixlab/);
    await b1.close();
    const b2 = await box(['ssh 127.0.0.1 255.255.255.255 inside'], { configPath: cfg });
    const con2 = b2.app.createSession();
    await con2.execute('enable');
    await con2.execute('');
    assert.deepEqual((await con2.execute('show ca mypubkey rsa')).slice(4), pub1.slice(4), 'same key after a restart');
    await con2.execute('configure terminal');
    await con2.execute('ca generate rsa key 512');
    const pub2 = await con2.execute('show ca mypubkey rsa');
    assert.notDeepEqual(pub2.slice(4), pub1.slice(4));
    assert.deepEqual(await con2.execute('ca save all'), []);
    await con2.execute('ca zeroize rsa');
    assert.ok(!existsSync(keyFile));
    assert.match((await con2.execute('show ca mypubkey rsa')).join('\n'), /No RSA key pair/);
    await b2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('faults: 100 connections at once, garbage before the banner, clients that vanish mid-login; the open shell keeps answering', async () => {
  const b = await box(['ssh 127.0.0.1 255.255.255.255 inside', 'telnet 127.0.0.1 255.255.255.255 inside']);
  try {
    const sh = await sshShell(b.port('ssh'), 'pix', 'letmein');
    await until('prompt', () => sh.output().includes('pixlab>'));
    const storm = Array.from({ length: 100 }, (_, i) => new Promise<void>((resolve) => {
      const s = connect(i % 2 ? b.port('ssh') : b.port('telnet'), '127.0.0.1');
      s.on('error', () => resolve());
      s.on('close', () => resolve());
      s.on('connect', () => {
        if (i % 3 === 0) s.write(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x47, 0x45, 0x54, 0x0a]));
        if (i % 3 === 1) s.write('SSH-2.0-x\r\n');
        setTimeout(() => s.destroy(), 50);
      });
    }));
    await Promise.all(storm);
    // over the limit they were discarded, the rest closed when the client went
    assert.ok(ids(b).includes(710005));
    sh.type('show curpriv\r');
    await until('answer', () => sh.output().includes('Current privilege level : 1'));
    // and new logins work again once the storm is gone
    const again = await sshShell(b.port('ssh'), 'pix', 'letmein');
    await until('prompt', () => again.output().includes('pixlab>'));
    again.end();
    sh.end();
  } finally {
    await b.close();
  }
});

test('10 admins typing at once: every change lands in the one running-config, none lost', async () => {
  const bus = new DebugBus();
  const app = createApp({ bus, management: { ports: { ssh: 0 }, limit: 10, failDelayMs: 10 } });
  try {
    await app.loadText([...BASE, 'ssh 127.0.0.1 255.255.255.255 inside'].join('\n'), app.emptyConfig());
    const port = (app.management() as ManagementPlane).listening().find((l) => l.service === 'ssh')!.port;
    const shells = await Promise.all(Array.from({ length: 10 }, () => sshShell(port, 'pix', 'letmein')));
    await Promise.all(shells.map((s) => until('prompt', () => s.output().includes('pixlab>'))));
    for (const [i, s] of shells.entries()) {
      s.type('enable\r\rconfigure terminal\r');
      for (let n = 0; n < 5; n++) s.type(`name 10.50.${i}.${n} host-${i}-${n}\r`);
    }
    await until('all names', () => (app.config().entries.filter((e) => e.line.cmd === 'name').length === 50), 10_000);
    for (const s of shells) s.end();
  } finally {
    await app.close();
  }
});
