import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine, type ParseResult } from '../../../grammar/index.js';
import type { Command, Mode } from '../../../grammar/command.js';
import type { ConfigLine } from '../../../grammar/config-line.js';

function cmd(line: string, mode: Mode = 'config'): Command {
  const r = parseLine(line, mode);
  assert.equal(r.kind, 'ok', `${line}: ${JSON.stringify(r)}`);
  return (r as Extract<ParseResult, { kind: 'ok' }>).command;
}
function cfg(line: string): { negate: boolean; line: ConfigLine } {
  const c = cmd(line, 'config');
  assert.equal(c.kind, 'config');
  const k = c as Extract<Command, { kind: 'config' }>;
  return { negate: k.negate, line: k.line };
}
function errorLines(line: string, mode: Mode = 'config'): string[] {
  const r = parseLine(line, mode);
  assert.equal(r.kind, 'error', `${line} should fail: ${JSON.stringify(r)}`);
  return (r as Extract<ParseResult, { kind: 'error' }>).lines;
}

test('every vpdn command of the seeds parses to its typed line', () => {
  assert.deepEqual(cfg('vpdn group 1 accept dialin pptp').line, { kind: 'vpdn-accept-dialin', group: '1', protocol: 'pptp' });
  for (const p of ['pap', 'chap', 'mschap', 'mschap-v2'] as const) {
    assert.deepEqual(cfg(`vpdn group 1 ppp authentication ${p}`).line, { kind: 'vpdn-ppp-auth', group: '1', protocol: p });
  }
  assert.deepEqual(cfg('vpdn group 1 ppp encryption mppe auto').line, { kind: 'vpdn-ppp-mppe', group: '1', strength: 'auto', required: false, stateful: false });
  assert.deepEqual(cfg('vpdn group 1 ppp encryption mppe 128 required').line, { kind: 'vpdn-ppp-mppe', group: '1', strength: 128, required: true, stateful: false });
  assert.deepEqual(cfg('vpdn group 1 ppp encryption mppe 56 stateful').line, { kind: 'vpdn-ppp-mppe', group: '1', strength: 56, required: false, stateful: true });
  assert.deepEqual(cfg('vpdn group 1 client configuration address local pptp-pool').line, { kind: 'vpdn-client-pool', group: '1', pool: 'pptp-pool' });
  assert.deepEqual(cfg('vpdn group 1 client configuration dns 10.1.1.2 10.1.1.3').line, { kind: 'vpdn-client-dns', group: '1', servers: ['10.1.1.2', '10.1.1.3'] });
  assert.deepEqual(cfg('vpdn group 1 client configuration wins 10.1.1.4').line, { kind: 'vpdn-client-wins', group: '1', servers: ['10.1.1.4'] });
  assert.deepEqual(cfg('vpdn group 1 client authentication local').line, { kind: 'vpdn-client-auth', group: '1', auth: { kind: 'local' } });
  assert.deepEqual(cfg('vpdn group 1 client authentication aaa AuthInbound').line, { kind: 'vpdn-client-auth', group: '1', auth: { kind: 'aaa', group: 'AuthInbound' } });
  assert.deepEqual(cfg('vpdn group 1 client accounting AuthInbound').line, { kind: 'vpdn-client-accounting', group: '1', aaaGroup: 'AuthInbound' });
  assert.deepEqual(cfg('vpdn group 1 pptp echo 60').line, { kind: 'vpdn-pptp-echo', group: '1', seconds: 60 });
  assert.deepEqual(cfg('vpdn username cisco password cisco').line, { kind: 'vpdn-username', user: 'cisco', password: 'cisco' });
  assert.deepEqual(cfg('vpdn username DOMAIN\\cisco password cisco').line, { kind: 'vpdn-username', user: 'DOMAIN\\cisco', password: 'cisco' });
  assert.deepEqual(cfg('vpdn enable outside').line, { kind: 'vpdn-enable', interfaceName: 'outside' });
});

