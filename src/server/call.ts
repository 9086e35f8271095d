/**
 * One PPTP call on the server: the GRE window and the PPP session that
 * rides on it, with the group settings captured when the call arrived
 * (later config changes apply to new calls only).
 */
import { randomBytes } from 'node:crypto';
import type { Clock, Timer } from '../util/clock.js';
import type { PppDebugSink } from '../proto/ppp/debug-events.js';
import type { GreDebugSink } from '../proto/gre/debug-events.js';
import type { VpdnGroup } from '../config/model.js';
import type { Authenticator } from '../proto/authenticator.js';
import { blankSessionStatus, type CallBlock, type SessionStatus } from './api.js';
import type { GrePacket } from '../proto/gre/wire.js';
import { GreCallWindow, type GreWindowOptions } from '../proto/gre/window.js';
import { PppSession, type PppUpInfo } from '../proto/ppp/session.js';
import type { AaaAddressing, PppGroupSettings, PppSessionOptions } from '../proto/ppp/session-api.js';
import type { AaaAccounting, AccountingSession, SessionCounters, TerminateCauseName } from './aaa/group.js';
import { ipToNumber } from '../proto/ip/ipv4.js';
import type { DhcpCounters } from './dhcp.js';

export interface ServerCallOptions {
  tunnelId: number;
  callId: number;
  peerCallId: number;
  peerRecvWindow: number;
  peerAddress: string;
  ifName: string;
  pppIfId: number;
  serverAddress: string;
  group: VpdnGroup;
  authenticator: Authenticator;
  clock: Clock;
  /** Epoch milliseconds (the Acct-Session-Id's time part). */
  wallNow: () => number;
  /** the PPP session's debug and syslog events (CiscoPppDebug) */
  pppDebug: PppDebugSink;
  /** the GRE window's (CiscoGreDebug) */
  greDebug: GreDebugSink;
  /** What the call asks of the server. */
  hooks: ServerCallHooks;
  /** `client accounting GROUP`: Start/Interim/Stop for this call, and GROUP's tag. */
  accounting?: AaaAccounting;
  accountingGroup?: string;
  interimSeconds?: number;
  /** 'RADIUS' when the user came from an aaa-server group. */
  authentic: 'RADIUS' | 'Local' | 'Remote';
  /** `vpdn limit setup-timeout`: PPP must be up within this many ms. */
  setupTimeoutMs?: number;
}

/**
 * The server's side of a call: one object per call whose methods live on
 * its class's prototype (no closures per call: 10,000 calls in
 * bench/sessions.bench.ts).
 */
export interface ServerCallHooks {
  sendGre(packet: Buffer): void;
  allocateAddress(username: string, aaa?: AaaAddressing): string | undefined | Promise<string | undefined>;
  releaseAddress(address: string): void;
  onUp(call: ServerCall, info: PppUpInfo): void;
  onDown(call: ServerCall, reason: string): void;
  onIpPacket(call: ServerCall, packet: Buffer): void;
  /** The call changes or ends: its receive state back from the native fast path, if it is there. */
  leaveFastPath(call: ServerCall): void;
}

/** The GRE window's options: the call names it in debug events, and its packets go to the server. */
class CallGreOptions implements GreWindowOptions {
  readonly clock: Clock;
  readonly debug: GreDebugSink;
  readonly ifName: string;
  readonly peerAddress: string;
  readonly tunnelId: number;
  readonly callId: number;
  readonly peerCallId: number;
  peerRecvWindow: number;
  private readonly hooks: ServerCallHooks;

  constructor(o: ServerCallOptions) {
    this.clock = o.clock;
    this.debug = o.greDebug;
    this.ifName = o.ifName;
    this.peerAddress = o.peerAddress;
    this.tunnelId = o.tunnelId;
    this.callId = o.callId;
    this.peerCallId = o.peerCallId;
    this.peerRecvWindow = o.peerRecvWindow;
    this.hooks = o.hooks;
  }

  send(packet: Buffer): void {
    this.hooks.sendGre(packet);
  }
}

