/**
 * N data-plane workers behind one outside address, as one VpnServerApi for
 * the shell of the primary process:
 *
 * - TCP 1723: each worker listens on a socket of its own, all in one
 *   SO_REUSEPORT group (src/proto/os/reuseport.ts): the kernel puts each
 *   connection in one worker's accept queue by a hash of its addresses and
 *   ports, so they spread evenly and no worker drains the others' queue.
 *   The primary holds a lock per address and port (listen-locks.ts) so
 *   that a second pix-pptpd cannot join the group. (The node:cluster
 *   ways, 'kernel' and 'round-robin', stay for the bench's comparison.)
 * - GRE: worker i of N allocates tunnel and call ids in its own range
 *   (src/proto/gre/bpf.ts workerIdRange), and its raw GRE socket carries
 *   the socket filter of that range, so the kernel hands it only the GRE
 *   of its own calls.
 * - TUN: a device per worker (`<prefix><i>`) with its calls' /32 routes.
 * - Config: a commit goes to every worker; if one fails, the others are
 *   given the previous config back and the commit fails (running-config
 *   untouched).
 * - Addresses: the primary owns every lease (one AddressPools); a worker
 *   asks for each address and gives it back, so none is handed out twice.
 * - Limits (`vpdn limit per-source`, `auth-failures`, `sessions`) are the
 *   NAS's: a worker asks the primary (FleetSources, FleetSessions) before
 *   it takes a tunnel (and a call, while `sessions` is set), and tells it
 *   when one ends and when a login fails.
 * - One view: debug and syslog lines come back to the primary's bus. The
 *   status is a mirror each worker pushes every second; the shell awaits
 *   refresh() before `show vpdn` and `clear vpdn`, so what it prints is
 *   current (the pools are the primary's own) while status() stays synchronous for the
 *   dashboard and the service.
 * - Captures: `capture NAME` starts on every worker or on none (as a
 *   commit); each worker records its own calls, `show capture` adds up
 *   their counts and `copy capture` merges their records by timestamp
 *   into one pcapng file. The primary keeps the captures' filters: a
 *   worker forked again is given them with the running config.
 * - RFC 5176: the primary listens, finds the call in the mirror and hands
 *   the request to the worker that holds it.
 * - A worker that dies is forked again; its calls are gone (their TCP
 *   connections and GRE went with the process), its leases are freed, a
 *   running worker sends their accounting Stops (NAS-Error, the counters
 *   of the last push) and the shell prints a line saying so.
 */
import cluster, { type Worker } from 'node:cluster';
import type { DebugBus } from '../../debug/bus.js';
import type { ConfigDiff, VpnConfig } from '../../config/model.js';
import { emptyVpnConfig } from '../../config/model.js';
import type { AaaObservation, CaptureInfo, CaptureSelect, ErrorCounters, ServerStatus, VpnServerApi } from '../api.js';
import { capturePcapng, mergeRecords, type CaptureRecord, type CaptureSpec } from '../capture.js';
import { AddressPools } from '../pool.js';
import { chooseAddress } from '../lease.js';
import { encodeSpec, type FromWorker, type ToWorker, type WorkerSpec } from './protocol.js';
import { workerOfId } from '../../proto/gre/bpf.js';
import type { ServerCensus } from '../totals.js';
import { mergeCensus } from './census.js';
import type { AccountingSnapshot } from '../call.js';
import type { AaaGroupStats } from '../aaa/group.js';
import { mergeAaaStats } from './aaa-stats.js';
import { FleetSessions, FleetSources } from './sources.js';
import { nasAddress } from '../aaa/group.js';
import { DynAuthListeners, namedBy } from '../dynauth-listeners.js';
import { parseListen } from '../linux-server.js';
import { wantedListeners } from '../listeners.js';
import { ListenLocks } from './listen-locks.js';
import type { DynAuthQuery } from '../../proto/radius/dynauth.js';
import { nodeUdp } from '../../proto/radius/udp.js';
import { systemClock } from '../../util/clock.js';

