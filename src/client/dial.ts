/**
 * Our PPTP client: what a Windows 10 or Linux pptp+pppd client does, in
 * process, for end-to-end tests and the load generator.
 *
 *   TCP connect ─> SCCRQ/SCCRP ─> OCRQ/OCRP (─> SLI, Windows) ─> GRE window
 *     ─> PPP client (LCP, PAP/CHAP/MS-CHAP, CCP+MPPE, IPCP) ─> up
 *
 * dialPptp() resolves once IPCP is up (and CCP settled) and rejects with
 * a DialError naming the reason otherwise. hangup() ends the session the
 * way the clients do: LCP Terminate-Request (and its Ack), Call-Clear-
 * Request, wait for the CDN, StopCCRQ, wait for the StopCCRP, close TCP.
 * When the server ends the call (CDN) the client ends the tunnel too,
 * answering the server's StopCCRQ or sending its own.
 *
 * The protocol engines run on `clock` (a FakeClock in tests). The dial
 * timeout, the hang-up guard and the wait for the server's StopCCRQ run on
 * `waitClock` (real time unless a test drives it): they bound real waits
 * on real sockets. Ping timeouts are icmp-host.ts's.
 */
import net from 'node:net';
import { heldSystemClock, systemClock, type Clock, type Timer } from '../util/clock.js';
import { DebugBus } from '../debug/bus.js';
import type { AuthProtocol, MppeSetting } from '../config/model.js';
import type { GreSocket } from '../proto/gre/socket.js';
import { GreCallWindow, type GreWindowStatus } from '../proto/gre/window.js';
import type { GrePacket } from '../proto/gre/wire.js';
import { CiscoPptpDebug } from '../debug/cisco-pptp.js';
import { CiscoPppDebug } from '../debug/cisco-ppp-session.js';
import { CiscoGreDebug } from '../debug/cisco-gre.js';
import { PptpClientControl, type PptpClientProfile, type ClientState } from '../proto/pptp/client-control.js';
import type { CallDisconnectNotify, OutgoingCallReply } from '../proto/pptp/wire.js';
import { PppSession, type PppStatus, type PppUpInfo } from '../proto/ppp/session.js';
import { ClientGreMux } from './gre-mux.js';
import { DialError, PeerSignals, classifyFailure } from './failure.js';
import { IcmpHost, type PingOptions, type PingResult } from './icmp-host.js';
import { personality, type ClientPersonality, type ProfileName } from './personalities.js';
import { DhcpInformClient, type InformAck } from './dhcp-inform.js';

export interface DialOptions {
  /** IPv4 address of the server (loopback, or an address inside a test namespace). */
  server: string;
  /** Default 1723. */
  port?: number;
  /** GRE transport; several clients may share one (see ClientGreMux). */
  gre: GreSocket;
  /** TCP source address (spreads clients over addresses; must match the GRE source). */
  localAddress?: string;
  username: string;
  password: string;
  profile: ProfileName | PptpClientProfile;
  /** Protocols we accept when the server asks; default from the profile. */
  authProtocols?: AuthProtocol[];
  /** Our MPPE policy; null = refuse encryption (no CCP); default from the profile. */
  mppe?: MppeSetting | null;
  clock?: Clock;
  /** Times the dial timeout and the hang-up guards; default real time (timers that keep the process alive). */
  waitClock?: Clock;
  /** Debug lines of the client's engines (nothing is enabled by default). */
  bus?: DebugBus;
  /** Whole dial, wall-clock. Default 15000 ms. */
  timeoutMs?: number;
  /** false: no DHCPINFORM after IPCP even with the Windows profile. */
  dhcpInform?: boolean;
}

export interface PptpClientStatus {
  state: SessionState;
  control: ClientState;
  callId: number | undefined;
  peerCallId: number | undefined;
  clientAddress: string | undefined;
  serverAddress: string | undefined;
  gre: GreWindowStatus | undefined;
  ppp: PppStatus | undefined;
  controlCounters: { packetsSent: number; packetsReceived: number; bytesSent: number; bytesReceived: number };
  controlErrors: Record<string, number>;
  /** The reason the session ended, once it has. */
  endReason: string | undefined;
  /** What ended the call: the server's CDN (result code), or a local reason. */
  callEnd: { cdnResult?: number; reason: string } | undefined;
  ip: { sent: number; received: number };
}

