/**
 * The embedded PPTP server: owns the TCP 1723 listeners, the GRE socket,
 * the TUN device, the address pools and every tunnel and call.
 * `reconfigure(diff)` is its only config entry; calls keep the group
 * settings they started with.
 *
 * GRE demux: every call has a server-wide unique call id, which is the
 * key of the GRE packets the peer sends us; the packet must also come from
 * the tunnel's peer address (several clients behind one NAT each get
 * their own call id). TUN demux: by destination address.
 *
 * Why ~700 lines: this is the composition of every engine of src/proto/
 * (listeners, tunnels, calls, GRE and TUN demux, AAA, capture, status);
 * each piece is short and its own module, the wiring between them is here.
 */
import net from 'node:net';
import { SmallMap } from '../util/small-map.js';
import { readEach } from '../util/read-each.js';
import { systemClock, type Clock, type Timer } from '../util/clock.js';
import type { DebugBus } from '../debug/bus.js';
import type { AaaServerGroup, ConfigDiff, VpdnGroup, VpnConfig } from '../config/model.js';
import { emptyVpnConfig } from '../config/model.js';
import { blankSessionStatus, blankTunnelStatus, type CaptureInfo, type CaptureSelect, type ErrorCounters, type ServerStatus, type SessionStatus, type TunnelStatus, type VpdnBlocks, type VpnServerApi } from './api.js';
import type { Authenticator } from '../proto/authenticator.js';
import { LocalAuthenticator } from './aaa/local.js';
import type { GreSocket } from '../proto/gre/socket.js';
import { isDeviceGone, type TunDevice } from '../proto/tun/device.js';
import { decodeGre } from '../proto/gre/wire.js';
import { Listeners, wantedListeners, type ListenerSpec } from './listeners.js';
import { AddressPools } from './pool.js';
import { chooseAddress, type LeaseAnswer, type RemoteLeases } from './lease.js';
import type { AaaAddressing } from '../proto/ppp/session-api.js';
import { CallIdAllocator } from '../proto/pptp/call-id.js';
import { PptpControlConnection, type OutgoingCallDecision, type PptpControlCallbacks, type PptpControlOptions } from '../proto/pptp/server-control.js';
import type { PptpDebugSink } from '../proto/pptp/debug-events.js';
import { CiscoPptpDebug } from '../debug/cisco-pptp.js';
import { CiscoPppDebug } from '../debug/cisco-ppp-session.js';
import { CiscoGreDebug } from '../debug/cisco-gre.js';
import { OcrpResult, GeneralErrorCode, type OutgoingCallRequest } from '../proto/pptp/wire.js';
import { FastPath, fastPathAddon } from './fast-path.js';
import { newAcctSessionId, ServerCall, type AccountingSnapshot, type ServerCallHooks } from './call.js';
import type { PppUpInfo } from '../proto/ppp/session.js';
import { mppeStrengthText } from '../proto/ppp/ccp-mppe.js';
import { CaptureManager, type CaptureContext } from './capture.js';
import { AaaRegistry, nasAddress, type AaaGroupStats, type AaaObservation, type TerminateCauseName } from './aaa/group.js';
import type { AuthRequest, AuthResult } from '../proto/authenticator.js';
import { nodeUdp, type UdpStack } from '../proto/radius/udp.js';
import { SourceGuard, type SourceAdmission } from './source-guard.js';
import { DynAuthListeners, namedBy } from './dynauth-listeners.js';
import { CallCensus, callTotals, emptyTotals, setupFailureOf, type ServerCensus, type ServerTotals } from './totals.js';
import { informSettingsOf, isDhcpForServer, serveDhcp } from './dhcp.js';

export interface PptpServerOptions {
  bus: DebugBus;
  clock?: Clock;
  /** Epoch milliseconds for Acct-Session-Id; default Date.now. */
  wallNow?: () => number;
  /** Opens the GRE transport (raw socket, or a memory twin in tests). */
  openGre(): GreSocket | Promise<GreSocket>;
  /** Opens the TUN device with the server's tunnel address. */
  /** `onError`: I/O failures of the device (e.g. its link was deleted), counted and shown under `debug vpdn error`. */
  openTun(localAddress: string, onError?: (err: Error) => void): TunDevice | Promise<TunDevice>;
  /** `--listen ADDR[:PORT]` */
  listen?: { address: string; port?: number };
  /** TCP port (1723; tests use 0 for any free port). */
  port?: number;
  /** UDP for RADIUS and Disconnect/CoA (tests pass a memory twin). */
  udp?: UdpStack;
  hostName?: string;
  /** A data-plane worker (src/server/workers/): its share of the tunnel and call ids, and the leases the primary owns. */
  worker?: { ids: { low: number; high: number }; nasAccounting: boolean; reusePort?: boolean };
  leases?: RemoteLeases;
  /** A data-plane worker: the primary's per-source limits (default: this server's own SourceGuard). */
  admission?: SourceAdmission;
  /** A data-plane worker: the primary's count of the NAS's calls, for `vpdn limit sessions` (default: this server's calls). */
  sessions?: RemoteSessions;
}

/** The calls of every worker, counted by the primary. */
export interface RemoteSessions {
  /** A call may open if the NAS has fewer than `max`: then it is counted. */
  take(max: number): Promise<boolean>;
  /** A call opened without a limit to check: counted. */
  opened(): void;
  /** A counted call ended (or took a place it did not use). */
  closed(): void;
}

/**
 * What one call asks of the server (ServerCallHooks), as prototype methods
 * of one object per call instead of six closures and their context.
 */
class CallLink implements ServerCallHooks {
  call: ServerCall | undefined;

  constructor(
    private readonly server: PptpServer,
    private readonly tunnel: Tunnel,
    private readonly gre: GreSocket,
    private readonly serverAddress: string,
    private readonly pool: string | undefined,
  ) {}

