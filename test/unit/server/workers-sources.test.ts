/**
 * The NAS's per-source limits over several workers (src/server/workers/sources.ts):
 * one count for every worker's tunnels, one back-off for every worker's
 * failed logins, one count of every worker's calls (vpdn limit sessions),
 * and what a dead worker held given back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { FleetSessions, FleetSources } from '../../../src/server/workers/sources.js';

test('vpdn limit per-source 3 over two workers: 3 tunnels from one address in all, whichever worker takes them', () => {
  const s = new FleetSources(new FakeClock(), () => ({ maxPerSource: 3 }));
  assert.equal(s.admit(0, '10.0.0.1'), undefined);
  assert.equal(s.admit(1, '10.0.0.1'), undefined);
  assert.equal(s.admit(0, '10.0.0.1'), undefined);
  assert.equal(s.admit(1, '10.0.0.1'), 'per-source limit');
  assert.equal(s.admit(0, '10.0.0.1'), 'per-source limit');
  assert.equal(s.admit(1, '10.0.0.2'), undefined, 'another source has its own count');
  s.closed(1, '10.0.0.1');
  assert.equal(s.admit(0, '10.0.0.1'), undefined, 'a tunnel that ended frees its place');
  s.closed(1, '10.0.0.9');
  s.closed(1, '10.0.0.1');
  s.closed(1, '10.0.0.1');
  assert.equal(s.admit(1, '10.0.0.1'), 'per-source limit', "a worker cannot close tunnels it does not hold: worker 0's three are still open");
});

test('a dead worker\'s tunnels are given back, the others\' stay counted', () => {
  const s = new FleetSources(new FakeClock(), () => ({ maxPerSource: 2 }));
  s.admit(0, '10.0.0.1');
  s.admit(1, '10.0.0.1');
  assert.equal(s.admit(0, '10.0.0.1'), 'per-source limit');
  s.workerGone(1);
  assert.equal(s.admit(1, '10.0.0.1'), undefined, 'worker 1 (forked again) takes one');
  assert.equal(s.admit(0, '10.0.0.1'), 'per-source limit', "worker 0's is still counted");
});

test('vpdn limit auth-failures 3: failed logins on different workers add up to one back-off', () => {
  const clock = new FakeClock();
  const s = new FleetSources(clock, () => ({ authFailures: { count: 3, backoffSeconds: 60 } }));
  for (const w of [0, 1, 0]) {
    assert.equal(s.admit(w, '10.0.0.9'), undefined);
    s.authFailed('10.0.0.9');
    s.closed(w, '10.0.0.9');
  }
  assert.equal(s.admit(1, '10.0.0.9'), 'auth-failure back-off');
  assert.equal(s.admit(0, '10.0.0.9'), 'auth-failure back-off');
  clock.advance(61_000);
  assert.equal(s.admit(0, '10.0.0.9'), undefined);
  s.authSucceeded('10.0.0.8');
});

test('vpdn limit sessions 3 over two workers: 3 calls in all; calls opened without a limit count too; a dead worker\'s are given back', () => {
  const s = new FleetSessions();
  s.opened(0); // before the limit was set
  assert.equal(s.take(1, 3), true);
  assert.equal(s.take(0, 3), true);
  assert.equal(s.take(1, 3), false, 'the NAS has 3');
  assert.equal(s.count, 3);
  s.closed(1);
  assert.equal(s.take(0, 3), true, 'a call that ended frees its place');
  s.closed(1);
  s.closed(1);
  assert.equal(s.count, 3, 'worker 1 holds none: it cannot close worker 0\'s');
  s.workerGone(0);
  assert.equal(s.count, 0);
  assert.equal(s.take(1, 3), true);
});
