/**
 * The split tunnelling extensions of `vpdn group`: `client configuration
 * route NETWORK MASK` (repeatable) and `client configuration domain-name
 * NAME`: parse and `?`, PIX-style errors, show running-config order, no
 * forms, the DHCP reply size check, and the linter's note when Windows
 * could never ask for the routes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { help, parseLine } from '../../../grammar/index.js';
import { defaultRunningConfig, emptyRunningConfig, lintConfig, loadConfigText, validate, writeConfig } from '../../../src/config/index.js';
import { dhcpAckOctets } from '../../../src/config/validate.js';
import type { VpdnGroup } from '../../../src/config/model.js';
import { answerInform } from '../../../src/proto/dhcp/inform.js';
import { buildInform } from '../../../src/proto/dhcp/inform-request.js';
import { informSettingsOf } from '../../../src/server/dhcp.js';
import { run } from './helpers.js';

const R = 'vpdn group 1 client configuration route';

const WORKING = [
  'nameif ethernet0 outside security0',
  'ip address outside 172.18.124.152 255.255.255.0',
  'ip local pool pptp-pool 192.168.1.1-192.168.1.50',
  'sysopt connection permit-pptp',
  'vpdn group 1 accept dialin pptp',
  'vpdn group 1 ppp authentication mschap-v2',
  'vpdn group 1 ppp encryption mppe 128 required',
  'vpdn group 1 client configuration address local pptp-pool',
  `${R} 10.1.1.0 255.255.255.0`,
  'vpdn group 1 client authentication local',
  'vpdn username cisco password S3cretPw',
  'vpdn enable outside',
];
/** The working config without its route. */
function base() {
  const r = loadConfigText(WORKING.filter((l) => !l.startsWith(R)).join('\n'), emptyRunningConfig());
  assert.deepEqual(r.errors, []);
  return r.config;
}

function parseError(line: string): string[] {
  const r = parseLine(line, 'config');
  assert.equal(r.kind, 'error', `${line} should fail`);
  return r.kind === 'error' ? r.lines : [];
}

test('route and domain-name: typed, repeatable, written after wins in PIX group order, reloaded the same', () => {
  const { rc } = run(
    base(),
    `${R} 10.1.1.0 255.255.255.0`,
    'vpdn group 1 client configuration domain-name corp.example',
    `${R} 172.16.0.0 255.240.0.0`,
    'vpdn group 1 client configuration dns 10.1.1.53',
    `${R} 10.1.1.0 255.255.255.0`,
  );
  const g = rc.vpn.vpdnGroups.find((x) => x.name === '1')!;
  assert.deepEqual(g.routes, [
    { network: '10.1.1.0', mask: '255.255.255.0' },
    { network: '172.16.0.0', mask: '255.240.0.0' },
  ], 'the same route twice is one line');
  assert.equal(g.domainName, 'corp.example');
  const out = writeConfig(rc, { secrets: 'clear' }).filter((l) => l.startsWith('vpdn group 1 client'));
  assert.deepEqual(out, [
    'vpdn group 1 client configuration address local pptp-pool',
    'vpdn group 1 client configuration dns 10.1.1.53',
    `${R} 10.1.1.0 255.255.255.0`,
    `${R} 172.16.0.0 255.240.0.0`,
    'vpdn group 1 client configuration domain-name corp.example',
    'vpdn group 1 client authentication local',
  ]);
  const again = loadConfigText(writeConfig(rc, { secrets: 'clear' }).join('\n'), emptyRunningConfig());
  assert.deepEqual(again.errors, []);
  const g2 = again.config.vpn.vpdnGroups.find((x) => x.name === '1')!;
  assert.deepEqual([g2.routes, g2.domainName], [g.routes, g.domainName]);
});

test('route: host bits under the mask and non-contiguous masks are refused PIX-style; domain-name is a domain', () => {
  assert.deepEqual(parseError(`${R} 10.1.1.1 255.255.255.0`), ["ERROR: address,mask doesn't pair (10.1.1.1 255.255.255.0 has host bits set)"]);
  assert.match(parseError(`${R} 10.1.0.0 255.0.255.0`).join('\n'), /Invalid input detected/);
  assert.match(parseError(`${R} 10.1.0.0`)[0], /^Usage: /);
  assert.match(parseError('vpdn group 1 client configuration domain-name bad_name!').join('\n'), /Invalid input detected/);
  assert.equal(parseLine(`${R} 0.0.0.0 0.0.0.0`, 'config').kind, 'ok', 'a default route is a route too');
});

