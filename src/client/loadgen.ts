/**
 * Load generator: many PPTP clients against one server, started at a
 * fixed rate, each held up for a while (optionally sending ICMP echo
 * requests to the server's tunnel address at a fixed rate), then hung up
 * the Windows way. Bounded in count (`sessions`) and time (`maxSeconds`):
 * at the deadline no new session starts and every live one is hung up;
 * every hang-up is itself bounded (dial.ts), so runLoadgen always returns.
 *
 * All clients share the GRE socket (ClientGreMux demultiplexes by call id).
 * `localAddresses` spreads the TCP connections over source addresses; the
 * GRE of each client must leave from the same address (the server checks
 * it), so with several addresses give `greFor` (one GRE socket per
 * address: the memory twin does this; a raw socket cannot choose its
 * source address).
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../util/clock.js';
import type { DebugBus } from '../debug/bus.js';
import type { AuthProtocol, MppeSetting } from '../config/model.js';
import type { GreSocket } from '../proto/gre/socket.js';
import type { PptpClientProfile } from '../proto/pptp/client-control.js';
import { buildIcmpEcho, parseIcmpEcho } from '../proto/ip/icmp.js';
import { dialPptp, type PptpClient } from './dial.js';
import { DialError } from './failure.js';
import type { ProfileName } from './personalities.js';

export interface LoadgenOptions {
  server: string;
  port: number;
  /** Sessions to start in total. */
  sessions: number;
  /** New sessions per second. */
  rate: number;
  /** How long each session stays up before hanging up. */
  holdSeconds: number;
  /** ICMP echo requests per second per session while it is up (0 = none). */
  trafficPps?: number;
  /** ICMP data octets per echo. Default 56. */
  packetSize?: number;
  profile: ProfileName | PptpClientProfile;
  username: string;
  password: string;
  authProtocols?: AuthProtocol[];
  mppe?: MppeSetting | null;
  gre: GreSocket;
  /** One GRE socket per source address (see the header). */
  greFor?(localAddress: string): GreSocket;
  localAddresses?: string[];
  /** Hard limit for the whole run. */
  maxSeconds: number;
  /** Per dial, wall clock. Default 15000 ms. */
  dialTimeoutMs?: number;
  onProgress?(p: LoadgenProgress): void;
  progressIntervalMs?: number;
  clock?: Clock;
  bus?: DebugBus;
}

export interface LoadgenProgress {
  elapsedMs: number;
  attempted: number;
  /** Sessions up right now. */
  live: number;
  /** Sessions that came up so far. */
  up: number;
  failed: number;
  packetsSent: number;
  packetsReceived: number;
}

export interface LoadgenSummary {
  attempted: number;
  up: number;
  /** Failed dials by reason (DialError reasons, or 'error'). */
  failed: Record<string, number>;
  /** Sessions up per second, from the first attempt to the last successful setup. */
  setupRate: number;
  setupMsP50: number;
  setupMsP99: number;
  setupMsMax: number;
  /** Most sessions up at the same time. */
  peakLive: number;
  /** Sessions that ended before their hold time (server cleared them, link died). */
  droppedEarly: number;
  packetsSent: number;
  packetsReceived: number;
  durationMs: number;
  /** The run hit maxSeconds before every session had run its course. */
  hitTimeLimit: boolean;
}