  sendGre(pkt: Buffer): void {
    const s = this.server;
    if (s.capture.active) s.capture.gre(s.captureCtx(this.tunnel, this.call), this.serverAddress, this.tunnel.peerAddress, pkt);
    this.gre.send(this.tunnel.peerAddress, pkt);
  }
  allocateAddress(user: string, aaa?: AaaAddressing): string | undefined | Promise<string | undefined> {
    return this.server.clientAddressFor(this.tunnel, user, aaa, this.pool);
  }
  releaseAddress(address: string): void {
    this.server.releaseAddress(address);
  }
  onUp(call: ServerCall, info: PppUpInfo): void {
    this.server.callUp(this.tunnel, call, info.username, info.clientAddress, info.mppe?.bits);
  }
  onDown(call: ServerCall, reason: string): void {
    this.server.callDown(this.tunnel, call, reason);
  }
  onIpPacket(call: ServerCall, pkt: Buffer): void {
    this.server.fromClient(call, pkt);
  }
  leaveFastPath(call: ServerCall): void {
    this.server.fastPath?.release(call);
  }
}

/**
 * One tunnel's control connection options and callbacks, and the ends of
 * its TCP connection (for captures): one object per tunnel with its methods
 * on the prototype, the socket's listeners module functions that find it
 * on the socket, instead of nine closures per tunnel.
 */
class TunnelLink implements PptpControlOptions, PptpControlCallbacks {
  readonly tunnelId: number;
  readonly clock: Clock;
  readonly debug: PptpDebugSink;
  readonly ifName: string;
  readonly peerAddress: string;
  readonly localHostName: string;
  readonly vendor: string;
  readonly echoIntervalSeconds: number;
  readonly sccrqTimeoutSeconds: number | undefined;
  readonly callbacks: PptpControlCallbacks = this;
  /** The connection's ends as captures show them: read from the socket at the first capture (getsockname), not per connection. */
  private ends: { remote: { address: string; port: number }; local: { address: string; port: number } } | undefined;

  constructor(
    private readonly server: PptpServer,
    readonly tunnel: Tunnel,
    o: Omit<PptpControlOptions, 'send' | 'callbacks'>,
  ) {
    this.tunnelId = o.tunnelId;
    this.clock = o.clock;
    this.debug = o.debug;
    this.ifName = o.ifName;
    this.peerAddress = o.peerAddress;
    this.localHostName = o.localHostName;
    this.vendor = o.vendor;
    this.echoIntervalSeconds = o.echoIntervalSeconds;
    this.sccrqTimeoutSeconds = o.sccrqTimeoutSeconds;
  }

  private endsOf(): { remote: { address: string; port: number }; local: { address: string; port: number } } {
    if (this.ends) return this.ends;
    const t = this.tunnel;
    const socket = t.socket;
    return (this.ends = {
      remote: { address: t.peerAddress, port: t.peerPort },
      local: { address: (socket.localAddress ?? t.spec.address).replace(/^::ffff:/, ''), port: socket.localPort ?? t.spec.port },
    });
  }

  send(bytes: Buffer): void {
    const s = this.server;
    if (s.capture.active) {
      const e = this.endsOf();
      s.capture.control(s.captureCtx(this.tunnel), e.local, e.remote, bytes);
    }
    if (!this.tunnel.socket.destroyed) this.tunnel.socket.write(bytes);
  }
  /** Bytes from the TCP connection. */
  data(chunk: Buffer): void {
    const s = this.server;
    if (s.capture.active) {
      const e = this.endsOf();
      s.capture.control(s.captureCtx(this.tunnel), e.remote, e.local, chunk);
    }
    this.tunnel.control.receive(chunk);
  }
  onOutgoingCallRequest(req: OutgoingCallRequest): OutgoingCallDecision | Promise<OutgoingCallDecision> {
    return this.server.openCall(this.tunnel, req.callId, req.packetRecvWindowSize);
  }
  onCallClear(callId: number, reason: string): void {
    this.server.callOf(callId)?.abort(reason);
  }
  onSetLinkInfo(): void {}
  onWanError(): void {}
  onClosed(): void {
    this.server.tunnelClosed(this.tunnel);
  }
}

const TUNNEL_LINK = Symbol('tunnel link');
type LinkedSocket = net.Socket & { [TUNNEL_LINK]: TunnelLink };
function onTunnelData(this: LinkedSocket, chunk: Buffer): void {
  this[TUNNEL_LINK].data(chunk);
}
function onTunnelClose(this: LinkedSocket): void {
  this[TUNNEL_LINK].tunnel.control.close('tcp-closed');
}
function ignoreSocketError(): void {}

const NO_RESOURCE: OutgoingCallDecision = { accept: false, resultCode: OcrpResult.GeneralError, errorCode: GeneralErrorCode.NoResource };

type AuthBackend = { authenticate(req: AuthRequest, c?: object): Promise<AuthResult> };

/** One call's Authenticator: the backend and the call it asks for, the work in PptpServer.authenticateCall (no closures per call). */
class CallAuthenticator implements Authenticator {
  call: ServerCall | undefined;

  constructor(
    private readonly server: PptpServer,
    private readonly tunnel: Tunnel,
    readonly backend: AuthBackend,
    /** MPPE required and the backend cannot supply its keys (TACACS+): refuse. */
    readonly noMppeKeys: boolean,
  ) {}

  authenticate(req: AuthRequest): Promise<AuthResult> {
    return this.server.authenticateCall(this, this.tunnel, req);
  }
}

interface Tunnel {
  id: number;
  socket: net.Socket;
  control: PptpControlConnection;
  spec: ListenerSpec;
  peerAddress: string;
  peerPort: number;
  /** A PIX tunnel carries one call: a SmallMap, not a Map per tunnel. */
  calls: SmallMap<number, ServerCall>;
  /** 603104 already reported (at PPP up, or at teardown if never up) */
  reported: boolean;
  /** The peer cleared its last call: waiting for its StopCCRQ. */
  stopTimer?: Timer;
}

/** Adds a call's GRE counters to its tunnel's block `o`. */
function trafficInto(o: TunnelStatus): (call: ServerCall) => void {
  return (call) => {
    const g = call.window.counters;
    o.packetsSent += g.packetsSent;
    o.packetsReceived += g.packetsReceived;
    o.bytesSent += g.bytesSent;
    o.bytesReceived += g.bytesReceived;
  };
}

