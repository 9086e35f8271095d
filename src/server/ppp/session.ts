/**
 * One PPP link over a PPTP call, either end (RFC 1661 section 3.2 phases):
 *
 *   Dead -> Establish (LCP) -> Authenticate (PAP/CHAP) -> Network (IPCP, CCP)
 *     ^                                                        |
 *     +--------------------- Terminate <-----------------------+
 *
 * The session owns no socket and no clock: frames go out through `send`,
 * time comes from `clock`, debug lines go to the DebugBus. Frames come in
 * through `input`, IP packets through `sendIp`; decrypted IP packets go up
 * through `onIpPacket`.
 *
 * Demux (pppd main.c): LCP always; PAP/CHAP from the Authenticate phase;
 * IPCP, CCP, IP and MPPE only in the Network phase (earlier ones are
 * dropped and counted); anything else is Protocol-Rejected while LCP is
 * Opened. IPCP and CCP negotiate side by side, so a Windows IPCP request
 * sent together with its CCP request is answered at once. The link is
 * reported up when IPCP is open and CCP has settled. With MPPE on, IP only
 * travels encrypted.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, Timer } from '../../util/clock.js';
import type { DebugBus, DebugCategory, DebugContext } from '../../debug/bus.js';
import type { AuthProtocol, MppeSetting } from '../../config/model.js';
import type { Authenticator, MppeMasterKeys } from '../aaa/authenticator.js';
import { CP_CODE, PPP_PROTO, decodeCp, decodeFrame, encodeFrame, type FrameCompression } from './frame.js';
import type { FsmTrace } from './fsm.js';
import { Lcp } from './lcp.js';
import { Ipcp } from './ipcp.js';
import { Ccp, policyMppeNegotiation, type MppeAgreed, type MppeNegotiation } from './ccp.js';
import { MppeDecryptor, MppeEncryptor } from './mppe.js';
import type { AuthContext, AuthEngine, AuthFailureKind, AuthOutcome, AuthSuccess } from './auth/common.js';
import { PapClient, PapServer } from './auth/pap.js';
import { ChapClient, ChapServer } from './auth/chap.js';
import { CHAP_DIGESTS } from './auth/digests.js';
import {
  cpPacketLines,
  ioEncrLine,
  ioIpLine,
  ioRcvdLines,
  ioXmitLine,
  phaseLine,
  protocolName,
  stateLine,
  timeoutLine,
  type PppPhase,
} from './print.js';

export type { PppPhase };

/** The vpdn group settings a session runs with. */
export interface PppGroupSettings {
  /** server: protocols to require, in order (empty = PIX default PAP); client: protocols we accept */
  authProtocols: readonly AuthProtocol[];
  mppe?: MppeSetting;
  /** `client configuration dns` / `wins` (server) */
  dns: readonly string[];
  wins: readonly string[];
  /** server: our address in IPCP (the `vpdn enable` interface address) */
  localAddress?: string;
}

export interface PppUpInfo {
  username: string;
  clientAddress: string;
  serverAddress: string;
  authProtocol: AuthProtocol | undefined;
  mppe: MppeAgreed | null;
  /** server: what the backend returned (Session-Timeout, Class ...) */
  auth?: AuthSuccess;
  /** client: name servers the server gave us */
  dns?: string[];
}

