/**
 * How many data-plane workers the product runs (src/server/workers/count.ts):
 * `--workers N` as given; `auto` and nothing: one per core, or the server
 * in this process when it cannot have a data plane.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { missingForDataPlane, resolveWorkers, thisHost } from '../../../src/server/workers/count.js';

// CapEff masks: root's full set, only CAP_NET_ADMIN + CAP_NET_RAW (bits 12, 13: the systemd unit), none
const ROOT = 'Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n';
const UNIT = 'CapEff:\t0000000000003000\n';
const NONE = 'CapEff:\t0000000000000000\n';

test('the data plane needs CAP_NET_RAW, CAP_NET_ADMIN and /dev/net/tun: what is missing is named', () => {
  assert.equal(missingForDataPlane(ROOT, true), undefined);
  assert.equal(missingForDataPlane(UNIT, true), undefined, 'the unit\'s two ambient capabilities are enough');
  assert.equal(missingForDataPlane('CapEff:\t0000000000001000\n', true), 'no CAP_NET_RAW');
  assert.equal(missingForDataPlane('CapEff:\t0000000000002000\n', true), 'no CAP_NET_ADMIN');
  assert.equal(missingForDataPlane(NONE, true), 'no CAP_NET_RAW, CAP_NET_ADMIN');
  assert.equal(missingForDataPlane(ROOT, false), 'no /dev/net/tun');
  assert.equal(missingForDataPlane('', true), 'no CAP_NET_RAW, CAP_NET_ADMIN', 'no status to read: no capability');
});

test('--workers N as given; auto or nothing: one per core, or this process without a data plane', () => {
  const capable = { cores: 8, missing: undefined };
  const unprivileged = { cores: 8, missing: 'no CAP_NET_RAW' };
  assert.equal(resolveWorkers(undefined, capable), 8);
  assert.equal(resolveWorkers('auto', capable), 8);
  assert.equal(resolveWorkers(3, capable), 3);
  assert.equal(resolveWorkers(1, capable), 1);
  assert.equal(resolveWorkers(undefined, unprivileged), 1);
  assert.equal(resolveWorkers('auto', unprivileged), 1);
  assert.equal(resolveWorkers(4, unprivileged), 4, 'asked for: forked, and each worker says why it cannot open');
  assert.equal(resolveWorkers(undefined, { cores: 1, missing: undefined }), 1, 'one core: in this process');
});

test('this host: the core count of os.availableParallelism(), the capabilities of this process', async () => {
  const { availableParallelism } = await import('node:os');
  const h = thisHost();
  assert.equal(h.cores, availableParallelism());
  if (process.getuid?.() === 0 && existsSync('/dev/net/tun')) assert.equal(h.missing, undefined, 'root has both capabilities');
});