/** A tunnel's block written into `o`: its control connection's counters plus its calls' (`addCall`: trafficInto(o)). */
function tunnelStatusInto(o: TunnelStatus, t: Tunnel, now: number, addCall = trafficInto(o)): TunnelStatus {
  const c = t.control;
  const k = c.counters;
  o.id = t.id;
  o.remoteId = t.id;
  o.state = c.currentState;
  o.sinceChange = now - c.stateChangedAt;
  o.remoteAddress = t.peerAddress;
  o.remotePort = 1723;
  o.localAddress = t.spec.address;
  o.localPort = t.spec.port;
  o.activeSessions = t.calls.size;
  o.packetsSent = k.packetsSent;
  o.packetsReceived = k.packetsReceived;
  o.bytesSent = k.bytesSent;
  o.bytesReceived = k.bytesReceived;
  t.calls.forEach(addCall);
  return o;
}

const PIX_VENDOR = 'Cisco Systems';
/** Calls a metrics census reads per loop turn (about 0.5 ms). */
const CENSUS_CHUNK = 1000;
/**
 * After the peer's own Call-Clear-Request the peer ends the control
 * connection itself (RFC 2637: Windows and pptp-linux send StopCCRQ right
 * after the CDN); we stop it only if it has not done so by then.
 */
const PEER_STOP_GRACE_MS = 10_000;

export class PptpServer implements VpnServerApi {
  private cfg: VpnConfig = emptyVpnConfig();
  private readonly clock: Clock;
  private readonly bus: DebugBus;
  private readonly pppDebug: CiscoPppDebug;
  private readonly greDebug: CiscoGreDebug;
  /** Stateless: one for every tunnel. */
  private readonly pptpDebug: CiscoPptpDebug;
  private readonly listeners: Listeners;
  private readonly pools = new AddressPools();
  private readonly callIds: CallIdAllocator;
  private readonly ids: { low: number; high: number };
  private readonly tunnels = new Map<number, Tunnel>();
  private readonly calls = new Map<number, { call: ServerCall; tunnel: Tunnel }>();
  /** Established calls by client address (32-bit number, as in the IP header). */
  private readonly byAddress = new Map<number, ServerCall>();
  private readonly pppIfIds = new Set<number>();
  private pppIfLow: number;
  private readonly errors: Record<string, number> = {};
  /** Each RADIUS/TACACS+ authentication answered or given up (the metrics endpoint sets it). */
  onAaaResult: ((o: AaaObservation) => void) | undefined;
  /** Set-ups, failures and the traffic of the calls that have ended (totals()). */
  private readonly ended = emptyTotals();
  private readonly upCalls = new WeakSet<ServerCall>();
  private gre: GreSocket | undefined;
  private tun: TunDevice | undefined;
  /** @internal CallLink: the native receive fast path, with a Linux GRE socket and TUN and the addon built */
  fastPath: FastPath | undefined;
  private nextTunnelId: number;
  /** sid of syslog 109011 */
  private authSessions = 0;
  private closed = false;
  /** `capture NAME ...` */
  readonly capture = new CaptureManager();
  private readonly aaa: AaaRegistry;
  /** `vpdn limit per-source` and `auth-failures`: this server's own, or (a worker) the primary's. */
  private readonly guard: SourceAdmission;
  /** `client authentication local`: one for every call (it reads the users when asked). */
  private readonly localUsers = new LocalAuthenticator(() => this.cfg.vpdnUsers);
  /** RFC 5176 listeners per aaa-server group with `dynamic-authorization` (a worker has none: the primary's act for it) */
  private readonly dynAuth: DynAuthListeners<ServerCall>;

  constructor(private readonly options: PptpServerOptions) {
    this.clock = options.clock ?? systemClock;
    const ids = options.worker?.ids ?? { low: 1, high: 0xffff };
    this.ids = ids;
    this.callIds = new CallIdAllocator(ids.low, ids.high);
    // Virtual interface ids (NAS-Port) from the worker's range too: unique across workers.
    this.pppIfLow = ids.low;
    this.nextTunnelId = ids.low;
    this.bus = options.bus;
    this.pppDebug = new CiscoPppDebug(options.bus);
    this.greDebug = new CiscoGreDebug(options.bus);
    this.pptpDebug = new CiscoPptpDebug(options.bus);
    this.listeners = new Listeners((sock, spec) => this.accept(sock, spec), options.worker?.reusePort);
    this.guard = options.admission ?? new SourceGuard(this.clock, () => this.cfg.limits);
    this.dynAuth = new DynAuthListeners<ServerCall>({
      udp: options.udp ?? nodeUdp,
      bindAddress: options.listen?.address,
      clock: this.clock,
      bus: this.bus,
      nasIdentifier: (cfg) => options.hostName ?? cfg.hostname,
      nasIp: nasAddress,
      callbacks: {
        findSessions: (q) => this.findCalls(q),
        disconnect: (c) => {
          c.terminate('Admin-Reset', 'RADIUS Disconnect-Request');
          return true;
        },
        changeSession: (c, change) => {
          if (change.sessionTimeout !== undefined) c.setSessionTimeout(change.sessionTimeout);
          return change.idleTimeout === undefined;
        },
      },
    });
    this.aaa = new AaaRegistry({
      clock: this.clock,
      debug: this.bus,
      udp: options.udp,
      nasIdentifier: () => this.nasIdentifier(),
      nasIp: (g) => nasAddress(this.cfg, g),
      localUsers: () => this.cfg.vpdnUsers,
      observe: (o) => this.onAaaResult?.(o),
    });
  }

  // ---------------------------------------------------------------- config

  async reconfigure(diff: ConfigDiff): Promise<void> {
    const next = diff.after;
    const wanted = wantedListeners(next, { port: this.options.port ?? 1723, override: this.options.listen });
    if (!wanted.ok) throw new Error(wanted.error);
    if (wanted.specs.length) await this.openDataPlane(next, wanted.specs[0]);
    if (!this.options.worker) await this.dynAuth.reconcile(next);
    await this.listeners.reconcile(wanted.specs);
    this.cfg = next;
    this.pools.configure(next.pools);
    this.aaa.reconfigure(next.aaaServerGroups, JSON.stringify([this.nasIdentifier(), next.interfaces.map((i) => [i.name, i.address])]));
    // Of several workers only one speaks for the NAS: an Accounting-On from a restarted one would end every worker's sessions.
    if (this.options.worker?.nasAccounting !== false) {
      for (const g of next.vpdnGroups) if (g.clientAccounting) this.aaa.startAccounting(g.clientAccounting, this.nasSessionId());
    }
    // `no vpdn enable IF`: tunnels that came in on that interface end.
    const live = new Set(wanted.specs.map((s) => s.interfaceName));
    for (const t of this.tunnels.values()) if (!live.has(t.spec.interfaceName)) t.control.stop();
  }

