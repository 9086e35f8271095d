/**
 * TACACS+ transport for one `aaa-server` group (RFC 8907): one request
 * packet (seq 1) and its reply (seq 2) per exchange, over TCP 49 (or the
 * host's port), with the host's timeout covering connect + answer, failover
 * in configuration order, `max-failed-attempts` / `deadtime` as for RADIUS.
 *
 * Connection modes: per-request (connect, exchange, close: what the classic
 * tac_plus does) or single-connection (RFC 8907 4.3: we set the flag; when
 * the server echoes it, the connection stays open and carries many sessions,
 * told apart by session_id).
 */
import { randomBytes } from 'node:crypto';
import type { Clock, Timer } from '../../util/clock.js';
import { Flags, PacketReader, encodeHeader, obfuscate, type Header } from './codec.js';
import type { TacacsDebugSink, TacacsServerName } from './debug-events.js';
import type { TcpConnector, TcpStream } from './tcp.js';

export interface TacacsServerConfig {
  address: string;
  key: string;
  port: number;
  timeoutMs: number;
}

export interface TacacsClientOptions {
  servers: readonly TacacsServerConfig[];
  clock: Clock;
  tcp: TcpConnector;
  debug: TacacsDebugSink;
  singleConnection?: boolean;
  maxFailedAttempts?: number;
  deadtimeMs?: number;
  localAddress?: string;
  group?: string;
}

export type TacacsOutcome =
  | { ok: true; server: TacacsServerConfig; header: Header; body: Buffer }
  | { ok: false; reason: 'timeout' | 'all-dead' | 'closed'; unanswered?: string[] };

export interface TacacsServerStats {
  address: string;
  port: number;
  status: 'ACTIVE' | 'FAILED';
  deadUntil?: number;
  pending: number;
  requests: number;
  replies: number;
  timeouts: number;
  connectFailures: number;
  /** Replies that did not decode (wrong key, bad lengths, wrong sequence). */
  malformed: number;
  connectionsOpened: number;
  singleConnection: boolean;
}

interface ServerState {
  cfg: TacacsServerConfig;
  failures: number;
  deadUntil: number;
  pending: number;
  conn?: Conn;
  stats: Omit<TacacsServerStats, 'address' | 'port' | 'status' | 'deadUntil' | 'pending' | 'singleConnection'>;
}

type Waiter = (r: { header: Header; body: Buffer } | 'bad' | 'closed') => void;

/** One TCP connection and the sessions waiting on it. */
class Conn {
  readonly waiting = new Map<number, Waiter>();
  /** The server agreed to single-connection mode. */
  single = false;
  closed = false;
  private readonly reader = new PacketReader();
  stream!: TcpStream;

  /** @param onStray a whole packet for no session waiting on this connection (counted as malformed) */
  constructor(private readonly onStray: () => void = () => {}) {}

  onData(chunk: Buffer): void {
    const r = this.reader.push(chunk);
    for (const p of r.packets) {
      const w = this.waiting.get(p.header.sessionId);
      if (!w) {
        this.onStray();
        continue;
      }
      this.waiting.delete(p.header.sessionId);
      if (p.header.flags & Flags.SingleConnect) this.single = true;
      w(p);
    }
    if (r.error) {
      for (const w of this.waiting.values()) w('bad');
      this.waiting.clear();
      this.close();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream?.close();
    for (const w of this.waiting.values()) w('closed');
    this.waiting.clear();
  }
}

export class TacacsClient {
  private readonly servers: ServerState[];
  private closed = false;
  private allDead = 0;
  private readonly drainWaiters: (() => void)[] = [];

  constructor(private readonly options: TacacsClientOptions) {
    this.servers = options.servers.map((cfg) => ({
      cfg,
      failures: 0,
      deadUntil: 0,
      pending: 0,
      stats: { requests: 0, replies: 0, timeouts: 0, connectFailures: 0, malformed: 0, connectionsOpened: 0 },
    }));
  }

