/**
 * `vpdn limit per-source N` and `vpdn limit auth-failures N backoff S`:
 * how many tunnels one address may hold, and a back-off for addresses
 * that keep failing authentication (brute force). Bounded: at most
 * MAX_TRACKED failing sources are remembered (oldest forgotten first).
 *
 * The limits are the NAS's: with data-plane workers (src/server/workers/)
 * one guard in the primary counts every worker's tunnels and failures, and
 * a worker asks it (SourceAdmission over IPC) before it takes a tunnel.
 */
import type { Clock } from '../util/clock.js';
import type { VpdnLimits } from '../config/model.js';

const MAX_TRACKED = 10_000;

/** What a server asks of the per-source limits: its own SourceGuard, or the primary's for a worker. */
export interface SourceAdmission {
  /** Why a new tunnel from `source` is refused, or undefined: it is then counted as open until closed(). */
  admit(source: string): string | undefined | Promise<string | undefined>;
  closed(source: string): void;
  authFailed(source: string): void;
  authSucceeded(source: string): void;
}

export class SourceGuard implements SourceAdmission {
  private readonly tunnels = new Map<string, number>();
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limits: () => VpdnLimits | undefined,
  ) {}

  /** Why a new tunnel from `source` is refused, or undefined to accept it. */
  refuse(source: string): string | undefined {
    const l = this.limits();
    const f = this.failures.get(source);
    if (f && l?.authFailures && f.count >= l.authFailures.count) {
      if (this.clock.now() < f.until) return 'auth-failure back-off';
      this.failures.delete(source);
    }
    if (l?.maxPerSource !== undefined && (this.tunnels.get(source) ?? 0) >= l.maxPerSource) return 'per-source limit';
    return undefined;
  }

  admit(source: string): string | undefined {
    const why = this.refuse(source);
    if (why === undefined) this.tunnelOpened(source);
    return why;
  }

  closed(source: string): void {
    this.tunnelClosed(source);
  }

  tunnelOpened(source: string): void {
    this.tunnels.set(source, (this.tunnels.get(source) ?? 0) + 1);
  }

  tunnelClosed(source: string): void {
    const n = (this.tunnels.get(source) ?? 1) - 1;
    if (n <= 0) this.tunnels.delete(source);
    else this.tunnels.set(source, n);
  }

  authFailed(source: string): void {
    const l = this.limits()?.authFailures;
    if (!l) return;
    const f = this.failures.get(source) ?? { count: 0, until: 0 };
    f.count++;
    f.until = this.clock.now() + l.backoffSeconds * 1000;
    this.failures.delete(source);
    this.failures.set(source, f);
    if (this.failures.size > MAX_TRACKED) this.failures.delete(this.failures.keys().next().value!);
  }

  authSucceeded(source: string): void {
    this.failures.delete(source);
  }
}