export interface PppSessionOptions {
  role: 'server' | 'client';
  /** PPP virtual interface id (`pppdev: 1`, `Vi1`) */
  pppIfId: number;
  /** one PPP frame to the lower layer (GRE) */
  send(frame: Buffer): void;
  clock: Clock;
  debug: DebugBus;
  /** the `vpdn enable` interface (status only) */
  ifName: string;
  group: PppGroupSettings;
  /** server role */
  authenticator?: Authenticator;
  /** client role */
  credentials?: { username: string; password: string };
  /** server role: an address for the user (framedIp from AAA wins), undefined = none left */
  allocateAddress?(username: string, framedIp?: string): string | undefined;
  releaseAddress?(addr: string): void;
  onUp(info: PppUpInfo): void;
  onDown(reason: string): void;
  onIpPacket(packet: Buffer): void;
  /** for debug filters (`Tnl 42`) */
  tunnelId?: number;
  /** LCP tunables */
  mru?: number | null;
  echoIntervalMs?: number;
  echoFailures?: number;
  /** give up when authentication has not finished after this long (default 30 s) */
  authTimeoutMs?: number;
  /** CHAP name in our Challenges (PIX 6.3: none) */
  chapName?: string;
  /** MPPE option logic (default: policyMppeNegotiation) */
  mppeNegotiation?(setting: MppeSetting): MppeNegotiation;
  random?(n: number): Buffer;
  random32?(): number;
}

/** For `show vpdn pppinterface` / `show vpdn session`. */
export interface PppStatus {
  pppIfId: number;
  phase: PppPhase;
  lcp: string;
  ipcp: string;
  ccp: string;
  username?: string;
  /** 'PAP' | 'CHAP' | 'MSCHAP' | 'MSCHAP-V2' */
  authProtocol?: string;
  serverAddress?: string;
  clientAddress?: string;
  mppe: { bits: 40 | 56 | 128; stateful: boolean } | null;
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  encryptedPackets: number;
  decryptedPackets: number;
  /** rejected or dropped input by reason */
  errors: Record<string, number>;
}

const AUTH_LABEL: Record<AuthProtocol, string> = { pap: 'PAP', chap: 'CHAP', mschap: 'MSCHAP', 'mschap-v2': 'MSCHAP-V2' };
const IP_PREFIX = Buffer.from([0x00, 0x21]);

export class PppSession {
  private phase: PppPhase = 'dead';
  private readonly lcp: Lcp;
  private ipcp: Ipcp | undefined;
  private ccp: Ccp | undefined;
  private auth: AuthEngine | undefined;
  private authTimer: Timer | undefined;
  private readonly ifLabel: string;
  private readonly random: (n: number) => Buffer;
  private started = false;
  private ended = false;
  private reportedUp = false;
  private ccpSettled = false;
  private closeReason: string | undefined;
  private username: string | undefined;
  private authProtocol: AuthProtocol | undefined;
  private authResult: AuthSuccess | undefined;
  private mppeKeys: MppeMasterKeys | undefined;
  private clientAddress: string | undefined;
  private encryptor: MppeEncryptor | undefined;
  private decryptor: MppeDecryptor | undefined;
  private mppe: MppeAgreed | null = null;
  private readonly counters = { packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0, encrypted: 0, decrypted: 0 };
  private readonly errors: Record<string, number> = {};

  constructor(private readonly opts: PppSessionOptions) {
    if (opts.role === 'server' && !opts.authenticator) throw new Error('a server PppSession needs an authenticator');
    if (opts.role === 'client' && !opts.credentials) throw new Error('a client PppSession needs credentials');
    this.ifLabel = `Vi${opts.pppIfId}`;
    this.random = opts.random ?? ((n) => randomBytes(n));
    const authProtocols = opts.group.authProtocols.length
      ? opts.group.authProtocols
      : opts.role === 'server'
        ? (['pap'] as const)
        : (['mschap-v2', 'mschap', 'chap', 'pap'] as const);
    this.lcp = new Lcp(
      {
        role: opts.role,
        authProtocols,
        mru: opts.mru,
        echoIntervalMs: opts.echoIntervalMs,
        echoFailures: opts.echoFailures,
        random32: opts.random32,
      },
      opts.clock,
      {
        send: (c, i, d) => this.sendCp(PPP_PROTO.LCP, c, i, d),
        trace: (t) => this.trace(PPP_PROTO.LCP, t),
        up: () => this.lcpUp(),
        down: () => this.lcpDown(),
        started: () => {},
        finished: (reason) => this.finish(this.closeReason ?? reason),
        protocolRejected: (p) => this.peerRejectedProtocol(p),
        peerDead: () => this.abort('LCP echo timeout: peer not responding'),
        negotiationFailed: (reason) => {
          this.closeReason = reason;
          this.line('ppp negotiation', `${this.ifLabel} LCP: Failed to negotiate with peer`);
        },
        ignored: () => {},
      },
    );
  }

