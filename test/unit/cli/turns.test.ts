/**
 * The remote shells' turn queue: in order, several waiters a loop turn
 * while the budget lasts, never much more than the budget in one turn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { TurnQueue } from '../../../src/cli/remote/turns.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test('waiters are served in the order they asked', async () => {
  const q = new TurnQueue();
  const order: string[] = [];
  await Promise.all(['a', 'b', 'c', 'd'].map((n) => q.take().then(() => order.push(n))));
  assert.deepEqual(order, ['a', 'b', 'c', 'd']);
});

test('a loop turn gives the waiters about the budget, then the rest of the loop runs', async () => {
  const BUDGET = 2;
  const UNIT = 0.3;
  const q = new TurnQueue(BUDGET);
  // one immediate of our own per loop turn: which turn each slice ran in
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const workIn = new Map<number, number>();
  const shell = async (slices: number) => {
    for (let i = 0; i < slices; i++) {
      await q.take();
      busy(UNIT);
      workIn.set(turn, (workIn.get(turn) ?? 0) + UNIT);
    }
  };
  await Promise.all([shell(30), shell(30), shell(30), shell(30)]);
  ticking = false;
  const perTurn = [...workIn.values()];
  assert.equal(perTurn.reduce((a, b) => a + b, 0).toFixed(1), (120 * UNIT).toFixed(1), 'every slice ran');
  assert.ok(Math.max(...perTurn) <= BUDGET + UNIT + 1e-9, `at most the budget and one slice a turn: ${perTurn.map((x) => x.toFixed(1)).join(' ')}`);
  assert.ok(120 / perTurn.length >= 3, `several slices a turn: ${perTurn.length} turns for 120 slices`);
});