test('names may collide with keywords and contain special characters', () => {
  assert.deepEqual(cfg('vpdn group pptp accept dialin pptp').line, { kind: 'vpdn-accept-dialin', group: 'pptp', protocol: 'pptp' });
  assert.deepEqual(cfg('ip local pool pool 10.0.0.1-10.0.0.9').line, { kind: 'ip-local-pool', name: 'pool', range: { start: '10.0.0.1', end: '10.0.0.9' } });
  assert.deepEqual(cfg('aaa-server RADIUS protocol radius').line, { kind: 'aaa-protocol', tag: 'RADIUS', protocol: 'radius' });
  assert.deepEqual(cfg('aaa-server TACACS+ protocol tacacs+').line, { kind: 'aaa-protocol', tag: 'TACACS+', protocol: 'tacacs+' });
  assert.deepEqual(cfg('nameif ethernet2 pix/intf2 security10').line, { kind: 'nameif', hardware: 'ethernet2', name: 'pix/intf2', security: 10 });
  assert.deepEqual(cfg('vpdn username u password p@$$w0rd!"x').line, { kind: 'vpdn-username', user: 'u', password: 'p@$$w0rd!"x' });
  assert.deepEqual(cfg('vpdn username u password pw store-local').line, { kind: 'vpdn-username', user: 'u', password: 'pw', storeLocal: true });
  // a word after the password that is not store-local is an error, not silently dropped
  assert.deepEqual(errorLines('vpdn username u password pw extra'), [' '.repeat('vpdn username u password pw '.length) + '^', "% Invalid input detected at '^' marker."]);
});

test('aaa-server, pools, system and logging lines', () => {
  assert.deepEqual(cfg('aaa-server AuthInbound (outside) host 172.18.124.99 cisco timeout 5').line, {
    kind: 'aaa-host', tag: 'AuthInbound', interfaceName: 'outside', address: '172.18.124.99', key: 'cisco', timeout: 5,
  });
  assert.deepEqual(cfg('aaa-server R host 10.0.0.5 authentication-port 1812 accounting-port 1813').line, {
    kind: 'aaa-host', tag: 'R', address: '10.0.0.5', authenticationPort: 1812, accountingPort: 1813,
  });
  assert.deepEqual(cfg('aaa-server RADIUS max-failed-attempts 3').line, { kind: 'aaa-max-failed', tag: 'RADIUS', attempts: 3 });
  assert.deepEqual(cfg('aaa-server RADIUS deadtime 10').line, { kind: 'aaa-deadtime', tag: 'RADIUS', minutes: 10 });
  assert.deepEqual(cfg('aaa-server radius-acctport 1813').line, { kind: 'aaa-radius-port', which: 'accounting', port: 1813 });
  assert.deepEqual(cfg('ip local pool p 10.0.0.1-10.0.0.9 mask 255.255.255.0').line, {
    kind: 'ip-local-pool', name: 'p', range: { start: '10.0.0.1', end: '10.0.0.9' }, mask: '255.255.255.0',
  });
  assert.deepEqual(cfg('sysopt connection permit-pptp').line, { kind: 'sysopt-permit-pptp' });
  assert.deepEqual(cfg('hostname PIX').line, { kind: 'hostname', name: 'PIX' });
  assert.deepEqual(cfg('enable password 8Ry2YjIyt7RRXU24 encrypted').line, { kind: 'enable-password', value: '8Ry2YjIyt7RRXU24', encrypted: true });
  assert.deepEqual(cfg('passwd cisco').line, { kind: 'passwd', value: 'cisco', encrypted: false });
  assert.deepEqual(cfg('pager lines 24').line, { kind: 'pager', lines: 24 });
  assert.deepEqual(cfg('logging on').line, { kind: 'logging-switch', what: 'on' });
  assert.deepEqual(cfg('logging console debugging').line, { kind: 'logging-level', dest: 'console', level: 7 });
  assert.deepEqual(cfg('logging buffered 3').line, { kind: 'logging-level', dest: 'buffered', level: 3 });
  assert.deepEqual(cfg('logging facility 20').line, { kind: 'logging-facility', facility: 20 });
  assert.deepEqual(cfg('logging queue 512').line, { kind: 'logging-queue', size: 512 });
  assert.deepEqual(cfg('logging host inside 10.1.1.5').line, { kind: 'logging-host', interfaceName: 'inside', address: '10.1.1.5' });
  assert.deepEqual(cfg('ip address outside 172.18.124.152 255.255.255.0').line, { kind: 'ip-address', interfaceName: 'outside', address: '172.18.124.152', mask: '255.255.255.0' });
  assert.deepEqual(cfg('mtu outside 1500').line, { kind: 'mtu', interfaceName: 'outside', bytes: 1500 });
  assert.deepEqual(cfg('interface ethernet0 10baset').line, { kind: 'interface', hardware: 'ethernet0', settings: ['10baset'] });
  assert.deepEqual(cfg('PIX Version 6.2(1)').line, { kind: 'pix-version', version: '6.2(1)' });
});

