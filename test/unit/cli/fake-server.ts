/** A VpnServerApi twin for shell tests: fixed status, recorded calls. */
import type { ConfigDiff } from '../../../src/config/model.js';
import type { DebugBus } from '../../../src/debug/bus.js';
import type { ServerCensus, ServerStatus, VpnServerApi } from '../../../src/server/api.js';
import { emptyCensus } from '../../../src/server/totals.js';
import { emptyStatus } from './fixtures.js';

export class FakeServer implements VpnServerApi {
  diffs: ConfigDiff[] = [];
  closed = false;
  /** Make the next reconfigure fail with this message. */
  failNext: string | undefined;

  constructor(public st: ServerStatus = emptyStatus(), private readonly bus?: DebugBus) {}

  async reconfigure(diff: ConfigDiff): Promise<void> {
    if (this.failNext) {
      const m = this.failNext;
      this.failNext = undefined;
      throw new Error(m);
    }
    this.diffs.push(diff);
  }

  status(): ServerStatus {
    return this.st;
  }

  /** The fixed status counted as the real server counts its calls. */
  async census(perUser: boolean): Promise<ServerCensus> {
    const c = emptyCensus(this.st.pools);
    c.tunnels = this.st.tunnels.length;
    c.errors = this.st.errors;
    const users = new Map<string, { user: string; sessions: number; bytesIn: number; bytesOut: number }>();
    for (const s of this.st.sessions) {
      const auth = s.authProtocol ?? 'none';
      const e = c.sessions.find((x) => x.state === s.state && x.auth === auth);
      if (e) e.n++;
      else c.sessions.push({ state: s.state, auth, n: 1 });
      if (!s.username) continue;
      const u = users.get(s.username) ?? { user: s.username, sessions: 0, bytesIn: 0, bytesOut: 0 };
      u.sessions++;
      u.bytesIn += s.bytesReceived;
      u.bytesOut += s.bytesSent;
      users.set(s.username, u);
    }
    if (perUser) c.users = [...users.values()];
    return c;
  }

  clearTunnels(id: number | 'all'): number {
    const gone = this.st.tunnels.filter((t) => id === 'all' || t.id === id);
    for (const t of gone) {
      // As the real server: PPP lines carry { user, tunnel }, PPTP control lines { tunnel }.
      const user = this.st.sessions.find((s) => s.tunnelId === t.id)?.username;
      if (user && this.bus?.on('ppp negotiation')) this.bus.debug('ppp negotiation', `Tnl ${t.id} LCP: O TERMREQ [Open] (${user})`, { user, tunnel: t.id });
      if (this.bus?.on('vpdn event')) this.bus.debug('vpdn event', `Tnl ${t.id} PPTP: CC O StopCCRQ`, { tunnel: t.id });
      this.bus?.syslog(603105, 6, `PPTP Tunnel deleted, tunnel_id = ${t.id}, remote_peer_ip = ${t.remoteAddress}`, { tunnel: t.id });
    }
    this.st = {
      ...this.st,
      tunnels: this.st.tunnels.filter((t) => !gone.includes(t)),
      sessions: this.st.sessions.filter((s) => !gone.some((t) => t.id === s.tunnelId)),
    };
    return gone.length;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/**
 * A FakeServer whose counters grow with the wall clock (for the live
 * dashboard in tmux): each call's bytes grow by its own rate per second.
 */
export class LiveFakeServer extends FakeServer {
  private readonly started = Date.now();
  readonly clearCalls: (number | 'all')[] = [];

  constructor(
    st: ServerStatus,
    bus?: DebugBus,
    private readonly ratePerCall: (callId: number) => number = (id) => 1000 * id,
  ) {
    super(st, bus);
  }

  override status(): ServerStatus {
    const secs = (Date.now() - this.started) / 1000;
    const grow = (n: number, callId: number, share: number) => n + Math.floor(secs * this.ratePerCall(callId) * share);
    return {
      ...this.st,
      tunnels: this.st.tunnels.map((t) => ({ ...t, sinceChange: t.sinceChange + secs * 1000 })),
      sessions: this.st.sessions.map((s) => ({
        ...s,
        sinceChange: s.sinceChange + secs * 1000,
        bytesReceived: grow(s.bytesReceived, s.callId, 0.75),
        bytesSent: grow(s.bytesSent, s.callId, 0.25),
      })),
    };
  }

  override clearTunnels(id: number | 'all'): number {
    this.clearCalls.push(id);
    return super.clearTunnels(id);
  }
}
