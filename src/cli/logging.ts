/**
 * Routes DebugBus traffic to the places a PIX would show it.
 *
 * Syslog messages (`bus.syslog`) go, when `logging on`:
 *  - to every console sink when severity <= `logging console L`
 *    (bare `603104: text` without `logging timestamp`, see render/syslog.ts);
 *  - to the `logging buffered L` ring (`show logging`, `clear logging`);
 *  - to sinks with `terminal monitor` on when severity <= `logging monitor L`.
 * Debug lines (`bus.debug`) ignore `logging`: they go to the sessions that
 * turned the category on with `debug ...`, and to every `terminal monitor`
 * session. Debug switches are global (as on a PIX: `undebug all` from any
 * session turns everything off); a per-user / per-tunnel filter applies to
 * the whole category and the last `debug` command for it wins.
 */
import type { LoggingSettings } from '../config/running.js';
import { DEBUG_CATEGORIES, type DebugBus, type DebugCategory, type DebugContext, type LogLine } from '../debug/bus.js';
import { renderSyslog } from './render/syslog.js';

export type LineKind = 'debug' | 'syslog';

/** A terminal that can receive asynchronous log output. */
export interface LogSink {
  readonly id: number;
  /** The PIX console (the local terminal) rather than a remote/monitor-only session. */
  readonly isConsole: boolean;
  /** `terminal monitor` state. */
  monitor: boolean;
  write(lines: string[], kind: LineKind): void;
}

export interface DebugFilterSpec {
  user?: string;
  tunnel?: number;
}

export interface DebugFlag extends DebugFilterSpec {
  category: DebugCategory;
}

export interface LogCounters {
  console: number;
  monitor: number;
  buffer: number;
}

function matches(spec: DebugFilterSpec, ctx: DebugContext | undefined): boolean {
  if (spec.user !== undefined && ctx?.user?.toLowerCase() !== spec.user.toLowerCase()) return false;
  if (spec.tunnel !== undefined && ctx?.tunnel !== spec.tunnel) return false;
  return true;
}

export class LogRouter {
  private readonly sinks = new Map<number, LogSink>();
  /** category -> filter + the sinks that turned it on */
  private readonly flags = new Map<DebugCategory, { filter: DebugFilterSpec; owners: Set<number> }>();
  private ring: string[] = [];
  readonly counters: LogCounters = { console: 0, monitor: 0, buffer: 0 };
  private readonly unsubscribe: () => void;

  constructor(
    private readonly bus: DebugBus,
    private readonly settings: () => LoggingSettings,
    private readonly wallNow: () => number = Date.now,
    private readonly bufferLines = 1000,
  ) {
    this.unsubscribe = bus.subscribe((l) => this.route(l));
  }

  attach(sink: LogSink): () => void {
    this.sinks.set(sink.id, sink);
    return () => this.detach(sink.id);
  }

  detach(id: number): void {
    this.sinks.delete(id);
    for (const [cat, f] of this.flags) {
      f.owners.delete(id);
      if (f.owners.size === 0) this.debugOff(cat);
    }
  }

  /** `debug CAT [user U] [tunnel N]` from session `owner`. */
  debugOn(owner: number, category: DebugCategory, filter: DebugFilterSpec = {}): void {
    const prev = this.flags.get(category);
    const owners = prev?.owners ?? new Set<number>();
    owners.add(owner);
    const spec: DebugFilterSpec = { ...filter };
    this.flags.set(category, { filter: spec, owners });
    const hasFilter = spec.user !== undefined || spec.tunnel !== undefined;
    this.bus.enable(category, hasFilter ? (ctx) => matches(spec, ctx) : null);
  }

  /** `no debug CAT` / `undebug CAT` (global, as on a PIX). */
  debugOff(category: DebugCategory): void {
    this.flags.delete(category);
    this.bus.disable(category);
  }

  /** `undebug all` / `no debug all`. */
  debugAllOff(): void {
    this.flags.clear();
    this.bus.disableAll();
  }

  /** Active switches in DEBUG_CATEGORIES order (`show debug`, status line). */
  activeDebug(): DebugFlag[] {
    const out: DebugFlag[] = [];
    for (const c of DEBUG_CATEGORIES) {
      const f = this.flags.get(c);
      if (f) out.push({ category: c, ...f.filter });
    }
    return out;
  }

  /** `show logging` buffer contents (oldest first). */
  buffered(): string[] {
    return [...this.ring];
  }

  /** `clear logging`. */
  clearBuffer(): void {
    this.ring = [];
  }

  close(): void {
    this.unsubscribe();
    this.sinks.clear();
  }

  private route(line: LogLine): void {
    if (line.kind === 'debug') {
      const owners = this.flags.get(line.category)?.owners;
      const lines = line.text.split('\n');
      for (const s of this.sinks.values()) {
        if (s.monitor || owners?.has(s.id)) s.write(lines, 'debug');
      }
      return;
    }
    const cfg = this.settings();
    if (!cfg.on) return;
    const msg = { id: line.id, severity: line.severity, text: line.text.replace(/\s*\n\s*/g, ' ') };
    const ts = cfg.timestamp ? this.wallNow() : undefined;
    const full = renderSyslog(msg, { timestamp: ts });
    if (cfg.buffered !== undefined && line.severity <= cfg.buffered) {
      this.ring.push(full);
      if (this.ring.length > this.bufferLines) this.ring.splice(0, this.ring.length - this.bufferLines);
      this.counters.buffer++;
    }
    const toConsole = cfg.console !== undefined && line.severity <= cfg.console;
    const toMonitor = cfg.monitor !== undefined && line.severity <= cfg.monitor;
    if (toConsole) this.counters.console++;
    if (toMonitor) this.counters.monitor++;
    const consoleText = renderSyslog(msg, { timestamp: ts, bare: true });
    for (const s of this.sinks.values()) {
      if (s.isConsole && toConsole) s.write([consoleText], 'syslog');
      else if (s.monitor && toMonitor) s.write([full], 'syslog');
    }
  }
}