test('other seed lines are kept verbatim with their family', () => {
  const cases: [string, string][] = [
    ['fixup protocol ftp 21', 'fixup'],
    ['access-list 101 permit ip 10.1.1.0 255.255.255.0 192.168.1.0 255.255.255.0', 'access-list'],
    ['global (outside) 1 172.18.124.201-172.18.124.202', 'global'],
    ['nat (inside) 0 access-list 101', 'nat'],
    ['conduit permit icmp any any', 'conduit'],
    ['route outside 0.0.0.0 0.0.0.0 172.18.124.1 1', 'route'],
    ['timeout uauth 0:05:00 absolute', 'timeout'],
    ['snmp-server community public', 'snmp-server'],
    ['floodguard enable', 'floodguard'],
    ['isakmp identity hostname', 'isakmp'],
    ['telnet 10.1.1.5 255.255.255.255 inside', 'telnet'],
    ['failover ip address outside 0.0.0.0', 'failover'],
    ['arp timeout 14400', 'arp'],
    ['names', 'names'],
    ['pdm history enable', 'pdm'],
    ['crypto map mymap 10 ipsec-isakmp', 'crypto'],
    ['ip audit info action alarm', 'ip audit'],
    ['sysopt connection tcpmss 1380', 'sysopt'],
  ];
  for (const [text, family] of cases) assert.deepEqual(cfg(text), { negate: false, line: { kind: 'opaque', family, text } });
  assert.deepEqual(cfg('no snmp-server location'), { negate: true, line: { kind: 'opaque', family: 'snmp-server', text: 'snmp-server location' } });
  assert.deepEqual(cfg('no failover').line, { kind: 'opaque', family: 'failover', text: 'failover' });
  assert.deepEqual(cfg('!--- comment').line, { kind: 'comment', text: '!--- comment' });
  assert.deepEqual(cfg(': Saved').line, { kind: 'header', text: ': Saved' });
  assert.deepEqual(cfg('Cryptochecksum:a72d9f71d1a31332307fcd348e02410d').line.kind, 'header');
  assert.equal(cfg('terminal width 80').line.kind, 'terminal-width');
});

test('no forms, including the short ones', () => {
  assert.deepEqual(cfg('no vpdn group 1 ppp authentication pap'), { negate: true, line: { kind: 'vpdn-ppp-auth', group: '1', protocol: 'pap' } });
  assert.deepEqual(cfg('no vpdn group 1 ppp encryption mppe'), { negate: true, line: { kind: 'vpdn-ppp-mppe', group: '1', required: false, stateful: false } });
  assert.deepEqual(cfg('no vpdn group 1'), { negate: true, line: { kind: 'vpdn-group', group: '1' } });
  assert.deepEqual(cfg('no vpdn username cisco'), { negate: true, line: { kind: 'vpdn-username', user: 'cisco' } });
  assert.deepEqual(cfg('no vpdn enable outside'), { negate: true, line: { kind: 'vpdn-enable', interfaceName: 'outside' } });
  assert.deepEqual(cfg('no ip local pool pptp-pool'), { negate: true, line: { kind: 'ip-local-pool', name: 'pptp-pool' } });
  assert.deepEqual(cfg('no aaa-server AuthInbound'), { negate: true, line: { kind: 'aaa-group', tag: 'AuthInbound' } });
  assert.deepEqual(cfg('no sysopt connection permit-pptp'), { negate: true, line: { kind: 'sysopt-permit-pptp' } });
  assert.deepEqual(cfg('no logging console'), { negate: true, line: { kind: 'logging-level', dest: 'console' } });
  assert.deepEqual(cfg('no logging timestamp'), { negate: true, line: { kind: 'logging-switch', what: 'timestamp' } });
  assert.deepEqual(cfg('no pager'), { negate: true, line: { kind: 'pager' } });
  assert.deepEqual(cfg('no hostname'), { negate: true, line: { kind: 'hostname' } });
});