  // ---- public API -------------------------------------------------------

  /** Begin LCP negotiation (sends our Configure-Request). */
  start(): void {
    if (this.started || this.ended) return;
    this.started = true;
    this.setPhase('establish');
    this.lcp.fsm.up();
    this.lcp.fsm.open();
  }

  /** A PPP frame from the peer (GRE payload). Never throws on bad input. */
  input(frame: Buffer): void {
    if (this.ended) return;
    if (!this.started) this.start();
    this.counters.packetsIn++;
    this.counters.bytesIn += frame.length;
    if (this.opts.debug.on('ppp io')) {
      for (const l of ioRcvdLines(this.opts.pppIfId, frame)) this.opts.debug.debug('ppp io', l, this.ctx());
    }
    const f = decodeFrame(frame);
    if (!f.ok) return this.drop('bad frame', f.error);
    this.lcp.peerActivity();
    const { protocol, payload } = f.value;
    switch (protocol) {
      case PPP_PROTO.LCP:
        return this.inputCp(protocol, payload, (c, i, d) => this.lcp.fsm.input(c, i, d));
      case PPP_PROTO.PAP:
      case PPP_PROTO.CHAP:
        return this.inputAuth(protocol, payload);
      case PPP_PROTO.IPCP:
        if (this.phase !== 'network' || !this.ipcp) return this.drop('before network phase', protocolName(protocol));
        return this.inputCp(protocol, payload, (c, i, d) => this.ipcp!.fsm.input(c, i, d));
      case PPP_PROTO.CCP:
        if (this.phase !== 'network') return this.drop('before network phase', protocolName(protocol));
        if (!this.ccp) return this.protocolReject(protocol, payload);
        return this.inputCp(protocol, payload, (c, i, d) => this.ccp!.fsm.input(c, i, d));
      case PPP_PROTO.IP:
        return this.inputIp(payload, false);
      case PPP_PROTO.MPPE:
        return this.inputMppe(payload);
      default:
        return this.protocolReject(protocol, payload);
    }
  }

  /** Send an IP packet to the peer (encrypted when MPPE is on). false = not sent. */
  sendIp(packet: Buffer): boolean {
    if (this.ended || !this.reportedUp) {
      this.count('ip dropped: link not up');
      return false;
    }
    if (this.encryptor) {
      const enc = this.encryptor.encrypt(Buffer.concat([IP_PREFIX, packet]));
      this.counters.encrypted++;
      this.sendFrame(PPP_PROTO.MPPE, enc);
    } else {
      this.sendFrame(PPP_PROTO.IP, packet);
    }
    return true;
  }

  /** Terminate the link cleanly (LCP Terminate-Request); onDown follows. */
  close(reason: string): void {
    if (this.ended) return;
    this.closeReason ??= reason;
    const s = this.lcp.fsm.state;
    if (s === 'initial' || s === 'starting' || s === 'closed' || s === 'stopped') {
      this.finish(reason);
      return;
    }
    this.lcp.fsm.close(reason);
  }

  /** The lower layer is gone (call cleared, tunnel down): end now, send nothing. */
  abort(reason: string): void {
    if (this.ended) return;
    this.closeReason ??= reason;
    this.finish(reason);
  }

