/**
 * The live `show vpdn` table (extension): one row per PPTP call (a tunnel
 * with no call yet gets a row of its own), throughput history per row, a
 * selected row, and the two actions the dashboard keys run on it.
 *
 * No timers and no screen here: the view calls `refresh()` about once a
 * second while it is shown and never while hidden, so a hidden dashboard
 * costs nothing. Throughput is the byte counters' growth between two
 * refreshes; the history keeps `windowMs` of it for the sparkline.
 */
import type { DebugCategory } from '../../debug/bus.js';
import type { ServerStatus, SessionStatus, TunnelStatus } from '../../server/api.js';
import type { LogRouter } from '../logging.js';

/** What the dashboard reads and drives (the session builds it from its host). */
export interface DashboardSource {
  status(): ServerStatus;
  clearTunnels(id: number): number;
  router: Pick<LogRouter, 'debugOn' | 'debugOff' | 'activeDebug'>;
  /** The shell session that owns debug switches turned on from here. */
  owner: number;
  now(): number;
}

export interface RateSample {
  t: number;
  /** bytes per second (in + out) since the previous sample */
  rate: number;
}

export interface DashboardRow {
  /** `tunnel/call` (call `-` for a tunnel without a call) */
  key: string;
  tunnelId: number;
  callId?: number;
  peer: string;
  /** '' before authentication */
  user: string;
  clientAddress: string;
  state: string;
  /** ms in the current state (the uptime once `estabd`) */
  uptimeMs: number;
  /** `128 stateless`, `40 stateful`, `none`, or `-` before CCP */
  encryption: string;
  bytesIn: number;
  bytesOut: number;
  /** bytes/s at the last refresh (undefined until two samples exist) */
  rate?: number;
  history: RateSample[];
  /** a per-user (or per-tunnel) debug filter from this row is on */
  debug: boolean;
}

/** The switches the `d` key turns on for one user. */
export const DASHBOARD_DEBUG: DebugCategory[] = ['vpdn event', 'ppp negotiation'];

interface Counter {
  t: number;
  total: number;
  history: RateSample[];
}

export function encryptionText(s: SessionStatus | undefined): string {
  if (!s) return '-';
  if (s.mppe) return `${s.mppe.bits} ${s.mppe.stateful ? 'stateful' : 'stateless'}`;
  return s.state === 'estabd' && s.clientAddress ? 'none' : '-';
}

export class Dashboard {
  private list: DashboardRow[] = [];
  private readonly counters = new Map<string, Counter>();
  private selectedKey: string | undefined;
  private tunnelCount = 0;
  private sessionCount = 0;
  /** where the cursor was, to stay near it when its row goes */
  private lastIndex = 0;
  private lastRefresh = 0;

  constructor(
    private readonly src: DashboardSource,
    private readonly windowMs = 60_000,
  ) {}

  /** The source clock at the last refresh (where the sparkline window ends). */
  get sampledAt(): number {
    return this.lastRefresh;
  }

  get rows(): readonly DashboardRow[] {
    return this.list;
  }

  totals(): { tunnels: number; sessions: number; rate: number } {
    return {
      tunnels: this.tunnelCount,
      sessions: this.sessionCount,
      rate: this.list.reduce((a, r) => a + (r.rate ?? 0), 0),
    };
  }

  /** Sample the server once. */
  refresh(): void {
    let st: ServerStatus;
    try {
      st = this.src.status();
    } catch {
      return;
    }
    const now = this.src.now();
    this.lastRefresh = now;
    this.tunnelCount = st.tunnels.length;
    this.sessionCount = st.sessions.length;
    const tunnels = new Map<number, TunnelStatus>(st.tunnels.map((t) => [t.id, t]));
    const withCalls = new Set<number>();
    const rows: DashboardRow[] = [];
    for (const s of st.sessions) {
      withCalls.add(s.tunnelId);
      rows.push(this.row(`${s.tunnelId}/${s.callId}`, tunnels.get(s.tunnelId), s, now));
    }
    for (const t of st.tunnels) if (!withCalls.has(t.id)) rows.push(this.row(`${t.id}/-`, t, undefined, now));
    rows.sort((a, b) => a.tunnelId - b.tunnelId || (a.callId ?? -1) - (b.callId ?? -1));
    const live = new Set(rows.map((r) => r.key));
    for (const k of this.counters.keys()) if (!live.has(k)) this.counters.delete(k);
    this.list = rows;
    this.markDebug();
    if (this.selectedKey === undefined || !live.has(this.selectedKey)) {
      // keep the cursor near where it was when its row went away
      const at = Math.min(this.lastIndex, rows.length - 1);
      this.selectedKey = at >= 0 ? rows[at].key : undefined;
    }
  }