test('exec commands per mode', () => {
  assert.deepEqual(cmd('enable', 'exec'), { kind: 'enable' });
  assert.deepEqual(cmd('disable', 'enable'), { kind: 'disable' });
  assert.deepEqual(cmd('configure terminal', 'enable'), { kind: 'configure-terminal' });
  for (const w of ['exit', 'quit', 'logout']) assert.deepEqual(cmd(w, 'enable'), { kind: 'exit' });
  assert.deepEqual(cmd('end', 'config'), { kind: 'end' });
  assert.deepEqual(cmd('show running-config', 'enable'), { kind: 'show', target: { kind: 'running-config' } });
  assert.deepEqual(cmd('show vpdn tunnel id 13', 'config'), { kind: 'show', target: { kind: 'vpdn', sub: 'tunnel', id: 13 } });
  assert.deepEqual(cmd('show vpdn username cisco', 'enable'), { kind: 'show', target: { kind: 'vpdn', sub: 'username', name: 'cisco' } });
  assert.deepEqual(cmd('show ip local pool pptp-pool', 'enable'), { kind: 'show', target: { kind: 'ip-local-pool', name: 'pptp-pool' } });
  assert.deepEqual(cmd('write memory', 'enable'), { kind: 'write', target: 'memory' });
  assert.deepEqual(cmd('copy running-config startup-config', 'enable'), { kind: 'copy', from: 'running-config', to: 'startup-config' });
  assert.deepEqual(cmd('clear vpdn tunnel id 7', 'config'), { kind: 'clear-vpdn-tunnel', id: 7 });
  assert.deepEqual(cmd('clear aaa-server RADIUS', 'enable'), { kind: 'clear-aaa-server', tag: 'RADIUS' });
  assert.deepEqual(cmd('debug vpdn events', 'enable'), { kind: 'debug', on: true, what: 'vpdn event' });
  assert.deepEqual(cmd('debug ppp uauth user cisco tunnel 3', 'enable'), { kind: 'debug', on: true, what: 'ppp uauth', user: 'cisco', tunnel: 3 });
  assert.deepEqual(cmd('debug ppp mppe', 'config'), { kind: 'debug', on: true, what: 'ppp mppe' });
  assert.deepEqual(cmd('no debug radius', 'enable'), { kind: 'debug', on: false, what: 'radius' });
  assert.deepEqual(cmd('undebug all', 'enable'), { kind: 'undebug-all' });
  assert.deepEqual(cmd('no debug all', 'config'), { kind: 'undebug-all' });
  assert.deepEqual(cmd('terminal monitor', 'enable'), { kind: 'terminal-monitor', on: true });
  assert.deepEqual(cmd('no terminal monitor', 'enable'), { kind: 'terminal-monitor', on: false });
  assert.deepEqual(cmd('terminal pager 0', 'exec'), { kind: 'terminal-pager', lines: 0 });
  // mode table
  assert.deepEqual(errorLines('configure terminal', 'exec'), ["Type help or '?' for a list of available commands."]);
  assert.deepEqual(errorLines('vpdn enable outside', 'enable'), ["Type help or '?' for a list of available commands."]);
  assert.equal(errorLines('clear vpdn tunnel all', 'enable')[1], "% Invalid input detected at '^' marker.");
  assert.equal(errorLines('debug all', 'enable')[0], '      ^');
});

