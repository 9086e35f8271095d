import { test } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../../src/util/clock.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('systemClock timers fire in due order, equal times in arming order, cancelled ones never', async () => {
  const fired: string[] = [];
  systemClock.setTimer(40, () => fired.push('40'));
  systemClock.setTimer(10, () => fired.push('10a'));
  const c = systemClock.setTimer(20, () => fired.push('cancelled'));
  systemClock.setTimer(10, () => fired.push('10b'));
  systemClock.setTimer(0, () => fired.push('0'));
  systemClock.setTimer(30, () => {
    fired.push('30');
    systemClock.setTimer(5, () => fired.push('30+5'));
  });
  c.cancel();
  c.cancel();
  await sleep(100);
  // a timer armed by a callback is due after that callback ran, whenever the machine let it run
  assert.deepEqual(fired.filter((f) => f !== '30+5'), ['0', '10a', '10b', '30', '40']);
  assert.ok(fired.indexOf('30+5') > fired.indexOf('30'));
});

test('systemClock: a timer fires no earlier than asked, after the earliest was cancelled', async () => {
  const t0 = performance.now();
  let at = 0;
  systemClock.setTimer(5, () => {}).cancel();
  systemClock.setTimer(30, () => (at = performance.now() - t0));
  await sleep(60);
  assert.ok(at >= 29.9, `fired after ${at} ms`);
});

test('systemClock: many timers, random cancels, each fires once in order', async () => {
  const fired: number[] = [];
  const timers = Array.from({ length: 500 }, (_, i) => systemClock.setTimer(1 + (i * 7919) % 40, () => fired.push(i)));
  const cancelled = new Set<number>();
  for (let i = 0; i < 500; i += 3) {
    timers[i].cancel();
    cancelled.add(i);
  }
  await sleep(100);
  const expected = [...Array(500).keys()].filter((i) => !cancelled.has(i));
  assert.deepEqual([...fired].sort((a, b) => a - b), expected);
  const due = (i: number) => 1 + (i * 7919) % 40;
  for (let k = 1; k < fired.length; k++) assert.ok(due(fired[k - 1]) <= due(fired[k]) + 1, `order at ${k}`);
});