  /** GRE socket and TUN device, opened once, before the first listener. */
  private async openDataPlane(cfg: VpnConfig, first: ListenerSpec): Promise<void> {
    if (!this.gre) {
      let gre: GreSocket;
      try {
        gre = await this.options.openGre();
      } catch (err) {
        throw new Error(`cannot open the GRE socket (IP protocol 47 needs CAP_NET_RAW): ${(err as Error).message}`);
      }
      gre.onPacket((pkt, from, to) => this.receiveGre(pkt, from, to));
      this.gre = gre;
    }
    if (!this.tun) {
      try {
        this.tun = await this.options.openTun(this.tunnelAddress(cfg, first.interfaceName) ?? first.address, (err) => this.tunError(err));
      } catch (err) {
        throw new Error(`cannot open the TUN device (needs CAP_NET_ADMIN): ${(err as Error).message}`);
      }
      this.tun.onPacket((pkt) => this.receiveTun(pkt));
    }
    const addon = fastPathAddon();
    if (!this.fastPath && addon && this.gre.setBatchHook && this.tun.fastPathTarget) {
      const fast = new FastPath(addon, {
        allowed: () => !this.capture.active && !this.bus.on('vpdn packet') && !this.bus.on('ppp io') && !this.bus.on('ppp mppe'),
        callOf: (callId) => this.calls.get(callId)?.call,
        tun: () => this.tun?.fastPathTarget?.(),
        activity: (call) => this.calls.get(call.options.callId)?.tunnel.control.noteActivity(),
      });
      this.gre.setBatchHook((headers, count, slots) => fast.batch(headers, count, slots));
      this.fastPath = fast;
    }
  }

  /** NAS-Identifier: the `hostname`. */
  private nasIdentifier(): string | undefined {
    return this.options.hostName ?? this.cfg.hostname;
  }

  /** Acct-Session-Id of an Accounting-On/Off: call id 0, never a call's. */
  private nasSessionId(): string {
    return newAcctSessionId(0, (this.options.wallNow ?? Date.now)() / 1000);
  }

  /** The server's PPP address: the `ip address` of the vpdn interface. */
  private tunnelAddress(cfg: VpnConfig, ifName: string): string | undefined {
    return cfg.interfaces.find((i) => i.name === ifName)?.address;
  }

  private groupForDialin(): VpdnGroup | undefined {
    return this.cfg.vpdnGroups.find((g) => g.acceptDialinPptp);
  }

  /**
   * The user database of a call: local users, or the aaa-server group (with
   * the call's Calling-Station-Id, Acct-Session-Id and NAS-Port). Failed
   * attempts feed the per-source back-off.
   */
  private authenticatorFor(g: VpdnGroup, tunnel: Tunnel): CallAuthenticator | undefined {
    const ca = g.clientAuthentication;
    if (!ca || ca.kind === 'local') return new CallAuthenticator(this, tunnel, this.localUsers, false);
    const group = this.aaa.get(ca.group);
    if (!group) return undefined;
    return new CallAuthenticator(this, tunnel, group, !!g.mppe?.required && !group.suppliesMppeKeys);
  }

  /** @internal CallAuthenticator: one call's authentication, through its backend. */
  async authenticateCall(a: CallAuthenticator, tunnel: Tunnel, req: AuthRequest): Promise<AuthResult> {
    const c = { acctSessionId: a.call!.acctSessionId, nasPort: a.call!.options.pppIfId };
    if (a.noMppeKeys) {
      // Seed 003: "TACACS+ authentication does not work with encryption because
      // TACACS+ servers are not capable of returning special MPPE keys". With MPPE
      // required the call cannot come up: refuse before the password goes anywhere.
      this.bus.syslog(403106, 4, `PPP virtual interface ${c.nasPort} requires RADIUS aaa server for MPPE`, { tunnel: tunnel.id, user: req.username });
      return { ok: false, reason: 'unsupported' };
    }
    const r = await a.backend.authenticate(req, { callingStationId: tunnel.peerAddress, ...c });
    if (r.ok) {
      this.guard.authSucceeded(tunnel.peerAddress);
      // Seed 003: "109011: Authen Session Start: user 'john', sid 3"
      this.bus.syslog(109011, 2, `Authen Session Start: user '${r.username}', sid ${++this.authSessions}`, {
        tunnel: tunnel.id,
        user: r.username,
      });
    } else if (r.reason === 'denied') this.guard.authFailed(tunnel.peerAddress);
    else if (r.reason === 'unreachable' && r.unanswered) this.aaaUnanswered(tunnel, req.username, r.unanswered);
    return r;
  }

  /**
   * No AAA server answered a call's authentication (the call is refused):
   * PIX 6.3's 109002 for each server asked that never answered, 109003 for
   * the call (also when every server was already skipped as dead), and a
   * counter in `show vpdn diagnostics`. The client's address is not held
   * against it: the refusal was not its fault.
   */
  private aaaUnanswered(tunnel: Tunnel, user: string, servers: readonly string[]): void {
    const local = `${(tunnel.socket.localAddress ?? tunnel.spec.address).replace(/^::ffff:/, '')}/${tunnel.socket.localPort ?? tunnel.spec.port}`;
    const from = `Auth from ${tunnel.peerAddress}/${tunnel.peerPort} to ${local}`;
    const on = `on interface ${tunnel.spec.interfaceName}`;
    const ctx = { tunnel: tunnel.id, user };
    for (const s of servers) this.bus.syslog(109002, 6, `${from} failed (server ${s} failed) ${on}`, ctx);
    this.bus.syslog(109003, 6, `${from} failed (all servers failed) ${on}`, ctx);
    this.count('aaa-no-answer');
  }

  private findCalls(q: { acctSessionId?: string; userName?: string; framedIp?: string; callingStationId?: string }): ServerCall[] {
    const out: ServerCall[] = [];
    for (const { call } of this.calls.values()) {
      if (namedBy(q, { acctSessionId: call.acctSessionId, username: call.username, clientAddress: call.clientAddress, peerAddress: call.options.peerAddress })) out.push(call);
    }
    return out;
  }

  // ---------------------------------------------------------------- tunnels