/** p-th percentile (0..100) of sorted values, nearest rank; 0 for none. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const ECHO_ID = 0x4c47; // 'LG'

export async function runLoadgen(o: LoadgenOptions): Promise<LoadgenSummary> {
  if (!(o.sessions >= 0) || !(o.rate > 0) || !(o.maxSeconds > 0) || !(o.holdSeconds >= 0)) {
    throw new RangeError('sessions >= 0, rate > 0, holdSeconds >= 0 and maxSeconds > 0 are required');
  }
  const start = performance.now();
  const deadline = start + o.maxSeconds * 1000;
  const elapsed = () => performance.now() - start;
  const setupMs: number[] = [];
  const failed: Record<string, number> = {};
  const live = new Set<PptpClient>();
  const running: Promise<void>[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let attempted = 0;
  let up = 0;
  let peakLive = 0;
  let droppedEarly = 0;
  let packetsSent = 0;
  let packetsReceived = 0;
  let lastSetupAt = 0;
  let stopping = false;
  let wakeStop: () => void = () => {};
  const stopped = new Promise<void>((r) => (wakeStop = r));

  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const clear = (t: NodeJS.Timeout | undefined) => {
    if (!t) return;
    clearTimeout(t);
    timers.delete(t);
  };

  const progress = () =>
    o.onProgress?.({
      elapsedMs: Math.round(elapsed()),
      attempted,
      live: live.size,
      up,
      failed: Object.values(failed).reduce((a, b) => a + b, 0),
      packetsSent,
      packetsReceived,
    });

  async function session(i: number): Promise<void> {
    const localAddress = o.localAddresses?.length ? o.localAddresses[i % o.localAddresses.length] : undefined;
    const gre = localAddress && o.greFor ? o.greFor(localAddress) : o.gre;
    const t0 = performance.now();
    let client: PptpClient;
    try {
      client = await dialPptp({
        server: o.server,
        port: o.port,
        gre,
        localAddress,
        username: o.username,
        password: o.password,
        profile: o.profile,
        authProtocols: o.authProtocols,
        mppe: o.mppe,
        clock: o.clock,
        bus: o.bus,
        timeoutMs: Math.max(1, Math.min(o.dialTimeoutMs ?? 15000, deadline - performance.now())),
      });
    } catch (err) {
      const reason = err instanceof DialError ? err.reason : 'error';
      failed[reason] = (failed[reason] ?? 0) + 1;
      return;
    }
    const setup = performance.now() - t0;
    setupMs.push(setup);
    lastSetupAt = performance.now();
    up++;
    live.add(client);
    peakLive = Math.max(peakLive, live.size);
    let seq = 0;
    client.onIp((pkt) => {
      const e = parseIcmpEcho(pkt);
      if (e && e.type === 0 && e.id === ECHO_ID) packetsReceived++;
    });
    let traffic: NodeJS.Timeout | undefined;
    const pps = o.trafficPps ?? 0;
    const payload = Buffer.alloc(o.packetSize ?? 56, 0x5a);
    const tick = () => {
      const pkt = buildIcmpEcho({ src: client.clientAddress, dst: client.serverAddress, type: 8, id: ECHO_ID, seq: (seq = (seq + 1) & 0xffff), payload });
      if (client.sendIp(pkt)) packetsSent++;
      traffic = later(1000 / pps, tick);
    };
    if (pps > 0) tick();
    let endedEarly = true;
    const hold = later(o.holdSeconds * 1000, () => {
      endedEarly = false;
      void client.hangup();
    });
    const onStop = () => {
      endedEarly = false;
      void client.hangup();
    };
    stopped.then(onStop);
    await client.closed;
    clear(traffic);
    clear(hold);
    if (endedEarly && !stopping) droppedEarly++;
    live.delete(client);
  }

  const ticker = setInterval(progress, o.progressIntervalMs ?? 1000);
  const stopTimer = later(Math.max(0, deadline - performance.now()), () => {
    stopping = true;
    wakeStop();
  });

  // Launch at the configured rate until all have started or time is up.
  const interval = 1000 / o.rate;
  await new Promise<void>((resolve) => {
    const launch = () => {
      if (stopping || attempted >= o.sessions) return resolve();
      const due = Math.min(o.sessions, Math.floor(elapsed() / interval) + 1);
      while (attempted < due && !stopping) running.push(session(attempted++));
      if (attempted >= o.sessions || stopping) return resolve();
      later(Math.max(1, attempted * interval - elapsed()), launch);
    };
    launch();
  });
  await Promise.all(running);
  const hitTimeLimit = stopping;
  stopping = true;
  wakeStop();
  clear(stopTimer);
  clearInterval(ticker);
  for (const t of timers) clearTimeout(t);
  timers.clear();
  progress();

  const sorted = [...setupMs].sort((a, b) => a - b);
  const setupWindowS = up > 0 ? Math.max(1e-3, (lastSetupAt - start) / 1000) : 0;
  return {
    attempted,
    up,
    failed,
    setupRate: up > 0 ? up / setupWindowS : 0,
    setupMsP50: percentile(sorted, 50),
    setupMsP99: percentile(sorted, 99),
    setupMsMax: sorted.length ? sorted[sorted.length - 1] : 0,
    peakLive,
    droppedEarly,
    packetsSent,
    packetsReceived,
    durationMs: elapsed(),
    hitTimeLimit,
  };
}
