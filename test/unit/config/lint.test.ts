import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyRunningConfig, lintConfig, loadConfigText, renderFindings, validate, type Finding } from '../../../src/config/index.js';
import type { RunningConfig } from '../../../src/config/running.js';
import { samplesDir } from './helpers.js';

/** A working PPTP setup: the linter has nothing to say about it. */
const BASE = [
  'nameif ethernet0 outside security0',
  'nameif ethernet1 inside security100',
  'ip address outside 172.18.124.152 255.255.255.0',
  'ip address inside 10.1.1.1 255.255.255.0',
  'ip local pool pptp-pool 192.168.1.1-192.168.1.50',
  'sysopt connection permit-pptp',
  'vpdn group 1 accept dialin pptp',
  'vpdn group 1 ppp authentication mschap-v2',
  'vpdn group 1 client configuration address local pptp-pool',
  'vpdn group 1 client authentication local',
  'vpdn username cisco password S3cretPw',
  'vpdn enable outside',
];

function load(lines: string[]): RunningConfig {
  const r = loadConfigText(lines.join('\n'), emptyRunningConfig());
  assert.deepEqual(r.errors, [], JSON.stringify(r.errors));
  return r.config;
}
/** BASE with some lines removed (exact text) and others added. */
function cfg(opts: { drop?: string[]; add?: string[] } = {}): RunningConfig {
  return load([...BASE.filter((l) => !(opts.drop ?? []).includes(l)), ...(opts.add ?? [])]);
}
function only(f: Finding[], code: string): Finding {
  const hits = f.filter((x) => x.code === code);
  assert.equal(hits.length, 1, `${code} in ${JSON.stringify(f.map((x) => x.code))}`);
  return hits[0];
}
const codes = (f: Finding[]) => f.map((x) => x.code);

test('a working config has no findings and renders as such', () => {
  const f = lintConfig(cfg());
  assert.deepEqual(f, []);
  assert.deepEqual(renderFindings(f), ['No problems found: PPTP clients should connect with this configuration.']);
});

test('no vpdn enable: error, Windows 800; a config without PPTP at all is only a note', () => {
  const f = lintConfig(cfg({ drop: ['vpdn enable outside'] }));
  const x = only(f, 'no-vpdn-enable');
  assert.equal(x.severity, 'error');
  assert.equal(x.windowsError, 800);
  assert.equal(x.fix, 'vpdn enable outside');
  assert.deepEqual(x.lines, ['vpdn group 1 accept dialin pptp']);
  assert.deepEqual(codes(lintConfig(load(BASE.slice(0, 5)))), ['pptp-not-configured']);
});

test('vpdn enable without accept dialin pptp, and on an interface without an address', () => {
  const a = only(lintConfig(cfg({ drop: ['vpdn group 1 accept dialin pptp'] })), 'no-accept-dialin');
  assert.equal(a.severity, 'error');
  assert.deepEqual(a.lines, ['vpdn enable outside']);
  assert.equal(a.fix, 'vpdn group 1 accept dialin pptp');
  const b = only(lintConfig(cfg({ add: ['no ip address outside'] })), 'vpdn-enable-no-address');
  assert.equal(b.severity, 'error');
  assert.deepEqual(b.lines, ['no ip address outside', 'vpdn enable outside']);
  // the PIX "unassigned" placeholder is where pix-pptpd's default listens (loopback): a note, not an error
  const c = lintConfig(cfg({ add: ['ip address outside 127.0.0.1 255.255.255.255'] }));
  assert.deepEqual(codes(c), ['vpdn-enable-loopback']);
  assert.equal(c[0].severity, 'info');
  assert.match(c[0].explanation, /placeholder for "no address"/);
});

