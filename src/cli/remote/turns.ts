/**
 * Remote shells take turns with the rest of the event loop. Twenty SSH
 * shells that each send `show vpdn` (16,000 lines at 1,000 sessions) as
 * soon as the last one printed would otherwise all run in one poll phase,
 * and the console's keystroke would wait behind every one of them. A
 * shell takes a turn before each command and before each page of long
 * output.
 *
 * Each loop turn gives remote shells BUDGET_MS of work in all: a batch of
 * setImmediates queued together runs in one check phase, each releasing
 * the next waiter, whose work runs in the microtasks before the next
 * immediate (a shell that asks again during the phase is served by a later
 * one of the batch). Once the budget is spent the rest wait for the next turn,
 * so the console, timers and packets run between any two slices, while
 * the shells still get through many pages a turn when the loop is busy
 * with traffic (one waiter a turn made 20 shells' output crawl).
 *
 * The budget is also at most SHARE of the time the loop spent on other
 * work since the last batch: on a box passing traffic the shells take at
 * most a third of the core, and the packets the rest (twenty shells
 * looping `show vpdn` with a flat 1 ms a turn halved forwarding). The
 * first waiter of a turn always runs, so an idle loop serves them at once.
 */
import { performance } from 'node:perf_hooks';

/** Remote shell work per loop turn (a page of show vpdn is about 0.1-0.3 ms). */
export const BUDGET_MS = 1;
/** Remote shell work per unit of the loop's other work, at most. */
export const SHARE = 0.5;
const MAX_PER_TURN = 64;

export class TurnQueue {
  private readonly waiting: (() => void)[] = [];
  /** Immediates of this turn's batch still to run. */
  private pending = 0;
  private turnStart = -1;
  private turnBudget = 0;
  private lastTurnEnd = performance.now();

  constructor(private readonly budgetMs = BUDGET_MS) {}

  /** Resolves on a later loop turn, in order of asking. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.pending === 0) this.arm();
    });
  }

  private arm(): void {
    if (this.waiting.length === 0) return;
    this.pending = MAX_PER_TURN;
    this.turnStart = -1;
    // queued together: they run in one check phase (an immediate queued from an immediate runs next turn)
    for (let i = 0; i < this.pending; i++) setImmediate(this.step);
  }

  private readonly step = (): void => {
    const now = performance.now();
    if (this.turnStart < 0) {
      this.turnStart = now;
      this.turnBudget = Math.min(this.budgetMs, SHARE * (now - this.lastTurnEnd));
      this.waiting.shift()?.();
    } else if (now - this.turnStart < this.turnBudget) {
      this.waiting.shift()?.();
    }
    if (--this.pending > 0) return;
    this.lastTurnEnd = performance.now();
    this.arm();
  };
}
