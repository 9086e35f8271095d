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
 *
 * The client role takes a PppClientProfile (client-profiles.ts): Windows 10 or
 * pppd on the wire (options and their order, identifiers, Identification,
 * IPv6CP, NCP order, FF 03 on LCP, Terminate-Request data).
 *
 * `debug ppp mppe` (IOS `debug ppp mppe events` style; never key bytes):
 *   Vi1 MPPE: Generate keys using RADIUS data | local database
 *   Vi1 MPPE: Initialize keys
 *   Vi1 MPPE: [128 bit encryption] [stateless mode]
 *   Vi1 MPPE: Discard packet ccount 0x005 (lost sync), send Reset-Request
 *   Vi1 MPPE: Discard packet ccount 0x006 (replay)
 *   Vi1 MPPE: Rcvd Reset-Request [Resetting]: key change on next packet
 *   Vi1 MPPE: Rcvd Reset-Ack
 *   Vi1 MPPE: Key change (flag packet|reset) ccount 0x0FF          (we send)
 *   Vi1 MPPE: Rcvd key change ccount 0x0FF                         (stateful)
 *   Vi1 MPPE: Resynchronized at ccount 0x007, 2 packet(s) lost     (stateful)
 *   Vi1 MPPE: Keys discarded
 * Stateless mode changes keys on every packet; those changes are not
 * printed one by one (the mode line says so).
 */
import { randomBytes } from 'node:crypto';
import type { Clock, Timer } from '../../util/clock.js';
import type { DebugBus, DebugCategory, DebugContext } from '../../debug/bus.js';
import type { AuthProtocol, MppeSetting } from '../../config/model.js';
import type { Authenticator, MppeMasterKeys } from '../authenticator.js';
import { CP_CODE, PPP_PROTO, decodeCp, decodeFrame, encodeFrame, u32, type FrameCompression } from './frame.js';
import type { FsmTrace } from './fsm.js';
import { Lcp, type LcpEvents } from './lcp.js';
import { Ipcp, type IpcpEvents } from './ipcp.js';
import { Ccp, policyMppeNegotiation, type CcpEvents, type MppeAgreed, type MppeNegotiation } from './ccp.js';
import { Ipv6cp } from './ipv6cp.js';
import { cbcpClientStep, cbcpLine } from './cbcp.js';
import { BASIC_PPP_PROFILE, type NcpName, type PppClientProfile } from './client-profiles.js';
import { MPPE_BIT_A_FLUSHED, MPPE_HEADER_LEN, MppeDecryptor, MppeEncryptor } from './mppe.js';
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
} from '../../debug/cisco-ppp.js';

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
  /** client: NBNS servers the server gave us (when asked for) */
  wins?: string[];
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
  /** client role: how the client behaves on the wire (default BASIC_PPP_PROFILE) */
  clientProfile?: PppClientProfile;
  /** where the MPPE master keys came from, for `debug ppp mppe` (default 'local') */
  mppeKeySource?: 'radius' | 'local';
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
  /** client role with IPv6CP (profiles); 'initial' otherwise */
  ipv6cp: string;
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

/** Packets and octets through the session. */
export interface PppTraffic {
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  encrypted: number;
  decrypted: number;
}

const AUTH_LABEL: Record<AuthProtocol, string> = { pap: 'PAP', chap: 'CHAP', mschap: 'MSCHAP', 'mschap-v2': 'MSCHAP-V2' };
const IP_PREFIX = Buffer.from([0x00, 0x21]);