/** Who picks the worker of a new PPTP connection (WorkerFleetOptions.scheduling). */
export const SCHEDULINGS = ['kernel', 'round-robin', 'reuseport'] as const;
export type Scheduling = (typeof SCHEDULINGS)[number];
export const DEFAULT_SCHEDULING: Scheduling = 'reuseport';

export interface WorkerFleetOptions {
  bus: DebugBus;
  count: number;
  /** The worker entry script (bin/pix-pptpd-worker.js). */
  exec: string;
  execArgv?: string[];
  /** `--listen ADDR[:PORT]` */
  listen?: string;
  /** TUN devices are `<tunPrefix><index>` (default 'pptpw'). */
  tunPrefix?: string;
  /**
   * Who picks the worker of a new PPTP connection: 'kernel' (SCHED_NONE:
   * every worker accepts on the cluster's shared socket, the kernel wakes
   * one), 'round-robin' (SCHED_RR: the primary accepts and hands each
   * connection to the next free worker; node:cluster freezes it at the
   * first fork of the process) or 'reuseport' (a socket per worker in one
   * SO_REUSEPORT group: the kernel hashes each connection to one).
   * Default DEFAULT_SCHEDULING.
   */
  scheduling?: Scheduling;
  /** Wait before forking a dead worker again (default 500 ms; doubled, up to 30 s, while it keeps dying within 10 s of its start). */
  restartDelayMs?: number;
}

/** A call of the mirror: the worker that holds it, and its call id. */
interface CallRef {
  slot: Slot;
  callId: number;
}

type Request = ToWorker extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;

interface Slot {
  index: number;
  worker: Worker;
  ready: boolean;
  /** The first fork has answered (or died trying). */
  started: Promise<void>;
  pending: Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>;
  status?: ServerStatus;
  /** Its accounted calls, as last pushed: their Stops if it dies. */
  accounting?: AccountingSnapshot[];
  /** Its aaa-server counters, as last pushed. */
  aaa?: AaaGroupStats[];
  bornAt: number;
  /** The wait before this fork: the next one after a quick death waits twice as long. */
  restartDelay: number;
  /** The config this worker runs (undefined: none yet). */
  applied?: VpnConfig;
  /** Its reconfigures, one after the other (a restart's reload and a commit may meet). */
  queue: Promise<unknown>;
}

const REQUEST_TIMEOUT_MS = 20_000;
const REFRESH_TIMEOUT_MS = 2_000;
/** Starting, stopping and listing captures is a map operation in the worker: a worker this slow is stuck. */
const CAPTURE_TIMEOUT_MS = 5_000;
/** A worker that dies this soon after its start is in a crash loop: restarts back off. */
const QUICK_DEATH_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

export class WorkerFleet implements VpnServerApi {
  private readonly slots: Slot[] = [];
  private readonly pools = new AddressPools();
  /** Address -> the worker that holds it. */
  private readonly leaseOwner = new Map<string, number>();
  private readonly sources = new FleetSources(systemClock, () => this.cfg.limits);
  private readonly sessions = new FleetSessions();
  /** With 'reuseport': the addresses and ports the workers listen on, kept from a second pix-pptpd. */
  private readonly listenLocks: ListenLocks | undefined;
  private cfg: VpnConfig = emptyVpnConfig();
  private committed = false;
  private closed = false;
  private nextRequest = 1;
  /** The running captures (`capture NAME ...`), by name: every running worker has them. */
  private readonly captureSpecs = new Map<string, CaptureSpec>();
  /** Accounting of dead workers' calls waiting for a worker to send their Stops. */
  private readonly orphans: AccountingSnapshot[] = [];
  /**
   * RFC 5176 listeners in the primary: a worker's own would share its UDP
   * port with the others (node:cluster), and a request would reach a worker
   * that may not hold the call. These find the call in the mirror (at most
   * a second old) and hand the request to the worker that holds it.
   */
  private readonly dynAuth: DynAuthListeners<CallRef>;
  /** A line for every shell (a worker died or was restarted); App sets it. */
  onNotice: ((line: string) => void) | undefined;
  /** Each RADIUS/TACACS+ authentication a worker answered or gave up (the metrics endpoint sets it). */
  onAaaResult: ((o: AaaObservation) => void) | undefined;

