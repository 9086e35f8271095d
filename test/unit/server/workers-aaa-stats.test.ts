import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeAaaStats } from '../../../src/server/workers/aaa-stats.js';
import type { AaaGroupStats, AaaServerStatus } from '../../../src/server/aaa/group.js';

function server(o: Partial<AaaServerStatus>): AaaServerStatus {
  return {
    address: '10.1.1.5', protocol: 'radius', status: 'ACTIVE', authPort: 1645, acctPort: 1646, pending: 0,
    authRequests: 0, acctRequests: 0, retransmits: 0, accepts: 0, rejects: 0, timeouts: 0, malformed: 0, badAuthenticators: 0, averageRttMs: 0,
    ...o,
  };
}

function group(servers: AaaServerStatus[], acknowledged: number, paused: boolean): AaaGroupStats {
  return {
    tag: 'RADIUS',
    protocol: 'radius',
    allDead: 0,
    servers,
    accounting: { kind: 'radius', queued: 1, inFlight: 0, acknowledged, dropped: 0, superseded: 0, failedRounds: 0, paused },
  };
}

test('show aaa-server over two workers: counters added, FAILED only when FAILED in both, round trips weighted by requests', () => {
  const w0 = group([server({ authRequests: 3, accepts: 3, averageRttMs: 2 }), server({ address: '10.1.1.6', status: 'FAILED', timeouts: 4 })], 5, false);
  const w1 = group([server({ authRequests: 1, accepts: 0, rejects: 1, averageRttMs: 6, status: 'FAILED' }), server({ address: '10.1.1.6', status: 'FAILED', timeouts: 1 })], 2, true);
  const [g] = mergeAaaStats([[w0], [w1]]);
  assert.equal(g.tag, 'RADIUS');
  assert.deepEqual(
    g.servers.map((s) => [s.address, s.status, s.authPort, s.authRequests, s.accepts, s.rejects, s.timeouts, s.averageRttMs]),
    [
      ['10.1.1.5', 'ACTIVE', 1645, 4, 3, 1, 0, 3],
      ['10.1.1.6', 'FAILED', 1645, 0, 0, 0, 5, 0],
    ],
  );
  assert.deepEqual(g.accounting, { kind: 'radius', queued: 2, inFlight: 0, acknowledged: 7, dropped: 0, superseded: 0, failedRounds: 0, paused: true });
  assert.deepEqual(mergeAaaStats([]), []);
});

test('show aaa-server over two workers: a server\'s accounting is FAILED when FAILED in either (that worker holds records for it)', () => {
  const radius = (accountingStatus: 'ACTIVE' | 'FAILED') =>
    ({ address: '10.1.1.5', authPort: 1645, acctPort: 1646, status: 'ACTIVE', consecutiveFailures: 0, accountingStatus, pending: 0, authRequests: 0, acctRequests: 1, retransmits: 3,
      accepts: 0, rejects: 0, challenges: 0, acctResponses: 0, timeouts: 1, malformed: 0, badAuthenticators: 0, duplicates: 0, unrecognized: 0, averageRttMs: 0 }) as const;
  const merged = (a: 'ACTIVE' | 'FAILED', b: 'ACTIVE' | 'FAILED') =>
    mergeAaaStats([[group([server({ radius: radius(a) })], 0, false)], [group([server({ radius: radius(b) })], 0, false)]])[0]!.servers[0]!.radius!.accountingStatus;
  assert.deepEqual([merged('FAILED', 'FAILED'), merged('FAILED', 'ACTIVE'), merged('ACTIVE', 'FAILED')], ['FAILED', 'FAILED', 'FAILED']);
  assert.equal(merged('ACTIVE', 'ACTIVE'), 'ACTIVE');
});
