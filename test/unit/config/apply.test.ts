import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../../grammar/index.js';
import { applyLine, defaultRunningConfig, validate, pixHash, writeConfig } from '../../../src/config/index.js';
import type { RunningConfig } from '../../../src/config/running.js';
import { run } from './helpers.js';


const text = (rc: RunningConfig) => writeConfig(rc, { secrets: 'clear' });

function reject(rc: RunningConfig, line: string): string[] {
  const p = parseLine(line, 'config');
  if (p.kind === 'error') return p.lines;
  if (p.kind !== 'ok' || p.command.kind !== 'config') throw new Error(`parse ${line}`);
  const r = applyLine(rc, p.command.line, p.command.negate);
  assert.equal(r.ok, false, `${line} should be rejected`);
  return r.ok ? [] : r.lines;
}

test('the seed vpdn setup builds the VpnConfig the server consumes', () => {
  const { rc } = run(
    defaultRunningConfig(),
    'ip local pool pptp-pool 192.168.1.1-192.168.1.50',
    'vpdn group 1 accept dialin pptp',
    'vpdn group 1 ppp authentication chap',
    'vpdn group 1 ppp authentication mschap',
    'vpdn group 1 ppp authentication pap',
    'vpdn group 1 ppp encryption mppe 40 required',
    'vpdn group 1 client configuration address local pptp-pool',
    'vpdn group 1 client configuration dns 10.1.1.2 10.1.1.3',
    'vpdn group 1 client authentication local',
    'vpdn group 1 pptp echo 60',
    'vpdn username cisco password cisco',
    'vpdn username DOMAIN\\cisco password cisco',
    'vpdn enable outside',
    'sysopt connection permit-pptp',
  );
  assert.deepEqual(rc.vpn.vpdnGroups, [
    {
      name: '1', acceptDialinPptp: true, authentication: ['chap', 'mschap', 'pap'],
      mppe: { strength: 40, required: true, stateful: false }, addressPool: 'pptp-pool',
      dns: ['10.1.1.2', '10.1.1.3'], wins: [], clientAuthentication: { kind: 'local' }, pptpEcho: 60,
    },
  ]);
  assert.deepEqual(rc.vpn.vpdnUsers, [{ name: 'cisco', password: 'cisco' }, { name: 'DOMAIN\\cisco', password: 'cisco' }]);
  assert.deepEqual(rc.vpn.vpdnEnable, ['outside']);
  assert.deepEqual(rc.vpn.pools, [{ name: 'pptp-pool', ranges: [{ start: '192.168.1.1', end: '192.168.1.50' }] }]);
  assert.equal(rc.vpn.sysoptPermitPptp, true);
  assert.deepEqual(validate(rc), { errors: [], warnings: [] });
});

test('applyLine never mutates its input, also when it rejects', () => {
  const base = defaultRunningConfig();
  const snapshot = JSON.stringify(base);
  const { rc } = run(base, 'hostname PIX', 'vpdn group 1 accept dialin pptp', 'aaa-server AuthInbound protocol radius',
    'aaa-server AuthInbound (outside) host 10.0.0.5 key1 timeout 5', 'fixup protocol pptp 1723', 'logging console 3');
  assert.equal(JSON.stringify(base), snapshot);
  const before = JSON.stringify(rc);
  reject(rc, 'vpdn enable dmz');
  reject(rc, 'ip local pool bad 10.0.0.9-10.0.0.1');
  reject(rc, 'aaa-server Nope (outside) host 10.0.0.1 k');
  assert.equal(JSON.stringify(rc), before);
});