/** The PPP session's options, its callbacks as methods into the call. */
class CallPppOptions implements PppSessionOptions {
  readonly role = 'server' as const;
  readonly pppIfId: number;
  readonly clock: Clock;
  readonly debug: PppDebugSink;
  readonly ifName: string;
  readonly tunnelId: number;
  readonly group: PppGroupSettings;
  readonly authenticator: Authenticator;
  readonly mppeKeySource: 'radius' | 'local';

  constructor(
    private readonly call: ServerCall,
    o: ServerCallOptions,
  ) {
    const g = o.group;
    this.pppIfId = o.pppIfId;
    this.clock = o.clock;
    this.debug = o.pppDebug;
    this.ifName = o.ifName;
    this.tunnelId = o.tunnelId;
    this.group = { authProtocols: g.authentication, mppe: g.mppe, dns: g.dns, wins: g.wins, localAddress: o.serverAddress };
    this.authenticator = o.authenticator;
    // A RADIUS group is the only source of MPPE keys: the server never has the password.
    this.mppeKeySource = o.authentic === 'RADIUS' ? 'radius' : 'local';
  }

  send(frame: Buffer): void {
    this.call.window.send(frame);
  }
  allocateAddress(username: string, aaa?: AaaAddressing): string | undefined | Promise<string | undefined> {
    return this.call.options.hooks.allocateAddress(username, aaa);
  }
  releaseAddress(address: string): void {
    this.call.options.hooks.releaseAddress(address);
  }
  onUp(info: PppUpInfo): void {
    this.call.pppUp(info);
  }
  onDown(reason: string): void {
    this.call.pppDown(reason);
  }
  onIpPacket(packet: Buffer): void {
    this.call.options.hooks.onIpPacket(this.call, packet);
  }
}

/**
 * A call's accounting as plain data: what another process needs to send
 * the call's Stop (src/server/workers/: the worker that held it died).
 */
export interface AccountingSnapshot {
  /** The `client accounting` group's tag. */
  group: string;
  session: Omit<AccountingSession, 'counters' | 'startedAt'>;
  counters: SessionCounters;
  /** Epoch milliseconds of the Start: clocks of two processes do not compare. */
  startedAtWall: number;
}

/**
 * Why a call ended, as RADIUS Acct-Terminate-Cause, from the reason its
 * end came with (the PPP session's, or the control connection's via
 * onCallClear). Ends the server chose itself (Session-/Idle-Timeout,
 * Disconnect-Request, shutdown) carry their cause directly.
 */
export function causeOf(reason: string): TerminateCauseName {
  // The client hung up: its LCP Terminate-Request, its Call-Clear-Request / CDN
  // (which usually arrives before the terminated LCP has finished), or its
  // StopCCRQ (a Windows PC shutting down sends "local shutdown").
  if (/peer requested|peer-clear-request|peer-disconnect|peer-stop|peer-shutdown|call cleared by peer|ccrq|cdn/i.test(reason)) return 'User-Request';
  if (/tcp|tunnel closed|echo|not responding|lost/i.test(reason)) return 'Lost-Carrier';
  if (/tunnel-stop|admin|clear/i.test(reason)) return 'Admin-Reset';
  if (/framing-error|bad-version/i.test(reason)) return 'Port-Error';
  if (/shutdown/i.test(reason)) return 'NAS-Reboot';
  if (/authentication/i.test(reason)) return 'User-Error';
  return 'NAS-Request';
}

/** Differs between server processes started in the same second (many NASes, one RADIUS). */
const PROCESS_TAG = randomBytes(3).toString('hex').toUpperCase();

/** Acct-Session-Id: start second, process tag, call id (unique per NAS and over restarts). */
export function newAcctSessionId(callId: number, now: number): string {
  return `${Math.floor(now).toString(16).toUpperCase().padStart(8, '0')}${PROCESS_TAG}${callId.toString(16).toUpperCase().padStart(4, '0')}`;
}

