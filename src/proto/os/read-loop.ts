/**
 * Read loop driver for a non-blocking fd that Node does not open itself (a
 * TUN device, a raw socket opened through libc): our `fdwatch` addon
 * (native/fdwatch, libuv uv_poll) calls `drain` from the event loop while
 * the fd is readable. The owner's `drain` reads what is there and says how
 * it stopped:
 *   'empty' - EAGAIN: the next readiness calls it again;
 *   'more'  - the per-wake budget ran out with packets left: readiness is
 *             level-triggered, so it is called again on the next loop turn,
 *             after timers, the shell and the other sockets had theirs;
 *   'retry' - a read error: watch again after a back-off, not in a spin
 *             (so is a failed poll).
 */
import { createRequire } from 'node:module';

export type DrainResult = 'empty' | 'more' | 'retry';

interface FdWatch {
  watch(fd: number, onReadable: (status: number) => void): unknown;
  close(watcher: unknown): void;
}

const require = createRequire(import.meta.url);
let fdwatch: FdWatch | undefined;

const RETRY_MS = 1000;

export class ReadLoop {
  private watcher: unknown;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private stopped = false;

  /**
   * @param drain reads until the fd is empty or its budget is spent
   * @param closeFd closes the watched fd
   * @param onError libuv reported an error on the fd
   */
  constructor(
    private readonly fd: number,
    private readonly drain: () => DrainResult,
    private readonly closeFd: () => void,
    private readonly onError: (err: Error) => void,
  ) {
    fdwatch ??= require('fdwatch') as FdWatch;
  }

  /** Read what is there now, then keep reading as packets come. */
  start(): void {
    if (this.watcher !== undefined || this.retryTimer || this.closed || this.stopped) return;
    this.watcher = fdwatch!.watch(this.fd, (status) => this.readable(status));
  }

  /** Read no more (the fd is dead) but keep it open until close(). */
  stop(): void {
    this.stopped = true;
    this.unwatch();
  }

  /** Stop reading and close the fd. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch();
    clearTimeout(this.retryTimer);
    this.closeFd();
  }

  /** Readiness, or a failed poll (status < 0: libuv stops the watch); the drain's reads tell what is wrong. */
  private readable(status: number): void {
    if (this.closed || this.stopped) return;
    const how = this.drain();
    if (this.closed || this.stopped) return;
    if (status < 0) this.onError(new Error(`poll on fd ${this.fd} failed: libuv error ${status}`));
    if (status >= 0 && how !== 'retry') return;
    this.unwatch();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, RETRY_MS).unref();
  }

  private unwatch(): void {
    if (this.watcher === undefined) return;
    fdwatch!.close(this.watcher);
    this.watcher = undefined;
  }
}