export interface PptpClient {
  readonly clientAddress: string;
  readonly serverAddress: string;
  readonly dns: string[];
  readonly mppe: { bits: 40 | 56 | 128; stateless: boolean } | null;
  readonly authProtocol: AuthProtocol | undefined;
  /** Our call id (the key of the GRE packets the server sends us). */
  readonly callId: number;
  /** One IP packet into the tunnel; false when not sent (link down, window full). */
  sendIp(packet: Uint8Array): boolean;
  /** IP packets from the tunnel (ICMP echo for us is handled, not passed on). */
  onIp(fn: (packet: Buffer) => void): void;
  ping(dst: string, opts?: PingOptions): Promise<PingResult>;
  status(): PptpClientStatus;
  /** Orderly end (LCP, CCRQ, CDN, StopCCRQ, TCP close); resolves when closed. */
  hangup(): Promise<string>;
  /** Resolves with the reason once everything is closed (also after server-side ends). */
  readonly closed: Promise<string>;
  /** The DHCPACK to the DHCPINFORM the Windows profile sends after IPCP (its routes, DNS
   *  suffix); undefined when the profile sends none or no answer came. */
  readonly informAck: Promise<InformAck | undefined>;
}

type SessionState = 'connecting' | 'control' | 'call' | 'ppp' | 'up' | 'ending' | 'closed';

/** How long hangup() waits for the orderly goodbye before cutting everything. */
const HANGUP_GUARD_MS = 5000;
/** After the server's CDN, how long we wait for its StopCCRQ before sending ours. */
const STOP_AFTER_CDN_MS = 200;
/** GRE packets kept while waiting for the OCRP. */
const MAX_EARLY_GRE = 16;

/** The engines' debug sinks on one bus. */
interface DebugSinks {
  pptp: CiscoPptpDebug;
  ppp: CiscoPppDebug;
  gre: CiscoGreDebug;
}

function debugSinks(bus: DebugBus): DebugSinks {
  return { pptp: new CiscoPptpDebug(bus), ppp: new CiscoPppDebug(bus), gre: new CiscoGreDebug(bus) };
}

/** Without a bus from the caller: one set for every client, on a bus nobody can enable or read. */
const QUIET = debugSinks(new DebugBus());

export function dialPptp(opts: DialOptions): Promise<PptpClient> {
  return new ClientSession(opts).dial();
}

class ClientSession implements PptpClient {
  clientAddress = '';
  serverAddress = '';
  dns: string[] = [];
  mppe: { bits: 40 | 56 | 128; stateless: boolean } | null = null;
  authProtocol: AuthProtocol | undefined;
  callId = 0;
  readonly closed: Promise<string>;
  readonly informAck: Promise<InformAck | undefined>;
  private settleInform!: (a: InformAck | undefined) => void;
  private inform: DhcpInformClient | undefined;

  private state: SessionState = 'connecting';
  private readonly clock: Clock;
  private readonly debug: DebugSinks;
  private readonly persona: ClientPersonality;
  private readonly mux: ClientGreMux;
  private readonly control: PptpClientControl;
  private socket: net.Socket | undefined;
  private serverIp = '';
  private peerCallId: number | undefined;
  private window: GreCallWindow | undefined;
  private ppp: PppSession | undefined;
  private pppEnded = false;
  private pppDownReason: string | undefined;
  private callLive = false;
  private callEnd: { cdnResult?: number; reason: string } | undefined;
  private readonly peer = new PeerSignals();
  /** GRE that came before the OCRP (copies). */
  private early: GrePacket[] = [];
  private host: IcmpHost | undefined;
  private readonly ipHandlers: ((p: Buffer) => void)[] = [];
  private readonly ipCounters = { sent: 0, received: 0 };
  private endReason: string | undefined;
  private resolveClosed!: (reason: string) => void;
  private dialSettle: { resolve(c: PptpClient): void; reject(e: Error): void } | undefined;
  private readonly waitClock: Clock;
  private dialTimer: Timer | undefined;
  private guardTimer: Timer | undefined;
  private stopTimer: Timer | undefined;
  private tearingDown = false;
  private pppClosing = false;
  private clearing = false;
  private callReleased = false;
  /** The server cleared the call: give it a moment to send its StopCCRQ before we send ours. */
  private holdStop = false;