test('a group without a pool, or naming an undefined pool: 403108', () => {
  const a = only(lintConfig(cfg({ drop: ['vpdn group 1 client configuration address local pptp-pool'] })), 'group-no-pool');
  assert.equal(a.severity, 'error');
  assert.match(a.explanation, /403108/);
  const b = only(lintConfig(cfg({ drop: ['ip local pool pptp-pool 192.168.1.1-192.168.1.50'] })), 'pool-undefined');
  assert.deepEqual(b.lines, ['vpdn group 1 client configuration address local pptp-pool']);
  assert.equal(b.fix, 'ip local pool pptp-pool A.B.C.D-A.B.C.D');
});

test('a RADIUS-authenticated group without a pool: a note (addresses from Framed-IP-Address), no load warning', () => {
  const lines = [
    ...BASE.filter((l) => !/client configuration address local|client authentication local|vpdn username/.test(l)),
    'aaa-server RADIUS protocol radius',
    'aaa-server RADIUS (inside) host 10.1.1.5 K3y-of-Radius timeout 5',
    'vpdn group 1 client authentication aaa RADIUS',
  ];
  const r = loadConfigText(lines.join('\n'), emptyRunningConfig());
  assert.deepEqual(r.errors, []);
  const v = validate(r.config);
  assert.ok(!v.warnings.some((w) => /no client configuration address local/.test(w)), JSON.stringify(v.warnings));
  assert.ok(validate(cfg({ drop: ['vpdn group 1 client configuration address local pptp-pool'] })).warnings.some((w) => /no client configuration address local/.test(w)));
  const a = only(lintConfig(r.config), 'group-no-pool');
  assert.equal(a.severity, 'info');
  assert.match(a.explanation, /Framed-IP-Address/);
  // a TACACS+ group gives no address: still the error
  const t = load([...lines.filter((l) => !/RADIUS/.test(l)), 'aaa-server T protocol tacacs+', 'aaa-server T (inside) host 10.1.1.5 K3y timeout 5', 'vpdn group 1 client authentication aaa T']);
  assert.equal(only(lintConfig(t), 'group-no-pool').severity, 'error');
});

test('pool too small for vpdn limit sessions or for the local users', () => {
  const a = only(lintConfig(cfg({ add: ['vpdn limit sessions 100'] })), 'pool-too-small');
  assert.equal(a.severity, 'warning');
  assert.match(a.explanation, /has 50 addresses but vpdn limit sessions 100 allows 100 sessions: client 51 and later/);
  assert.ok(a.lines.includes('vpdn limit sessions 100'));
  const small = ['no ip local pool pptp-pool', 'ip local pool pptp-pool 192.168.1.1-192.168.1.2'];
  assert.deepEqual(codes(lintConfig(cfg({ add: [...small, 'vpdn username u2 password p2'] }))), []);
  const b = only(lintConfig(cfg({ add: [...small, 'vpdn username u2 password p2', 'vpdn username u3 password p3'] })), 'pool-too-small');
  assert.match(b.explanation, /has 2 addresses but 3 local users/);
});

test('pool overlapping the vpdn interface network (error) or another interface network (warning)', () => {
  const add = (r: string) => ({ drop: ['ip local pool pptp-pool 192.168.1.1-192.168.1.50'], add: [`ip local pool pptp-pool ${r}`] });
  const a = only(lintConfig(cfg(add('172.18.124.200-172.18.124.220'))), 'pool-overlaps-vpdn-interface');
  assert.equal(a.severity, 'error');
  assert.deepEqual(a.lines, ['ip local pool pptp-pool 172.18.124.200-172.18.124.220', 'ip address outside 172.18.124.152 255.255.255.0', 'vpdn enable outside']);
  const b = only(lintConfig(cfg(add('10.1.1.100-10.1.1.120'))), 'pool-overlaps-interface');
  assert.equal(b.severity, 'warning');
  const c = only(lintConfig(cfg(add('10.1.1.1-10.1.1.20'))), 'pool-overlaps-interface');
  assert.equal(c.severity, 'error', 'contains the firewall\'s own inside address');
  assert.match(c.explanation, /own address 10\.1\.1\.1/);
});

