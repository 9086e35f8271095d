import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellSession, UNKNOWN_COMMAND, MAX_LINE } from '../../../src/cli/session.js';
import { FakeHost, enable } from './fakes.js';
import { seedStatus, SEED_SHOW_VPDN } from './fixtures.js';

function make(opts: { interactive?: boolean } = {}) {
  const host = new FakeHost();
  const logs: string[] = [];
  const syslog: string[] = [];
  const s = new ShellSession(host, { id: 1, interactive: opts.interactive, onLog: (l, kind) => (kind === 'debug' ? logs : syslog).push(...l) });
  return { host, s, logs, syslog };
}

test('modes and prompts: > # (config)# and back', async () => {
  const { s } = make();
  assert.equal(s.prompt(), 'pixfirewall>');
  assert.deepEqual(await s.execute('enable'), []);
  assert.equal(s.prompt(), 'Password: ');
  assert.deepEqual(await s.execute(''), []);
  assert.equal(s.prompt(), 'pixfirewall#');
  await s.execute('conf t');
  assert.equal(s.prompt(), 'pixfirewall(config)#');
  await s.execute('exit');
  assert.equal(s.prompt(), 'pixfirewall#');
  await s.execute('configure terminal');
  await s.execute('end');
  assert.equal(s.prompt(), 'pixfirewall#');
  await s.execute('configure terminal');
  s.end();
  assert.equal(s.prompt(), 'pixfirewall#');
  await s.execute('disable');
  assert.equal(s.prompt(), 'pixfirewall>');
  assert.deepEqual(await s.execute('exit'), ['', 'Logoff', '']);
  assert.equal(s.closed, true);
});

test('hostname changes the prompt at once; no hostname restores the default', async () => {
  const { s } = make();
  await enable(s);
  await s.execute('conf t');
  await s.execute('hostname PIX');
  assert.equal(s.prompt(), 'PIX(config)#');
  await s.execute('no hostname x');
  assert.equal(s.prompt(), 'pixfirewall(config)#');
});

test('enable password: Password: prompt, wrong -> Invalid password, right -> #', async () => {
  const { s, host } = make();
  host.rc.enablePassword = { value: 'secret', encrypted: false };
  await s.execute('enable');
  assert.equal(s.prompt(), 'Password: ');
  assert.equal(s.wantsSecret(), true);
  assert.deepEqual(await s.execute('nope'), ['Invalid password']);
  assert.equal(s.prompt(), 'Password: ');
  assert.deepEqual(await s.execute('secret'), []);
  assert.equal(s.prompt(), 'pixfirewall#');
  assert.ok(!s.history().includes('secret'), 'passwords never enter history');
});

test('encrypted enable password is checked against the PIX hash; 3 failures give up', async () => {
  const { s, host } = make();
  host.rc.enablePassword = { value: '2KFQnbNIdI.2KYOU', encrypted: true };
  await s.execute('enable');
  for (let i = 0; i < 3; i++) assert.deepEqual(await s.execute('wrong'), ['Invalid password']);
  assert.equal(s.prompt(), 'pixfirewall>');
  await s.execute('enable');
  await s.execute('cisco');
  assert.equal(s.prompt(), 'pixfirewall#');
  // the factory default (hash of the empty password): still asked, Enter alone answers
  host.rc.enablePassword = { value: '8Ry2YjIyt7RRXU24', encrypted: true };
  await s.execute('disable');
  await s.execute('enable');
  assert.equal(s.prompt(), 'Password: ');
  assert.deepEqual(await s.execute('cisco'), ['Invalid password']);
  assert.deepEqual(await s.execute(''), []);
  assert.equal(s.prompt(), 'pixfirewall#');
  // no enable password line at all: the same
  host.rc.enablePassword = undefined;
  await s.execute('disable');
  await s.execute('enable');
  assert.equal(s.prompt(), 'Password: ');
  assert.deepEqual(await s.execute(''), []);
  assert.equal(s.prompt(), 'pixfirewall#');
});

