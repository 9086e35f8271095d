import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ciscoTime, renderAaaServerConfigLines, renderShowAaaServer } from '../../../src/cli/render/aaa.js';
import type { AaaGroupStats, AaaServerStatus } from '../../../src/server/api.js';
import { ShellSession } from '../../../src/cli/session.js';
import { FakeHost, enable } from './fakes.js';

const T0 = Date.UTC(2009, 1, 25, 10, 3, 11); // Wed Feb 25 2009

function server(over: Partial<AaaServerStatus>): AaaServerStatus {
  return {
    address: '172.18.124.99',
    protocol: 'radius',
    status: 'ACTIVE',
    authPort: 1645,
    acctPort: 1646,
    pending: 1,
    authRequests: 12,
    acctRequests: 4,
    retransmits: 2,
    accepts: 9,
    rejects: 3,
    timeouts: 1,
    malformed: 0,
    badAuthenticators: 1,
    averageRttMs: 7.6,
    ...over,
  };
}

function radiusStats(): Parameters<typeof server>[0]['radius'] {
  return {
    address: '172.18.124.99',
    authPort: 1645,
    acctPort: 1646,
    status: 'ACTIVE',
    consecutiveFailures: 0,
    accountingStatus: 'ACTIVE',
    pending: 1,
    authRequests: 12,
    acctRequests: 4,
    retransmits: 2,
    accepts: 9,
    rejects: 3,
    challenges: 0,
    acctResponses: 4,
    timeouts: 1,
    malformed: 0,
    badAuthenticators: 1,
    duplicates: 2,
    unrecognized: 5,
    averageRttMs: 7.6,
    lastTransaction: T0,
  };
}

const GROUPS: AaaGroupStats[] = [
  {
    tag: 'RADIUS',
    protocol: 'radius',
    servers: [server({ radius: radiusStats() }), server({ address: '172.18.124.98', status: 'FAILED', authRequests: 3, accepts: 0, rejects: 0, timeouts: 3 })],
    accounting: { kind: 'radius', queued: 2, inFlight: 1, acknowledged: 40, dropped: 0, superseded: 0, failedRounds: 1, paused: true },
    allDead: 0,
  },
  {
    tag: 'TACACS+',
    protocol: 'tacacs+',
    servers: [
      server({
        address: '172.18.124.97',
        protocol: 'tacacs+',
        authPort: 49,
        acctPort: 49,
        tacacs: { address: '172.18.124.97', port: 49, status: 'ACTIVE', pending: 0, requests: 5, replies: 5, timeouts: 0, connectFailures: 1, malformed: 0, connectionsOpened: 6, singleConnection: false },
      }),
    ],
    accounting: { kind: 'tacacs+', sent: 3, acknowledged: 2, failed: 1 },
    allDead: 4,
  },
  { tag: 'LOCAL', protocol: 'local', servers: [], allDead: 0 },
];

test('Cisco clock format', () => {
  assert.equal(ciscoTime(T0), '10:03:11 UTC Wed Feb 25 2009');
});

test('show aaa-server RADIUS: one PIX 7-style block per server, accounting queue after the last', () => {
  assert.deepEqual(renderShowAaaServer(GROUPS, 'RADIUS'), [
    'Server Group:    RADIUS',
    'Server Protocol: RADIUS',
    'Server Address:  172.18.124.99',
    'Server port:     1645(authentication), 1646(accounting)',
    'Server status:   ACTIVE, Last transaction at 10:03:11 UTC Wed Feb 25 2009',
    'Number of pending requests              1',
    'Average round trip time                 8ms',
    'Number of authentication requests       12',
    'Number of accounting requests           4',
    'Number of retransmissions               2',
    'Number of accepts                       9',
    'Number of rejects                       3',
    'Number of challenges                    0',
    'Number of malformed responses           0',
    'Number of bad authenticators            1',
    'Number of timeouts                      1',
    'Number of unrecognized responses        5',
    'Number of duplicate responses           2',
    '',
    'Server Group:    RADIUS',
    'Server Protocol: RADIUS',
    'Server Address:  172.18.124.98',
    'Server port:     1645(authentication), 1646(accounting)',
    'Server status:   FAILED',
    'Number of pending requests              1',
    'Average round trip time                 8ms',
    'Number of authentication requests       3',
    'Number of accounting requests           4',
    'Number of retransmissions               2',
    'Number of accepts                       0',
    'Number of rejects                       0',
    'Number of malformed responses           0',
    'Number of bad authenticators            1',
    'Number of timeouts                      3',
    'Accounting queue: 2 queued, 1 in flight, 40 acknowledged, 0 dropped, waiting to retry',
  ]);
});

test('show aaa-server: a RADIUS server whose accounting failed (answers logins, not records) says so under its status', () => {
  const failed: AaaGroupStats = { ...GROUPS[0]!, servers: [server({ radius: { ...radiusStats()!, accountingStatus: 'FAILED' } })] };
  const out = renderShowAaaServer([failed], 'RADIUS');
  assert.deepEqual(out.slice(4, 6), [
    'Server status:   ACTIVE, Last transaction at 10:03:11 UTC Wed Feb 25 2009',
    'Accounting status: FAILED, records retried until it answers',
  ]);
  assert.ok(!renderShowAaaServer(GROUPS, 'RADIUS').some((l) => l.startsWith('Accounting status')), 'not said while it answers');
});

test('TACACS+ and LOCAL blocks; unknown group', () => {
  const all = renderShowAaaServer(GROUPS);
  const tac = all.slice(all.indexOf('Server Group:    TACACS+'));
  assert.equal(tac[1], 'Server Protocol: TACACS+');
  assert.equal(tac[3], 'Server port:     49');
  assert.ok(tac.includes('Number of connection failures           1'));
  assert.ok(tac.includes('Number of connections opened            6'));
  assert.ok(tac.includes('Requests failed, every server dead      4'));
  assert.ok(tac.includes('Accounting: 3 sent, 2 acknowledged, 1 failed'));
  assert.ok(!tac.some((l) => l.startsWith('Number of bad authenticators')), 'no RADIUS-only counters');
  assert.deepEqual(all.slice(-5), [
    'Server Group:    LOCAL',
    'Server Protocol: Local database',
    'Server Address:  None',
    'Server port:     None',
    'Server status:   ACTIVE',
  ]);
  assert.deepEqual(renderShowAaaServer(GROUPS, 'NOPE'), ['ERROR: aaa-server group NOPE does not exist']);
});

test('without statistics: the PIX 6.3 configuration lines', () => {
  const rc = ['hostname PIX', 'aaa-server RADIUS protocol radius', 'aaa-server RADIUS (outside) host 10.1.1.4 ******** timeout 5', 'aaa-server LOCAL protocol local'];
  assert.deepEqual(renderAaaServerConfigLines(rc), rc.slice(1));
  assert.deepEqual(renderAaaServerConfigLines(rc, 'RADIUS'), rc.slice(1, 3));
  assert.deepEqual(renderAaaServerConfigLines(rc, 'X'), ['ERROR: aaa-server group X does not exist']);
});

test('the session prints statistics when the server keeps them, config lines otherwise', async () => {
  const host = new FakeHost();
  const s = new ShellSession(host, { id: 1 });
  await enable(s);
  assert.deepEqual(await s.execute('show aaa-server'), ['aaa-server RADIUS protocol radius']);
  (host as FakeHost & { aaaStatus: () => AaaGroupStats[] }).aaaStatus = () => GROUPS;
  assert.equal((await s.execute('show aaa-server'))[0], 'Server Group:    RADIUS');
});
