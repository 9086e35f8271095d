/**
 * The remote shells' turn queue: in order; on a busy loop several waiters
 * a turn while the budget lasts, never much more than the budget or half
 * the loop's other work in one turn.
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

/** Four shells of 30 slices each against a loop whose other work takes `otherMs` a turn: the work each turn gave them. */
async function slicesPerTurn(budgetMs: number, otherMs: number, unitMs: number): Promise<number[]> {
  const q = new TurnQueue(budgetMs);
  // one immediate of our own per loop turn, busy like traffic: which turn each slice ran in
  let turn = 0;
  let ticking = true;
  const tick = () => {
    turn++;
    busy(otherMs);
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const workIn = new Map<number, number>();
  const shell = async () => {
    for (let i = 0; i < 30; i++) {
      await q.take();
      busy(unitMs);
      workIn.set(turn, (workIn.get(turn) ?? 0) + unitMs);
    }
  };
  await Promise.all([shell(), shell(), shell(), shell()]);
  ticking = false;
  const perTurn = [...workIn.values()];
  assert.equal(perTurn.reduce((a, b) => a + b, 0).toFixed(1), (120 * unitMs).toFixed(1), 'every slice ran');
  return perTurn;
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

test('a busy loop turn gives the waiters several slices, never more than the budget and one slice', async () => {
  const perTurn = await slicesPerTurn(1, 4, 0.3);
  assert.ok(Math.max(...perTurn) <= 1 + 0.3 + 1e-9, `per turn: ${perTurn.map((x) => x.toFixed(1)).join(' ')}`);
  assert.ok(120 / perTurn.length >= 2.5, `several slices a turn: ${perTurn.length} turns for 120 slices`);
});

test('the waiters get about half the time the rest of the loop took', async () => {
  const perTurn = await slicesPerTurn(10, 1, 0.2);
  assert.ok(median(perTurn) <= 0.5 * 1 + 0.2 + 1e-9, `per turn: ${perTurn.map((x) => x.toFixed(1)).join(' ')}`);
});

test('on an idle loop each turn serves a waiter at once', async () => {
  const q = new TurnQueue();
  const t0 = performance.now();
  for (let i = 0; i < 200; i++) await q.take();
  assert.ok(performance.now() - t0 < 200, `200 turns in ${(performance.now() - t0).toFixed(0)} ms`);
});
