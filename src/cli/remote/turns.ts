/**
 * One remote shell command per turn of the event loop. Twenty SSH shells
 * that each send `show vpdn` (16,000 lines at 1,000 sessions) as soon as
 * the last one printed would otherwise all run in one poll phase, and the
 * console's keystroke would wait behind every one of them. Taking a turn
 * before each command lets the loop's timers and I/O, the console's
 * included, run between any two remote commands.
 */
export class TurnQueue {
  private readonly waiting: (() => void)[] = [];
  private scheduled = false;

  /** Resolves on a later loop turn; one waiter per turn, in order. */
  take(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0) return;
    this.scheduled = true;
    // an immediate queued from an immediate runs on the next loop turn
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()!();
      this.schedule();
    });
  }
}
