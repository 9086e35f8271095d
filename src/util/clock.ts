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

/**
 * systemClock's timers: entries of one binary heap ordered by due time (and
 * by arming order for equal times), under a single unref'ed Node timeout
 * for the earliest. A server holds two idle timers per session (the LCP
 * and PPTP keepalives); a Node Timeout with its handle, its boxed numbers
 * and the NodeTimer around it cost about 200 octets each, a HeapTimer 70
 * (bench/sessions.bench.ts, 10,000 and more sessions).
 */
class HeapTimer implements Timer {
  /** Place in the heap; -1 once fired or cancelled. */
  index = -1;
  constructor(
    readonly at: number,
    readonly seq: number,
    public fn: (() => void) | undefined,
  ) {}

  cancel(): void {
    if (this.index >= 0) timerHeap.remove(this);
    this.fn = undefined;
  }
}

function earlier(a: HeapTimer, b: HeapTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

class TimerHeap {
  private readonly items: HeapTimer[] = [];
  private seq = 0;
  private armed: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  private readonly fire = (): void => this.run();

  add(ms: number, fn: () => void): HeapTimer {
    // as setTimeout: below 1 ms (or not a number) is 1 ms
    const delay = ms >= 1 && ms <= 0x7fffffff ? ms : 1;
    const t = new HeapTimer(performance.now() + delay, this.seq++, fn);
    t.index = this.items.length;
    this.items.push(t);
    this.up(t.index);
    if (t.index === 0) this.arm();
    return t;
  }

  remove(t: HeapTimer): void {
    const items = this.items;
    const i = t.index;
    const last = items.pop()!;
    t.index = -1;
    if (last !== t) {
      items[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    // the Node timeout stays armed: if it fires early, run() re-arms for the new earliest
  }

  /** Timers due now, in order; then the Node timeout for the next. */
  private run(): void {
    this.armed = undefined;
    this.armedAt = Infinity;
    const now = performance.now();
    try {
      while (this.items.length > 0 && this.items[0].at <= now) {
        const t = this.items[0];
        this.remove(t);
        const fn = t.fn;
        t.fn = undefined;
        fn?.();
      }
    } finally {
      this.arm();
    }
  }

  private arm(): void {
    const first = this.items[0];
    if (first === undefined) {
      if (this.armed) clearTimeout(this.armed);
      this.armed = undefined;
      this.armedAt = Infinity;
      return;
    }
    if (this.armed && this.armedAt <= first.at) return;
    if (this.armed) clearTimeout(this.armed);
    this.armed = setTimeout(this.fire, Math.max(1, Math.ceil(first.at - performance.now())));
    this.armed.unref?.();
    this.armedAt = first.at;
  }

  private up(i: number): void {
    const items = this.items;
    const t = items[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!earlier(t, items[p])) break;
      items[i] = items[p];
      items[i].index = i;
      i = p;
    }
    items[i] = t;
    t.index = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const t = items[i];
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const c = l + 1 < n && earlier(items[l + 1], items[l]) ? l + 1 : l;
      if (!earlier(items[c], t)) break;
      items[i] = items[c];
      items[i].index = i;
      i = c;
    }
    items[i] = t;
    t.index = i;
  }
}

const timerHeap = new TimerHeap();

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (ms, fn) => timerHeap.add(ms, fn),
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