test('unknown input prints the PIX hint; privileged commands are refused in > mode', async () => {
  const { s } = make();
  assert.deepEqual(await s.execute('frobnicate'), [UNKNOWN_COMMAND]);
  assert.deepEqual(await s.execute('write memory'), [UNKNOWN_COMMAND]);
  assert.deepEqual(await s.execute('show running-config'), [UNKNOWN_COMMAND]);
  assert.deepEqual(await s.execute('hostname X'), [UNKNOWN_COMMAND]);
  assert.equal(s.prompt(), 'pixfirewall>');
});

test('config errors are printed and change nothing', async () => {
  const { s, host } = make();
  await enable(s);
  await s.execute('conf t');
  const before = host.rc;
  assert.deepEqual(await s.execute('bad'), ['ERROR: bad line']);
  assert.equal(host.rc, before);
});

test('show vpdn renders server status; show history lists lines', async () => {
  const { s, host } = make();
  host.st = seedStatus();
  await enable(s);
  const out = await s.execute('show vpdn');
  assert.equal(out.join('\n'), SEED_SHOW_VPDN);
  assert.deepEqual(await s.execute('show history'), ['  enable', '  show vpdn', '  show history']);
});

test('? at the end of a line gives help with live names', async () => {
  const { s, host } = make();
  host.rc.vpn.vpdnGroups.push({ name: 'g1', acceptDialinPptp: true, authentication: [], dns: [], wins: [] });
  assert.deepEqual(await s.execute('show ?'), ['help(show |exec|g1)']);
  assert.deepEqual(s.helpFor('sh'), ['help(sh|exec|g1)']);
  assert.deepEqual(s.complete('sh'), { line: 'show ', candidates: [] });
});

test('debug drives the bus and routes lines to this session; show debug; undebug all', async () => {
  const { s, host, logs, syslog } = make();
  await enable(s);
  assert.deepEqual(syslog, ['502103: User priv level changed: Uname: enable_15 From: 1 To: 15']);
  await s.execute('debug vpdn event');
  await s.execute('debug ppp io user john');
  assert.equal(host.bus.on('vpdn event'), true);
  assert.deepEqual(await s.execute('show debug'), ['debug vpdn event', 'debug ppp io user john']);
  host.bus.debug('vpdn event', 'Tnl 42 PPTP: CC I SCCRQ');
  host.bus.debug('ppp io', 'for cisco', { user: 'cisco' });
  assert.deepEqual(logs, ['Tnl 42 PPTP: CC I SCCRQ']);
  await s.execute('undebug all');
  assert.deepEqual(host.bus.active(), []);
  assert.deepEqual(await s.execute('show debug'), []);
});

test('syslog reaches the console session per logging console', async () => {
  const { host, syslog: logs } = make();
  host.bus.syslog(603105, 6, 'PPTP Tunnel deleted, tunnel_id = 8, remote_peer_ip = 161.44.17.104');
  assert.deepEqual(logs, ['603105: PPTP Tunnel deleted, tunnel_id = 8, remote_peer_ip = 161.44.17.104']);
});

test('write erase and reload always ask [confirm]; only Enter or y goes on', async () => {
  for (const interactive of [false, true]) {
    const t = make({ interactive });
    await enable(t.s);
    assert.deepEqual(await t.s.execute('write erase'), []);
    assert.equal(t.s.prompt(), 'Erase PIX configuration in flash memory? [confirm]');
    await t.s.execute('show version');
    assert.equal(t.host.erased, 0, 'anything but Enter/y cancels, and is not run as a command');
    assert.equal(t.s.prompt(), 'pixfirewall#');
    await t.s.execute('write erase');
    await t.s.execute('');
    assert.equal(t.host.erased, 1);
    await t.s.execute('write erase');
    await t.s.execute('y');
    assert.equal(t.host.erased, 2);
    await t.s.execute('reload');
    assert.equal(t.s.prompt(), 'Proceed with reload? [confirm]');
    await t.s.execute('n');
    assert.equal(t.host.reloads, 0);
    await t.s.execute('reload noconfirm');
    assert.equal(t.host.reloads, 1);
  }
});

