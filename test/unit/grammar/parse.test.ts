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
/** A config line's declaration, canonical text and the given arguments. */
function typed(line: string, id: string, text: string, args: Record<string, unknown> = {}): void {
  const l = cfg(line).line;
  assert.equal(l.cmd, id, line);
  assert.equal(l.words.join(' '), text, line);
  for (const [k, v] of Object.entries(args)) assert.deepEqual(l.args[k], v, `${line}: ${k}`);
}
const caret = (line: string, word: string) => [' '.repeat(line.indexOf(word)) + '^', "% Invalid input detected at '^' marker."];

test('every vpdn command of the seeds parses to its declaration', () => {
  typed('vpdn group 1 accept dialin pptp', 'vpdn-accept-dialin', 'vpdn group 1 accept dialin pptp', { group_name: '1', protocol: 'pptp' });
  for (const p of ['pap', 'chap', 'mschap', 'mschap-v2']) typed(`vpdn group 1 ppp authentication ${p}`, 'vpdn-ppp-auth', `vpdn group 1 ppp authentication ${p}`, { protocol: p });
  typed('vpdn group 1 ppp encryption mppe auto', 'vpdn-ppp-mppe', 'vpdn group 1 ppp encryption mppe auto', { strength: 'auto' });
  typed('vpdn group 1 ppp encryption mppe 128 required', 'vpdn-ppp-mppe', 'vpdn group 1 ppp encryption mppe 128 required', { strength: '128', required: true });
  typed('vpdn group 1 ppp encryption mppe 56 stateless', 'vpdn-ppp-mppe', 'vpdn group 1 ppp encryption mppe 56');
  typed('vpdn group 1 client configuration address local pptp-pool', 'vpdn-client-pool', 'vpdn group 1 client configuration address local pptp-pool', { pool_name: 'pptp-pool' });
  typed('vpdn group 1 client configuration dns 10.1.1.2 10.1.1.3', 'vpdn-client-dns', 'vpdn group 1 client configuration dns 10.1.1.2 10.1.1.3', { server1: '10.1.1.2', server2: '10.1.1.3' });
  typed('vpdn group 1 client authentication aaa AuthInbound', 'vpdn-client-auth', 'vpdn group 1 client authentication aaa AuthInbound', { aaa_group: 'AuthInbound' });
  typed('vpdn group 1 pptp echo 60', 'vpdn-pptp-echo', 'vpdn group 1 pptp echo 60', { seconds: 60 });
  typed('vpdn username DOMAIN\\cisco password cisco', 'vpdn-username', 'vpdn username DOMAIN\\cisco password cisco', { user_name: 'DOMAIN\\cisco' });
  typed('vpdn enable outside', 'vpdn-enable', 'vpdn enable outside', { if_name: 'outside' });
  assert.deepEqual(cfg('vpdn username cisco password cisco').line.secret, [{ arg: 'password', at: 4 }]);
});

test('names may collide with keywords and contain special characters', () => {
  typed('vpdn group pptp accept dialin pptp', 'vpdn-accept-dialin', 'vpdn group pptp accept dialin pptp', { group_name: 'pptp' });
  typed('ip local pool pool 10.0.0.1-10.0.0.9', 'ip-local-pool', 'ip local pool pool 10.0.0.1-10.0.0.9', { pool_name: 'pool' });
  typed('aaa-server TACACS+ protocol tacacs+', 'aaa-protocol', 'aaa-server TACACS+ protocol tacacs+', { tag: 'TACACS+' });
  typed('nameif ethernet2 pix/intf2 security10', 'nameif', 'nameif ethernet2 pix/intf2 security10', { security: 10 });
  typed('vpdn username u password p@$$w0rd!"x', 'vpdn-username', 'vpdn username u password p@$$w0rd!"x');
  typed('vpdn username u password pw store-local', 'vpdn-username', 'vpdn username u password pw store-local', { 'store-local': true });
  assert.deepEqual(errorLines('vpdn username u password pw extra'), caret('vpdn username u password pw extra', 'extra'));
});

test('aaa-server, pools, system and logging lines', () => {
  typed('aaa-server AuthInbound (outside) host 172.18.124.99 cisco timeout 5', 'aaa-host', 'aaa-server AuthInbound (outside) host 172.18.124.99 cisco timeout 5', { if_name: 'outside', key: 'cisco' });
  typed('aaa-server R host 10.0.0.5 accounting-port 1813 authentication-port 1812', 'aaa-host', 'aaa-server R host 10.0.0.5 authentication-port 1812 accounting-port 1813');
  typed('aaa-server radius-acctport 1813', 'aaa-radius-port', 'aaa-server radius-acctport 1813', { which: 'radius-acctport', port: 1813 });
  typed('ip local pool p 10.0.0.1-10.0.0.9 mask 255.255.255.0', 'ip-local-pool', 'ip local pool p 10.0.0.1-10.0.0.9 mask 255.255.255.0');
  typed('sysopt connection permit-pptp', 'sysopt', 'sysopt connection permit-pptp');
  typed('enable password 8Ry2YjIyt7RRXU24 encrypted', 'enable-password', 'enable password 8Ry2YjIyt7RRXU24 encrypted', { encrypted: true });
  typed('pager', 'pager', 'pager lines 24');
  typed('pager lines 0', 'pager', 'no pager');
  typed('logging console debugging', 'logging-level', 'logging console debugging', { level: 7 });
  typed('logging buffered 3', 'logging-level', 'logging buffered errors', { level: 3 });
  typed('logging host 10.1.1.5', 'logging-host', 'logging host inside 10.1.1.5');
  typed('interface ethernet0 10baset', 'interface', 'interface ethernet0 10baset');
  typed('PIX Version 6.2(1)', 'pix-version', 'PIX Version 6.2(1)');
});