  status(): PppStatus {
    return {
      pppIfId: this.opts.pppIfId,
      phase: this.phase,
      lcp: this.lcp.fsm.state,
      ipcp: this.ipcp?.fsm.state ?? 'initial',
      ccp: this.ccp?.fsm.state ?? 'initial',
      username: this.username,
      authProtocol: this.authProtocol ? AUTH_LABEL[this.authProtocol] : undefined,
      serverAddress: this.opts.role === 'server' ? this.opts.group.localAddress : this.ipcp?.negotiated.peerAddress,
      clientAddress: this.opts.role === 'server' ? this.clientAddress : this.ipcp?.negotiated.localAddress,
      mppe: this.mppe ? { bits: this.mppe.bits, stateful: !this.mppe.stateless } : null,
      packetsIn: this.counters.packetsIn,
      packetsOut: this.counters.packetsOut,
      bytesIn: this.counters.bytesIn,
      bytesOut: this.counters.bytesOut,
      encryptedPackets: this.counters.encrypted,
      decryptedPackets: this.counters.decrypted,
      errors: { ...this.errors },
    };
  }

  get isUp(): boolean {
    return this.reportedUp && !this.ended;
  }

  // ---- input paths ------------------------------------------------------

  private inputCp(protocol: number, payload: Buffer, deliver: (code: number, id: number, data: Buffer) => void): void {
    const cp = decodeCp(payload);
    if (!cp.ok) return this.drop(`bad ${protocolName(protocol)} packet`, cp.error);
    deliver(cp.value.code, cp.value.id, cp.value.data);
  }

  private inputAuth(protocol: number, payload: Buffer): void {
    if ((this.phase !== 'authenticate' && this.phase !== 'network') || !this.auth || protocol !== this.authWireProtocol()) {
      return this.drop('unexpected authentication packet', protocolName(protocol));
    }
    const cp = decodeCp(payload);
    if (!cp.ok) return this.drop(`bad ${protocolName(protocol)} packet`, cp.error);
    this.auth.input(cp.value.code, cp.value.id, cp.value.data);
  }

  private inputIp(packet: Buffer, decrypted: boolean): void {
    if (this.phase !== 'network' || !this.ipcp?.fsm.isOpened) return this.drop('before network phase', 'IP');
    if (this.mppe && !decrypted) return this.drop('unencrypted IP while MPPE is on', 'IP');
    if (this.opts.debug.on('ppp io')) this.opts.debug.debug('ppp io', ioIpLine(packet), this.ctx());
    this.opts.onIpPacket(packet);
  }

  private inputMppe(payload: Buffer): void {
    if (this.phase !== 'network' || !this.decryptor) return this.drop('MPPE packet without MPPE', 'COMP');
    if (this.opts.debug.on('ppp io')) this.opts.debug.debug('ppp io', ioEncrLine(payload), this.ctx());
    const r = this.decryptor.decrypt(payload);
    if (!r.ok) {
      this.drop('MPPE packet rejected', r.reason);
      if (r.needReset) this.ccp?.sendResetRequest();
      return;
    }
    this.counters.decrypted++;
    const inner = decodeFrame(r.payload);
    if (!inner.ok) return this.drop('bad protocol inside MPPE', inner.error);
    if (inner.value.protocol === PPP_PROTO.IP) return this.inputIp(inner.value.payload, true);
    return this.drop('non-IP protocol inside MPPE', protocolName(inner.value.protocol));
  }

  private protocolReject(protocol: number, payload: Buffer): void {
    if (!this.lcp.fsm.isOpened) return this.drop('protocol before LCP is open', protocolName(protocol));
    this.count(`protocol rejected: ${protocolName(protocol)}`);
    this.lcp.sendProtocolReject(protocol, payload);
  }

  // ---- phases -----------------------------------------------------------

