/**
 * The server's real-time Clock: systemClock's behaviour (performance.now,
 * unref'ed setTimeout), with each Timer a small object whose cancel is on
 * the prototype instead of a closure over the timeout, and which lets go of
 * the timeout once cancelled (holders keep cancelled Timers: a few per
 * session, 10,000 sessions in bench/sessions.bench.ts).
 */
import type { Clock, Timer } from '../util/clock.js';

class NodeTimer implements Timer {
  constructor(private t: NodeJS.Timeout | undefined) {}
  cancel(): void {
    if (this.t === undefined) return;
    clearTimeout(this.t);
    this.t = undefined;
  }
}

export const serverClock: Clock = {
  now: () => performance.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return new NodeTimer(t);
  },
};
