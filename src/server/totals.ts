/**
 * Server-wide counters since start, for the metrics endpoint: call
 * set-ups, the calls that never came up by why (the Windows error each
 * gives), and the traffic and drops of every call, ended and live.
 *
 * Live calls are read in place at each scrape; a call's figures move to
 * the `ended` sums when it goes, so every total only grows.
 */
import type { ServerCall } from './call.js';
import type { PppFailure } from '../proto/ppp/windows-errors.js';
import type { ErrorCounters, PoolStatus } from './api.js';

export type SetupFailure = PppFailure | 'timeout' | 'call-cleared';

export interface CallTotals {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  /** MPPE packets rejected (bad coherency count, undecryptable). */
  mppeRejected: number;
  /** GRE packets dropped by the window: duplicates, too old, window full. */
  greDropped: number;
  /** Split tunnelling: DHCPINFORMs answered, and DHCP packets to the server dropped. */
  dhcpInformsAnswered: number;
  dhcpDropped: number;
}

export interface ServerTotals extends CallTotals {
  setups: number;
  failures: Partial<Record<SetupFailure, number>>;
}

/** The reason a PPP session or call ended (PppSession / ServerCall texts) as a set-up failure. */
export function setupFailureOf(reason: string): SetupFailure {
  if (reason.startsWith('authentication failed')) return 'auth-failed';
  if (reason === 'no authentication protocol agreed' || reason.startsWith('LCP')) return 'lcp-failed';
  if (reason === 'mppe required but not active' || reason === 'no IP address agreed' || reason === 'missing client ip address' || reason.startsWith('IPCP')) {
    return 'link-terminated';
  }
  if (/timeout/.test(reason)) return 'timeout';
  return 'call-cleared';
}

const MPPE_REJECTED = 'MPPE packet rejected';

export function callTotals(call: ServerCall, into: CallTotals): void {
  const t = call.ppp.traffic;
  const w = call.window.counters;
  into.packetsIn += t.packetsIn;
  into.packetsOut += t.packetsOut;
  into.bytesIn += t.bytesIn;
  into.bytesOut += t.bytesOut;
  into.mppeRejected += call.ppp.errorCount(MPPE_REJECTED);
  into.greDropped += w.duplicates + w.tooOld + w.windowFull;
  into.dhcpInformsAnswered += call.dhcp.informsAnswered;
  into.dhcpDropped += call.dhcp.dropped;
}

export function emptyTotals(): ServerTotals {
  return { packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0, mppeRejected: 0, greDropped: 0, dhcpInformsAnswered: 0, dhcpDropped: 0, setups: 0, failures: {} };
}

/**
 * What a metrics scrape reads of the server, counted in one pass over the
 * calls without a status object per call: with 10,000 calls, status()
 * took most of a 27 ms scrape and held the event loop (and the packets)
 * for all of it.
 */
export interface ServerCensus {
  tunnels: number;
  /** Calls by state (estabd = up) and authentication protocol ('none' before one is agreed). */
  sessions: { state: string; auth: string; n: number }[];
  /** Per logged-in user (only when asked for): live calls and their GRE octets (in: from the client). */
  users?: { user: string; sessions: number; bytesIn: number; bytesOut: number }[];
  totals: ServerTotals;
  errors: ErrorCounters;
  pools: PoolStatus[];
}

export function emptyCensus(pools: PoolStatus[]): ServerCensus {
  return { tunnels: 0, sessions: [], totals: emptyTotals(), errors: {}, pools };
}

/**
 * Counts calls into a census, a few at a time (ServerCall objects stay
 * readable after their call ends: their figures are final then).
 */
export class CallCensus {
  private readonly totals: ServerTotals;
  // a handful of state and protocol pairs: a scan beats a Map with a string key made per call
  private readonly sessions: ServerCensus['sessions'] = [];
  private readonly byUser: Map<string, { user: string; sessions: number; bytesIn: number; bytesOut: number }> | undefined;

  /** `ended`: the totals of the calls gone before the census began. */
  constructor(ended: ServerTotals, perUser: boolean) {
    this.totals = { ...ended, failures: { ...ended.failures } };
    this.byUser = perUser ? new Map() : undefined;
  }

  add(call: ServerCall): void {
    callTotals(call, this.totals);
    const state = call.state;
    const auth = call.ppp.authLabel ?? 'none';
    let e = this.sessions.find((x) => x.state === state && x.auth === auth);
    if (!e) this.sessions.push((e = { state, auth, n: 0 }));
    e.n++;
    const user = this.byUser && (call.ppp.peerName ?? call.username);
    if (!this.byUser || !user) return;
    const u = this.byUser.get(user) ?? { user, sessions: 0, bytesIn: 0, bytesOut: 0 };
    const gre = call.window.counters;
    u.sessions++;
    u.bytesIn += gre.bytesReceived;
    u.bytesOut += gre.bytesSent;
    this.byUser.set(user, u);
  }

  result(): Pick<ServerCensus, 'sessions' | 'users' | 'totals'> {
    return { sessions: this.sessions, ...(this.byUser ? { users: [...this.byUser.values()] } : {}), totals: this.totals };
  }
}