test('? lists both words as extensions', () => {
  const h = help('vpdn group 1 client configuration ', 'config', {}).join('\n');
  assert.match(h, /route +.*extension: split tunnelling/);
  assert.match(h, /domain-name +.*option 15; extension/);
});

test('no forms: one route, every route of the group, the domain-name', () => {
  let { rc } = run(base(), `${R} 10.1.1.0 255.255.255.0`, `${R} 10.2.0.0 255.255.0.0`, 'vpdn group 1 client configuration domain-name corp.example');
  ({ rc } = run(rc, `no ${R} 10.2.0.0 255.255.0.0`));
  assert.deepEqual(rc.vpn.vpdnGroups[0].routes, [{ network: '10.1.1.0', mask: '255.255.255.0' }]);
  ({ rc } = run(rc, `${R} 10.3.0.0 255.255.0.0`, `no ${R}`, 'no vpdn group 1 client configuration domain-name'));
  const g = rc.vpn.vpdnGroups[0];
  assert.equal(g.routes?.length ?? 0, 0);
  assert.equal(g.domainName, undefined);
  assert.ok(!writeConfig(rc, { secrets: 'clear' }).some((l) => / route | domain-name /.test(l)));
});

function groupWith(routes: number, extra: Partial<VpdnGroup> = {}): VpdnGroup {
  return {
    name: '1', acceptDialinPptp: true, authentication: ['mschap-v2'], dns: ['10.1.1.53', '10.1.1.54'], wins: ['10.1.1.44', '10.1.1.45'],
    routes: Array.from({ length: routes }, (_, i) => ({ network: `10.${i}.${i}.128`, mask: '255.255.255.128' })),
    domainName: 'a-rather-long-dns-suffix-for-the-clients.corp.example.net',
    ...extra,
  };
}

test('the DHCP reply size the config checks is the size the server builds; over 576 octets is refused', () => {
  const inform = buildInform({ clientAddress: '192.168.1.1', xid: 1, clientId: Buffer.alloc(16), hostName: 'W' });
  for (const n of [0, 1, 5, 11, 12, 30]) {
    const g = groupWith(n);
    const r = answerInform(inform, { serverAddress: '172.18.124.152', clientAddress: '192.168.1.1' }, informSettingsOf(g));
    if (dhcpAckOctets(g) <= 576) {
      assert.equal(r.kind, 'answered', `${n} routes`);
      if (r.kind === 'answered') assert.equal(r.replyOctets, dhcpAckOctets(g), `${n} routes`);
    } else assert.equal(r.kind === 'dropped' && r.reason, 'reply-too-large', `${n} routes`);
  }
  let { rc } = run(defaultRunningConfig());
  for (let i = 0; i < 30; i++) ({ rc } = run(rc, `${R} 10.${i}.${i}.128 255.255.255.128`));
  const v = validate(rc);
  assert.ok(v.errors.some((e) => /^ERROR: vpdn group 1: the DHCP reply with 30 client configuration routes would be \d+ octets, over the 576/.test(e)), JSON.stringify(v.errors));
});

const lint = (lines: string[]) => {
  const r = loadConfigText(lines.join('\n'), emptyRunningConfig());
  assert.deepEqual(r.errors, []);
  return lintConfig(r.config);
};
const swap = (from: string, to: string[]) => WORKING.flatMap((l) => (l === from ? to : [l]));

test('lint: routes Windows can get are fine; auth or encryption that stop its call first are named', () => {
  assert.deepEqual(lint(WORKING).filter((x) => x.severity !== 'info'), [], 'no error or warning');
  const pap = lint(swap('vpdn group 1 ppp authentication mschap-v2', ['vpdn group 1 ppp authentication pap']));
  const f = pap.find((x) => x.code === 'split-routes-never-sent');
  assert.ok(f, JSON.stringify(pap.map((x) => x.code)));
  assert.deepEqual(f.lines, [`${R} 10.1.1.0 255.255.255.0`]);
  assert.match(f.explanation, /DHCPINFORM through the tunnel, only once IPCP is up/);
  assert.match(f.explanation, /mppe-required-unusable \(error 734\)/);
  const clear = lint(swap('vpdn group 1 ppp encryption mppe 128 required', []));
  assert.match(clear.find((x) => x.code === 'split-routes-never-sent')?.explanation ?? '', /no ppp encryption line: Windows requires encryption by default \(error 742\)/);
  const noRoutes = lint(swap(`${R} 10.1.1.0 255.255.255.0`, []).filter((l) => !l.includes('mppe')));
  assert.ok(!noRoutes.some((x) => x.code === 'split-routes-never-sent'), 'nothing to say without routes');
});
