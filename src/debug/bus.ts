/**
 * The typed event bus between the server and the consoles.
 *
 * Protocol engines never see it: they emit typed events to a sink whose
 * `on(cat)` is the bus's, checked first so nothing is built when the
 * category is off, and the formatters of src/debug/ write the lines:
 *
 *   if (debug.on('tacacs')) debug.emit({ kind: 'using-server', server });   // the engine
 *   this.bus.debug('tacacs', `TPLUS: Using server ...`, { user });          // its formatter
 *
 * Syslog messages (PIX `%PIX-<sev>-<id>: text`) are always emitted; the
 * shell's `logging` settings decide where they go.
 */

/** One value per `debug ...` switch the shell knows. */
export const DEBUG_CATEGORIES = [
  'vpdn event',
  'vpdn error',
  'vpdn packet',
  'ppp error',
  'ppp io',
  'ppp uauth',
  'ppp negotiation',
  'ppp authentication',
  'ppp mppe',
  'radius',
  'aaa authentication',
  'aaa accounting',
  'tacacs',
] as const;
export type DebugCategory = (typeof DEBUG_CATEGORIES)[number];

/** What a line is about, for per-user / per-tunnel filters. */
export interface DebugContext {
  user?: string;
  tunnel?: number;
}

export type LogLine =
  | { kind: 'debug'; category: DebugCategory; text: string; time: number; ctx?: DebugContext }
  | { kind: 'syslog'; id: number; severity: number; text: string; time: number; ctx?: DebugContext };

export type DebugFilter = (ctx: DebugContext | undefined) => boolean;

export class DebugBus {
  private readonly enabled = new Map<DebugCategory, DebugFilter | null>();
  private readonly listeners = new Set<(line: LogLine) => void>();
  private readonly switchWatchers = new Set<(active: DebugCategory[]) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Cheap check protocol code calls before building a debug line. */
  on(cat: DebugCategory): boolean {
    return this.enabled.has(cat);
  }

  /** Turn a category on; an optional filter keeps only matching contexts. */
  enable(cat: DebugCategory, filter: DebugFilter | null = null): void {
    this.enabled.set(cat, filter);
    this.switched();
  }

  disable(cat: DebugCategory): void {
    this.enabled.delete(cat);
    this.switched();
  }

  disableAll(): void {
    this.enabled.clear();
    this.switched();
  }

  /** Called with the active categories after each switch (data-plane workers mirror them). */
  watchSwitches(fn: (active: DebugCategory[]) => void): () => void {
    this.switchWatchers.add(fn);
    return () => this.switchWatchers.delete(fn);
  }

  private switched(): void {
    if (this.switchWatchers.size === 0) return;
    const active = this.active();
    for (const fn of this.switchWatchers) fn(active);
  }

  /** Categories that are on, in DEBUG_CATEGORIES order (for `show debug`). */
  active(): DebugCategory[] {
    return DEBUG_CATEGORIES.filter((c) => this.enabled.has(c));
  }

  debug(category: DebugCategory, text: string, ctx?: DebugContext): void {
    if (!this.enabled.has(category)) return;
    const filter = this.enabled.get(category);
    if (filter && !filter(ctx)) return;
    this.publish({ kind: 'debug', category, text, time: this.now(), ctx });
  }

  /** A PIX syslog message, e.g. syslog(603104, 6, 'PPTP Tunnel created, ...'). */
  syslog(id: number, severity: number, text: string, ctx?: DebugContext): void {
    this.publish({ kind: 'syslog', id, severity, text, time: this.now(), ctx });
  }

  subscribe(fn: (line: LogLine) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private publish(line: LogLine): void {
    for (const fn of this.listeners) {
      try {
        fn(line);
      } catch {
        // A broken console must never break the server.
      }
    }
  }
}
