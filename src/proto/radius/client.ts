/**
 * The RADIUS transport for one `aaa-server` group: UDP requests with the
 * group's timeout and tries (PIX: 5 s, 4 tries per server), failover across
 * the hosts in configuration order, `max-failed-attempts` and `deadtime`
 * (a server that failed that many requests in a row is skipped until its
 * deadtime passes), counted apart for authentication and accounting, per-destination identifiers over several source sockets
 * (256 ids per socket and destination, so more than 256 requests can be in
 * flight to one server), and replies checked (source, identifier, Response
 * Authenticator, Message-Authenticator) before they count.
 *
 * Nothing here blocks: every request is a promise that resolves once,
 * answered, timed out or closed; timers come from the Clock.
 */
import type { Clock, Timer } from '../../util/clock.js';
import { decodePacket, verifyResponse, type RadiusPacket } from './codec.js';
import type { RadiusDebugSink, RadiusRequestName, RadiusServerName } from './debug-events.js';
import { Code } from './dictionary.js';
import type { UdpPeer, UdpSocket, UdpStack } from './udp.js';

export interface RadiusServerConfig {
  address: string;
  secret: string;
  authPort: number;
  acctPort: number;
  /** Per try. */
  timeoutMs: number;
}

export interface RadiusClientOptions {
  servers: readonly RadiusServerConfig[];
  clock: Clock;
  udp: UdpStack;
  /** `debug radius` events (src/debug/cisco-radius.ts makes the lines) */
  debug: RadiusDebugSink;
  /** Sends per server before failing over (PIX: 4). */
  tries?: number;
  /** Consecutive failed requests before a server is marked dead (PIX default 3). */
  maxFailedAttempts?: number;
  /** How long a dead server is skipped (PIX default 10 minutes). */
  deadtimeMs?: number;
  /** Source address of our sockets (default any). */
  bindAddress?: string;
  /** Refuse replies without a Message-Authenticator (FreeRADIUS 3.2 puts none in non-EAP replies). */
  requireMessageAuthenticator?: boolean;
  /** Source sockets at most: 256 requests in flight per server per socket. */
  maxSockets?: number;
  /** Group tag for debug lines. */
  group?: string;
}

export type RadiusKind = 'auth' | 'acct';

export interface RadiusRequestSpec {
  kind: RadiusKind;
  /** Builds the packet for one server and identifier (called once per server tried). */
  encode(server: RadiusServerConfig, identifier: number): { packet: Buffer; authenticator: Buffer } | undefined;
  /** For debug filters. */
  user?: string;
}

export type RadiusOutcome =
  | { ok: true; server: RadiusServerConfig; response: RadiusPacket; requestAuthenticator: Buffer; rttMs: number }
  | { ok: false; reason: 'timeout' | 'all-dead' | 'closed' | 'busy' | 'encode'; unanswered?: string[] };

export interface RadiusServerStats {
  address: string;
  authPort: number;
  acctPort: number;
  /** Authentication: FAILED while skipped (max-failed-attempts, deadtime). */
  status: 'ACTIVE' | 'FAILED';
  /** Clock ms when a FAILED server is tried again. */
  deadUntil?: number;
  consecutiveFailures: number;
  /** Accounting, counted apart: FAILED after max-failed-attempts unanswered records, until deadtime passes or it answers. */
  accountingStatus: 'ACTIVE' | 'FAILED';
  pending: number;
  authRequests: number;
  acctRequests: number;
  retransmits: number;
  accepts: number;
  rejects: number;
  challenges: number;
  acctResponses: number;
  timeouts: number;
  malformed: number;
  badAuthenticators: number;
  duplicates: number;
  unrecognized: number;
  averageRttMs: number;
  /** Epoch ms of the last answer (`show aaa-server`): the Clock's monotonic time on the timeline of performance.timeOrigin, so that workers' figures compare. */
  lastTransaction?: number;
}

export interface RadiusClientStats {
  servers: RadiusServerStats[];
  /** Datagrams from addresses that are none of our servers. */
  unknownSource: number;
  /** Requests refused because every id on every allowed socket was in use. */
  busy: number;
  /** Requests failed at once because every server was dead. */
  allDead: number;
  sockets: number;
}

/** Consecutive unanswered requests of one kind, and until when the server is skipped for that kind. */
interface Liveness {
  failures: number;
  deadUntil: number;
}

