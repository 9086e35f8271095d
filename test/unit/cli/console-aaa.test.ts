/**
 * `aaa authentication serial console TAG` (the local console asks a login
 * first) and `aaa authentication enable console TAG` (`enable` asks a user
 * name and that user's password): LOCAL users at their privilege, wrong
 * passwords refused and logged (611102), Ctrl-C cannot skip a console
 * login, three failed enables give up, a group whose servers are all down
 * falls back to the enable password, and no password reaches a line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DebugBus, type LogLine } from '../../../src/debug/bus.js';
import { createApp, type App } from '../../../src/cli/app.js';

const BASE = [
  'nameif ethernet0 outside security0',
  'nameif ethernet1 inside security100',
  'hostname pixaaa',
  'enable password en4ble',
  'username admin password Adm1n-pw privilege 15',
  'username ops password 0ps-pw privilege 5',
];

async function box(extra: string[]): Promise<{ app: App; syslog: LogLine[] }> {
  const bus = new DebugBus();
  const syslog: LogLine[] = [];
  bus.subscribe((l) => l.kind === 'syslog' && syslog.push(l));
  const app = createApp({ bus });
  const r = await app.loadText([...BASE, ...extra].join('\n'), app.emptyConfig());
  assert.deepEqual(r.messages.filter((m) => m.startsWith('ERROR')), []);
  return { app, syslog };
}

const texts = (l: LogLine[]) => l.map((x) => (x.kind === 'syslog' ? `${x.id}: ${x.text}` : x.text));

test('serial console LOCAL: Username:/Password: before the prompt; a wrong password asks again; Ctrl-C cannot skip it', async () => {
  const b = await box(['aaa authentication serial console LOCAL']);
  try {
    const s = b.app.createSession({ consoleLogin: true });
    assert.equal(s.prompt(), 'Username: ');
    assert.deepEqual(await s.execute('show running-config'), [], 'typed at the login: a user name, not a command');
    assert.equal(s.prompt(), 'Password: ');
    assert.equal(s.wantsSecret(), true);
    assert.deepEqual(await s.execute('nope'), ['Error: Authentication failed']);
    assert.equal(s.prompt(), 'Username: ');
    await s.execute('admin');
    s.cancelPending();
    assert.equal(s.prompt(), 'Username: ', 'Ctrl-C starts the login again');
    await s.execute('admin');
    assert.deepEqual(await s.execute('Adm1n-pw'), []);
    assert.equal(s.prompt(), 'pixaaa#', 'privilege 15 starts at #');
    assert.deepEqual(await s.execute('show curpriv'), ['Username : admin', 'Current privilege level : 15', 'Current Mode/s : P_PRIV']);
    const t = texts(b.syslog);
    assert.ok(t.includes('611102: User authentication failed: Uname: show running-config'), t.join('\n'));
    assert.ok(t.includes('611101: User authentication succeeded: Uname: admin'));
    assert.ok(!t.some((l) => l.includes('Adm1n-pw')));

    // without the aaa line (or for a remote shell) no console login
    assert.equal(b.app.createSession({}).prompt(), 'pixaaa>');
  } finally {
    await b.app.close();
  }
});

test('enable console LOCAL: enable asks a user name; the user gets its level; three failures give up; disable returns', async () => {
  const b = await box(['aaa authentication enable console LOCAL']);
  try {
    const s = b.app.createSession({});
    assert.equal(s.prompt(), 'pixaaa>');
    await s.execute('enable');
    assert.equal(s.prompt(), 'Username: ');
    await s.execute('ops');
    assert.equal(s.prompt(), 'Password: ');
    assert.deepEqual(await s.execute('0ps-pw'), []);
    assert.equal(s.prompt(), 'pixaaa#');
    assert.deepEqual(await s.execute('show curpriv'), ['Username : ops', 'Current privilege level : 5', 'Current Mode/s : P_PRIV']);
    await s.execute('disable');
    assert.equal(s.prompt(), 'pixaaa>');

    await s.execute('enable');
    for (let i = 0; i < 2; i++) {
      await s.execute('admin');
      assert.deepEqual(await s.execute('en4ble'), ['Error: Authentication failed'], 'the enable password is not a user password');
      assert.equal(s.prompt(), 'Username: ');
    }
    await s.execute('admin');
    assert.deepEqual(await s.execute('wrong'), ['Error: Authentication failed']);
    assert.equal(s.prompt(), 'pixaaa>', 'three failures: back at the prompt');
    const t = texts(b.syslog);
    assert.ok(t.includes('502103: User priv level changed: Uname: ops From: 1 To: 5'), t.join('\n'));
    assert.equal(t.filter((l) => l.startsWith('611102: User authentication failed: Uname: admin')).length, 3);
  } finally {
    await b.app.close();
  }
});

test('enable console GROUP with every server down: the enable password lets in (PIX fallback); a wrong one does not', async () => {
  // no VPN server in this App: a group check is unreachable
  const b = await box(['aaa-server RAD protocol radius', 'aaa-server RAD (inside) host 10.1.1.9 k3y timeout 1', 'aaa authentication enable console RAD']);
  try {
    const s = b.app.createSession({});
    await s.execute('enable');
    await s.execute('anyone');
    assert.deepEqual(await s.execute('wrong'), ['Error: Authentication failed']);
    await s.execute('anyone');
    assert.deepEqual(await s.execute('en4ble'), []);
    assert.equal(s.prompt(), 'pixaaa#');
    assert.equal(s.privilegeLevel(), 15);
  } finally {
    await b.app.close();
  }
});