  private accept(socket: net.Socket, spec: ListenerSpec): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.on('error', ignoreSocketError);
    const peerAddress = (socket.remoteAddress ?? '0.0.0.0').replace(/^::ffff:/, '');
    const verdict = this.guard.admit(peerAddress);
    // a worker waits for the primary's answer; until a 'data' listener is on, what the peer sends waits in the socket
    if (typeof verdict === 'object') verdict.then((why) => this.admitted(socket, spec, peerAddress, why), () => this.admitted(socket, spec, peerAddress, 'admission unavailable'));
    else this.admitted(socket, spec, peerAddress, verdict);
  }

  private admitted(socket: net.Socket, spec: ListenerSpec, peerAddress: string, refused: string | undefined): void {
    if (refused) {
      this.count(`tunnel-refused-${refused.replace(/ /g, '-')}`);
      if (this.bus.on('vpdn error')) this.bus.debug('vpdn error', `PPTP: connection from ${peerAddress} refused: ${refused}`);
      socket.destroy();
      return;
    }
    if (this.closed || socket.destroyed) {
      // gone while the primary answered
      this.guard.closed(peerAddress);
      socket.destroy();
      return;
    }
    const id = this.allocateTunnelId();
    const group = this.groupForDialin();
    const tunnel: Tunnel = {
      id,
      socket,
      spec,
      peerAddress,
      peerPort: socket.remotePort ?? 0,
      calls: new SmallMap(),
      reported: false,
      control: undefined as unknown as PptpControlConnection,
    };
    const link = new TunnelLink(this, tunnel, {
      tunnelId: id,
      clock: this.clock,
      debug: this.pptpDebug,
      ifName: spec.interfaceName,
      peerAddress,
      localHostName: this.options.hostName ?? this.cfg.hostname,
      vendor: PIX_VENDOR,
      echoIntervalSeconds: group?.pptpEcho ?? 60,
      sccrqTimeoutSeconds: this.cfg.limits?.setupTimeoutSeconds,
    });
    tunnel.control = new PptpControlConnection(link);
    this.tunnels.set(id, tunnel);
    socket.setNoDelay(true);
    (socket as LinkedSocket)[TUNNEL_LINK] = link;
    socket.on('data', onTunnelData);
    socket.on('close', onTunnelClose);
  }

  private allocateTunnelId(): number {
    for (;;) {
      const id = this.nextTunnelId;
      this.nextTunnelId = id >= this.ids.high ? this.ids.low : id + 1;
      if (!this.tunnels.has(id)) return id;
    }
  }

  /** Lowest free id; every id below pppIfLow is in use (10,000 sessions: not O(n) per call). */
  private allocatePppIfId(): number {
    let id = this.pppIfLow;
    while (this.pppIfIds.has(id)) id++;
    this.pppIfIds.add(id);
    this.pppIfLow = id + 1;
    return id;
  }

  private releasePppIfId(id: number): void {
    if (this.pppIfIds.delete(id) && id < this.pppIfLow) this.pppIfLow = id;
  }

  /**
   * @internal TunnelLink. `vpdn limit sessions N` counts this server's
   * calls; a worker's are counted by the primary, which it asks (the
   * decision comes later, and the tunnel may have ended meanwhile).
   */
  openCall(tunnel: Tunnel, peerCallId: number, peerRecvWindow: number): OutgoingCallDecision | Promise<OutgoingCallDecision> {
    const max = this.cfg.limits?.maxSessions;
    const remote = this.options.sessions;
    if (!remote) return max !== undefined && this.calls.size >= max ? this.refuseMaxSessions(tunnel) : this.openCallNow(tunnel, peerCallId, peerRecvWindow);
    if (max === undefined) {
      const d = this.openCallNow(tunnel, peerCallId, peerRecvWindow);
      if (d.accept) remote.opened();
      return d;
    }
    return remote.take(max).then((ok) => {
      if (!ok) return this.refuseMaxSessions(tunnel);
      const d = this.closed || this.tunnels.get(tunnel.id) !== tunnel ? NO_RESOURCE : this.openCallNow(tunnel, peerCallId, peerRecvWindow);
      if (!d.accept) remote.closed();
      return d;
    });
  }

  private refuseMaxSessions(tunnel: Tunnel): OutgoingCallDecision {
    this.count('max-sessions');
    this.bus.syslog(403103, 4, 'PPP virtual interface max connections reached', { tunnel: tunnel.id });
    return NO_RESOURCE;
  }

  private openCallNow(tunnel: Tunnel, peerCallId: number, peerRecvWindow: number): OutgoingCallDecision {
    const group = this.groupForDialin();
    let call: ServerCall | undefined;
    const authenticator = group && this.authenticatorFor(group, tunnel);
    const serverAddress = this.tunnelAddress(this.cfg, tunnel.spec.interfaceName) ?? tunnel.spec.address;
    if (!group || !authenticator || !this.gre) {
      this.count(group ? 'call-no-aaa' : 'call-no-group');
      return { accept: false as const, resultCode: OcrpResult.GeneralError, errorCode: GeneralErrorCode.NoResource };
    }
    // PIX habit: the call id equals the tunnel id when free (seed: Tnl/Cl 42/42).
    const callId = this.callIds.allocate(tunnel.id);
    if (callId === undefined) {
      this.count('call-ids-exhausted');
      return { accept: false as const, resultCode: OcrpResult.GeneralError, errorCode: GeneralErrorCode.NoResource };
    }
    const gre = this.gre;
    const pool = group.addressPool;
    const acctGroup = group.clientAccounting ? this.aaa.get(group.clientAccounting) : undefined;
    const authGroup = group.clientAuthentication?.kind === 'aaa' ? this.aaa.get(group.clientAuthentication.group) : undefined;
    const hooks = new CallLink(this, tunnel, gre, serverAddress, pool);
    call = new ServerCall({
      tunnelId: tunnel.id,
      callId,
      peerCallId,
      peerRecvWindow,
      peerAddress: tunnel.peerAddress,
      ifName: tunnel.spec.interfaceName,
      pppIfId: this.allocatePppIfId(),
      serverAddress,
      group,
      authenticator,
      clock: this.clock,
      wallNow: this.options.wallNow ?? Date.now,
      pppDebug: this.pppDebug,
      greDebug: this.greDebug,
      hooks,
      accounting: acctGroup?.accounting,
      accountingGroup: group.clientAccounting,
      interimSeconds: acctGroup?.config.interimSeconds,
      authentic: authGroup?.protocol === 'radius' ? 'RADIUS' : authGroup ? 'Remote' : 'Local',
      setupTimeoutMs: this.cfg.limits?.setupTimeoutSeconds !== undefined ? this.cfg.limits.setupTimeoutSeconds * 1000 : undefined,
    });
    hooks.call = call;
    authenticator.call = call;
    tunnel.stopTimer?.cancel();
    tunnel.stopTimer = undefined;
    tunnel.calls.set(callId, call);
    this.calls.set(callId, { call, tunnel });
    // The OCRP goes out first; the virtual access opens and PPP starts
    // right after it (the seed prints the line just before the OCRP).
    queueMicrotask(() => {
      if (this.bus.on('vpdn event')) this.bus.debug('vpdn event', 'PPP virtual access open, ifc = 0', { tunnel: tunnel.id });
      call!.start();
    });
    return { accept: true as const, callId };
  }

  /**
   * The client's address (src/server/lease.ts), here or from the primary
   * when this is a worker. An address or pool from AAA that the server
   * cannot give refuses the call (PPP then logs 403108): counted, and the
   * reason said in `debug vpdn error`.
   */
  /** @internal TunnelLink */
  callOf(callId: number): ServerCall | undefined {
    return this.calls.get(callId)?.call;
  }

  /** @internal CallLink */
  clientAddressFor(tunnel: Tunnel, user: string, aaa: AaaAddressing | undefined, groupPool: string | undefined): string | undefined | Promise<string | undefined> {
    const settle = (a: LeaseAnswer): string | undefined => {
      if (a.refused) {
        this.count(a.refused.counter);
        if (this.bus.on('vpdn error')) this.bus.debug('vpdn error', `PPTP: ${a.refused.why}: no address for ${user}`, { tunnel: tunnel.id, user });
      }
      return a.address;
    };
    const req = { user, aaa, groupPool };
    const remote = this.options.leases;
    return remote ? remote.lease(req).then(settle, () => settle({})) : settle(chooseAddress(this.pools, this.cfg.interfaces, req));
  }

  /** @internal CallLink */
  releaseAddress(address: string): void {
    if (this.options.leases) this.options.leases.release(address);
    else this.pools.release(address);
  }

  /** @internal CallLink */
  callUp(tunnel: Tunnel, call: ServerCall, username: string, clientAddress: string, bits: number | undefined): void {
    if (call.clientAddressNumber !== undefined) this.byAddress.set(call.clientAddressNumber, call);
    this.upCalls.add(call);
    this.ended.setups++;
    // Until the kernel has the /32 route, a reply to the client would be
    // lost (or leave by the default route): hold its packets (bounded) until then.
    call.holdUntilRouted = [];
    const release = () => {
      const held = call.holdUntilRouted ?? [];
      call.holdUntilRouted = undefined;
      for (const pkt of held) this.tun?.write(pkt);
    };
    if (!this.tun) release();
    else
      this.tun.addRoute(clientAddress).then(release, (err) => {
        release();
        this.count('tun-route');
        if (this.bus.on('vpdn error')) this.bus.debug('vpdn error', `PPTP: cannot route ${clientAddress} into the tunnel: ${(err as Error).message}`);
      });
    tunnel.reported = true;
    this.bus.syslog(
      603104,
      6,
      `PPTP Tunnel created, tunnel_id is ${tunnel.id}, remote_peer_ip is ${tunnel.peerAddress}, ` +
        `ppp_virtual_interface_id is ${call.options.pppIfId}, client_dynamic_ip is ${clientAddress}, ` +
        `username is ${username}, MPPE_key_strength is ${mppeStrengthText(bits as 40 | 56 | 128 | undefined)}`,
      { tunnel: tunnel.id, user: username },
    );
  }

  /** @internal CallLink */
  callDown(tunnel: Tunnel, call: ServerCall, reason: string): void {
    const callId = call.options.callId;
    if (!this.calls.has(callId)) return;
    this.calls.delete(callId);
    this.options.sessions?.closed();
    tunnel.calls.delete(callId);
    this.callIds.release(callId);
    this.releasePppIfId(call.options.pppIfId);
    callTotals(call, this.ended);
    if (!this.upCalls.has(call)) {
      const why = setupFailureOf(reason);
      this.ended.failures[why] = (this.ended.failures[why] ?? 0) + 1;
    }
    if (call.clientAddress !== undefined && call.clientAddressNumber !== undefined && this.byAddress.get(call.clientAddressNumber) === call) {
      this.byAddress.delete(call.clientAddressNumber);
      this.tun?.removeRoute(call.clientAddress).catch(() => this.count('tun-route'));
    }
    if (this.bus.on('vpdn event')) {
      // Seed 003: "PPTP: Call id 8, no session id protocol: 21, reason: mppe required but not active, tunnel terminated"
      this.bus.debug('vpdn event', `PPTP: Call id ${callId}, no session id protocol: 21, reason: ${reason}, tunnel terminated`, {
        tunnel: tunnel.id,
      });
    }
    if (!tunnel.reported) {
      // The PIX reports the tunnel even when PPP never came up (seed 003):
      // after a failed authentication with 0.0.0.0 and Unknown, after an
      // MPPE failure with the user and the address it had been given.
      tunnel.reported = true;
      const p = call.ppp.status();
      this.bus.syslog(
        603104,
        6,
        `PPTP Tunnel created, tunnel_id is ${tunnel.id}, remote_peer_ip is ${tunnel.peerAddress}, ` +
          `ppp_virtual_interface_id is ${call.options.pppIfId}, client_dynamic_ip is ${p.clientAddress ?? '0.0.0.0'}, ` +
          `username is ${p.username ?? 'Unknown'}, MPPE_key_strength is None`,
        { tunnel: tunnel.id },
      );
    }
    // PPP ended on our side: tell the peer (CDN). A PIX tunnel carries one
    // call, so the tunnel goes too once it has none left.
    tunnel.control.clearCall(callId);
    if (tunnel.calls.size > 0) return;
    if (reason !== 'peer-clear-request') {
      tunnel.control.stop();
      return;
    }
    tunnel.stopTimer?.cancel();
    tunnel.stopTimer = this.clock.setTimer(PEER_STOP_GRACE_MS, () => {
      tunnel.stopTimer = undefined;
      if (tunnel.calls.size === 0) tunnel.control.stop();
    });
  }

  /** @internal TunnelLink */
  tunnelClosed(tunnel: Tunnel): void {
    tunnel.stopTimer?.cancel();
    tunnel.stopTimer = undefined;
    for (const call of [...tunnel.calls.values()]) call.abort('tunnel closed');
    this.tunnels.delete(tunnel.id);
    this.guard.closed(tunnel.peerAddress);
    // Keep the control connection's rejections (e.g. sccrq-timeout) once it is gone.
    for (const [k, v] of Object.entries(tunnel.control.errors)) this.errors[`pptp-${k}`] = (this.errors[`pptp-${k}`] ?? 0) + v;
    if (!tunnel.socket.destroyed) tunnel.socket.end();
    this.bus.syslog(603105, 6, `PPTP Tunnel deleted, tunnel_id = ${tunnel.id}, remote_peer_ip = ${tunnel.peerAddress}`, {
      tunnel: tunnel.id,
    });
  }

  // ---------------------------------------------------------------- data plane

  private receiveGre(pkt: Buffer, from: string, to: string): void {
    const r = decodeGre(pkt);
    if (!r.ok) {
      this.count(`gre-${r.error.code}`);
      if (this.bus.on('vpdn error')) this.bus.debug('vpdn error', `PPTP: bad xGRE pak from ${from}: ${r.error.detail}`);
      return;
    }
    const entry = this.calls.get(r.packet.callId);
    if (!entry || entry.tunnel.peerAddress !== from) {
      this.count('gre-unknown-call');
      if (this.bus.on('vpdn error')) {
        this.bus.debug('vpdn error', `PPTP: xGRE pak from ${from} for unknown call id ${r.packet.callId}, dropped`);
      }
      return;
    }
    entry.tunnel.control.noteActivity();
    if (this.capture.active) this.capture.gre(this.captureCtx(entry.tunnel, entry.call), from, to, pkt);
    entry.call.receiveGre(r.packet);
  }

  /** The TUN device failed (deleted link, write error): counted and logged, the server runs on. */
  private tunError(err: Error): void {
    this.count(isDeviceGone(err) ? 'tun-gone' : 'tun-io');
    if (this.bus.on('vpdn error')) this.bus.debug('vpdn error', `PPTP: TUN${this.tun?.name ? ` ${this.tun.name}` : ''}: ${err.message}`);
  }

  /** An IP packet the client sent: only from its own address (no spoofing). */
  /** @internal CallLink */
  fromClient(call: ServerCall, pkt: Buffer): void {
    if (pkt.length < 20 || (pkt[0] >> 4) !== 4 || pkt.readUInt16BE(2) !== pkt.length) {
      this.count('ip-not-ipv4');
      return;
    }
    call.touch();
    if (pkt.readUInt32BE(12) !== call.clientAddressNumber) {
      this.count('ip-spoofed-source');
      return;
    }
    if (this.capture.active) this.capture.innerIp(this.captureCtx(this.calls.get(call.options.callId)!.tunnel, call), false, pkt);
    if (isDhcpForServer(pkt, call.serverAddressNumber)) {
      this.answerDhcp(call, pkt);
      return;
    }
    if (call.holdUntilRouted) {
      if (call.holdUntilRouted.length < 64) call.holdUntilRouted.push(Buffer.from(pkt));
      else this.count('ip-dropped-before-route');
      return;
    }
    this.tun?.write(pkt);
    this.fastPath?.passed(call);
  }

  /** Split tunnelling: the DHCPINFORM answered with the routes of the call's group, other DHCP dropped. */
  private answerDhcp(call: ServerCall, pkt: Buffer): void {
    const o = call.options;
    const r = serveDhcp(
      {
        tunnelId: o.tunnelId,
        callId: o.callId,
        serverAddress: o.serverAddress,
        clientAddress: call.clientAddress!,
        settings: informSettingsOf(o.group),
        counters: call.dhcp,
        send: (reply) => {
          if (this.capture.active) this.capture.innerIp(this.captureCtx(this.calls.get(o.callId)!.tunnel, call), true, reply);
          call.ppp.sendIp(reply);
        },
      },
      pkt,
      this.bus,
    );
    if (r.kind === 'dropped') this.count(`dhcp-${r.reason}`);
  }

  /** A packet the kernel routed into the TUN: to the client that owns the destination. */
  private receiveTun(pkt: Buffer): void {
    if (pkt.length < 20 || (pkt[0] >> 4) !== 4) return;
    const call = this.byAddress.get(pkt.readUInt32BE(16));
    if (!call) {
      this.count('tun-no-session');
      return;
    }
    if (this.capture.active) this.capture.innerIp(this.captureCtx(this.calls.get(call.options.callId)!.tunnel, call), true, pkt);
    call.touch();
    call.ppp.sendIp(pkt);
  }

  /** @internal CallLink */
  captureCtx(tunnel: Tunnel, call?: ServerCall): CaptureContext {
    const user = call?.username || [...tunnel.calls.values()].find((c) => c.username)?.username || '';
    return { interfaceName: tunnel.spec.interfaceName, tunnel: tunnel.id, user };
  }

  private count(key: string): void {
    this.errors[key] = (this.errors[key] ?? 0) + 1;
  }

  // ---------------------------------------------------------------- shell API

  status(): ServerStatus {
    const tunnels: TunnelStatus[] = [];
    const sessions: SessionStatus[] = [];
    const now = this.clock.now();
    for (const t of this.tunnels.values()) {
      t.calls.forEach((call) => sessions.push(call.status(t.peerAddress)));
      tunnels.push(tunnelStatusInto(blankTunnelStatus(), t, now));
    }
    const dhcp = { informsAnswered: this.ended.dhcpInformsAnswered, dropped: this.ended.dhcpDropped };
    for (const { call } of this.calls.values()) {
      dhcp.informsAnswered += call.dhcp.informsAnswered;
      dhcp.dropped += call.dhcp.dropped;
    }
    const fast = this.fastPath;
    const fastPath = fast && { calls: fast.size, ...fast.stats };
    return { tunnels, sessions, pools: this.pools.status(), listening: this.listeners.list(), errors: this.errorCounts(), dhcp, fastPath };
  }

  /**
   * `show vpdn` read from the live tables: the tunnels and calls of the
   * moment, each block read as it is reached into one tunnel status or one
   * call block filled in again for the next (1,000 calls cost no object
   * each), the clock read once.
   */
  vpdnBlocks(): VpdnBlocks {
    const tunnels = Array.from(this.tunnels.values());
    const calls: ServerCall[] = [];
    const callTunnels: Tunnel[] = [];
    let t: Tunnel;
    const add = (c: ServerCall) => {
      calls.push(c);
      callTunnels.push(t);
    };
    for (t of tunnels) t.calls.forEach(add);
    const now = this.clock.now();
    const tunnel = blankTunnelStatus();
    const addCall = trafficInto(tunnel);
    const call = blankSessionStatus();
    return {
      tunnels: tunnels.length,
      sessions: calls.length,
      tunnelBlocks: readEach(tunnels.length, (i) => tunnelStatusInto(tunnel, tunnels[i], now, addCall)),
      sessionBlocks: readEach(calls.length, (i) => calls[i].blockInto(call, callTunnels[i].peerAddress, now)),
    };
  }

  /** The server's input drops and each control connection's, by reason. */
  private errorCounts(): ErrorCounters {
    const errors: ErrorCounters = { ...this.errors };
    for (const t of this.tunnels.values()) {
      if (t.control.rejections === 0) continue;
      for (const k in t.control.errors) errors[`pptp-${k}`] = (errors[`pptp-${k}`] ?? 0) + t.control.errors[k];
    }
    return errors;
  }

  /**
   * What a metrics scrape reads: counters since start, every call ended
   * and live read in place, CENSUS_CHUNK calls a loop turn so a scrape of
   * 10,000 calls never holds the packets up. The calls and the ended
   * totals are taken at one instant, so a call that ends meanwhile is
   * counted once and every counter only grows.
   */
  async census(perUser: boolean): Promise<ServerCensus> {
    const calls = Array.from(this.calls.values(), (e) => e.call);
    const census = new CallCensus(this.ended, perUser);
    for (let i = 0; i < calls.length; i++) {
      if (i > 0 && i % CENSUS_CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
      census.add(calls[i]);
    }
    return { tunnels: this.tunnels.size, ...census.result(), errors: this.errorCounts(), pools: this.pools.status() };
  }

  async authenticateConsole(tag: string, user: string, password: string): Promise<'accept' | 'reject' | 'unreachable'> {
    const g = this.aaa.get(tag);
    if (!g) return 'unreachable';
    const r = await g.authenticate({ method: 'pap', username: user, password });
    return r.ok ? 'accept' : r.reason === 'unreachable' ? 'unreachable' : 'reject';
  }

  aaaStatus(): AaaGroupStats[] {
    return this.aaa.stats().map((g) => {
      const d = this.dynAuth.statsOf(g.tag);
      return d ? { ...g, dynamicAuthorization: d } : g;
    });
  }

  async startCapture(spec: CaptureSelect): Promise<void> {
    this.capture.start(spec);
  }

  async stopCapture(name: string): Promise<boolean> {
    return this.capture.stop(name);
  }

  async captures(): Promise<CaptureInfo[]> {
    return this.capture.list();
  }

  captureNames(): string[] {
    return this.capture.list().map((c) => c.name);
  }

  async capturePcap(name: string): Promise<Buffer | undefined> {
    return this.capture.pcapng(name);
  }

  /** The accounted calls' accounting as plain data (a worker pushes it to the primary). */
  accountingSnapshots(): AccountingSnapshot[] {
    const out: AccountingSnapshot[] = [];
    for (const { call } of this.calls.values()) {
      const a = call.accountingSnapshot();
      if (a) out.push(a);
    }
    return out;
  }

  /**
   * The Stops of calls another process held (a worker that died), with
   * the counters it last reported; how many were queued.
   */
  accountOrphans(records: readonly AccountingSnapshot[], cause: TerminateCauseName): number {
    const wallNow = this.options.wallNow ?? Date.now;
    let n = 0;
    for (const r of records) {
      const accounting = this.aaa.get(r.group)?.accounting;
      if (!accounting) continue;
      const counters = { ...r.counters };
      const session = r.session.class ? { ...r.session, class: Buffer.from(r.session.class) } : r.session;
      accounting.stop({ ...session, startedAt: this.clock.now() - (wallNow() - r.startedAtWall), counters: () => counters }, cause);
      n++;
    }
    return n;
  }

  /** RFC 5176 Disconnect-Request for call `callId` (a worker's, from the primary's listener); false if unknown. */
  disconnectCall(callId: number): boolean {
    const c = this.calls.get(callId)?.call;
    c?.terminate('Admin-Reset', 'RADIUS Disconnect-Request');
    return c !== undefined;
  }

  /** RFC 5176 CoA: a new Session-Timeout for call `callId`; false if unknown. */
  setCallSessionTimeout(callId: number, seconds: number): boolean {
    const c = this.calls.get(callId)?.call;
    c?.setSessionTimeout(seconds);
    return c !== undefined;
  }

  clearTunnels(id: number | 'all'): number {
    const targets = id === 'all' ? [...this.tunnels.values()] : [this.tunnels.get(id)].filter((t): t is Tunnel => !!t);
    for (const t of targets) t.control.stop();
    return targets.length;
  }

  /** Ends every tunnel (CDN + StopCCRQ), waits briefly for them, closes everything. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.closeAll();
    for (const { call } of this.calls.values()) call.markCause('Admin-Reboot');
    for (const t of this.tunnels.values()) t.control.stop();
    const deadline = Date.now() + 2000;
    while (this.tunnels.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const t of [...this.tunnels.values()]) {
      t.control.close('shutdown');
      t.socket.destroy();
    }
    // Accounting Stop records of the sessions just ended, then Accounting-Off: give them a moment to go out.
    const outstanding = () =>
      this.aaa.stats().reduce((n, g) => n + (g.accounting?.kind === 'radius' ? g.accounting.queued + g.accounting.inFlight : 0), 0);
    const drain = async (ms: number) => {
      const deadline = Date.now() + ms;
      while (outstanding() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    await drain(3000);
    this.aaa.stopAccounting(this.nasSessionId());
    await drain(2000);
    this.dynAuth.close();
    this.aaa.close();
    this.gre?.close();
    this.tun?.close();
  }
}
