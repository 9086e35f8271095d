import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCommitter, defaultRunningConfig, describeDiff } from '../../../src/config/index.js';
import type { ConfigDiff } from '../../../src/config/model.js';
import type { RunningConfig } from '../../../src/config/running.js';
import { run } from './helpers.js';

function store(initial: RunningConfig) {
  let rc = initial;
  return { get: () => rc, set: (x: RunningConfig) => void (rc = x) };
}

test('commit: validate -> prepare -> apply, with a typed diff', async () => {
  const s = store(defaultRunningConfig());
  const seen: ConfigDiff[] = [];
  const c = createCommitter({ ...s, prepare: async (d) => void seen.push(d) });
  const cand = run(s.get(), 'ip local pool p 10.0.0.1-10.0.0.9', 'vpdn group 1 accept dialin pptp', 'vpdn username u password secretpw').rc;
  const r = await c.commit(cand);
  assert.equal(r.ok, true);
  assert.equal(s.get(), cand);
  assert.equal(seen.length, 1);
  assert.deepEqual(describeDiff(seen[0]), ['+ vpdn group 1', '+ vpdn username u', '+ ip local pool p']);
  const r2 = await c.commit(run(s.get(), 'vpdn username u password other').rc);
  assert.ok(r2.ok && describeDiff(r2.diff).join() === '~ vpdn username u: password changed');
  assert.ok(!describeDiff(r2.ok ? r2.diff : seen[0]).join().includes('other'));
});

test('commit is all-or-nothing: a rejecting prepare changes nothing', async () => {
  const s = store(defaultRunningConfig());
  const before = s.get();
  const c = createCommitter({ ...s, prepare: async () => { throw new Error('cannot bind 1723'); } });
  const r = await c.commit(run(before, 'vpdn enable outside', 'vpdn group 1 accept dialin pptp').rc);
  assert.deepEqual(r, { ok: false, lines: ['ERROR: cannot bind 1723'] });
  assert.equal(s.get(), before);
});

test('validation errors abort before prepare', async () => {
  const s = store(defaultRunningConfig());
  let prepared = 0;
  const c = createCommitter({ ...s, prepare: async () => void prepared++ });
  const bad = run(s.get(), 'ip local pool a 10.0.0.1-10.0.0.9', 'ip local pool b 10.0.0.5-10.0.0.20').rc;
  const r = await c.commit(bad);
  assert.equal(r.ok, false);
  assert.equal(prepared, 0);
  assert.deepEqual(s.get().vpn.pools, []);
});

test('commits are serialized in call order', async () => {
  const s = store(defaultRunningConfig());
  const order: string[] = [];
  const c = createCommitter({
    ...s,
    prepare: async (d) => {
      order.push('start ' + d.after.hostname);
      await new Promise((res) => setTimeout(res, d.after.hostname === 'A' ? 20 : 1));
      order.push('end ' + d.after.hostname);
    },
  });
  const p1 = c.update((rc) => run(rc, 'hostname A').rc);
  const p2 = c.update((rc) => run(rc, 'vpdn group 9 accept dialin pptp').rc);
  await Promise.all([p1, p2]);
  assert.deepEqual(order, ['start A', 'end A', 'start A', 'end A']);
  assert.equal(s.get().vpn.hostname, 'A');
  assert.equal(s.get().vpn.vpdnGroups[0].name, '9');
});