  private lcpUp(): void {
    const proto = this.lcp.negotiated.authProtocol;
    if (this.opts.role === 'server' && proto === undefined) {
      // Cannot happen while we always ask for authentication; be safe.
      this.close('no authentication protocol agreed');
      return;
    }
    if (proto === undefined) {
      this.enterNetwork();
      return;
    }
    this.authProtocol = proto;
    this.setPhase('authenticate');
    const ctx = this.authContext(proto);
    if (this.opts.role === 'server') {
      this.auth = proto === 'pap' ? new PapServer(ctx) : new ChapServer(ctx, CHAP_DIGESTS[proto]);
    } else {
      this.auth = proto === 'pap' ? new PapClient(ctx) : new ChapClient(ctx, CHAP_DIGESTS[proto]);
    }
    this.authTimer = this.opts.clock.setTimer(this.opts.authTimeoutMs ?? 30_000, () => {
      this.authTimer = undefined;
      if (this.phase === 'authenticate') this.close('authentication timeout');
    });
    this.auth.start();
  }

  private authWireProtocol(): number {
    return this.authProtocol === 'pap' ? PPP_PROTO.PAP : PPP_PROTO.CHAP;
  }

  private authContext(proto: AuthProtocol): AuthContext {
    const wire = proto === 'pap' ? PPP_PROTO.PAP : PPP_PROTO.CHAP;
    return {
      role: this.opts.role,
      clock: this.opts.clock,
      debug: this.opts.debug,
      pppIfId: this.opts.pppIfId,
      ifLabel: this.ifLabel,
      send: (c, i, d) => this.sendCp(wire, c, i, d),
      authenticator: this.opts.authenticator,
      credentials: this.opts.credentials,
      localName: this.opts.chapName,
      review: (result, p) => this.reviewAuth(result, p),
      finished: (o) => this.authFinished(o),
      random: this.random,
      malformed: (what) => this.drop('bad authentication packet', what),
    };
  }

  /** MPPE required with MS-CHAP but the backend gave no keys: refuse (PIX 403110, Windows 691). */
  private reviewAuth(result: AuthSuccess, p: AuthProtocol): AuthFailureKind | undefined {
    const m = this.opts.group.mppe;
    if (m?.required && (p === 'mschap' || p === 'mschap-v2') && !result.mppe) return 'no-mppe-keys';
    return undefined;
  }

  private authFinished(o: AuthOutcome): void {
    this.authTimer?.cancel();
    this.authTimer = undefined;
    if (this.ended) return;
    if (!o.ok) {
      if (o.kind === 'no-mppe-keys') {
        this.opts.debug.syslog(
          403110,
          4,
          `PPP virtual interface ${this.opts.pppIfId}, user: ${o.username ?? ''} missing MPPE key from aaa server`,
          this.ctx(),
        );
      }
      this.close(`authentication failed (${o.kind})`);
      return;
    }
    this.username = o.username;
    if (o.result) {
      this.authResult = o.result;
      this.mppeKeys = o.result.mppe;
    } else {
      this.mppeKeys = o.mppe;
    }
    this.enterNetwork();
  }

  private enterNetwork(): void {
    if (this.ended) return;
    if (this.opts.role === 'server') {
      const addr = this.opts.allocateAddress?.(this.username ?? '', this.authResult?.framedIp);
      if (addr === undefined) {
        this.opts.debug.syslog(403108, 4, `PPP virtual interface ${this.opts.pppIfId} missing client ip address option`, this.ctx());
        this.close('missing client ip address');
        return;
      }
      this.clientAddress = addr;
    }
    this.setPhase('network');
    const clock = this.opts.clock;
    this.ipcp = new Ipcp(
      this.opts.role === 'server'
        ? {
            role: 'server',
            localAddress: this.opts.group.localAddress,
            peerAddress: () => this.clientAddress,
            dns: this.opts.group.dns,
            wins: this.opts.group.wins,
          }
        : { role: 'client', requestDns: true, requestWins: false },
      clock,
      {
        send: (c, i, d) => this.sendCp(PPP_PROTO.IPCP, c, i, d),
        trace: (t) => this.trace(PPP_PROTO.IPCP, t),
        up: () => this.maybeUp(),
        down: () => {},
        finished: (reason) => {
          if (this.phase === 'network') this.close(`IPCP: ${reason}`);
        },
      },
    );
    const setting = this.opts.group.mppe;
    const canMppe = setting !== undefined && this.mppeKeys !== undefined;
    if (setting?.required && !canMppe) {
      this.mppeRequiredFailed();
      return;
    }
    if (canMppe) {
      const negotiation = (this.opts.mppeNegotiation ?? policyMppeNegotiation)(setting);
      this.ccp = new Ccp(negotiation, clock, {
        send: (c, i, d) => this.sendCp(PPP_PROTO.CCP, c, i, d),
        trace: (t) => this.trace(PPP_PROTO.CCP, t),
        up: (agreed) => this.ccpUp(agreed),
        down: () => this.ccpDown(),
        finished: () => this.ccpFailed(),
        resetRequest: () => this.encryptor?.resetRequested(),
      });
    } else {
      this.ccpSettled = true;
    }
    this.ipcp.fsm.up();
    this.ipcp.fsm.open();
    if (this.ccp) {
      this.ccp.fsm.up();
      this.ccp.fsm.open();
    }
  }