interface ServerState {
  cfg: RadiusServerConfig;
  /**
   * Authentication and accounting apart: they are two services (ports),
   * and a server that cannot record accounting must not answer it (RFC
   * 2866 section 2), as FreeRADIUS does while its SQL database is down;
   * that silence must not make the server skipped for logins it answers.
   */
  live: Record<RadiusKind, Liveness>;
  stats: Omit<RadiusServerStats, 'address' | 'authPort' | 'acctPort' | 'status' | 'deadUntil' | 'consecutiveFailures' | 'accountingStatus' | 'pending' | 'averageRttMs'>;
  rttTotal: number;
  rttCount: number;
  pending: number;
}

interface Pending {
  key: string;
  server: ServerState;
  kind: RadiusKind;
  packet: Buffer;
  authenticator: Buffer;
  dest: UdpPeer;
  sends: number;
  sentAt: number;
  timer?: Timer;
  /** the request's number (`RADIUS(0000000C)` in debug lines) */
  seq: number;
  user?: string;
  done(r: { response: RadiusPacket; rttMs: number } | 'timeout' | 'closed'): void;
}

/** One source socket and its identifier space per destination. */
class Slot {
  readonly inFlight = new Map<string, Pending>();
  /** Replies already taken, for telling duplicates from strays. */
  readonly answered = new Map<string, Buffer>();
  private readonly used = new Map<string, Set<number>>();
  private readonly next = new Map<string, number>();

  constructor(readonly sock: UdpSocket) {}

  /** A free identifier for `dest`, round-robin so an id is reused as late as possible; -1 if all 256 are taken. */
  take(dest: string): number {
    let used = this.used.get(dest);
    if (!used) this.used.set(dest, (used = new Set()));
    if (used.size >= 256) return -1;
    let id = this.next.get(dest) ?? 0;
    while (used.has(id)) id = (id + 1) & 0xff;
    used.add(id);
    this.next.set(dest, (id + 1) & 0xff);
    this.answered.delete(`${dest}/${id}`);
    return id;
  }

  release(dest: string, id: number): void {
    this.used.get(dest)?.delete(id);
  }
}

const DEFAULT_TRIES = 4;
const DEFAULT_MAX_FAILED = 3;
const DEFAULT_DEADTIME_MS = 10 * 60_000;
const DEFAULT_MAX_SOCKETS = 16;

export class RadiusClient {
  private readonly servers: ServerState[];
  private readonly slots: Slot[] = [];
  private opening: Promise<void> | undefined;
  private closed = false;
  private seq = 0;
  private unknownSource = 0;
  private busy = 0;
  private allDead = 0;
  private readonly drainWaiters: (() => void)[] = [];

  constructor(private readonly options: RadiusClientOptions) {
    this.servers = options.servers.map((cfg) => ({
      cfg,
      live: { auth: { failures: 0, deadUntil: 0 }, acct: { failures: 0, deadUntil: 0 } },
      rttTotal: 0,
      rttCount: 0,
      pending: 0,
      stats: {
        authRequests: 0,
        acctRequests: 0,
        retransmits: 0,
        accepts: 0,
        rejects: 0,
        challenges: 0,
        acctResponses: 0,
        timeouts: 0,
        malformed: 0,
        badAuthenticators: 0,
        duplicates: 0,
        unrecognized: 0,
      },
    }));
  }

  get serverCount(): number {
    return this.servers.length;
  }

  /** Requests not yet resolved. */
  pending(): number {
    return this.servers.reduce((n, s) => n + s.pending, 0);
  }