test('client authentication aaa with an undefined group (403107), an empty group, no local users', () => {
  const a = only(lintConfig(cfg({ add: ['vpdn group 1 client authentication aaa NOPE'] })), 'aaa-group-undefined');
  assert.equal(a.windowsError, 691);
  assert.match(a.explanation, /403107/);
  const b = only(lintConfig(cfg({ add: ['aaa-server R protocol radius', 'vpdn group 1 client authentication aaa R'] })), 'aaa-group-no-hosts');
  assert.equal(b.severity, 'error');
  const c = only(lintConfig(cfg({ drop: ['vpdn username cisco password S3cretPw'] })), 'no-local-users');
  assert.equal(c.windowsError, 691);
});

test('RADIUS: old default ports 1645/1646 vs 1812/1813, missing key; ports set per host or globally are fine', () => {
  const radius = ['aaa-server R protocol radius', 'aaa-server R (inside) host 10.1.1.9 RadKey9 timeout 5', 'vpdn group 1 client authentication aaa R'];
  const f = lintConfig(cfg({ add: [...radius, 'vpdn group 1 client accounting R'] }));
  const a = only(f, 'radius-old-auth-port');
  assert.equal(a.windowsError, 691);
  assert.deepEqual(a.lines, ['aaa-server R (inside) host 10.1.1.9 ******** timeout 5']);
  assert.match(a.fix, /^aaa-server radius-authport 1812/);
  assert.equal(only(f, 'radius-old-acct-port').windowsError, undefined);
  assert.ok(!JSON.stringify(f).includes('RadKey9'), 'keys are never shown');
  assert.deepEqual(codes(lintConfig(cfg({ add: ['aaa-server radius-authport 1812', ...radius] }))), []);
  assert.deepEqual(codes(lintConfig(cfg({ add: [...radius, 'aaa-server R host 10.1.1.9 RadKey9 authentication-port 1812'] }))), []);
  const k = only(lintConfig(cfg({ add: ['aaa-server radius-authport 1812', 'aaa-server R protocol radius', 'aaa-server R (inside) host 10.1.1.9', 'vpdn group 1 client authentication aaa R'] })), 'radius-no-key');
  assert.equal(k.severity, 'error');
});

test('MS-CHAPv1 only (PIX 6.3), CHAP only, PAP only and no ppp authentication at all: 732', () => {
  const v2 = 'vpdn group 1 ppp authentication mschap-v2';
  const a = only(lintConfig(cfg({ drop: [v2], add: ['vpdn group 1 ppp authentication mschap'] })), 'mschap-v1-only');
  assert.equal(a.severity, 'warning');
  assert.equal(a.windowsError, 732);
  assert.match(a.explanation, /PIX and PC Cannot Negotiate Authentication/);
  assert.equal(a.fix.split(' (')[0], v2);
  assert.equal(only(lintConfig(cfg({ drop: [v2], add: ['vpdn group 1 ppp authentication chap'] })), 'no-mschap-v2').windowsError, 732);
  const p = only(lintConfig(cfg({ drop: [v2], add: ['vpdn group 1 ppp authentication pap'] })), 'pap-only');
  assert.match(p.explanation, /The default is MS-CHAP and MS-CHAP v2 \(not CHAP or PAP\)/);
  assert.deepEqual(p.lines, ['vpdn group 1 ppp authentication pap']);
  const d = only(lintConfig(cfg({ drop: [v2] })), 'pap-only');
  assert.match(d.explanation, /PIX default is PAP only/);
});

test('MS-CHAP with local users: the DOMAIN\\user note goes away once the DOMAIN\\ name exists', () => {
  const mschap = 'vpdn group 1 ppp authentication mschap';
  const a = only(lintConfig(cfg({ add: [mschap] })), 'mschap-domain-username');
  assert.equal(a.severity, 'info');
  assert.deepEqual(a.lines, ['vpdn username cisco password ********']);
  assert.ok(!JSON.stringify(a).includes('S3cretPw'));
  assert.deepEqual(codes(lintConfig(cfg({ add: [mschap, 'vpdn username DOMAIN\\cisco password S3cretPw'] }))), []);
});

