/**
 * Time source for protocol engines. Engines never call Date.now() or
 * setTimeout directly, so tests drive them with FakeClock.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Run fn once after ms. */
  setTimer(ms: number, fn: () => void): Timer;
}

/**
 * A real-time Timer: cancel lives on the prototype (not a closure per timer)
 * and drops the timeout once cancelled, since holders keep cancelled Timers
 * (a few per session, 10,000 sessions in bench/sessions.bench.ts).
 */
class NodeTimer implements Timer {
  constructor(private t: NodeJS.Timeout | undefined) {}
  cancel(): void {
    if (this.t === undefined) return;
    clearTimeout(this.t);
    this.t = undefined;
  }
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return new NodeTimer(t);
  },
};

/**
 * systemClock whose timers keep the process alive: for real waits a command
 * must see to their end (the dialer's timeout and hang-up guards), where an
 * unref'ed timer would let node exit with the wait unsettled.
 */
export const heldSystemClock: Clock = {
  now: () => performance.now(),
  setTimer: (ms, fn) => new NodeTimer(setTimeout(fn, ms)),
};

/** Deterministic clock: time moves only when advance() is called. */
export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return { cancel: () => this.timers.delete(id) };
  }

  /** Advance time by ms, firing due timers in order (timers may add timers). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let nextId = -1;
      let nextAt = Infinity;
      for (const [id, tm] of this.timers) {
        if (tm.at <= end && (tm.at < nextAt || (tm.at === nextAt && id < nextId))) {
          nextAt = tm.at;
          nextId = id;
        }
      }
      if (nextId < 0) break;
      const tm = this.timers.get(nextId)!;
      this.timers.delete(nextId);
      this.t = tm.at;
      tm.fn();
    }
    this.t = end;
  }

  /** Number of pending timers (leak checks in tests). */
  pending(): number {
    return this.timers.size;
  }
}