  async request(spec: RadiusRequestSpec): Promise<RadiusOutcome> {
    if (this.closed) return { ok: false, reason: 'closed' };
    const now = this.options.clock.now();
    let alive = this.servers.filter((s) => s.live[spec.kind].deadUntil <= now);
    // Accounting has no caller waiting and its queue paces the retries: with
    // every server dead it still asks them, so records go out as soon as one
    // answers again (a login has a caller waiting: PIX refuses it at once).
    if (alive.length === 0 && spec.kind === 'acct') alive = this.servers;
    if (alive.length === 0) {
      this.allDead++;
      if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'no-active-servers', group: this.options.group, user: spec.user });
      return { ok: false, reason: this.servers.length === 0 ? 'timeout' : 'all-dead', unanswered: [] };
    }
    const unanswered: string[] = [];
    for (let i = 0; i < alive.length; i++) {
      const server = alive[i]!;
      if (i > 0 && this.options.debug.on('radius')) this.options.debug.emit({ kind: 'fail-over', server: serverName(server.cfg), user: spec.user });
      const r = await this.tryServer(server, spec);
      if (r === 'closed') return { ok: false, reason: 'closed' };
      if (r === 'busy' || r === 'encode') return { ok: false, reason: r };
      const live = server.live[spec.kind];
      if (r !== 'timeout') {
        live.failures = 0;
        live.deadUntil = 0;
        return { ok: true, server: server.cfg, response: r.response, requestAuthenticator: r.authenticator, rttMs: r.rttMs };
      }
      unanswered.push(server.cfg.address);
      live.failures++;
      const max = this.options.maxFailedAttempts ?? DEFAULT_MAX_FAILED;
      if (live.failures >= max && live.deadUntil <= this.options.clock.now()) {
        live.deadUntil = this.options.clock.now() + (this.options.deadtimeMs ?? DEFAULT_DEADTIME_MS);
        if (this.options.debug.on('radius')) {
          this.options.debug.emit({ kind: 'marked-dead', server: serverName(server.cfg), failures: live.failures, accounting: spec.kind === 'acct', user: spec.user });
        }
      }
      if (this.closed) return { ok: false, reason: 'closed' };
    }
    return { ok: false, reason: 'timeout', unanswered };
  }

  private async tryServer(
    server: ServerState,
    spec: RadiusRequestSpec,
  ): Promise<{ response: RadiusPacket; authenticator: Buffer; rttMs: number } | 'timeout' | 'closed' | 'busy' | 'encode'> {
    const dest: UdpPeer = { address: server.cfg.address, port: spec.kind === 'auth' ? server.cfg.authPort : server.cfg.acctPort };
    const destKey = `${dest.address}:${dest.port}`;
    const slotId = await this.allocate(destKey);
    if (this.closed) {
      if (slotId) slotId.slot.release(destKey, slotId.id);
      return 'closed';
    }
    if (!slotId) {
      this.busy++;
      return 'busy';
    }
    const { slot, id } = slotId;
    const built = spec.encode(server.cfg, id);
    if (!built) {
      slot.release(destKey, id);
      return 'encode';
    }
    const key = `${destKey}/${id}`;
    return new Promise((resolve) => {
      const p: Pending = {
        key,
        server,
        kind: spec.kind,
        packet: built.packet,
        authenticator: built.authenticator,
        dest,
        sends: 0,
        sentAt: this.options.clock.now(),
        seq: ++this.seq,
        user: spec.user,
        done: (r) => {
          p.timer?.cancel();
          slot.inFlight.delete(key);
          slot.release(destKey, id);
          server.pending--;
          if (typeof r === 'object') resolve({ response: r.response, authenticator: built.authenticator, rttMs: r.rttMs });
          else resolve(r);
          this.checkDrained();
        },
      };
      slot.inFlight.set(key, p);
      server.pending++;
      if (spec.kind === 'auth') server.stats.authRequests++;
      else server.stats.acctRequests++;
      if (this.options.debug.on('radius')) {
        this.options.debug.emit({ kind: 'request-sent', request: requestName(p, slot), to: p.dest, packet: p.packet, authenticator: p.authenticator, user: p.user });
      }
      this.send(p, slot);
    });
  }

  private send(p: Pending, slot: Slot): void {
    p.sends++;
    p.sentAt = this.options.clock.now();
    slot.sock.send(p.packet, p.dest.port, p.dest.address);
    p.timer = this.options.clock.setTimer(p.server.cfg.timeoutMs, () => {
      if (p.sends < (this.options.tries ?? DEFAULT_TRIES)) {
        p.server.stats.retransmits++;
        if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'retransmit', request: requestName(p, slot), server: serverName(p.server.cfg), user: p.user });
        this.send(p, slot);
        return;
      }
      p.server.stats.timeouts++;
      if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'no-response', request: requestName(p, slot), server: serverName(p.server.cfg), user: p.user });
      p.done('timeout');
    });
  }

  private async allocate(destKey: string): Promise<{ slot: Slot; id: number } | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      for (const slot of this.slots) {
        const id = slot.take(destKey);
        if (id >= 0) return { slot, id };
      }
      if (this.opening) {
        await this.opening;
        continue;
      }
      if (this.slots.length >= (this.options.maxSockets ?? DEFAULT_MAX_SOCKETS)) return undefined;
      this.opening = this.openSocket().finally(() => (this.opening = undefined));
      try {
        await this.opening;
      } catch {
        return undefined;
      }
    }
  }

  private async openSocket(): Promise<void> {
    let slot: Slot | undefined;
    const sock = await this.options.udp.bind({ address: this.options.bindAddress }, (data, from) => {
      if (slot) this.onDatagram(slot, data, from);
    });
    if (this.closed) {
      sock.close();
      return;
    }
    slot = new Slot(sock);
    this.slots.push(slot);
  }

  private onDatagram(slot: Slot, data: Buffer, from: UdpPeer): void {
    const server = this.servers.find(
      (s) => s.cfg.address === from.address && (s.cfg.authPort === from.port || s.cfg.acctPort === from.port),
    );
    if (!server) {
      this.unknownSource++;
      return;
    }
    const dec = decodePacket(data);
    if (!dec.ok) {
      server.stats.malformed++;
      if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'malformed-response', from, reason: dec.reason });
      return;
    }
    const r = dec.packet;
    const key = `${from.address}:${from.port}/${r.identifier}`;
    const p = slot.inFlight.get(key);
    if (!p) {
      const prev = slot.answered.get(key);
      const duplicate = prev !== undefined && prev.equals(r.raw);
      if (duplicate) server.stats.duplicates++;
      else server.stats.unrecognized++;
      if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'stray-response', from, sourcePort: slot.sock.port, packet: r, duplicate });
      return;
    }
    const expected: readonly number[] =
      p.kind === 'auth' ? [Code.AccessAccept, Code.AccessReject, Code.AccessChallenge] : [Code.AccountingResponse];
    if (!expected.includes(r.code)) {
      server.stats.unrecognized++;
      return;
    }
    const v = verifyResponse(r, p.authenticator, server.cfg.secret, this.options.requireMessageAuthenticator);
    if (v !== 'ok') {
      server.stats.badAuthenticators++;
      if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'unverified-response', request: requestName(p, slot), problem: v, user: p.user });
      return;
    }
    const rtt = this.options.clock.now() - p.sentAt;
    server.rttTotal += rtt;
    server.rttCount++;
    server.stats.lastTransaction = performance.timeOrigin + this.options.clock.now();
    if (r.code === Code.AccessAccept) server.stats.accepts++;
    else if (r.code === Code.AccessReject) server.stats.rejects++;
    else if (r.code === Code.AccessChallenge) server.stats.challenges++;
    else server.stats.acctResponses++;
    slot.answered.set(key, Buffer.from(r.raw));
    if (this.options.debug.on('radius')) this.options.debug.emit({ kind: 'response-received', from, sourcePort: slot.sock.port, packet: r, user: p.user });
    p.done({ response: r, rttMs: rtt });
  }

  stats(): RadiusClientStats {
    const now = this.options.clock.now();
    return {
      servers: this.servers.map((s) => ({
        address: s.cfg.address,
        authPort: s.cfg.authPort,
        acctPort: s.cfg.acctPort,
        status: s.live.auth.deadUntil > now ? 'FAILED' : 'ACTIVE',
        deadUntil: s.live.auth.deadUntil > now ? s.live.auth.deadUntil : undefined,
        consecutiveFailures: s.live.auth.failures,
        accountingStatus: s.live.acct.deadUntil > now ? 'FAILED' : 'ACTIVE',
        pending: s.pending,
        averageRttMs: s.rttCount ? Math.round(s.rttTotal / s.rttCount) : 0,
        ...s.stats,
      })),
      unknownSource: this.unknownSource,
      busy: this.busy,
      allDead: this.allDead,
      sockets: this.slots.length,
    };
  }

  /** Resolves once no request is in flight (hot reconfiguration: the old client finishes its work). */
  drain(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  private checkDrained(): void {
    if (this.pending() !== 0) return;
    for (const w of this.drainWaiters.splice(0)) w();
  }

  /** Cancels every request (they resolve 'closed') and closes the sockets. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const slot of this.slots) {
      for (const p of [...slot.inFlight.values()]) p.done('closed');
      slot.sock.close();
    }
    this.slots.length = 0;
    this.checkDrained();
  }
}

/** A server without its secret, for debug events. */
function serverName(s: RadiusServerConfig): RadiusServerName {
  return { address: s.address, authPort: s.authPort, acctPort: s.acctPort };
}

function requestName(p: Pending, slot: Slot): RadiusRequestName {
  return { seq: p.seq, sourcePort: slot.sock.port, identifier: p.packet[1]! };
}