test('MPPE without MS-CHAP: 742 when optional, error 734 when required', () => {
  const v2 = 'vpdn group 1 ppp authentication mschap-v2';
  const a = only(lintConfig(cfg({ drop: [v2], add: ['vpdn group 1 ppp authentication chap', 'vpdn group 1 ppp encryption mppe 40'] })), 'mppe-without-mschap');
  assert.equal(a.severity, 'warning');
  assert.equal(a.windowsError, 742);
  assert.match(a.explanation, /MS-CHAP must be configured/);
  assert.deepEqual(a.lines, ['vpdn group 1 ppp encryption mppe 40', 'vpdn group 1 ppp authentication chap']);
  const b = only(lintConfig(cfg({ drop: [v2], add: ['vpdn group 1 ppp authentication pap', 'vpdn group 1 ppp encryption mppe 40 required'] })), 'mppe-required-unusable');
  assert.equal(b.severity, 'error');
  assert.equal(b.windowsError, 734);
  assert.match(b.explanation, /mppe required but not active/);
});

test('MPPE with TACACS+: 742 when optional, error 691 when required', () => {
  const tac = ['aaa-server T protocol tacacs+', 'aaa-server T (inside) host 10.1.1.9 TacKey timeout 5', 'vpdn group 1 client authentication aaa T'];
  const a = only(lintConfig(cfg({ add: [...tac, 'vpdn group 1 ppp encryption mppe auto'] })), 'mppe-with-tacacs');
  assert.equal(a.windowsError, 742);
  assert.match(a.explanation, /not capable of returning special MPPE keys/);
  assert.ok(a.lines.includes('aaa-server T protocol tacacs+'));
  const f = lintConfig(cfg({ add: [...tac, 'vpdn group 1 ppp encryption mppe 128 required'] }));
  const b = only(f, 'mppe-required-unusable');
  assert.equal(b.windowsError, 691);
  assert.match(b.explanation, /403110/);
  assert.ok(!codes(f).includes('mppe-128-licence'), 'no licence note when MPPE cannot work at all');
});

test('MPPE with RADIUS: the server must return MS-MPPE keys (seed 000 list); 128-bit licence note', () => {
  const rad = ['aaa-server radius-authport 1812', 'aaa-server R protocol radius', 'aaa-server R (inside) host 10.1.1.9 RadKey9', 'vpdn group 1 client authentication aaa R'];
  const f = lintConfig(cfg({ add: [...rad, 'vpdn group 1 ppp encryption mppe 128 required'] }));
  const a = only(f, 'radius-mppe-keys');
  assert.equal(a.severity, 'warning');
  assert.equal(a.windowsError, 691);
  assert.match(a.explanation, /Cisco Secure ACS for UNIX, Access Registrar: no/);
  const l = only(f, 'mppe-128-licence');
  assert.match(l.explanation, /Warning: VPN-3DES-AES license is required for 128 bits MPPE encryption/);
  assert.match(l.explanation, /no licence limit/);
  assert.equal(only(lintConfig(cfg({ add: [...rad, 'vpdn group 1 ppp encryption mppe 40'] })), 'radius-mppe-keys').severity, 'info');
  assert.deepEqual(codes(lintConfig(cfg({ add: ['vpdn group 1 ppp encryption mppe 40 required'] }))), []);
});

