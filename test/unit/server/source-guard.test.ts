import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../../src/util/clock.js';
import { SourceGuard } from '../../../src/server/source-guard.js';

test('per-source limit counts open tunnels', () => {
  const g = new SourceGuard(new FakeClock(), () => ({ maxPerSource: 2 }));
  g.tunnelOpened('10.0.0.1');
  assert.equal(g.refuse('10.0.0.1'), undefined);
  g.tunnelOpened('10.0.0.1');
  assert.equal(g.refuse('10.0.0.1'), 'per-source limit');
  assert.equal(g.refuse('10.0.0.2'), undefined);
  g.tunnelClosed('10.0.0.1');
  assert.equal(g.refuse('10.0.0.1'), undefined);
});

test('auth failures back a source off for the configured time, success forgives', () => {
  const clock = new FakeClock();
  const g = new SourceGuard(clock, () => ({ authFailures: { count: 3, backoffSeconds: 60 } }));
  g.authFailed('10.0.0.9');
  g.authFailed('10.0.0.9');
  assert.equal(g.refuse('10.0.0.9'), undefined);
  g.authFailed('10.0.0.9');
  assert.equal(g.refuse('10.0.0.9'), 'auth-failure back-off');
  clock.advance(59_000);
  assert.equal(g.refuse('10.0.0.9'), 'auth-failure back-off');
  clock.advance(2_000);
  assert.equal(g.refuse('10.0.0.9'), undefined);
  g.authFailed('10.0.0.8');
  g.authSucceeded('10.0.0.8');
  g.authFailed('10.0.0.8');
  g.authFailed('10.0.0.8');
  assert.equal(g.refuse('10.0.0.8'), undefined);
});

test('no limits configured: nothing is refused', () => {
  const g = new SourceGuard(new FakeClock(), () => undefined);
  for (let i = 0; i < 100; i++) {
    g.tunnelOpened('1.1.1.1');
    g.authFailed('1.1.1.1');
  }
  assert.equal(g.refuse('1.1.1.1'), undefined);
});