  pending(): number {
    return this.servers.reduce((n, s) => n + s.pending, 0);
  }

  /** Sends `body` as packet `type` seq 1 and resolves with the de-obfuscated reply body. */
  async exchange(type: number, minor: number, body: Buffer, user?: string): Promise<TacacsOutcome> {
    if (this.closed) return { ok: false, reason: 'closed' };
    const now = this.options.clock.now();
    const alive = this.servers.filter((s) => s.deadUntil <= now);
    if (alive.length === 0) {
      this.allDead++;
      return { ok: false, reason: this.servers.length ? 'all-dead' : 'timeout', unanswered: [] };
    }
    const unanswered: string[] = [];
    for (const s of alive) {
      const r = await this.tryServer(s, type, minor, body, user);
      if (r === 'closed') return { ok: false, reason: 'closed' };
      if (r !== 'failed') {
        s.failures = 0;
        return { ok: true, server: s.cfg, header: r.header, body: r.body };
      }
      unanswered.push(s.cfg.address);
      s.failures++;
      if (s.failures >= (this.options.maxFailedAttempts ?? 3) && s.deadUntil <= this.options.clock.now()) {
        s.deadUntil = this.options.clock.now() + (this.options.deadtimeMs ?? 600_000);
        if (this.options.debug.on('tacacs')) this.options.debug.emit({ kind: 'marked-dead', server: serverName(s.cfg), failures: s.failures, user });
      }
      if (this.closed) return { ok: false, reason: 'closed' };
    }
    return { ok: false, reason: 'timeout', unanswered };
  }

  private async tryServer(s: ServerState, type: number, minor: number, body: Buffer, user?: string): Promise<{ header: Header; body: Buffer } | 'failed' | 'closed'> {
    s.pending++;
    s.stats.requests++;
    const d = this.options.debug;
    try {
      const sessionId = randomBytes(4).readUInt32BE(0);
      const deadline = this.options.clock.now() + s.cfg.timeoutMs;
      let timer: Timer | undefined;
      const timedOut = new Promise<'timeout'>((res) => (timer = this.options.clock.setTimer(s.cfg.timeoutMs, () => res('timeout'))));
      if (d.on('tacacs')) d.emit({ kind: 'using-server', server: serverName(s.cfg), user });
      const conn = await Promise.race([this.connection(s), timedOut]);
      if (conn === 'timeout' || conn === undefined) {
        timer?.cancel();
        if (conn === 'timeout') s.stats.timeouts++;
        else s.stats.connectFailures++;
        if (d.on('tacacs')) d.emit({ kind: 'connect-failed', server: serverName(s.cfg), timedOut: conn === 'timeout', user });
        return 'failed';
      }
      const version = 0xc0 | (minor & 0x0f);
      const flags = (s.cfg.key === '' ? Flags.Unencrypted : 0) | (this.options.singleConnection ? Flags.SingleConnect : 0);
      const h = { version, type, seq: 1, flags, sessionId };
      const reply = new Promise<{ header: Header; body: Buffer } | 'bad' | 'closed'>((res) => conn.waiting.set(sessionId, res));
      conn.stream.write(Buffer.concat([encodeHeader(h, body.length), obfuscate(body, h, s.cfg.key)]));
      if (d.on('tacacs')) d.emit({ kind: 'timeout-started', session: sessionId, remainingMs: deadline - this.options.clock.now(), user });
      const r = await Promise.race([reply, timedOut]);
      timer?.cancel();
      if (!conn.single || r !== 'closed') this.release(s, conn);
      if (r === 'timeout') {
        conn.waiting.delete(sessionId);
        s.stats.timeouts++;
        // a late answer on a per-request connection is of no use
        if (!conn.single) conn.close();
        if (d.on('tacacs')) d.emit({ kind: 'reply-timeout', session: sessionId, server: serverName(s.cfg), user });
        return 'failed';
      }
      if (r === 'closed') {
        if (this.closed) return 'closed';
        s.stats.connectFailures++;
        if (d.on('tacacs')) d.emit({ kind: 'closed-before-reply', session: sessionId, server: serverName(s.cfg), user });
        return 'failed';
      }
      if (r === 'bad') {
        s.stats.malformed++;
        return 'failed';
      }
      const rh = r.header;
      const keyed = s.cfg.key !== '';
      if (rh.seq !== 2 || rh.type !== type || rh.version >> 4 !== 0xc || (keyed && rh.flags & Flags.Unencrypted)) {
        s.stats.malformed++;
        if (d.on('tacacs')) d.emit({ kind: 'invalid-reply-header', session: sessionId, server: serverName(s.cfg), user });
        return 'failed';
      }
      s.stats.replies++;
      return { header: rh, body: obfuscate(r.body, rh, s.cfg.key) };
    } finally {
      s.pending--;
      this.checkDrained();
    }
  }

