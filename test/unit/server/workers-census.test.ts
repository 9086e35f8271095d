/**
 * The metrics census of two workers merged into one (src/server/workers/census.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeCensus } from '../../../src/server/workers/census.js';
import { emptyCensus, emptyTotals, type ServerCensus } from '../../../src/server/totals.js';

function part(o: Partial<ServerCensus>): ServerCensus {
  return { ...emptyCensus([]), ...o };
}

test('counts, totals, failures, errors and users add up; calls by state and protocol merge; the pools are the primary\'s', () => {
  const a = part({
    tunnels: 2,
    sessions: [{ state: 'estabd', auth: 'MSCHAP-V2', n: 2 }],
    users: [{ user: 'john', sessions: 2, bytesIn: 100, bytesOut: 200 }],
    totals: { ...emptyTotals(), packetsIn: 10, bytesOut: 1000, setups: 3, failures: { 'auth-failed': 1 } },
    errors: { 'gre-unknown-call': 4 },
  });
  const b = part({
    tunnels: 1,
    sessions: [
      { state: 'estabd', auth: 'MSCHAP-V2', n: 1 },
      { state: 'wt-vacc', auth: 'none', n: 1 },
    ],
    users: [
      { user: 'john', sessions: 1, bytesIn: 5, bytesOut: 6 },
      { user: 'mary', sessions: 1, bytesIn: 1, bytesOut: 2 },
    ],
    totals: { ...emptyTotals(), packetsIn: 5, bytesOut: 1, setups: 1, failures: { 'auth-failed': 2, timeout: 1 } },
    errors: { 'gre-unknown-call': 1, 'tun-no-session': 2 },
  });
  const pools = [{ name: 'p', begin: '10.0.0.1', end: '10.0.0.9', free: 6, inUse: 3, freeAddresses: [], inUseAddresses: [] }];
  const m = mergeCensus([a, b], pools, true);
  assert.equal(m.tunnels, 3);
  assert.deepEqual(m.sessions, [
    { state: 'estabd', auth: 'MSCHAP-V2', n: 3 },
    { state: 'wt-vacc', auth: 'none', n: 1 },
  ]);
  assert.deepEqual(m.users, [
    { user: 'john', sessions: 3, bytesIn: 105, bytesOut: 206 },
    { user: 'mary', sessions: 1, bytesIn: 1, bytesOut: 2 },
  ]);
  assert.equal(m.totals.packetsIn, 15);
  assert.equal(m.totals.bytesOut, 1001);
  assert.equal(m.totals.setups, 4);
  assert.deepEqual(m.totals.failures, { 'auth-failed': 3, timeout: 1 });
  assert.deepEqual(m.errors, { 'gre-unknown-call': 5, 'tun-no-session': 2 });
  assert.equal(m.pools, pools);
  assert.equal(mergeCensus([a, b], pools, false).users, undefined);
  assert.deepEqual(a.sessions, [{ state: 'estabd', auth: 'MSCHAP-V2', n: 2 }], 'the parts are not changed');
});