  constructor(private readonly options: DialOptions) {
    this.clock = options.clock ?? systemClock;
    this.waitClock = options.waitClock ?? heldSystemClock;
    this.debug = options.bus ? debugSinks(options.bus) : QUIET;
    this.mux = ClientGreMux.of(options.gre);
    this.closed = new Promise((r) => (this.resolveClosed = r));
    this.informAck = new Promise((r) => (this.settleInform = r));
    const persona = (this.persona = personality(options.profile));
    this.control = new PptpClientControl({
      tunnelId: 0,
      send: (bytes) => {
        if (this.socket && !this.socket.destroyed) this.socket.write(bytes);
      },
      clock: this.clock,
      debug: this.debug.pptp,
      profile: persona.control,
      echoIntervalSeconds: 60,
      callbacks: {
        onEstablished: () => this.openCall(),
        onCallConnected: (call) => this.callConnected(call.callId, call.peerCallId, call.peerRecvWindow),
        onCallFailed: (_id, reply) => this.callFailed(reply),
        onCallCleared: (_id, cdn) => this.callCleared(cdn),
        onClosed: (reason) => this.controlClosed(reason),
      },
    });
  }

  dial(): Promise<PptpClient> {
    return new Promise<PptpClient>((resolve, reject) => {
      this.dialSettle = { resolve, reject };
      this.dialTimer = this.waitClock.setTimer(this.options.timeoutMs ?? 15000, () =>
        this.fail(new DialError('timeout', `not up after ${this.options.timeoutMs ?? 15000} ms (${this.state})`)),
      );
      let socket: net.Socket;
      try {
        socket = net.connect({ host: this.options.server, port: this.options.port ?? 1723, localAddress: this.options.localAddress });
      } catch (err) {
        // Bad address or port: nothing was opened.
        this.dialTimer?.cancel();
        this.dialSettle = undefined;
        this.state = 'closed';
        this.endReason = 'connect-failed';
        this.resolveClosed(this.endReason);
        reject(new DialError('connect-failed', (err as Error).message));
        return;
      }
      this.socket = socket;
      socket.setNoDelay(true);
      socket.on('connect', () => {
        this.serverIp = (socket.remoteAddress ?? this.options.server).replace(/^::ffff:/, '');
        this.state = 'control';
        this.control.start();
      });
      socket.on('data', (chunk) => this.control.receive(chunk));
      socket.on('error', (err) => {
        if (this.state === 'connecting') this.fail(new DialError('connect-failed', (err as NodeJS.ErrnoException).code ?? err.message));
      });
      socket.on('close', () => this.socketClosed());
    });
  }

  // ---------------------------------------------------------------- setup

  private openCall(): void {
    const id = this.mux.allocateCallId();
    if (id === undefined) {
      this.fail(new DialError('no-call-id', 'all 65535 call ids of this GRE socket are in use'));
      return;
    }
    this.callId = id;
    this.state = 'call';
    this.callLive = true;
    // The server starts PPP right after its OCRP, and GRE may overtake
    // the OCRP on TCP: keep what arrives early and replay it.
    this.mux.attach(id, this.serverIp, (pkt) => this.greIn(pkt));
    this.control.openCall(id);
  }

  private callConnected(callId: number, peerCallId: number, peerRecvWindow: number): void {
    this.peerCallId = peerCallId;
    const persona = this.persona;
    const window = new GreCallWindow({
      clock: this.clock,
      debug: this.debug.gre,
      ifName: 'client',
      peerAddress: this.serverIp,
      tunnelId: callId,
      callId,
      peerCallId,
      peerRecvWindow,
      localRecvWindow: persona.control.recvWindowSize,
      initialSeq: persona.control.initialGreSeq,
      send: (pkt) => this.mux.send(this.serverIp, pkt),
    });
    this.window = window;
    const mppe = this.options.mppe === null ? undefined : (this.options.mppe ?? persona.mppe);
    const ppp = new PppSession({
      role: 'client',
      pppIfId: callId,
      tunnelId: callId,
      send: (frame) => window.send(frame),
      clock: this.clock,
      debug: this.debug.ppp,
      ifName: 'client',
      group: { authProtocols: this.options.authProtocols ?? persona.authProtocols, mppe, dns: [], wins: [] },
      credentials: { username: this.options.username, password: this.options.password },
      onUp: (info) => this.pppUp(info),
      onDown: (reason) => this.pppDown(reason),
      onIpPacket: (pkt) => this.ipIn(pkt),
    });
    this.ppp = ppp;
    this.state = 'ppp';
    ppp.start();
    const early = this.early;
    this.early = [];
    for (const pkt of early) this.greIn(pkt);
  }

  private greIn(pkt: GrePacket): void {
    const window = this.window;
    const ppp = this.ppp;
    if (!window || !ppp) {
      if (this.early.length < MAX_EARLY_GRE) this.early.push({ ...pkt, payload: Buffer.from(pkt.payload) });
      return;
    }
    this.control.noteActivity();
    if (!window.receive(pkt) || pkt.payload.length === 0) return;
    if (this.state !== 'up' && !this.pppEnded) this.peer.observe(pkt.payload, () => ppp.status().phase);
    ppp.input(pkt.payload);
  }