  /** Forget the throughput history (the view was hidden). */
  reset(): void {
    this.counters.clear();
    for (const r of this.list) {
      r.rate = undefined;
      r.history = [];
    }
  }

  selectedIndex(): number {
    return this.list.findIndex((r) => r.key === this.selectedKey);
  }

  selected(): DashboardRow | undefined {
    return this.list.find((r) => r.key === this.selectedKey);
  }

  move(delta: number): void {
    if (this.list.length === 0) return;
    const i = Math.max(0, Math.min(this.list.length - 1, this.selectedIndex() + delta));
    this.selectedKey = this.list[i].key;
    this.lastIndex = i;
  }

  /** `clear vpdn tunnel id N` for the selected row. Returns the message to show. */
  clearSelected(): string {
    const r = this.selected();
    if (!r) return '% No active PPTP tunnels';
    this.lastIndex = this.selectedIndex();
    const n = this.src.clearTunnels(r.tunnelId);
    this.refresh();
    return n > 0 ? `Tunnel ${r.tunnelId} cleared` : `% No PPTP tunnel with id ${r.tunnelId}`;
  }

  /**
   * Toggle `debug vpdn event|ppp negotiation user NAME` for the selected
   * row's user (by tunnel, `... tunnel N`, before the user is known).
   * Returns the message to show.
   */
  toggleDebugSelected(): string {
    const r = this.selected();
    if (!r) return '% No active PPTP tunnels';
    const filter = r.user ? { user: r.user } : { tunnel: r.tunnelId };
    const what = r.user ? `user ${r.user}` : `tunnel ${r.tunnelId}`;
    const mine = this.flagsFor(r);
    if (mine.length > 0) {
      for (const f of mine) this.src.router.debugOff(f.category, { user: f.user, tunnel: f.tunnel });
      this.markDebug();
      return `undebug ${mine.map((f) => f.category).join(', ')} ${what}`;
    }
    for (const c of DASHBOARD_DEBUG) this.src.router.debugOn(this.src.owner, c, filter);
    this.markDebug();
    return `debug ${DASHBOARD_DEBUG.join(', ')} ${what}`;
  }

  private flagsFor(r: DashboardRow) {
    return this.src.router
      .activeDebug()
      .filter((f) =>
        r.user
          ? f.user !== undefined && f.user.toLowerCase() === r.user.toLowerCase() && f.tunnel === undefined
          : f.user === undefined && f.tunnel === r.tunnelId,
      );
  }

  private markDebug(): void {
    for (const r of this.list) r.debug = this.flagsFor(r).length > 0;
  }

  private row(key: string, t: TunnelStatus | undefined, s: SessionStatus | undefined, now: number): DashboardRow {
    const bytesIn = s?.bytesReceived ?? t?.bytesReceived ?? 0;
    const bytesOut = s?.bytesSent ?? t?.bytesSent ?? 0;
    const total = bytesIn + bytesOut;
    const c = this.counters.get(key);
    let rate: number | undefined;
    let history: RateSample[] = c?.history ?? [];
    if (c && total >= c.total && now > c.t) {
      rate = ((total - c.total) * 1000) / (now - c.t);
      history.push({ t: now, rate });
    } else if (c && total < c.total) {
      history = []; // counters went back: a new call took the ids
    }
    const from = now - this.windowMs;
    while (history.length && history[0].t <= from) history.shift();
    if (!c || now > c.t || total < c.total) this.counters.set(key, { t: now, total, history });
    return {
      key,
      tunnelId: s?.tunnelId ?? t!.id,
      callId: s?.callId,
      peer: s?.remoteAddress ?? t?.remoteAddress ?? '',
      user: s?.username ?? '',
      clientAddress: s?.clientAddress ?? '',
      state: s?.state ?? t?.state ?? '',
      uptimeMs: s?.sinceChange ?? t?.sinceChange ?? 0,
      encryption: encryptionText(s),
      bytesIn,
      bytesOut,
      rate: rate ?? (c && now === c.t ? this.list.find((r) => r.key === key)?.rate : undefined),
      history,
      debug: false,
    };
  }
}