test('unique-prefix abbreviations', () => {
  assert.deepEqual(cmd('sh vpdn', 'enable'), { kind: 'show', target: { kind: 'vpdn' } });
  assert.deepEqual(cmd('conf t', 'enable'), { kind: 'configure-terminal' });
  assert.deepEqual(cmd('wr t', 'enable'), { kind: 'write', target: 'terminal' });
  assert.deepEqual(cmd('wr m', 'enable'), { kind: 'write', target: 'memory' });
  assert.deepEqual(cmd('sh run', 'config'), { kind: 'show', target: { kind: 'running-config' } });
  assert.deepEqual(cfg('vpdn gr 1 ppp enc mppe 128 req').line, { kind: 'vpdn-ppp-mppe', group: '1', strength: 128, required: true, stateful: false });
  assert.deepEqual(cfg('vpdn group 1 ppp encrypt mppe 40 required').line, { kind: 'vpdn-ppp-mppe', group: '1', strength: 40, required: true, stateful: false });
  assert.deepEqual(cfg('sysopt connect permit-pptp').line, { kind: 'sysopt-permit-pptp' });
  assert.deepEqual(cfg('sysopt conn permit-p').line, { kind: 'sysopt-permit-pptp' });
  assert.deepEqual(cfg('LOGGING TRAP DEBUG').line, { kind: 'logging-level', dest: 'trap', level: 7 });
  assert.deepEqual(cfg('fix protocol ftp 21').line, { kind: 'opaque', family: 'fixup', text: 'fixup protocol ftp 21' });
  assert.deepEqual(cmd('deb vpdn ev', 'enable'), cmd('debug vpdn event', 'enable'));
});

test('ambiguous prefixes', () => {
  assert.deepEqual(errorLines('c', 'enable'), ['% Ambiguous command: "c"']);
  assert.deepEqual(errorLines('d vpdn event', 'enable'), ['% Ambiguous command: "d vpdn event"']);
  assert.deepEqual(errorLines('vpdn group 1 ppp authentication ms', 'config'), ['% Ambiguous command: "vpdn group 1 ppp authentication ms"']);
});

test('invalid tokens are pointed at', () => {
  const l = 'vpdn group 1 ppp foo';
  const e = parseLine(l, 'config');
  assert.equal(e.kind, 'error');
  if (e.kind !== 'error') return;
  assert.equal(e.column, l.indexOf('foo'));
  assert.deepEqual(e.lines, [' '.repeat(l.indexOf('foo')) + '^', "% Invalid input detected at '^' marker."]);
  const bad = 'vpdn group 1 ppp encryption mppe 64';
  assert.deepEqual(errorLines(bad), [' '.repeat(bad.indexOf('64')) + '^', "% Invalid input detected at '^' marker."]);
  const badIp = 'ip address outside 300.1.1.1 255.255.255.0';
  assert.equal(errorLines(badIp)[0], ' '.repeat(badIp.indexOf('300')) + '^');
  assert.deepEqual(errorLines('frobnicate now'), ["Type help or '?' for a list of available commands."]);
  assert.deepEqual(errorLines('no frobnicate'), ["Type help or '?' for a list of available commands."]);
});

test('incomplete commands print a usage summary', () => {
  assert.deepEqual(errorLines('vpdn group 1 ppp authentication'), [
    'Usage: [no] vpdn group <group_name> ppp authentication pap|chap|mschap|mschap-v2',
    '       [no] vpdn group <group_name> ppp encryption mppe 40|56|128|auto [required] [stateful]',
  ]);
  assert.match(errorLines('vpdn group 1')[0], /^Usage: \[no\] vpdn group <group_name> accept dialin pptp$/);
  assert.match(errorLines('logging console')[1], /logging console\|monitor\|buffered\|trap\|history <level>/);
  assert.match(errorLines('ip local pool p')[0], /^Usage: \[no\] ip local pool/);
  assert.match(errorLines('show', 'enable')[0], /^Usage: show running-config/);
  assert.match(errorLines('aaa-server G')[0], /^Usage: aaa-server <tag> protocol/);
});

test('empty and blank lines', () => {
  assert.deepEqual(parseLine('', 'exec'), { kind: 'empty' });
  assert.deepEqual(parseLine('   \t ', 'config'), { kind: 'empty' });
});