  private pppUp(info: PppUpInfo): void {
    this.clientAddress = info.clientAddress;
    this.serverAddress = info.serverAddress;
    this.dns = info.dns ?? [];
    this.mppe = info.mppe ? { bits: info.mppe.bits, stateless: info.mppe.stateless } : null;
    this.authProtocol = info.authProtocol;
    this.host = new IcmpHost(info.clientAddress, (p) => this.sendIp(p));
    this.state = 'up';
    this.startInform(info.clientAddress);
    this.dialTimer?.cancel();
    this.dialTimer = undefined;
    const settle = this.dialSettle;
    this.dialSettle = undefined;
    settle?.resolve(this);
  }

  private startInform(clientAddress: string): void {
    const identity = this.persona.dhcpInform;
    if (!identity || this.options.dhcpInform === false) return this.settleInform(undefined);
    const xid = (Math.random() * 0x100000000) >>> 0;
    this.inform = new DhcpInformClient(clientAddress, identity, xid, this.clock, (p) => this.sendIp(p));
    void this.inform.answer.then(this.settleInform);
    this.inform.start();
  }

  // ---------------------------------------------------------------- data

  sendIp(packet: Uint8Array): boolean {
    if (this.state !== 'up' || !this.ppp) return false;
    const ok = this.ppp.sendIp(Buffer.isBuffer(packet) ? packet : Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength));
    if (ok) this.ipCounters.sent++;
    return ok;
  }

  onIp(fn: (packet: Buffer) => void): void {
    this.ipHandlers.push(fn);
  }

  private ipIn(pkt: Buffer): void {
    this.ipCounters.received++;
    if (this.inform?.receive(pkt)) return;
    if (this.host?.receive(pkt)) return;
    for (const fn of this.ipHandlers) fn(pkt);
  }

  ping(dst: string, opts?: PingOptions): Promise<PingResult> {
    if (!this.host || this.state !== 'up') return Promise.resolve({ sent: 0, received: 0, rttMs: [] });
    return this.host.ping(dst, opts);
  }

  status(): PptpClientStatus {
    return {
      state: this.state,
      control: this.control.currentState,
      callId: this.callId || undefined,
      peerCallId: this.peerCallId,
      clientAddress: this.clientAddress || undefined,
      serverAddress: this.serverAddress || undefined,
      gre: this.window?.status(),
      ppp: this.ppp?.status(),
      controlCounters: { ...this.control.counters },
      controlErrors: { ...this.control.errors },
      endReason: this.endReason,
      callEnd: this.callEnd,
      ip: { ...this.ipCounters },
    };
  }

  // ---------------------------------------------------------------- ending

  hangup(): Promise<string> {
    if (this.state === 'closed') return this.closed;
    this.guardTimer ??= this.waitClock.setTimer(HANGUP_GUARD_MS, () => this.cutOff('hangup timed out'));
    this.beginTeardown('user request');
    return this.closed;
  }

  private fail(err: DialError): void {
    const settle = this.dialSettle;
    this.dialSettle = undefined;
    this.dialTimer?.cancel();
    this.dialTimer = undefined;
    if (settle) settle.reject(err);
    if (err.reason === 'timeout' || err.reason === 'connect-failed') {
      this.cutOff(err.message);
      return;
    }
    this.guardTimer ??= this.waitClock.setTimer(HANGUP_GUARD_MS, () => this.cutOff('teardown timed out'));
    this.beginTeardown(err.message);
  }

  /** Not up yet and something ended: reject the dial with the best reason known. */
  private failFromEvidence(): void {
    if (!this.dialSettle) return;
    this.fail(classifyFailure({ peer: this.peer, pppDown: this.pppDownReason, lowerLayer: this.callEnd?.reason ?? this.endReason }));
  }

  private beginTeardown(reason: string): void {
    if (this.state === 'closed') return;
    this.endReason ??= reason;
    this.tearingDown = true;
    if (this.state !== 'connecting') this.state = 'ending';
    this.advanceTeardown();
  }

  /** One step of the goodbye, called again after each event it waits for. */
  private advanceTeardown(): void {
    if (!this.tearingDown || this.state === 'closed') return;
    if (this.ppp && !this.pppEnded && this.callLive) {
      if (!this.pppClosing) {
        this.pppClosing = true;
        this.ppp.close(this.endReason ?? 'user request');
      }
      return;
    }
    if (this.callLive) {
      if (!this.clearing) {
        this.clearing = true;
        if (this.peerCallId === undefined) {
          // The OCRP never came: nothing to clear on the wire.
          this.callLive = false;
          this.releaseCall();
        } else {
          this.control.clearCall(this.callId);
        }
        this.advanceTeardown();
      }
      return;
    }
    if (!this.control.isClosed) {
      if (this.holdStop) return;
      if (this.control.currentState === 'estabd') this.control.stop();
      else if (this.control.currentState !== 'wt-stop-reply') this.control.close('local');
      return;
    }
    this.endSocket();
  }

  private callFailed(reply: OutgoingCallReply | 'timeout'): void {
    this.callLive = false;
    this.releaseCall();
    const detail = reply === 'timeout' ? 'no OCRP' : `OCRP result ${reply.resultCode}, error ${reply.errorCode}`;
    this.callEnd = { reason: detail, cdnResult: undefined };
    this.fail(new DialError('call-refused', detail));
  }

  private callCleared(cdn: CallDisconnectNotify | string): void {
    this.callLive = false;
    this.callEnd ??= typeof cdn === 'string' ? { reason: cdn } : { reason: `CDN result ${cdn.resultCode}`, cdnResult: cdn.resultCode };
    this.abortPpp(this.callEnd.reason);
    this.releaseCall();
    if (!this.clearing && typeof cdn !== 'string') {
      // The server ended the call: it normally follows with StopCCRQ; ours goes out only if it does not.
      this.holdStop = true;
      this.stopTimer = this.waitClock.setTimer(STOP_AFTER_CDN_MS, () => {
        this.stopTimer = undefined;
        this.holdStop = false;
        this.advanceTeardown();
      });
    }
    if (this.dialSettle) {
      this.failFromEvidence();
      return;
    }
    this.beginTeardown(`call cleared by the server (${this.callEnd.reason})`);
  }

  /** End PPP from below (no LCP goodbye); its onDown is ours, not news. */
  private abortPpp(reason: string): void {
    this.host?.dispose();
    this.inform?.dispose();
    if (!this.ppp || this.pppEnded) return;
    this.pppEnded = true;
    this.ppp.abort(reason);
  }

  private pppDown(reason: string): void {
    if (this.pppEnded) return;
    this.pppEnded = true;
    this.pppDownReason = reason;
    this.host?.dispose();
    this.inform?.dispose();
    if (this.dialSettle) {
      this.failFromEvidence();
      return;
    }
    this.beginTeardown(reason);
  }

  private controlClosed(reason: string): void {
    this.callLive = false;
    this.releaseCall();
    this.abortPpp(`tunnel closed (${reason})`);
    this.endReason ??= `tunnel closed (${reason})`;
    if (this.dialSettle) {
      if (this.state === 'control') this.fail(new DialError('control-refused', reason));
      else this.failFromEvidence();
    }
    this.endSocket();
  }

  /** Once: the GRE window stops and the call id goes back to the mux. */
  private releaseCall(): void {
    if (!this.callId || this.callReleased) return;
    this.callReleased = true;
    this.window?.close();
    this.mux.release(this.callId);
  }

  private endSocket(): void {
    this.stopTimer?.cancel();
    this.stopTimer = undefined;
    const s = this.socket;
    if (s && !s.destroyed) s.end();
  }

  /** Give up on the goodbye: stop every engine and drop the connection. */
  private cutOff(reason: string): void {
    this.endReason ??= reason;
    this.abortPpp(reason);
    this.callLive = false;
    this.releaseCall();
    if (!this.control.isClosed) this.control.close(reason);
    this.socket?.destroy();
  }

  private socketClosed(): void {
    if (this.state === 'closed') return;
    if (!this.control.isClosed) this.control.close('tcp-closed');
    this.abortPpp('tcp closed');
    this.releaseCall();
    this.guardTimer?.cancel();
    this.stopTimer?.cancel();
    this.dialTimer?.cancel();
    this.guardTimer = this.stopTimer = this.dialTimer = undefined;
    this.endReason ??= 'tcp closed';
    if (this.dialSettle) {
      const settle = this.dialSettle;
      this.dialSettle = undefined;
      settle.reject(this.state === 'connecting' ? new DialError('connect-failed', 'connection closed') : classifyFailure({ peer: this.peer, pppDown: this.pppDownReason, lowerLayer: this.endReason }));
    }
    this.state = 'closed';
    this.inform?.dispose();
    this.settleInform(undefined);
    this.resolveClosed(this.endReason);
  }
}
