/**
 * `vpdn limit per-source`, `vpdn limit auth-failures` and `vpdn limit
 * sessions` for the whole NAS when the data plane is N workers, kept in
 * the primary:
 *
 * - FleetSources: one SourceGuard, which every worker asks before it takes
 *   a tunnel and tells when the tunnel ends or a login fails;
 * - FleetSessions: every worker's calls, counted as they open and end; a
 *   worker asks before it opens one while a limit is set.
 *
 * Both keep what each worker holds: a worker that dies takes it with it.
 */
import type { Clock } from '../../util/clock.js';
import type { VpdnLimits } from '../../config/model.js';
import { SourceGuard } from '../source-guard.js';

export class FleetSources {
  private readonly guard: SourceGuard;
  /** Worker index -> source -> tunnels it holds. */
  private readonly held = new Map<number, Map<string, number>>();

  constructor(clock: Clock, limits: () => VpdnLimits | undefined) {
    this.guard = new SourceGuard(clock, limits);
  }

  /** Why worker `worker` may not take a tunnel from `source`, or undefined: the tunnel is counted as its own. */
  admit(worker: number, source: string): string | undefined {
    const why = this.guard.admit(source);
    if (why === undefined) {
      const m = this.held.get(worker) ?? new Map<string, number>();
      m.set(source, (m.get(source) ?? 0) + 1);
      this.held.set(worker, m);
    }
    return why;
  }

  closed(worker: number, source: string): void {
    const m = this.held.get(worker);
    const n = m?.get(source);
    if (!m || !n) return;
    if (n === 1) m.delete(source);
    else m.set(source, n - 1);
    this.guard.closed(source);
  }

  authFailed(source: string): void {
    this.guard.authFailed(source);
  }

  authSucceeded(source: string): void {
    this.guard.authSucceeded(source);
  }

  /** The worker died: the tunnels it held are gone (its login failures are still counted). */
  workerGone(worker: number): void {
    for (const [source, n] of this.held.get(worker) ?? []) for (let i = 0; i < n; i++) this.guard.closed(source);
    this.held.delete(worker);
  }
}

export class FleetSessions {
  /** Worker index -> calls it holds. */
  private readonly held = new Map<number, number>();
  private total = 0;

  /** A call may open on `worker` if the NAS has fewer than `max`: then it is counted. */
  take(worker: number, max: number): boolean {
    if (this.total >= max) return false;
    this.opened(worker);
    return true;
  }

  opened(worker: number): void {
    this.held.set(worker, (this.held.get(worker) ?? 0) + 1);
    this.total++;
  }

  closed(worker: number): void {
    const n = this.held.get(worker) ?? 0;
    if (n === 0) return;
    this.held.set(worker, n - 1);
    this.total--;
  }

  workerGone(worker: number): void {
    this.total -= this.held.get(worker) ?? 0;
    this.held.delete(worker);
  }

  get count(): number {
    return this.total;
  }
}