  constructor(private readonly opts: WorkerFleetOptions) {
    this.dynAuth = new DynAuthListeners<CallRef>({
      udp: nodeUdp,
      bindAddress: parseListen(opts.listen)?.address,
      clock: systemClock,
      bus: opts.bus,
      nasIdentifier: (cfg) => cfg.hostname,
      nasIp: nasAddress,
      callbacks: {
        findSessions: (q) => this.findCalls(q),
        disconnect: (ref) => this.send(ref.slot, { t: 'disconnect', callId: ref.callId }),
        changeSession: (ref, change) => {
          if (change.idleTimeout !== undefined) return false;
          return change.sessionTimeout === undefined || this.send(ref.slot, { t: 'session-timeout', callId: ref.callId, seconds: change.sessionTimeout });
        },
      },
    });
    const scheduling = opts.scheduling ?? DEFAULT_SCHEDULING;
    cluster.schedulingPolicy = scheduling === 'round-robin' ? cluster.SCHED_RR : cluster.SCHED_NONE;
    if (scheduling === 'reuseport') this.listenLocks = new ListenLocks();
    for (let i = 0; i < opts.count; i++) this.slots.push(this.fork(i, true));
    opts.bus.watchSwitches((active) => this.broadcast({ t: 'debug', categories: active }));
  }

  get count(): number {
    return this.slots.length;
  }

  /** The worker processes' ids, by index (tests, `show` of the service). */
  pids(): (number | undefined)[] {
    return this.slots.map((s) => s.worker.process.pid);
  }

  private fork(index: number, first: boolean, restartDelay = this.opts.restartDelayMs ?? 500): Slot {
    const spec: WorkerSpec = {
      index,
      count: this.opts.count,
      tunName: `${this.opts.tunPrefix ?? 'pptpw'}${index}`,
      listen: this.opts.listen,
      nasAccounting: first && index === 0,
      reusePort: (this.opts.scheduling ?? DEFAULT_SCHEDULING) === 'reuseport',
    };
    // cluster's settings are the process's: set before every fork (a test may run two fleets one after the other)
    cluster.setupPrimary({
      exec: this.opts.exec,
      execArgv: this.opts.execArgv ?? process.execArgv,
      args: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    } as Parameters<typeof cluster.setupPrimary>[0]);
    const worker = cluster.fork(encodeSpec(spec));
    let started!: () => void;
    const slot: Slot = { index, worker, ready: false, started: new Promise((r) => (started = r)), pending: new Map(), queue: Promise.resolve(), bornAt: Date.now(), restartDelay };
    worker.on('message', (m: FromWorker) => {
      if (m.t === 'ready') {
        slot.ready = true;
        started();
        this.send(slot, { t: 'debug', categories: this.opts.bus.active() });
        if (!first && this.committed) void this.reload(slot);
      } else this.onMessage(slot, m);
    });
    worker.on('exit', (code, signal) => {
      started();
      this.exited(slot, code, signal);
    });
    worker.on('error', () => {});
    return slot;
  }

  /** One reconfigure of one worker, after the ones before it. */
  private configure(slot: Slot, diff: ConfigDiff): Promise<void> {
    const run = slot.queue.then(async () => {
      await this.request(slot, { t: 'reconfigure', diff });
      slot.applied = diff.after;
    });
    slot.queue = run.catch(() => {});
    return run;
  }