  /** After an exchange: keep a single-connection the server accepted, close anything else. */
  private release(s: ServerState, conn: Conn): void {
    if (conn.single && !conn.closed && this.options.singleConnection) {
      s.conn = conn;
      return;
    }
    if (s.conn === conn) s.conn = undefined;
    if (conn.waiting.size === 0) conn.close();
  }

  private async connection(s: ServerState): Promise<Conn | undefined> {
    if (s.conn && !s.conn.closed && s.conn.single) return s.conn;
    const conn = new Conn(() => {
      s.stats.malformed++;
      if (this.options.debug.on('tacacs')) this.options.debug.emit({ kind: 'stray-reply', server: serverName(s.cfg) });
    });
    try {
      conn.stream = await this.options.tcp.connect(
        { host: s.cfg.address, port: s.cfg.port, localAddress: this.options.localAddress },
        { onData: (d) => conn.onData(d), onClose: () => conn.close() },
      );
    } catch {
      return undefined;
    }
    s.stats.connectionsOpened++;
    if (this.closed) {
      conn.close();
      return undefined;
    }
    // the first exchange on a single-connection carries the flag; keep it visible to concurrent requests
    if (this.options.singleConnection) s.conn = conn;
    return conn;
  }

  /**
   * A reply whose header was fine but whose body did not decode (a wrong
   * key gives garbage lengths): counted as malformed on that server.
   */
  noteMalformed(server: TacacsServerConfig, user?: string): void {
    const s = this.servers.find((x) => x.cfg === server);
    if (!s) return;
    s.stats.malformed++;
    if (this.options.debug.on('tacacs')) this.options.debug.emit({ kind: 'undecodable-reply', server: serverName(server), user });
  }

  stats(): TacacsServerStats[] {
    const now = this.options.clock.now();
    return this.servers.map((s) => ({
      address: s.cfg.address,
      port: s.cfg.port,
      status: s.deadUntil > now ? 'FAILED' : 'ACTIVE',
      deadUntil: s.deadUntil > now ? s.deadUntil : undefined,
      pending: s.pending,
      singleConnection: !!s.conn?.single && !s.conn.closed,
      ...s.stats,
    }));
  }

  get allDeadCount(): number {
    return this.allDead;
  }

  drain(): Promise<void> {
    if (this.pending() === 0) return Promise.resolve();
    return new Promise((r) => this.drainWaiters.push(r));
  }

  private checkDrained(): void {
    if (this.pending() !== 0) return;
    for (const w of this.drainWaiters.splice(0)) w();
  }

  close(): void {
    this.closed = true;
    for (const s of this.servers) {
      s.conn?.close();
      s.conn = undefined;
    }
  }
}

/** A server as its debug events name it: never with its key. */
function serverName(s: TacacsServerConfig): TacacsServerName {
  return { address: s.address, port: s.port };
}