export class ServerCall {
  readonly window: GreCallWindow;
  readonly ppp: PppSession;
  readonly createdAt: number;
  changedAt: number;
  state: 'wt-vacc' | 'estabd' = 'wt-vacc';
  clientAddress: string | undefined;
  /** clientAddress as a 32-bit number: the per-packet checks compare it with header octets. */
  clientAddressNumber: number | undefined;
  /** Packets passed the JavaScript way since the native fast path last had the call (src/server/fast-path.ts). */
  jsPathPackets = 0;
  username = '';
  readonly acctSessionId: string;
  /** Packets from the client waiting for its route into the TUN (server). */
  holdUntilRouted: Buffer[] | undefined;
  /** clock time of the last inner IP packet either way (Idle-Timeout) */
  lastActivity: number;
  /** The server's PPP address as a 32-bit number: DHCP to it is the server's to answer. */
  readonly serverAddressNumber: number | undefined;
  /** DHCPINFORMs answered and DHCP packets dropped (split tunnelling, src/server/dhcp.ts). */
  readonly dhcp: DhcpCounters = { informsAnswered: 0, dropped: 0 };
  private ended = false;
  private cause: TerminateCauseName | undefined;
  private acct: AccountingSession | undefined;
  private startedAtWall = 0;
  private readonly timers: Timer[] = [];
  private sessionTimer: Timer | undefined;

  constructor(readonly options: ServerCallOptions) {
    this.createdAt = this.changedAt = this.lastActivity = options.clock.now();
    this.acctSessionId = newAcctSessionId(options.callId, options.wallNow() / 1000);
    this.serverAddressNumber = ipToNumber(options.serverAddress);
    this.window = new GreCallWindow(new CallGreOptions(options));
    this.ppp = new PppSession(new CallPppOptions(this, options));
  }

  start(): void {
    if (this.options.setupTimeoutMs) {
      this.timers.push(
        this.options.clock.setTimer(this.options.setupTimeoutMs, () => {
          if (this.state !== 'estabd') this.terminate('NAS-Request', 'setup timeout');
        }),
      );
    }
    this.ppp.start();
  }

  /** End the call from our side with a known cause (LCP Terminate, then CDN). */
  terminate(cause: TerminateCauseName, reason: string): void {
    this.cause ??= cause;
    this.options.hooks.leaveFastPath(this);
    this.ppp.close(reason);
  }

  /** The reason an end that is coming will be accounted with (e.g. shutdown). */
  markCause(cause: TerminateCauseName): void {
    this.cause ??= cause;
  }

  /** Inner traffic seen (for Idle-Timeout). */
  touch(): void {
    this.lastActivity = this.options.clock.now();
  }

  /** Session-Timeout (seconds) from now; a later one (RFC 5176 CoA) replaces the earlier. */
  setSessionTimeout(seconds: number): void {
    this.sessionTimer?.cancel();
    this.sessionTimer = this.options.clock.setTimer(seconds * 1000, () => this.terminate('Session-Timeout', 'session timeout'));
  }

  /** PPP is up (CallPppOptions.onUp). */
  pppUp(info: PppUpInfo): void {
    const o = this.options;
    this.state = 'estabd';
    this.changedAt = this.lastActivity = o.clock.now();
    this.clientAddress = info.clientAddress;
    this.clientAddressNumber = ipToNumber(info.clientAddress);
    this.username = info.username;
    const auth = info.auth;
    if (auth?.sessionTimeout) this.setSessionTimeout(auth.sessionTimeout);
    if (auth?.idleTimeout) this.watchIdle(auth.idleTimeout * 1000);
    if (o.accounting) {
      this.acct = {
        sessionId: this.acctSessionId,
        username: info.username,
        startedAt: o.clock.now(),
        framedIp: info.clientAddress,
        callingStationId: o.peerAddress,
        nasPort: o.pppIfId,
        class: auth?.class,
        authentic: o.authentic,
        counters: () => {
          const p = this.ppp.status();
          return { inputOctets: p.bytesIn, outputOctets: p.bytesOut, inputPackets: p.packetsIn, outputPackets: p.packetsOut };
        },
      };
      this.startedAtWall = o.wallNow();
      o.accounting.start(this.acct);
      // RFC 2869 5.16: the server's Acct-Interim-Interval wins; below 60 s it SHOULD NOT be.
      const interim = auth?.acctInterimInterval !== undefined ? Math.max(60, auth.acctInterimInterval) : o.interimSeconds;
      if (interim) this.interim(interim * 1000);
    }
    o.hooks.onUp(this, info);
  }

  private interim(ms: number): void {
    this.timers.push(
      this.options.clock.setTimer(ms, () => {
        if (this.ended || !this.acct) return;
        this.options.accounting?.interim(this.acct);
        this.interim(ms);
      }),
    );
  }