  /** A restarted worker: the running config and the running captures. */
  private async reload(slot: Slot, announce = true): Promise<void> {
    try {
      await this.configure(slot, { before: slot.applied ?? emptyVpnConfig(), after: this.cfg });
      for (const spec of this.captureSpecs.values()) await this.request(slot, { t: 'capture-start', spec });
      this.sendOrphans();
      if (announce) this.notice(`worker ${slot.index} (pid ${slot.worker.process.pid}) restarted and serving`);
    } catch (e) {
      this.notice(`worker ${slot.index} restarted but refused the running config: ${(e as Error).message}`);
    }
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.t) {
      case 'reply': {
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
        return;
      }
      case 'log': {
        const l = m.line;
        if (l.kind === 'debug') this.opts.bus.debug(l.category, l.text, l.ctx);
        else this.opts.bus.syslog(l.id, l.severity, l.text, l.ctx);
        return;
      }
      case 'lease': {
        const answer = chooseAddress(this.pools, this.cfg.interfaces, m.req);
        if (answer.address !== undefined) this.leaseOwner.set(answer.address, slot.index);
        if (!this.send(slot, { t: 'lease-answer', id: m.id, answer }) && answer.address !== undefined) this.freeLease(answer.address);
        return;
      }
      case 'release':
        if (this.leaseOwner.get(m.address) === slot.index) this.freeLease(m.address);
        return;
      case 'admit': {
        const refused = this.sources.admit(slot.index, m.source);
        if (!this.send(slot, { t: 'admit-answer', id: m.id, refused }) && refused === undefined) this.sources.closed(slot.index, m.source);
        return;
      }
      case 'session-take': {
        const ok = this.sessions.take(slot.index, m.max);
        if (!this.send(slot, { t: 'session-answer', id: m.id, ok }) && ok) this.sessions.closed(slot.index);
        return;
      }
      case 'session':
        if (m.event === 'opened') this.sessions.opened(slot.index);
        else this.sessions.closed(slot.index);
        return;
      case 'source':
        if (m.event === 'closed') this.sources.closed(slot.index, m.source);
        else if (m.event === 'auth-failed') this.sources.authFailed(m.source);
        else this.sources.authSucceeded(m.source);
        return;
      case 'status-push':
        slot.status = m.status;
        slot.accounting = m.accounting;
        slot.aaa = m.aaa;
        return;
      case 'aaa-result':
        this.onAaaResult?.(m.o);
        return;
    }
  }

  private freeLease(address: string): void {
    this.leaseOwner.delete(address);
    this.pools.release(address);
  }

  private exited(slot: Slot, code: number | null, signal: string | null): void {
    slot.ready = false;
    for (const p of slot.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`worker ${slot.index} exited`));
    }
    slot.pending.clear();
    const calls = slot.status?.sessions.length ?? 0;
    const orphans = slot.accounting ?? [];
    slot.status = slot.accounting = undefined;
    this.sources.workerGone(slot.index);
    this.sessions.workerGone(slot.index);
    let freed = 0;
    for (const [address, owner] of this.leaseOwner) {
      if (owner !== slot.index) continue;
      this.freeLease(address);
      freed++;
    }
    if (this.closed) return;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    const stops = orphans.length ? `, accounting Stop for ${orphans.length}` : '';
    this.notice(`worker ${slot.index} (pid ${slot.worker.process.pid}) died (${how}): its ${calls} call(s) dropped${stops}, ${freed} address(es) back in the pool; restarting`);
    this.orphans.push(...orphans);
    this.sendOrphans();
    const base = this.opts.restartDelayMs ?? 500;
    const delay = Date.now() - slot.bornAt < QUICK_DEATH_MS ? Math.min(slot.restartDelay * 2, MAX_RESTART_DELAY_MS) : base;
    const timer = setTimeout(() => {
      if (this.closed) return;
      this.slots[slot.index] = this.fork(slot.index, false, delay);
    }, delay);
    timer.unref();
  }

  /**
   * The Stops of dead workers' calls go through a running worker with the
   * config (each has the same aaa-server groups); kept until there is one.
   */
  private sendOrphans(): void {
    const slot = this.slots.find((s) => s.ready && s.applied);
    if (!slot || this.orphans.length === 0) return;
    const records = this.orphans.splice(0);
    this.request(slot, { t: 'account-orphans', records }).catch(() => {
      this.orphans.push(...records);
    });
  }

  private notice(text: string): void {
    // An extension syslog id (PIX 6.3 has none for this); severity 2 (critical) as a lost data plane is.
    this.opts.bus.syslog(199901, 2, `pix-pptpd: ${text}`);
    this.onNotice?.(`pix-pptpd: ${text}`);
  }

  private send(slot: Slot, m: ToWorker): boolean {
    if (!slot.ready || !slot.worker.isConnected()) return false;
    try {
      slot.worker.send(m);
      return true;
    } catch {
      return false;
    }
  }

  private broadcast(m: ToWorker): void {
    for (const s of this.slots) this.send(s, m);
  }

  private request<T>(slot: Slot, m: Request, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = this.nextRequest++;
      const timer = setTimeout(() => {
        slot.pending.delete(id);
        reject(new Error(`worker ${slot.index} did not answer (${m.t})`));
      }, timeoutMs);
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      if (!this.send(slot, { ...m, id } as ToWorker)) {
        clearTimeout(timer);
        slot.pending.delete(id);
        reject(new Error(`worker ${slot.index} is not running`));
      }
    });
  }

  // ---------------------------------------------------------------- VpnServerApi

  /** The running workers, once every first fork has answered; rejects when none runs. */
  private async liveWorkers(): Promise<Slot[]> {
    await Promise.all(this.slots.map((s) => s.started));
    const live = this.slots.filter((s) => s.ready);
    if (live.length === 0) throw new Error('no data-plane worker is running');
    return live;
  }

  /**
   * One change on every worker of `live` or on none: when one refuses,
   * those that took it are given `undo` (with `undoRefused`, those that
   * refused or did not answer too: an undo that is harmless where the
   * change was not made, and cancels it where it is made late), and this
   * rejects naming each refusal (`worker N: why`).
   */
  private async onEveryWorker(live: Slot[], run: (s: Slot) => Promise<unknown>, undo: (s: Slot) => Promise<unknown>, undoRefused = false): Promise<void> {
    const results = await Promise.allSettled(live.map(run));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`worker ${live[i].index}: ${(r.reason as Error).message}`] : []));
    if (failed.length === 0) return;
    await Promise.allSettled(live.filter((_, i) => undoRefused || results[i].status === 'fulfilled').map(undo));
    throw new Error(failed.join('; '));
  }

  /** All or nothing: every running worker takes the change, or those that did are given the previous config back. */
  async reconfigure(diff: ConfigDiff): Promise<void> {
    const live = await this.liveWorkers();
    const wanted = wantedListeners(diff.after, { port: 1723, override: parseListen(this.opts.listen) });
    const locked = (await this.listenLocks?.acquire(wanted.ok ? wanted.specs : [])) ?? [];
    try {
      await this.dynAuth.reconcile(diff.after);
      try {
        await this.onEveryWorker(
          live,
          (s) => this.configure(s, diff),
          (s) => this.configure(s, { before: diff.after, after: diff.before }),
        );
      } catch (e) {
        await this.dynAuth.reconcile(diff.before).catch(() => {});
        throw e;
      }
    } catch (e) {
      this.listenLocks?.release(locked);
      throw e;
    }
    if (wanted.ok) this.listenLocks?.keepOnly(wanted.specs);
    this.cfg = diff.after;
    this.committed = true;
    this.pools.configure(diff.after.pools);
    // a worker forked again while this commit ran was given the config before it
    for (const s of this.slots) if (s.ready && !live.includes(s)) void this.reload(s, false);
  }

  /** On every running worker or on none; a capture of the same name is replaced (its packets kept), and put back if a worker refuses. */
  async startCapture(spec: CaptureSelect): Promise<void> {
    const live = await this.liveWorkers();
    const before = this.captureSpecs.get(spec.name);
    // in the map first: a worker forked again meanwhile is given it with the others
    this.captureSpecs.set(spec.name, spec);
    try {
      await this.onEveryWorker(
        live,
        (s) => this.request(s, { t: 'capture-start', spec }, CAPTURE_TIMEOUT_MS),
        (s) => this.request(s, before ? { t: 'capture-start', spec: before } : { t: 'capture-stop', name: spec.name }, CAPTURE_TIMEOUT_MS),
        true,
      );
    } catch (e) {
      if (before) this.captureSpecs.set(spec.name, before);
      else this.captureSpecs.delete(spec.name);
      throw e;
    }
  }

  /** On every running worker or on none (if one refuses, the capture is started again everywhere: the packets of those that had stopped are gone). */
  async stopCapture(name: string): Promise<boolean> {
    const spec = this.captureSpecs.get(name);
    if (!spec) return false;
    await Promise.all(this.slots.map((s) => s.started));
    this.captureSpecs.delete(name);
    try {
      await this.onEveryWorker(
        this.slots.filter((s) => s.ready),
        (s) => this.request(s, { t: 'capture-stop', name }, CAPTURE_TIMEOUT_MS),
        (s) => this.request(s, { t: 'capture-start', spec }, CAPTURE_TIMEOUT_MS),
        true,
      );
    } catch (e) {
      this.captureSpecs.set(name, spec);
      throw e;
    }
    return true;
  }

  captureNames(): string[] {
    return [...this.captureSpecs.keys()];
  }

  /** Every running worker's packets and bytes of each capture, added up; rejects if a worker does not answer. */
  async captures(): Promise<CaptureInfo[]> {
    const lists = await Promise.all(this.slots.filter((s) => s.ready).map((s) => this.request<CaptureInfo[]>(s, { t: 'capture-list' }, CAPTURE_TIMEOUT_MS)));
    return [...this.captureSpecs.values()].map((spec) => {
      const out: CaptureInfo = { name: spec.name, spec, packets: 0, bytes: 0 };
      for (const c of lists.flatMap((l) => l.filter((x) => x.name === spec.name))) {
        out.packets += c.packets;
        out.bytes += c.bytes;
      }
      return out;
    });
  }

  /** One pcapng file: every running worker's records of the capture, merged by timestamp; rejects if a worker does not answer. */
  async capturePcap(name: string): Promise<Buffer | undefined> {
    if (!this.captureSpecs.has(name)) return undefined;
    const parts = await Promise.all(this.slots.filter((s) => s.ready).map((s) => this.request<CaptureRecord[] | null>(s, { t: 'capture-records', name })));
    return capturePcapng(mergeRecords(parts.map((p) => p ?? [])));
  }

  dataPlaneWorkers(): number {
    return this.slots.length;
  }

  /** Fresh statuses from every running worker into the mirror (bounded wait: a stuck worker keeps its last push). */
  async refresh(): Promise<void> {
    await Promise.allSettled(
      this.slots
        .filter((s) => s.ready)
        .map(async (s) => {
          s.status = await this.request<ServerStatus>(s, { t: 'status' }, REFRESH_TIMEOUT_MS);
        }),
    );
  }

  /**
   * The metrics census of every running worker, merged. A worker that died
   * took the totals of its calls with it: those counters go down once (the
   * metrics endpoint sees a counter reset, as at a restart).
   */
  async census(perUser: boolean): Promise<ServerCensus> {
    const parts = await Promise.allSettled(this.slots.filter((s) => s.ready).map((s) => this.request<ServerCensus>(s, { t: 'census', perUser }, REFRESH_TIMEOUT_MS)));
    return mergeCensus(
      parts.flatMap((p) => (p.status === 'fulfilled' ? [p.value] : [])),
      this.pools.status(),
      perUser,
    );
  }

  /** A shell login against an aaa-server group: asked of the first running worker (each has the same groups). */
  async authenticateConsole(tag: string, user: string, password: string): Promise<'accept' | 'reject' | 'unreachable'> {
    const slot = this.slots.find((s) => s.ready);
    if (!slot) return 'unreachable';
    try {
      return await this.request<'accept' | 'reject' | 'unreachable'>(slot, { t: 'authenticate-console', tag, user, password }, 60_000);
    } catch {
      return 'unreachable';
    }
  }

  /** `show aaa-server`: every running worker's counters (at most a second old), as one; the RFC 5176 listeners' are the primary's. */
  aaaStatus(): AaaGroupStats[] {
    return mergeAaaStats(this.slots.flatMap((s) => (s.ready && s.aaa ? [s.aaa] : []))).map((g) => {
      const d = this.dynAuth.statsOf(g.tag);
      return d ? { ...g, dynamicAuthorization: d } : g;
    });
  }

  /** The mirror's calls a Disconnect- or CoA-Request names. */
  private findCalls(q: DynAuthQuery): CallRef[] {
    const out: CallRef[] = [];
    for (const slot of this.slots) {
      if (!slot.ready) continue;
      for (const c of slot.status?.sessions ?? []) {
        if (namedBy(q, { ...c, peerAddress: c.remoteAddress })) out.push({ slot, callId: c.callId });
      }
    }
    return out;
  }

  status(): ServerStatus {
    const out: ServerStatus = { tunnels: [], sessions: [], pools: this.pools.status(), listening: [], errors: {}, dhcp: { informsAnswered: 0, dropped: 0 } };
    const errors: ErrorCounters = out.errors;
    for (const s of this.slots) {
      const st = s.status;
      if (!st) continue;
      out.tunnels.push(...st.tunnels);
      out.sessions.push(...st.sessions);
      if (out.listening.length === 0) out.listening = st.listening;
      for (const k in st.errors) errors[k] = (errors[k] ?? 0) + st.errors[k];
      out.dhcp!.informsAnswered += st.dhcp?.informsAnswered ?? 0;
      out.dhcp!.dropped += st.dhcp?.dropped ?? 0;
      if (st.fastPath) {
        const f = (out.fastPath ??= { calls: 0, forwarded: 0, engaged: 0, released: 0 });
        for (const k of ['calls', 'forwarded', 'engaged', 'released'] as const) f[k] += st.fastPath[k];
      }
    }
    out.tunnels.sort((a, b) => a.id - b.id);
    out.sessions.sort((a, b) => a.tunnelId - b.tunnelId || a.callId - b.callId);
    return out;
  }

  /**
   * `clear vpdn tunnel N` goes to the worker whose id range holds N (tunnel
   * ids are partitioned like call ids); `all` to every worker. The count is
   * the mirror's (refreshed by the shell just before).
   */
  clearTunnels(id: number | 'all'): number {
    if (id === 'all') {
      let n = 0;
      for (const s of this.slots) {
        if (!s.ready) continue;
        n += s.status?.tunnels.length ?? 0;
        void this.request(s, { t: 'clear', target: 'all' }).catch(() => {});
      }
      return n;
    }
    const slot = this.slots[workerOfId(id, this.slots.length)];
    if (!slot?.ready || !slot.status?.tunnels.some((t) => t.id === id)) return 0;
    void this.request(slot, { t: 'clear', target: id }).catch(() => {});
    return 1;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.dynAuth.close();
    this.listenLocks?.close();
    await Promise.allSettled(this.slots.filter((s) => s.ready).map((s) => this.request(s, { t: 'close' }, 10_000)));
    const deadline = Date.now() + 3000;
    for (const s of this.slots) {
      while (!s.worker.isDead() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (!s.worker.isDead()) s.worker.process.kill('SIGKILL');
    }
  }
}
