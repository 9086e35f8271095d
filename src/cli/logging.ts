/**
 * Routes DebugBus traffic to the places a PIX would show it.
 *
 * Syslog messages (`bus.syslog`) go, when `logging on` (and not `no logging
 * message ID`; `logging message ID level L` gives the message level L):
 *  - to every console sink when severity <= `logging console L`
 *    (bare `603104: text` without `logging timestamp`, see render/syslog.ts);
 *  - to the `logging buffered L` ring (`show logging`, `clear logging`);
 *  - to sinks with `terminal monitor` on when severity <= `logging monitor L`;
 *  - to the `logging host` senders when 1 <= severity <= `logging trap L`
 *    (a PIX never sends level 0 to a host).
 * Debug lines (`bus.debug`) ignore `logging`: they go to the sessions that
 * turned the category on with `debug ...`, and to every `terminal monitor`
 * session. Debug switches are global (as on a PIX: `undebug all` from any
 * session turns everything off).
 *
 * Per-user / per-tunnel filters (`debug CAT user NAME`, `debug CAT tunnel
 * N`, an extension): a category holds either no filter (every line) or a
 * set of filters whose union is shown, so `debug ppp negotiation user a`
 * and `... user b` show both users. A plain `debug CAT` drops the filters;
 * a filtered `debug CAT user X` on an unfiltered category narrows it to X.
 * `undebug CAT user X` removes that one filter (the category goes off with
 * its last filter); `undebug CAT` removes them all.
 *
 * Lines about a tunnel but not (yet) a user - PPTP control and GRE lines
 * carry `{ tunnel }` only - match a user filter through the tunnel's user,
 * learned from any line that carries both (the 603104 syslog at call-up,
 * every PPP line after authentication) and forgotten at 603105.
 */
import type { LoggingSettings } from '../config/running.js';
import { DEBUG_CATEGORIES, type DebugBus, type DebugCategory, type DebugContext, type LogLine } from '../debug/bus.js';
import { renderSyslog, type SyslogMessage } from '../debug/pix-syslog.js';

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
  trap: number;
}

function sameSpec(a: DebugFilterSpec, b: DebugFilterSpec): boolean {
  return (a.user?.toLowerCase() ?? null) === (b.user?.toLowerCase() ?? null) && (a.tunnel ?? null) === (b.tunnel ?? null);
}

function isFiltered(spec: DebugFilterSpec): boolean {
  return spec.user !== undefined || spec.tunnel !== undefined;
}

/** Most tunnel -> user associations kept (oldest dropped first). */
const MAX_LEARNED = 4096;
/** 603105: `PPTP Tunnel deleted` - the tunnel id is free again. */
const TUNNEL_DELETED = 603105;