/** A 12-bit coherency count as `0x0FF`. */
function ccountHex(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(3, '0')}`;
}

export class PppSession {
  // The events of LCP, IPCP and CCP: one small object per layer whose
  // methods call the session, instead of an object of closures (one per
  // event) per layer per session (bench/sessions.bench.ts, 10,000 sessions).
  private static readonly LayerEventsOf = class {
    constructor(
      protected readonly s: PppSession,
      private readonly protocol: number,
    ) {}
    send(c: number, i: number, d: Buffer): void {
      this.s.sendCp(this.protocol, c, i, d);
    }
    trace(t: FsmTrace): void {
      this.s.trace(this.protocol, t);
    }
  };

  private static readonly LcpEventsOf = class extends PppSession.LayerEventsOf implements LcpEvents {
    up(): void {
      this.s.lcpUp();
    }
    down(): void {
      this.s.lcpDown();
    }
    started(): void {}
    finished(reason: string): void {
      this.s.finish(this.s.closeReason ?? reason);
    }
    protocolRejected(p: number): void {
      this.s.peerRejectedProtocol(p);
    }
    peerDead(): void {
      this.s.abort('LCP echo timeout: peer not responding');
    }
    negotiationFailed(reason: string): void {
      this.s.closeReason = reason;
      this.s.line('ppp negotiation', `${this.s.ifLabel} LCP: Failed to negotiate with peer`);
    }
    ignored(): void {}
  };

  private static readonly IpcpEventsOf = class extends PppSession.LayerEventsOf implements IpcpEvents {
    up(): void {
      this.s.maybeUp();
    }
    down(): void {}
    finished(reason: string): void {
      if (this.s.phase === 'network') this.s.close(`IPCP: ${reason}`);
    }
  };

  private static readonly CcpEventsOf = class extends PppSession.LayerEventsOf implements CcpEvents {
    declare nextId?: () => number;
    constructor(s: PppSession, protocol: number, nextId: (() => number) | undefined) {
      super(s, protocol);
      if (nextId) this.nextId = nextId;
    }
    up(agreed: MppeAgreed | null): void {
      this.s.ccpUp(agreed);
    }
    down(): void {
      this.s.ccpDown();
    }
    finished(): void {
      this.s.ccpFailed();
    }
    resetRequest(): void {
      this.s.peerResetRequest();
    }
    resetAck(): void {
      this.s.mppeLine('Rcvd Reset-Ack');
    }
  };

  private phase: PppPhase = 'dead';
  private readonly lcp: Lcp;
  private ipcp: Ipcp | undefined;
  private ccp: Ccp | undefined;
  private ipv6cp: Ipv6cp | undefined;
  /** NCPs waiting for CCP to open before they negotiate (pppd with MPPE required) */
  private deferredNcps: { fsm: { open(): void } }[] = [];
  private readonly profile: PppClientProfile | undefined;
  private readonly sharedId: (() => number) | undefined;
  private lcpUpAt: number | undefined;
  /** a Reset-Request asked us to flush: the next packet we send changes keys */
  private txResetPending = false;
  /** client: LCP agreed Callback operation 6, so CBCP runs between authentication and the network phase */
  private cbcp: { answeredId?: number; done: boolean; timer?: Timer } | undefined;
  private auth: AuthEngine | undefined;
  private authTimer: Timer | undefined;
  private readonly ifLabel: string;
  private readonly random: (n: number) => Buffer;
  private started = false;
  private ended = false;
  private reportedUp = false;
  private renegotiationTimer: Timer | undefined;
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
  private mppeStatus: PppStatus['mppe'] = null;
  private readonly counters: PppTraffic = { packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0, encrypted: 0, decrypted: 0 };
  private readonly errors: Record<string, number> = {};

  constructor(private readonly opts: PppSessionOptions) {
    if (opts.role === 'server' && !opts.authenticator) throw new Error('a server PppSession needs an authenticator');
    if (opts.role === 'client' && !opts.credentials) throw new Error('a client PppSession needs credentials');
    this.ifLabel = `Vi${opts.pppIfId}`;
    this.random = opts.random ?? ((n) => randomBytes(n));
    const profile = opts.role === 'client' ? (opts.clientProfile ?? BASIC_PPP_PROFILE) : undefined;
    this.profile = profile;
    if (profile?.identifiers === 'shared') {
      let id = (profile.firstIdentifier - 1) & 0xff;
      this.sharedId = () => (id = (id + 1) & 0xff);
    }
    const authProtocols = opts.group.authProtocols.length
      ? opts.group.authProtocols
      : profile
        ? profile.authProtocols
        : (['pap'] as const);
    this.lcp = new Lcp(
      {
        role: opts.role,
        authProtocols,
        mru: opts.mru !== undefined ? opts.mru : profile ? profile.lcp.mru : undefined,
        echoIntervalMs: opts.echoIntervalMs,
        echoFailures: opts.echoFailures,
        random32: opts.random32,
        asyncMap: profile?.lcp.asyncMap,
        callback: profile?.lcp.callback,
        acceptCallback: profile?.lcp.acceptCallback,
        nextId: this.sharedId,
        terminateData: profile?.terminateData === 'windows' ? () => this.windowsTerminateData() : undefined,
      },
      opts.clock,
      new PppSession.LcpEventsOf(this, PPP_PROTO.LCP),
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
      case PPP_PROTO.CBCP:
        if (!this.cbcp) return this.protocolReject(protocol, payload);
        return this.inputCbcp(payload);
      case PPP_PROTO.IPV6CP:
        if (!this.ipv6cp) return this.protocolReject(protocol, payload);
        if (this.phase !== 'network') return this.drop('before network phase', protocolName(protocol));
        return this.inputCp(protocol, payload, (c, i, d) => this.ipv6cp!.fsm.input(c, i, d));
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
    if (!this.encryptor && this.mppe) {
      this.count('ip dropped: mppe agreed but no encryptor');
      return false;
    }
    if (this.encryptor) {
      this.counters.encrypted++;
      if (this.sendMppeData(this.encryptor, packet) && !this.encryptor.stateless) {
        const why = this.txResetPending ? 'reset' : 'flag packet';
        this.txResetPending = false;
        if (this.opts.debug.on('ppp mppe')) this.mppeLine(`Key change (${why}) ccount ${ccountHex(this.encryptor.coherencyCount)}`);
      }
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

  /** The traffic counters, read in place: `show vpdn` reads them for every call, status() copies them. */
  get traffic(): Readonly<PppTraffic> {
    return this.counters;
  }

  /** The authenticated peer's name; undefined before. */
  get peerName(): string | undefined {
    return this.username;
  }

  /** The authentication protocol as `show vpdn` prints it ('MSCHAP-V2'); undefined before LCP agreed one. */
  get authLabel(): string | undefined {
    return this.authProtocol ? AUTH_LABEL[this.authProtocol] : undefined;
  }

  /** Our address on the link, and the one the peer was given (IPCP). */
  get serverAddress(): string | undefined {
    return this.opts.role === 'server' ? this.opts.group.localAddress : this.ipcp?.negotiated.peerAddress;
  }

  get clientAddressAgreed(): string | undefined {
    return this.opts.role === 'server' ? this.clientAddress : this.ipcp?.negotiated.localAddress;
  }

  /** The agreed MPPE as status() reports it: one object, made when CCP agreed. */
  get mppeAgreed(): PppStatus['mppe'] {
    return this.mppeStatus;
  }

  status(): PppStatus {
    return {
      pppIfId: this.opts.pppIfId,
      phase: this.phase,
      lcp: this.lcp.fsm.state,
      ipcp: this.ipcp?.fsm.state ?? 'initial',
      ccp: this.ccp?.fsm.state ?? 'initial',
      ipv6cp: this.ipv6cp?.fsm.state ?? 'initial',
      username: this.username,
      authProtocol: this.authLabel,
      serverAddress: this.serverAddress,
      clientAddress: this.clientAddressAgreed,
      mppe: this.mppeStatus,
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

  /** Client CBCP (cbcp.ts): answer "no callback", go on to the network phase on the Ack. */
  private inputCbcp(payload: Buffer): void {
    const cbcp = this.cbcp!;
    const cp = decodeCp(payload);
    if (!cp.ok) return this.drop('bad CBCP packet', cp.error);
    const { code, id, data } = cp.value;
    if (this.opts.debug.on('ppp negotiation')) this.line('ppp negotiation', cbcpLine(this.ifLabel, 'I', code, id, data.length + 4));
    const step = cbcpClientStep(code, id, data, cbcp.answeredId);
    switch (step.action) {
      case 'respond':
        // A retransmitted Request after the Ack (our Response lost on the way back) is answered again.
        if (!step.offeredNoCallback) this.count('CBCP: server offered no "no callback"');
        cbcp.answeredId = id;
        if (this.opts.debug.on('ppp negotiation')) this.line('ppp negotiation', cbcpLine(this.ifLabel, 'O', step.packet[0], id, step.packet.length));
        this.sendFrame(PPP_PROTO.CBCP, step.packet);
        return;
      case 'done':
        if (cbcp.done) return;
        cbcp.done = true;
        cbcp.timer?.cancel();
        cbcp.timer = undefined;
        this.enterNetwork();
        return;
      case 'ignore':
        return this.drop('CBCP packet ignored', step.why);
    }
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
    const dec = this.decryptor;
    const wasDiscarding = dec.isDiscarding;
    const gapBefore = dec.stats.gap;
    const ccount = payload.length >= 2 ? ((payload[0] & 0x0f) << 8) | payload[1] : -1;
    const flushed = payload.length >= 1 && (payload[0] & 0x80) !== 0;
    const r = dec.decrypt(payload);
    if (!r.ok) {
      this.drop('MPPE packet rejected', r.reason);
      if (this.opts.debug.on('ppp mppe')) {
        const at = ccount < 0 ? 'short' : `ccount ${ccountHex(ccount)}`;
        this.mppeLine(`Discard packet ${at} (${r.reason === 'lost' ? 'lost sync' : r.reason})${r.needReset ? ', send Reset-Request' : ''}`);
      }
      if (r.needReset) this.ccp?.sendResetRequest();
      return;
    }
    this.counters.decrypted++;
    if (wasDiscarding) this.ccp?.resetSettled();
    if (!dec.stateless && this.opts.debug.on('ppp mppe')) {
      if (wasDiscarding || dec.stats.gap !== gapBefore) {
        this.mppeLine(`Resynchronized at ccount ${ccountHex(r.ccount)}, ${dec.stats.gap - gapBefore} packet(s) lost`);
      } else if (flushed) {
        this.mppeLine(`Rcvd key change ccount ${ccountHex(r.ccount)}`);
      }
    }
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
      this.lcpUpAt = this.opts.clock.now();
      this.sendIdentification();
      this.enterNetwork();
      return;
    }
    this.lcpUpAt = this.opts.clock.now();
    this.sendIdentification();
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

  /** Windows: LCP Identification packets (RFC 1570 2.1) right after LCP opens. */
  private sendIdentification(): void {
    const msgs = this.profile?.identification ?? [];
    for (const m of msgs) {
      const data = Buffer.concat([u32(this.lcp.negotiated.ourMagic), m]);
      this.lcp.fsm.send(CP_CODE.Identification, this.lcp.fsm.nextId(), data);
    }
  }

  /** Windows Terminate-Request data: magic, uptime in ms, four zero octets (see client-profiles.ts). */
  private windowsTerminateData(): Buffer {
    const up = this.lcpUpAt === undefined ? 0 : Math.max(0, this.opts.clock.now() - this.lcpUpAt);
    return Buffer.concat([u32(this.lcp.negotiated.ourMagic), u32(up >>> 0), Buffer.alloc(4)]);
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
      tunnelId: this.opts.tunnelId,
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
    const n = this.lcp.negotiated;
    if (this.opts.role === 'client' && (n.callback === 6 || n.peerCallback === 6)) {
      // The server runs CBCP next (Windows/RRAS, capture frames 293-295).
      const timer = this.opts.clock.setTimer(this.opts.authTimeoutMs ?? 30_000, () => {
        if (this.cbcp) this.cbcp.timer = undefined;
        if (!this.cbcp?.done) this.close('callback negotiation timeout');
      });
      this.cbcp = { done: false, timer };
      return;
    }
    this.enterNetwork();
  }

  private enterNetwork(): void {
    if (this.ended) return;
    if (this.opts.role === 'server') {
      // A renegotiated link (peer LCP Configure-Request) keeps the lease it holds:
      // allocating again leaked one pool address per renegotiation.
      const addr = this.clientAddress ?? this.opts.allocateAddress?.(this.username ?? '', this.authResult?.framedIp);
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
        : { role: 'client', request: this.profile?.ipcpRequest, nextId: this.sharedId },
      clock,
      new PppSession.IpcpEventsOf(this, PPP_PROTO.IPCP),
    );
    const setting = this.opts.group.mppe;
    const canMppe = setting !== undefined && this.mppeKeys !== undefined;
    if (setting?.required && !canMppe) {
      this.mppeRequiredFailed();
      return;
    }
    if (canMppe) {
      const offer = this.profile?.mppeOffer;
      const negotiation = this.opts.mppeNegotiation ? this.opts.mppeNegotiation(setting) : policyMppeNegotiation(setting, offer);
      this.ccp = new Ccp(negotiation, clock, new PppSession.CcpEventsOf(this, PPP_PROTO.CCP, this.sharedId));
    } else {
      this.ccpSettled = true;
    }
    if (this.profile?.ipv6cp) {
      this.ipv6cp = new Ipv6cp(this.random, clock, {
        send: (c, i, d) => this.sendCp(PPP_PROTO.IPV6CP, c, i, d),
        trace: (t) => this.trace(PPP_PROTO.IPV6CP, t),
        up: () => {},
        down: () => {},
        // Given up (Protocol-Rejected, no answer): the link runs on IPv4 alone.
        finished: () => {},
        nextId: this.sharedId,
      });
    }
    const ncps: Record<NcpName, { fsm: { up(): void; open(): void } } | undefined> = {
      ipcp: this.ipcp,
      ccp: this.ccp,
      ipv6cp: this.ipv6cp,
    };
    const order: readonly NcpName[] = this.profile?.ncpOrder ?? ['ipcp', 'ccp'];
    // pppd with MPPE required: the other NCPs negotiate once CCP is up; until
    // then they sit in Closed and answer a peer's request with Terminate-Ack.
    const waitForCcp = !!(this.profile?.ncpWaitsForCcp && this.ccp && setting?.required);
    for (const name of order) {
      const ncp = ncps[name];
      if (!ncp) continue;
      ncp.fsm.up();
      if (waitForCcp && name !== 'ccp') this.deferredNcps.push(ncp);
      else ncp.fsm.open();
    }
    // Protocols a profile's order leaves out still run, after the others.
    for (const name of ['ipcp', 'ccp', 'ipv6cp'] as const) {
      if (!order.includes(name) && ncps[name]) {
        ncps[name]!.fsm.up();
        ncps[name]!.fsm.open();
      }
    }
  }

  /** The peer lost sync (stateful): our next packet changes keys and carries A. */
  private peerResetRequest(): void {
    if (!this.encryptor) return;
    this.encryptor.resetRequested();
    if (!this.encryptor.stateless) this.txResetPending = true;
    this.mppeLine('Rcvd Reset-Request [Resetting]: key change on next packet');
  }

  private ccpUp(agreed: MppeAgreed | null): void {
    if (agreed && this.mppeKeys) {
      this.mppe = agreed;
      this.mppeStatus = { bits: agreed.bits, stateful: !agreed.stateless };
      if (this.opts.debug.on('ppp mppe')) {
        const src = this.opts.role === 'server' && this.opts.mppeKeySource === 'radius' ? 'RADIUS data' : 'local database';
        this.mppeLine(`Generate keys using ${src}`);
        this.mppeLine('Initialize keys');
        this.mppeLine(`[${agreed.bits} bit encryption] [${agreed.stateless ? 'stateless' : 'stateful'} mode]`);
      }
      this.encryptor = new MppeEncryptor({ masterKey: this.mppeKeys.send, bits: agreed.bits, stateless: agreed.stateless });
      this.decryptor = new MppeDecryptor({ masterKey: this.mppeKeys.recv, bits: agreed.bits, stateless: agreed.stateless });
    } else if (this.opts.group.mppe?.required) {
      this.mppeRequiredFailed();
      return;
    }
    this.ccpSettled = true;
    this.openDeferredNcps();
    // A peer that waits for CCP before IPCP (pppd with require-mppe) may have
    // answered our early IPCP request with Terminate-Ack: ask again now
    // rather than at the 3 s restart timer.
    this.ipcp?.fsm.retransmitIfIgnored();
    this.maybeUp();
  }

  private openDeferredNcps(): void {
    const list = this.deferredNcps;
    this.deferredNcps = [];
    for (const ncp of list) ncp.fsm.open();
  }

  private ccpDown(): void {
    if (this.encryptor) this.mppeLine('Keys discarded');
    this.mppe = null;
    this.mppeStatus = null;
    this.encryptor = undefined;
    this.decryptor = undefined;
    this.txResetPending = false;
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
    this.openDeferredNcps();
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
    } else if (protocol === PPP_PROTO.IPV6CP && this.ipv6cp) {
      this.ipv6cp.fsm.protocolRejected();
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
      wins: this.opts.role === 'client' ? n.wins.filter((d): d is string => d !== undefined) : undefined,
    });
  }

  private lcpDown(): void {
    if (this.ended) return;
    this.setPhase('terminate');
    this.stopUpperLayers();
    // No IP may leave now: without this, a peer's Configure-Request on a
    // running MPPE link would let sendIp() send clear text.
    this.reportedUp = false;
    // LCP left Opened because the peer renegotiates: we do not support a
    // second negotiation on a running link, so end it. The automaton calls
    // this-layer-down before it leaves Opened, so close once it has.
    this.renegotiationTimer?.cancel();
    this.renegotiationTimer = this.opts.clock.setTimer(0, () => {
      this.renegotiationTimer = undefined;
      const s = this.lcp.fsm.state;
      // Negotiating again (or already re-opened by a fast peer): end it.
      // Closing/stopping states are an ordinary termination under way.
      if (!this.ended && (s === 'reqSent' || s === 'ackSent' || s === 'ackRcvd' || s === 'opened')) this.close('LCP renegotiation');
    });
  }

  private stopUpperLayers(): void {
    this.cbcp?.timer?.cancel();
    if (this.cbcp) this.cbcp.timer = undefined;
    this.auth?.dispose();
    this.authTimer?.cancel();
    this.authTimer = undefined;
    this.ipcp?.fsm.down();
    this.ipcp?.dispose();
    this.ccp?.fsm.down();
    this.ccp?.dispose();
    this.ipv6cp?.fsm.down();
    this.ipv6cp?.dispose();
    this.deferredNcps = [];
    this.encryptor = undefined;
    this.decryptor = undefined;
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.renegotiationTimer?.cancel();
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
    // Windows: LCP codes past Code-Reject (Identification, Echo...) follow ACFC too.
    const lcpNoAc = protocol === PPP_PROTO.LCP && code > CP_CODE.CodeRej && !!this.profile?.lcp.compressExtendedCodes;
    this.sendFrame(protocol, packet, lcpNoAc);
  }

  private sendFrame(protocol: number, payload: Buffer, lcpFollowsAcfc = false): void {
    if (this.ended) return;
    if (this.opts.debug.on('ppp io')) {
      this.opts.debug.debug('ppp io', ioXmitLine(encodeFrame(protocol, payload)), this.ctx());
    }
    const comp = this.compression();
    let frame = encodeFrame(protocol, payload, comp);
    if (lcpFollowsAcfc && comp.acfc) frame = frame.subarray(2);
    this.counters.packetsOut++;
    this.counters.bytesOut += frame.length;
    this.opts.send(frame);
  }

  /**
   * The data path (bench/forwarding.bench.ts): the whole frame, PPP header
   * + MPPE header + encrypted (0x0021 + IP packet), is built in one buffer
   * and encrypted in place; the frame is the peer's to keep. Same octets
   * as encodeFrame(MPPE, encrypt(0x0021 + packet)). True when the packet
   * carried the flushed bit (A).
   */
  private sendMppeData(enc: MppeEncryptor, packet: Buffer): boolean {
    if (this.ended) return false;
    const comp = this.compression();
    const head = (comp.acfc ? 0 : 2) + (comp.pfc ? 1 : 2);
    const mppeAt = head;
    const inner = mppeAt + MPPE_HEADER_LEN;
    const frame = Buffer.allocUnsafe(inner + IP_PREFIX.length + packet.length);
    let o = 0;
    if (!comp.acfc) {
      frame[o++] = 0xff;
      frame[o++] = 0x03;
    }
    if (!comp.pfc) frame[o++] = PPP_PROTO.MPPE >> 8;
    frame[o++] = PPP_PROTO.MPPE & 0xff;
    frame[inner] = IP_PREFIX[0];
    frame[inner + 1] = IP_PREFIX[1];
    packet.copy(frame, inner + IP_PREFIX.length);
    // encryptInto reads the payload and writes the cipher text at the same offsets: in place
    enc.encryptInto(frame.subarray(inner), frame, mppeAt);
    if (this.opts.debug.on('ppp io')) this.opts.debug.debug('ppp io', ioXmitLine(encodeFrame(PPP_PROTO.MPPE, frame.subarray(mppeAt))), this.ctx());
    this.counters.packetsOut++;
    this.counters.bytesOut += frame.length;
    this.opts.send(frame);
    return (frame[mppeAt] & MPPE_BIT_A_FLUSHED) !== 0;
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

  private mppeLine(text: string): void {
    this.line('ppp mppe', `${this.ifLabel} MPPE: ${text}`);
  }

  private line(cat: DebugCategory, text: string): void {
    if (this.opts.debug.on(cat)) this.opts.debug.debug(cat, text, this.ctx());
  }

  private ctx(): DebugContext {
    return { user: this.username, tunnel: this.opts.tunnelId };
  }
}
