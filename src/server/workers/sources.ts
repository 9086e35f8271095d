/**
 * `vpdn limit per-source` and `vpdn limit auth-failures` for the whole
 * NAS when the data plane is N workers: one SourceGuard in the primary,
 * which every worker asks before it takes a tunnel and tells when the
 * tunnel ends or a login fails. It also keeps which worker holds each
 * admitted tunnel: a worker that dies takes its tunnels with it.
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