test('the rest of a PIX config is typed: fixup, acl, nat, global, static, route, timeout', () => {
  typed('fixup protocol ftp 21', 'fixup', 'fixup protocol ftp 21', { proto: 'ftp' });
  typed('fixup protocol h323 1720', 'fixup', 'fixup protocol h323 h225 1720');
  typed('fixup protocol h323 ras 1718-1719', 'fixup', 'fixup protocol h323 ras 1718-1719');
  typed('access-list 101 permit ip 10.1.1.0 255.255.255.0 192.168.1.0 255.255.255.0', 'access-list', 'access-list 101 permit ip 10.1.1.0 255.255.255.0 192.168.1.0 255.255.255.0');
  typed('access-list out permit tcp any host 10.0.0.5 eq www', 'access-list', 'access-list out permit tcp any host 10.0.0.5 eq www');
  typed('access-list out deny icmp any any echo-reply', 'access-list', 'access-list out deny icmp any any echo-reply');
  typed('global (outside) 1 172.18.124.201-172.18.124.202', 'global', 'global (outside) 1 172.18.124.201-172.18.124.202', { if_name: 'outside' });
  typed('nat (inside) 0 access-list 101', 'nat', 'nat (inside) 0 access-list 101', { acl_id: '101' });
  typed('nat (inside) 1 0 0', 'nat', 'nat (inside) 1 0.0.0.0 0.0.0.0 0 0');
  typed('static (inside,outside) 172.18.124.5 10.1.1.5', 'static', 'static (inside,outside) 172.18.124.5 10.1.1.5 netmask 255.255.255.255 0 0', { ifs: 'inside,outside' });
  typed('static (inside,outside) tcp interface www 10.1.1.5 www', 'static-port', 'static (inside,outside) tcp interface www 10.1.1.5 www netmask 255.255.255.255 0 0');
  typed('conduit permit icmp any any', 'conduit', 'conduit permit icmp any any');
  typed('route outside 0.0.0.0 0.0.0.0 172.18.124.1', 'route', 'route outside 0.0.0.0 0.0.0.0 172.18.124.1 1');
  typed('timeout uauth 0:05:00 absolute', 'timeout', 'timeout uauth 0:05:00 absolute');
  typed('failover ip address outside 0.0.0.0', 'failover-setting', 'failover ip address outside 0.0.0.0');
  typed('no failover', 'failover', 'no failover');
  typed('arp timeout 14400', 'arp-timeout', 'arp timeout 14400');
  typed('ip audit info action alarm', 'ip-audit-action', 'ip audit info action alarm');
  typed('object-group network web', 'verbatim', 'object-group network web');
});

test('what a PIX refuses is refused, the word pointed at', () => {
  for (const bare of ['global', 'nat', 'static', 'route', 'fixup']) assert.match(errorLines(bare)[0], /^Usage: /, bare);
  assert.match(errorLines('access-list 101 permit ip 10.1.1.0 255.255.255.0')[0], /^Usage: /);
  const m = 'route outside 10.0.0.0 255.0.255.0 10.0.0.1';
  assert.deepEqual(errorLines(m), caret(m, '255.0.255.0'));
  assert.deepEqual(errorLines('route outside 10.0.0.1 255.255.255.0 10.0.0.254'), ["ERROR: address,mask doesn't pair (10.0.0.1 255.255.255.0 has host bits set)"]);
  assert.deepEqual(errorLines('vpdn group 1 pptp echo 0'), caret('vpdn group 1 pptp echo 0', ' 0').map((l, i) => (i === 0 ? ' ' + l : l)));
  assert.equal(errorLines('vpdn group 1 pptp echo 99999999').length, 2);
  assert.match(errorLines('access-list a permit ip any any eq 80')[0], /port operators need protocol tcp or udp/);
  assert.match(errorLines('global (outside) 1 10.0.0.9-10.0.0.1')[0], /begin address is above end address/);
  const v = 'object-group network 300.1.1.1';
  assert.equal(errorLines(v)[1], "% Invalid input detected at '^' marker.");
});