  private ccpUp(agreed: MppeAgreed | null): void {
    if (agreed && this.mppeKeys) {
      this.mppe = agreed;
      this.encryptor = new MppeEncryptor({ masterKey: this.mppeKeys.send, bits: agreed.bits, stateless: agreed.stateless });
      this.decryptor = new MppeDecryptor({ masterKey: this.mppeKeys.recv, bits: agreed.bits, stateless: agreed.stateless });
    } else if (this.opts.group.mppe?.required) {
      this.mppeRequiredFailed();
      return;
    }
    this.ccpSettled = true;
    this.maybeUp();
  }

  private ccpDown(): void {
    this.mppe = null;
    this.encryptor = undefined;
    this.decryptor = undefined;
    // Renegotiating encryption on a running link is not supported: IP would leak in clear.
    // Only while the link runs: when LCP or the call is going down anyway, CCP going
    // down with it is no MPPE failure.
    if (this.reportedUp && !this.ended && this.phase === 'network' && this.opts.group.mppe) this.mppeRequiredFailed();
  }

  private ccpFailed(): void {
    if (this.phase !== 'network') return;
    if (this.opts.group.mppe?.required) {
      this.mppeRequiredFailed();
      return;
    }
    this.ccpSettled = true;
    this.maybeUp();
  }

  private mppeRequiredFailed(): void {
    // The PPTP layer prints the PIX line (`PPTP: Call id 8, no session id
    // protocol: 21, reason: mppe required but not active, tunnel terminated`)
    // from the onDown reason; it knows the call id.
    this.line('ppp error', `${this.ifLabel} PPP: mppe required but not active`);
    this.close('mppe required but not active');
  }

  private peerRejectedProtocol(protocol: number): void {
    if (protocol === PPP_PROTO.CCP && this.ccp) {
      this.ccp.fsm.protocolRejected();
    } else if (protocol === PPP_PROTO.IPCP && this.ipcp) {
      this.ipcp.fsm.protocolRejected();
    }
  }

  private maybeUp(): void {
    if (this.reportedUp || this.ended || this.phase !== 'network') return;
    if (!this.ipcp?.fsm.isOpened || !this.ccpSettled) return;
    const n = this.ipcp.negotiated;
    const clientAddress = this.opts.role === 'server' ? this.clientAddress : n.localAddress;
    const serverAddress = this.opts.role === 'server' ? this.opts.group.localAddress : n.peerAddress;
    if (!clientAddress || clientAddress === '0.0.0.0') {
      this.close('no IP address agreed');
      return;
    }
    this.reportedUp = true;
    this.opts.onUp({
      username: this.username ?? this.opts.credentials?.username ?? '',
      clientAddress,
      serverAddress: serverAddress ?? '0.0.0.0',
      authProtocol: this.authProtocol,
      mppe: this.mppe,
      auth: this.authResult,
      dns: this.opts.role === 'client' ? n.dns.filter((d): d is string => d !== undefined) : undefined,
    });
  }