  private watchIdle(ms: number): void {
    this.timers.push(
      this.options.clock.setTimer(Math.max(1000, ms - (this.options.clock.now() - this.lastActivity)), () => {
        if (this.ended) return;
        if (this.options.clock.now() - this.lastActivity >= ms) this.terminate('Idle-Timeout', 'idle timeout');
        else this.watchIdle(ms);
      }),
    );
  }

  /** This call's accounting as plain data, while it is accounted and up. */
  accountingSnapshot(): AccountingSnapshot | undefined {
    const group = this.options.accountingGroup;
    if (!this.acct || this.ended || !group) return undefined;
    const { counters, startedAt: _, ...session } = this.acct;
    return { group, session, counters: counters(), startedAtWall: this.startedAtWall };
  }

  /** A GRE packet whose key is our call id, from the right peer. */
  receiveGre(pkt: GrePacket): void {
    if (this.window.receive(pkt) && pkt.payload.length > 0) this.ppp.input(pkt.payload);
  }

  /** The call is going away from below (CCRQ, CDN, tunnel gone): no LCP goodbye. */
  abort(reason: string, cause?: TerminateCauseName): void {
    this.cause ??= cause;
    if (!this.ended) this.ppp.abort(reason);
    this.end(reason);
  }

  /** PPP is down (CallPppOptions.onDown). */
  pppDown(reason: string): void {
    this.end(reason);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.options.hooks.leaveFastPath(this);
    for (const t of this.timers) t.cancel();
    this.sessionTimer?.cancel();
    this.window.close();
    if (this.acct) this.options.accounting?.stop(this.acct, this.cause ?? causeOf(reason));
    this.options.hooks.onDown(this, reason);
  }

  /** A snapshot of this call: a status object of its own, its DHCP counters copied. */
  status(tunnelRemote: string): SessionStatus {
    const s = this.statusInto(blankSessionStatus(), tunnelRemote, this.options.clock.now());
    s.dhcp = { ...this.dhcp };
    return s;
  }

  /**
   * What `show vpdn` prints of this call, written into `o`: it reads every
   * call (1,000 of them on a busy box) into one object, and touches no
   * more of each call's objects than the block needs: under traffic they
   * are out of the cache, and reading the whole status cost 0.64 ms of CPU
   * for 1,000 calls against 0.44 (bench/shell-latency).
   */
  blockInto(o: CallBlock, tunnelRemote: string, now: number): CallBlock {
    const w = this.window;
    const gre = w.counters;
    const opt = this.options;
    o.callId = opt.callId;
    o.tunnelId = opt.tunnelId;
    o.remoteAddress = tunnelRemote;
    o.username = this.ppp.peerName ?? this.username;
    o.state = this.state;
    o.sinceChange = now - this.changedAt;
    o.interfaceName = opt.ifName;
    o.remoteCallId = opt.peerCallId;
    o.pppInterfaceId = opt.pppIfId;
    o.packetsSent = gre.packetsSent;
    o.packetsReceived = gre.packetsReceived;
    o.bytesSent = gre.bytesSent;
    o.bytesReceived = gre.bytesReceived;
    o.seq = w.seq;
    o.ack = w.ack;
    o.ackReceived = w.acknowledged;
    o.peerRecvWindow = opt.peerRecvWindow;
    o.outOfOrder = gre.outOfOrder;
    return o;
  }

  /**
   * This call's status written into `o`, read in place field by field
   * (`now`: the clock, read once for all the calls); `dhcp` is the live
   * counters, not a copy.
   */
  statusInto(o: SessionStatus, tunnelRemote: string, now: number): SessionStatus {
    this.blockInto(o, tunnelRemote, now);
    const p = this.ppp;
    o.acctSessionId = this.acctSessionId;
    o.authProtocol = p.authLabel;
    o.serverAddress = p.serverAddress;
    o.clientAddress = p.clientAddressAgreed;
    o.mppe = p.mppeAgreed;
    o.encryptedPackets = p.traffic.encrypted;
    o.decryptedPackets = p.traffic.decrypted;
    o.group = this.options.group.name;
    o.dhcp = this.dhcp;
    return o;
  }
}