test('no forms, including the short ones', () => {
  const no = (line: string, id: string, text: string) => {
    const c = cfg(line);
    assert.equal(c.negate, true, line);
    assert.equal(c.line.cmd, id, line);
    assert.equal(c.line.words.join(' '), text, line);
  };
  no('no vpdn group 1 ppp authentication pap', 'vpdn-ppp-auth', 'vpdn group 1 ppp authentication pap');
  no('no vpdn group 1 ppp encryption mppe', 'vpdn-ppp-mppe', 'vpdn group 1 ppp encryption mppe');
  no('no vpdn group 1', 'vpdn-group', 'vpdn group 1');
  no('no vpdn username cisco', 'vpdn-username', 'vpdn username cisco');
  no('no ip local pool pptp-pool', 'ip-local-pool', 'ip local pool pptp-pool');
  no('no aaa-server AuthInbound', 'aaa-group', 'aaa-server AuthInbound');
  no('no logging console', 'logging-level', 'logging console');
  no('no hostname', 'hostname', 'hostname');
  no('no fixup protocol h323 1720', 'fixup', 'fixup protocol h323 h225 1720');
  no('no access-list 101', 'access-list', 'access-list 101');
  // a no form may not stop where its declaration does not say
  assert.match(errorLines('no route')[0], /^Usage: /);
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
  assert.deepEqual(cmd('write memory', 'enable'), { kind: 'write', target: 'memory' });
  assert.deepEqual(cmd('clear vpdn tunnel id 7', 'config'), { kind: 'clear-vpdn-tunnel', id: 7 });
  assert.deepEqual(cmd('clear aaa-server RADIUS', 'enable'), { kind: 'clear-aaa-server', tag: 'RADIUS' });
  assert.deepEqual(cmd('debug ppp mppe', 'config'), { kind: 'debug', on: true, what: 'ppp mppe' });
  assert.deepEqual(cmd('no debug radius', 'enable'), { kind: 'debug', on: false, what: 'radius' });
  assert.deepEqual(cmd('undebug all', 'enable'), { kind: 'undebug-all' });
  assert.deepEqual(cmd('no terminal monitor', 'enable'), { kind: 'terminal-monitor', on: false });
  assert.deepEqual(cmd('reload', 'enable'), { kind: 'reload', noconfirm: false });
  assert.deepEqual(errorLines('configure terminal', 'exec'), ["Type help or '?' for a list of available commands."]);
  assert.deepEqual(errorLines('vpdn enable outside', 'enable'), ["Type help or '?' for a list of available commands."]);
});

test('unique-prefix abbreviations', () => {
  assert.deepEqual(cmd('sh vpdn', 'enable'), { kind: 'show', target: { kind: 'vpdn' } });
  assert.deepEqual(cmd('conf t', 'enable'), { kind: 'configure-terminal' });
  assert.deepEqual(cmd('wr t', 'enable'), { kind: 'write', target: 'terminal' });
  assert.deepEqual(cmd('sh run', 'config'), { kind: 'show', target: { kind: 'running-config' } });
  typed('vpdn gr 1 ppp enc mppe 128 req', 'vpdn-ppp-mppe', 'vpdn group 1 ppp encryption mppe 128 required');
  typed('sysopt conn permit-p', 'sysopt', 'sysopt connection permit-pptp');
  typed('LOGGING TRAP DEBUG', 'logging-level', 'logging trap debugging');
  typed('fix prot ftp 21', 'fixup', 'fixup protocol ftp 21');
  assert.deepEqual(cmd('deb vpdn ev', 'enable'), cmd('debug vpdn event', 'enable'));
});

test('ambiguous prefixes', () => {
  assert.deepEqual(errorLines('c', 'enable'), ['% Ambiguous command: "c"']);
  assert.deepEqual(errorLines('vpdn group 1 ppp authentication ms', 'config'), ['% Ambiguous command: "vpdn group 1 ppp authentication ms"']);
});

test('incomplete commands print the usage of what is still possible', () => {
  assert.deepEqual(errorLines('vpdn group 1 ppp authentication'), ['Usage: [no] vpdn group <group_name> ppp authentication pap|chap|mschap|mschap-v2']);
  assert.match(errorLines('ip local pool p')[0], /^Usage: \[no\] ip local pool/);
  assert.ok(errorLines('vpdn username joe').length < 3, 'only the username usage');
});

test('bad bytes name their position and nothing is applied', () => {
  assert.deepEqual(errorLines('hostname \u00ff\u00fe\u0000\u0001abc'), ['           ^', '% Rejected: invalid character 0x00 at position 12; nothing of the line was applied']);
  assert.deepEqual(errorLines('hostname a\ufffdb'), ['          ^', '% Rejected: invalid UTF-8 at position 11; nothing of the line was applied']);
});

test('empty and blank lines', () => {
  assert.deepEqual(parseLine('', 'exec'), { kind: 'empty' });
  assert.deepEqual(parseLine('   \t ', 'config'), { kind: 'empty' });
});