export class LogRouter {
  private readonly sinks = new Map<number, LogSink>();
  /** category -> filters (empty = unfiltered) + the sinks that turned it on */
  private readonly flags = new Map<DebugCategory, { filters: DebugFilterSpec[]; owners: Set<number> }>();
  /** tunnel id -> user name (lower case), learned from contexts carrying both */
  private readonly tunnelUsers = new Map<number, string>();
  private ring: string[] = [];
  readonly counters: LogCounters = { console: 0, monitor: 0, buffer: 0, trap: 0 };
  /** Where messages at the trap level go (the `logging host` senders). */
  toHosts: ((m: SyslogMessage, epochMs: number) => void) | undefined;
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
    const spec: DebugFilterSpec = {};
    if (filter.user !== undefined) spec.user = filter.user;
    if (filter.tunnel !== undefined) spec.tunnel = filter.tunnel;
    let filters: DebugFilterSpec[];
    if (!isFiltered(spec)) filters = [];
    else if (!prev || prev.filters.length === 0) filters = [spec];
    else filters = prev.filters.some((f) => sameSpec(f, spec)) ? prev.filters : [...prev.filters, spec];
    this.setFlag(category, filters, owners);
  }

  /**
   * `no debug CAT` / `undebug CAT` (global, as on a PIX); with a filter,
   * only that filter goes (and the category with its last filter).
   */
  debugOff(category: DebugCategory, filter: DebugFilterSpec = {}): void {
    const prev = this.flags.get(category);
    if (prev && isFiltered(filter)) {
      const rest = prev.filters.filter((f) => !sameSpec(f, filter));
      if (rest.length === prev.filters.length) return;
      if (rest.length > 0) {
        this.setFlag(category, rest, prev.owners);
        return;
      }
    }
    this.flags.delete(category);
    this.bus.disable(category);
  }

  /** `undebug all` / `no debug all`. */
  debugAllOff(): void {
    this.flags.clear();
    this.bus.disableAll();
  }

  /** Active switches, one per filter, in DEBUG_CATEGORIES order (`show debug`). */
  activeDebug(): DebugFlag[] {
    const out: DebugFlag[] = [];
    for (const c of DEBUG_CATEGORIES) {
      const f = this.flags.get(c);
      if (!f) continue;
      if (f.filters.length === 0) out.push({ category: c });
      for (const spec of f.filters) out.push({ category: c, ...spec });
    }
    return out;
  }

  /** The user a tunnel belongs to, as learned from the log traffic. */
  userOfTunnel(tunnel: number): string | undefined {
    return this.tunnelUsers.get(tunnel);
  }

  private setFlag(category: DebugCategory, filters: DebugFilterSpec[], owners: Set<number>): void {
    this.flags.set(category, { filters, owners });
    this.bus.enable(category, filters.length === 0 ? null : (ctx) => filters.some((f) => this.matches(f, ctx)));
  }

  private matches(spec: DebugFilterSpec, ctx: DebugContext | undefined): boolean {
    if (spec.tunnel !== undefined && ctx?.tunnel !== spec.tunnel) return false;
    if (spec.user !== undefined) {
      const user = ctx?.user || (ctx?.tunnel !== undefined ? this.tunnelUsers.get(ctx.tunnel) : undefined);
      if (user?.toLowerCase() !== spec.user.toLowerCase()) return false;
    }
    return true;
  }

  private learn(line: LogLine): void {
    const ctx = line.ctx;
    if (ctx?.tunnel === undefined) return;
    if (line.kind === 'syslog' && line.id === TUNNEL_DELETED) {
      this.tunnelUsers.delete(ctx.tunnel);
      return;
    }
    if (!ctx.user) return;
    const user = ctx.user.toLowerCase();
    if (this.tunnelUsers.get(ctx.tunnel) === user) return;
    this.tunnelUsers.delete(ctx.tunnel);
    this.tunnelUsers.set(ctx.tunnel, user);
    if (this.tunnelUsers.size > MAX_LEARNED) this.tunnelUsers.delete(this.tunnelUsers.keys().next().value!);
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
    this.learn(line);
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
    const level = cfg.messages?.[line.id];
    if (level === false) return;
    const msg = { id: line.id, severity: level ?? line.severity, text: line.text.replace(/\s*\n\s*/g, ' ') };
    const now = this.wallNow();
    if (cfg.trap !== undefined && msg.severity >= 1 && msg.severity <= cfg.trap) {
      this.counters.trap++;
      this.toHosts?.(msg, now);
    }
    const ts = cfg.timestamp ? now : undefined;
    const full = renderSyslog(msg, { timestamp: ts });
    if (cfg.buffered !== undefined && msg.severity <= cfg.buffered) {
      this.ring.push(full);
      if (this.ring.length > this.bufferLines) this.ring.splice(0, this.ring.length - this.bufferLines);
      this.counters.buffer++;
    }
    const toConsole = cfg.console !== undefined && msg.severity <= cfg.console;
    const toMonitor = cfg.monitor !== undefined && msg.severity <= cfg.monitor;
    if (toConsole) this.counters.console++;
    if (toMonitor) this.counters.monitor++;
    const consoleText = renderSyslog(msg, { timestamp: ts, bare: true });
    for (const s of this.sinks.values()) {
      if (s.isConsole && toConsole) s.write([consoleText], 'syslog');
      else if (s.monitor && toMonitor) s.write([full], 'syslog');
    }
  }
}