test('no sysopt connection permit-pptp: access lists bound to the vpdn interface must let GRE and TCP 1723 in', () => {
  const nos = { drop: ['sysopt connection permit-pptp'] };
  const a = only(lintConfig(cfg(nos)), 'no-permit-pptp');
  assert.equal(a.windowsError, 721);
  assert.match(a.explanation, /GRE \(IP protocol 47\) and TCP 1723/);
  assert.equal(a.fix, 'sysopt connection permit-pptp');
  const tcpOnly = ['access-list in permit tcp any host 172.18.124.152 eq 1723', 'access-group in in interface outside'];
  const b = only(lintConfig(cfg({ ...nos, add: tcpOnly })), 'no-permit-pptp');
  assert.equal(b.windowsError, 806);
  assert.deepEqual(b.lines, ['vpdn enable outside', 'access-list in permit tcp any host 172.18.124.152 eq 1723']);
  assert.deepEqual(codes(lintConfig(cfg({ ...nos, add: [...tcpOnly, 'access-list in permit gre any host 172.18.124.152'] }))), []);
  assert.deepEqual(codes(lintConfig(cfg({ ...nos, add: ['conduit permit tcp host 172.18.124.152 eq pptp any', 'conduit permit gre host 172.18.124.152 any'] }))), []);
  // an access-list not bound to the interface, or for another address, does not count
  assert.equal(only(lintConfig(cfg({ ...nos, add: ['access-list x permit ip any any'] })), 'no-permit-pptp').windowsError, 721);
  assert.equal(only(lintConfig(cfg({ ...nos, add: ['access-list x permit ip any host 10.9.9.9', 'access-group x in interface outside'] })), 'no-permit-pptp').windowsError, 721);
});

test('several groups accept dialin: only the first is used; a group without accept dialin is unused', () => {
  const f = lintConfig(cfg({ add: ['vpdn group 2 accept dialin pptp', 'vpdn group 3 ppp authentication pap'] }));
  assert.match(only(f, 'several-dialin-groups').explanation, /uses the first one \(vpdn group 1\)/);
  assert.equal(only(f, 'group-not-accepting').severity, 'info');
});

test('the seed sample configs give the findings a PIX 6.3 user should hear about', () => {
  const sample = (n: string) => lintConfig(loadConfigText(readFileSync(join(samplesDir(), n), 'utf8')).config);
  const local = sample('local-auth-no-encryption.cfg');
  assert.deepEqual(codes(local), ['mschap-v1-only', 'mschap-domain-username']);
  assert.equal(local[0].severity, 'warning');
  assert.equal(local[0].windowsError, 732);
  assert.deepEqual(local[0].lines, ['vpdn group 1 ppp authentication pap', 'vpdn group 1 ppp authentication chap', 'vpdn group 1 ppp authentication mschap']);
  assert.deepEqual(codes(sample('local-auth-mppe-auto.cfg')), ['mschap-v1-only', 'mschap-domain-username', 'mppe-128-licence']);
  assert.deepEqual(codes(sample('aaa-radius.cfg')), ['radius-old-auth-port', 'mschap-v1-only']);
});

test('findings sort errors first; the input is not mutated; rendering', () => {
  const rc = cfg({ drop: ['vpdn enable outside', 'vpdn group 1 ppp authentication mschap-v2'], add: ['vpdn group 1 ppp authentication mschap'] });
  const before = structuredClone(rc);
  const f = lintConfig(rc);
  assert.deepEqual(rc, before);
  assert.deepEqual(f.map((x) => x.severity), ['error', 'warning', 'info']);
  const text = renderFindings(f);
  assert.equal(text[0], 'ERROR no-vpdn-enable: clients see Windows error 800');
  assert.equal(text[1], '  ("Unable to establish the VPN connection. The VPN server may be unreachable.")');
  assert.equal(text[2], '    vpdn group 1 accept dialin pptp');
  assert.ok(text[3].startsWith('  Why: No "vpdn enable IF"'));
  assert.ok(text.includes('  Fix: vpdn enable outside'));
  assert.ok(text.some((l) => l === 'Warning mschap-v1-only: clients see Windows error 732'));
  assert.ok(text.some((l) => l === 'Info mschap-domain-username'));
  assert.equal(text.at(-1), '1 error, 1 warning, 1 note');
  for (const l of text) if (l.startsWith('  Why:') || l.startsWith('       ')) assert.ok(l.length <= 78, l);
});