  private lcpDown(): void {
    if (this.ended) return;
    this.setPhase('terminate');
    this.stopUpperLayers();
    // LCP left Opened because the peer renegotiates: we do not support a
    // second negotiation on a running link, so end it.
    const s = this.lcp.fsm.state;
    if (s === 'reqSent' || s === 'ackSent' || s === 'ackRcvd') this.lcp.fsm.close('LCP renegotiation');
  }

  private stopUpperLayers(): void {
    this.auth?.dispose();
    this.authTimer?.cancel();
    this.authTimer = undefined;
    this.ipcp?.fsm.down();
    this.ipcp?.dispose();
    this.ccp?.fsm.down();
    this.ccp?.dispose();
    this.encryptor = undefined;
    this.decryptor = undefined;
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.stopUpperLayers();
    this.lcp.dispose();
    this.setPhase('dead');
    if (this.clientAddress) this.opts.releaseAddress?.(this.clientAddress);
    this.opts.onDown(this.closeReason ?? reason);
  }

  private setPhase(p: PppPhase): void {
    if (p === this.phase) return;
    this.phase = p;
    this.line('ppp negotiation', phaseLine(this.ifLabel, p));
  }

  // ---- output -----------------------------------------------------------

  private sendCp(protocol: number, code: number, id: number, data: Buffer): void {
    const packet = Buffer.allocUnsafe(4 + data.length);
    packet[0] = code;
    packet[1] = id;
    packet.writeUInt16BE(4 + data.length, 2);
    data.copy(packet, 4);
    this.sendFrame(protocol, packet);
  }

  private sendFrame(protocol: number, payload: Buffer): void {
    if (this.ended) return;
    if (this.opts.debug.on('ppp io')) {
      this.opts.debug.debug('ppp io', ioXmitLine(encodeFrame(protocol, payload)), this.ctx());
    }
    const frame = encodeFrame(protocol, payload, this.compression());
    this.counters.packetsOut++;
    this.counters.bytesOut += frame.length;
    this.opts.send(frame);
  }

  private compression(): FrameCompression {
    if (!this.lcp.fsm.isOpened) return { acfc: false, pfc: false };
    return { acfc: this.lcp.negotiated.sendAcfc, pfc: this.lcp.negotiated.sendPfc };
  }

  // ---- debug and counters -----------------------------------------------

  private trace(protocol: number, t: FsmTrace): void {
    const d = this.opts.debug;
    switch (t.kind) {
      case 'packet':
        if (d.on('ppp negotiation')) {
          for (const l of cpPacketLines(this.ifLabel, protocol, t.dir, t.code, t.id, t.data, t.state)) d.debug('ppp negotiation', l, this.ctx());
        }
        if (protocol === PPP_PROTO.LCP && t.dir === 'O' && t.code === CP_CODE.ProtRej) this.count('protocol rejects sent');
        break;
      case 'state':
        if (t.to === 'opened') this.line('ppp negotiation', stateLine(this.ifLabel, protocol, t.to));
        break;
      case 'timeout':
        this.line('ppp negotiation', timeoutLine(this.ifLabel, protocol, t.state));
        break;
      case 'error':
        this.count(`${protocolName(protocol)} packet discarded`);
        this.line('ppp error', `${this.ifLabel} ${protocolName(protocol)}: ${t.what}`);
        break;
    }
  }

  private drop(reason: string, detail: string): void {
    this.count(reason);
    this.line('ppp error', `${this.ifLabel} PPP: ${reason}: ${detail}`);
  }

  private count(reason: string): void {
    this.errors[reason] = (this.errors[reason] ?? 0) + 1;
  }

  private line(cat: DebugCategory, text: string): void {
    if (this.opts.debug.on(cat)) this.opts.debug.debug(cat, text, this.ctx());
  }

  private ctx(): DebugContext {
    return { user: this.username, tunnel: this.opts.tunnelId };
  }
}