test('no forms undo what the positive form did', () => {
  let { rc } = run(defaultRunningConfig(), 'ip local pool p 10.0.0.1-10.0.0.9', 'ip local pool p 10.0.1.1-10.0.1.9',
    'vpdn group 1 ppp authentication pap', 'vpdn group 1 ppp authentication mschap', 'vpdn group 1 ppp encryption mppe auto',
    'vpdn username u password p', 'vpdn enable outside', 'logging timestamp', 'fixup protocol pptp 1723');
  ({ rc } = run(rc, 'no ip local pool p 10.0.0.1-10.0.0.9', 'no vpdn group 1 ppp authentication pap', 'no vpdn group 1 ppp encryption mppe',
    'no vpdn username u', 'no vpdn enable outside', 'no logging timestamp', 'no fixup protocol pptp 1723'));
  assert.deepEqual(rc.vpn.pools, [{ name: 'p', ranges: [{ start: '10.0.1.1', end: '10.0.1.9' }] }]);
  assert.deepEqual(rc.vpn.vpdnGroups[0].authentication, ['mschap']);
  assert.equal(rc.vpn.vpdnGroups[0].mppe, undefined);
  assert.deepEqual(rc.vpn.vpdnUsers, []);
  assert.deepEqual(rc.vpn.vpdnEnable, []);
  assert.equal(rc.logging.timestamp, false);
  assert.ok(!text(rc).some((l) => l.includes('pptp 1723')));
  ({ rc } = run(rc, 'snmp-server location lab', 'floodguard disable'));
  ({ rc } = run(rc, 'no vpdn group 1', 'no ip local pool p', 'no fixup protocol ftp 21', 'no snmp-server location', 'no floodguard disable'));
  assert.deepEqual(rc.vpn.vpdnGroups, []);
  assert.deepEqual(rc.vpn.pools, []);
  // a typed line's no form removes exactly it; a singleton falls back to what PIX prints by default
  const out = text(rc);
  assert.ok(!out.includes('fixup protocol ftp 21') && !out.includes('no fixup protocol ftp 21'));
  assert.equal(out.filter((l) => l === 'no snmp-server location').length, 1);
  assert.equal(out.filter((l) => l === 'floodguard enable').length, 1);
});

test('passwords are stored as PIX hashes; aaa ports follow radius-authport', () => {
  let { rc } = run(defaultRunningConfig(), 'enable password secret', 'passwd cisco');
  assert.deepEqual(rc.enablePassword, { value: pixHash('secret'), encrypted: true });
  assert.deepEqual(rc.passwd, { value: '2KFQnbNIdI.2KYOU', encrypted: true });
  ({ rc } = run(rc, 'aaa-server R protocol radius', 'aaa-server R (inside) host 10.0.0.5 k', 'aaa-server R (inside) host 10.0.0.6 k authentication-port 1999'));
  ({ rc } = run(rc, 'aaa-server radius-authport 1812'));
  const hosts = rc.vpn.aaaServerGroups.find((g) => g.tag === 'R')!.hosts;
  assert.equal(hosts[0].authenticationPort, 1812);
  assert.equal(hosts[1].authenticationPort, 1999);
  ({ rc } = run(rc, 'aaa-server R (inside) host 10.0.0.7 k'));
  assert.equal(rc.vpn.aaaServerGroups.find((g) => g.tag === 'R')!.hosts[2].authenticationPort, 1812);
  assert.match(reject(rc, 'aaa-server LOCAL (inside) host 10.0.0.8 k')[0], /protocol local/);
  assert.match(reject(rc, 'enable password 8Ry2Yj encrypted')[0], /Invalid encrypted password/);
});

test('nameif, ip address and mtu give the server its InterfaceAddress', () => {
  const { rc } = run(defaultRunningConfig(), 'nameif ethernet2 dmz security50', 'ip address dmz 10.9.9.1 255.255.255.0', 'mtu dmz 1400');
  assert.deepEqual(rc.vpn.interfaces.find((i) => i.name === 'dmz'), { name: 'dmz', address: '10.9.9.1', mask: '255.255.255.0', mtu: 1400 });
  assert.deepEqual(rc.vpn.interfaces.find((i) => i.name === 'outside'), { name: 'outside', mtu: 1500, address: '127.0.0.1', mask: '255.255.255.255' });
});

test('username passwords are PIX hashes salted with the user name; enable and passwd are not salted', () => {
  assert.equal(pixHash('password'), 'NuLKvvWGg.x9HEKO');
  assert.equal(pixHash('password', 'user'), 'A5XOy94YKDPXCo7U');
  const { rc } = run(defaultRunningConfig(), 'username user password password privilege 15');
  assert.ok(writeConfig(rc, { secrets: 'mask' }).includes('username user password A5XOy94YKDPXCo7U encrypted privilege 15'));
  // the hash pasted back is kept as it is
  const again = run(rc, 'username user password A5XOy94YKDPXCo7U encrypted privilege 15').rc;
  assert.deepEqual(writeConfig(again, { secrets: 'clear' }), writeConfig(rc, { secrets: 'clear' }));
});