test('clear vpdn tunnel all calls the server', async () => {
  const { s, host } = make();
  host.st = seedStatus();
  await enable(s);
  assert.deepEqual(await s.execute('clear vpdn tunnel all'), []);
  assert.deepEqual(host.cleared, ['all']);
});

test('show version names pix-pptpd and the uptime', async () => {
  const { s } = make();
  const out = await s.execute('show version');
  assert.ok(out.some((l) => l.includes('pix-pptpd Version 9.9.9')));
  assert.ok(out.includes('pixfirewall up 1 min 5 secs'));
});

test('binary garbage and huge lines never crash and leave the mode alone', async () => {
  const { s } = make();
  await enable(s);
  const garbage = String.fromCharCode(...Array.from({ length: 2000 }, (_, i) => (i * 37) % 256));
  const out1 = await s.execute(garbage.slice(0, 900));
  assert.ok(Array.isArray(out1));
  const out2 = await s.execute('x'.repeat(100_000));
  assert.match(out2[0], /^ERROR: Line too long/);
  assert.ok(MAX_LINE < 100_000);
  assert.equal(s.prompt(), 'pixfirewall#');
});

test('the grammar caret is shifted under the typed word (prompt + leading blanks)', async () => {
  const { s, host } = make();
  host.lang.parse = () => ({ ok: false, message: ['     ^', "% Invalid input detected at '^' marker."] });
  const out = await s.execute('  show vpdx');
  assert.equal(out[0], ' '.repeat('pixfirewall>'.length + 2) + '     ^');
  assert.equal(out[1], "% Invalid input detected at '^' marker.");
});

test('show vpdn live: a full-screen console is asked to open the dashboard; plain consoles get a snapshot', async () => {
  const host = new FakeHost();
  host.st = seedStatus();
  const live = new ShellSession(host, { id: 1, liveViews: true });
  assert.deepEqual(await live.execute('sh vpdn live'), [UNKNOWN_COMMAND]);
  assert.equal(live.takeView(), undefined, 'not in unprivileged mode');
  await enable(live);
  assert.deepEqual(await live.execute('sh vp l'), []);
  assert.equal(live.takeView(), 'dashboard');
  assert.equal(live.takeView(), undefined, 'taken once');
  assert.deepEqual(live.requestDashboard(), []);
  assert.equal(live.takeView(), 'dashboard', 'F2 asks the same');

  const plain = new ShellSession(host, { id: 2 });
  await enable(plain);
  const out = await plain.execute('show vpdn live');
  assert.equal(plain.takeView(), undefined);
  assert.deepEqual(out.slice(0, 2), [
    '% show vpdn live needs the full-screen console; a snapshot:',
    'PPTP Tunnel and Session Information (Total tunnels=1 sessions=1)',
  ]);
  // 80 columns: the peer column is the first to go
  assert.match(out[2], /^ Tnl +User +Client +Uptime +MPPE +Rx bytes +Tx bytes$/);
  assert.match(out[3], /^ 13 +cisco +192\.168\.1\.1 +00:00:24 +128 stateless +3469 +394$/);
  host.st = seedStatus();
  host.st.tunnels = [];
  host.st.sessions = [];
  assert.deepEqual((await plain.execute('show vpdn live')).slice(1), ['% No active PPTP tunnels']);
});

test('the dashboard source is bound to the session: its debug switches belong to it', async () => {
  const { s, host, logs } = make();
  const src = s.dashboardSource();
  src.router.debugOn(src.owner, 'ppp negotiation', { user: 'cisco' });
  host.bus.debug('ppp negotiation', 'for cisco', { user: 'cisco' });
  assert.deepEqual(logs, ['for cisco']);
  assert.equal(src.now(), host.now());
});
