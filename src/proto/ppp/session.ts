/**
 * One PPP link over a PPTP call, either end (RFC 1661 section 3.2 phases):
 *
 *   Dead -> Establish (LCP) -> Authenticate (PAP/CHAP) -> Network (IPCP, CCP)
 *     ^                                                        |
 *     +--------------------- Terminate <-----------------------+
 *
 * The session owns no socket and no clock: frames go out through `send`,
 * time comes from `clock`, debug and syslog events go to the injected
 * PppDebugSink. Frames come in through `input`, IP packets through
 * `sendIp`; decrypted IP packets go up through `onIpPacket`.
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
 * This file runs the phases. The Authenticate phase (PAP/CHAP engines,
 * CBCP) is auth-phase.ts; the IP and MPPE data path is data-path.ts; the
 * events it reports are debug-events.ts (their text: src/debug/
 * cisco-ppp-session.ts); options and status types are session-api.ts.
 *
 * Why ~700 lines: what is left is the phase sequence itself (LCP up and
 * down, the Network phase with its NCPs in a profile's order, deferred
 * NCPs, the link-up rule, renegotiation, the end) and the small objects
 * that route each layer's events back into it; they work on one set of
 * state (phase, lease, NCPs, ended/up), so one automaton reads in one
 * place. The next seam, if it grows, is the Network phase (IPCP, CCP,
 * IPv6CP and their events) as its own object, as auth-phase.ts is.
 */
import type { Timer } from '../../util/clock.js';
import type { PppDebugLink, PppDebugSink } from './debug-events.js';
import type { AuthProtocol } from '../../config/model.js';
import { CP_CODE, PPP_PROTO, decodeCp, decodeFrame, pppProtocolName, u32, type FrameCompression } from './frame.js';
import type { FsmTrace } from './fsm.js';
import { Lcp, type LcpEvents } from './lcp.js';
import { Ipcp, type IpcpEvents } from './ipcp.js';
import { Ccp, policyMppeNegotiation, type CcpEvents, type MppeAgreed } from './ccp.js';
import { Ipv6cp } from './ipv6cp.js';
import { BASIC_PPP_PROFILE, type NcpName, type PppClientProfile } from './client-profiles.js';
import { PppAuthPhase, type AuthPhaseLink } from './auth-phase.js';
import { PppDataPath, type DataPathLink } from './data-path.js';
import type { MppeDecryptor } from './mppe.js';
import type { PppPhase, PppSessionOptions, PppStatus, PppTraffic } from './session-api.js';
import { randomOctets } from '../crypto/random.js';

export type { PppGroupSettings, PppPhase, PppSessionOptions, PppStatus, PppTraffic, PppUpInfo } from './session-api.js';

const AUTH_LABEL: Record<AuthProtocol, string> = { pap: 'PAP', chap: 'CHAP', mschap: 'MSCHAP', 'mschap-v2': 'MSCHAP-V2' };

/** NCP packets kept while a client address is on its way (a worker asks the primary). */
const MAX_HELD_FOR_LEASE = 16;

const NO_ERRORS: Record<string, number> = Object.freeze({});

/** Frame compression by ACFC (1) | PFC (2). */
const COMPRESSION: readonly FrameCompression[] = [
  Object.freeze({ acfc: false, pfc: false }),
  Object.freeze({ acfc: true, pfc: false }),
  Object.freeze({ acfc: false, pfc: true }),
  Object.freeze({ acfc: true, pfc: true }),
];

/** The default random source: one function for every session. */
function systemRandom(n: number): Buffer {
  return randomOctets(n);
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

  // What the data path asks of the session: one small object per session, as above.
  private static readonly DataPathLinkOf = class implements DataPathLink {
    constructor(private readonly s: PppSession) {}
    send(frame: Buffer): void {
      this.s.opts.send(frame);
    }
    compression(): FrameCompression {
      return this.s.compression();
    }
    ipAllowed(): boolean {
      return this.s.phase === 'network' && this.s.ipcp?.fsm.isOpened === true;
    }
    onIpPacket(packet: Buffer): void {
      this.s.opts.onIpPacket(packet);
    }
    drop(reason: string, detail: string): void {
      this.s.drop(reason, detail);
    }
    count(reason: string): void {
      this.s.count(reason);
    }
    sendResetRequest(): void {
      this.s.ccp?.sendResetRequest();
    }
    resetSettled(): void {
      this.s.ccp?.resetSettled();
    }
  };

  // The link as debug events name it: the user once authenticated.
  private static readonly DebugLinkOf = class implements PppDebugLink {
    readonly pppIfId: number;
    readonly tunnelId: number | undefined;
    constructor(private readonly s: PppSession) {
      this.pppIfId = s.opts.pppIfId;
      this.tunnelId = s.opts.tunnelId;
    }
    get user(): string | undefined {
      return this.s.auth.username;
    }
  };

  // What the authentication phase asks of the session: one small object per session, as above.
  private static readonly AuthPhaseLinkOf = class implements AuthPhaseLink {
    constructor(private readonly s: PppSession) {}
    authenticating(): boolean {
      return this.s.phase === 'authenticate';
    }
    ended(): boolean {
      return this.s.ended;
    }
    sendCp(protocol: number, code: number, id: number, data: Buffer): void {
      this.s.sendCp(protocol, code, id, data);
    }
    sendFrame(protocol: number, payload: Buffer): void {
      this.s.sendFrame(protocol, payload);
    }
    drop(reason: string, detail: string): void {
      this.s.drop(reason, detail);
    }
    count(reason: string): void {
      this.s.count(reason);
    }
    close(reason: string): void {
      this.s.close(reason);
    }
    authenticated(): void {
      this.s.enterNetwork();
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
      if (this.s.debug.on('ppp negotiation')) this.s.debug.emit(this.s.debugLink, { kind: 'lcp-negotiation-failed' });
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
      if (this.s.debug.on('ppp mppe')) this.s.debug.emit(this.s.debugLink, { kind: 'mppe-reset-ack-received' });
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
  private readonly auth: PppAuthPhase;
  private readonly debug: PppDebugSink;
  private readonly debugLink: PppDebugLink;
  private readonly data: PppDataPath;
  private readonly random: (n: number) => Buffer;
  private started = false;
  private ended = false;
  private reportedUp = false;
  private renegotiationTimer: Timer | undefined;
  private ccpSettled = false;
  private closeReason: string | undefined;
  private clientAddress: string | undefined;
  /** A lease asked of the primary (data-plane worker) is on its way; the NCP packets kept meanwhile (made when needed). */
  private leasePending = false;
  private heldForLease: { protocol: number; payload: Buffer }[] | undefined;
  /** A shared empty object until the first error (most sessions have none). */
  private errors: Record<string, number> = NO_ERRORS;

  constructor(private readonly opts: PppSessionOptions) {
    if (opts.role === 'server' && !opts.authenticator) throw new Error('a server PppSession needs an authenticator');
    if (opts.role === 'client' && !opts.credentials) throw new Error('a client PppSession needs credentials');
    this.debug = opts.debug;
    this.debugLink = new PppSession.DebugLinkOf(this);
    this.data = new PppDataPath(new PppSession.DataPathLinkOf(this), this.debug, this.debugLink);
    this.random = opts.random ?? systemRandom;
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
    const n = this.lcp.negotiated;
    this.auth = new PppAuthPhase(opts, new PppSession.AuthPhaseLinkOf(this), this.debug, this.debugLink, this.random, () => n.callback === 6 || n.peerCallback === 6);
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
    this.data.countIn(frame);
    if (this.debug.on('ppp io')) this.debug.emit(this.debugLink, { kind: 'frame-in', frame });
    const f = decodeFrame(frame);
    if (!f.ok) return this.drop('bad frame', f.error);
    this.lcp.peerActivity();
    this.dispatch(f.value.protocol, f.value.payload);
  }

  private dispatch(protocol: number, payload: Buffer): void {
    if (this.leasePending && (protocol === PPP_PROTO.IPCP || protocol === PPP_PROTO.CCP || protocol === PPP_PROTO.IPV6CP)) {
      // The peer's NCP requests while the address is on its way: answered once it comes, not at the peer's next retransmit.
      const held = (this.heldForLease ??= []);
      if (held.length < MAX_HELD_FOR_LEASE) held.push({ protocol, payload: Buffer.from(payload) });
      return;
    }
    switch (protocol) {
      case PPP_PROTO.LCP:
        return this.inputCp(protocol, payload, (c, i, d) => this.lcp.fsm.input(c, i, d));
      case PPP_PROTO.PAP:
      case PPP_PROTO.CHAP:
        return this.auth.input(protocol, payload, this.phase === 'authenticate' || this.phase === 'network');
      case PPP_PROTO.IPCP:
        if (this.phase !== 'network' || !this.ipcp) return this.drop('before network phase', pppProtocolName(protocol));
        return this.inputCp(protocol, payload, (c, i, d) => this.ipcp!.fsm.input(c, i, d));
      case PPP_PROTO.CCP:
        if (this.phase !== 'network') return this.drop('before network phase', pppProtocolName(protocol));
        if (!this.ccp) return this.protocolReject(protocol, payload);
        return this.inputCp(protocol, payload, (c, i, d) => this.ccp!.fsm.input(c, i, d));
      case PPP_PROTO.CBCP:
        if (!this.auth.expectsCbcp) return this.protocolReject(protocol, payload);
        return this.auth.inputCbcp(payload);
      case PPP_PROTO.IPV6CP:
        if (!this.ipv6cp) return this.protocolReject(protocol, payload);
        if (this.phase !== 'network') return this.drop('before network phase', pppProtocolName(protocol));
        return this.inputCp(protocol, payload, (c, i, d) => this.ipv6cp!.fsm.input(c, i, d));
      case PPP_PROTO.IP:
        return this.data.inputIp(payload, false);
      case PPP_PROTO.MPPE:
        if (this.phase !== 'network') return this.drop('MPPE packet without MPPE', 'COMP');
        return this.data.inputMppe(payload);
      default:
        return this.protocolReject(protocol, payload);
    }
  }

  /**
   * The MPPE receive engine, while the link is up in the network phase
   * and nothing holds NCP packets back: the one the native fast path
   * (src/server/fast-path.ts) may take the state of.
   */
  fastPathRx(): MppeDecryptor | undefined {
    if (this.ended || this.phase !== 'network' || this.leasePending) return undefined;
    const dec = this.data.rxEngine;
    return dec?.exportable ? dec : undefined;
  }

  /** What the native fast path did with this link's frames: counted as input() would have. */
  fastInput(frames: number, octets: number, rejected: number): void {
    if (frames === 0) return;
    this.lcp.peerActivity();
    this.data.countFast(frames, octets, rejected);
  }

  /** A payload the native fast path decrypted (protocol + data). */
  inputDecrypted(payload: Buffer): void {
    if (!this.ended) this.data.inputDecrypted(payload);
  }

  /** Send an IP packet to the peer (encrypted when MPPE is on). false = not sent. */
  sendIp(packet: Buffer): boolean {
    if (this.ended || !this.reportedUp) {
      this.count('ip dropped: link not up');
      return false;
    }
    return this.data.sendIp(packet);
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
    return this.data.traffic;
  }

  /** The authenticated peer's name; undefined before. */
  get peerName(): string | undefined {
    return this.auth.username;
  }

  /** The authentication protocol as `show vpdn` prints it ('MSCHAP-V2'); undefined before LCP agreed one. */
  get authLabel(): string | undefined {
    const p = this.auth.protocol;
    return p ? AUTH_LABEL[p] : undefined;
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
    return this.data.mppeStatus;
  }

  status(): PppStatus {
    return {
      pppIfId: this.opts.pppIfId,
      phase: this.phase,
      lcp: this.lcp.fsm.state,
      ipcp: this.ipcp?.fsm.state ?? 'initial',
      ccp: this.ccp?.fsm.state ?? 'initial',
      ipv6cp: this.ipv6cp?.fsm.state ?? 'initial',
      username: this.auth.username,
      authProtocol: this.authLabel,
      serverAddress: this.serverAddress,
      clientAddress: this.clientAddressAgreed,
      mppe: this.data.mppeStatus,
      packetsIn: this.data.traffic.packetsIn,
      packetsOut: this.data.traffic.packetsOut,
      bytesIn: this.data.traffic.bytesIn,
      bytesOut: this.data.traffic.bytesOut,
      encryptedPackets: this.data.traffic.encrypted,
      decryptedPackets: this.data.traffic.decrypted,
      errors: { ...this.errors },
    };
  }

  /** How many times this session counted `reason` (status().errors without the copy). */
  errorCount(reason: string): number {
    return this.errors[reason] ?? 0;
  }

  get isUp(): boolean {
    return this.reportedUp && !this.ended;
  }

  // ---- input paths ------------------------------------------------------

  private inputCp(protocol: number, payload: Buffer, deliver: (code: number, id: number, data: Buffer) => void): void {
    const cp = decodeCp(payload);
    if (!cp.ok) return this.drop(`bad ${pppProtocolName(protocol)} packet`, cp.error);
    deliver(cp.value.code, cp.value.id, cp.value.data);
  }

  private protocolReject(protocol: number, payload: Buffer): void {
    if (!this.lcp.fsm.isOpened) return this.drop('protocol before LCP is open', pppProtocolName(protocol));
    this.count(`protocol rejected: ${pppProtocolName(protocol)}`);
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
    this.setPhase('authenticate');
    this.auth.start(proto);
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

  private enterNetwork(): void {
    if (this.ended) return;
    if (this.opts.role === 'server') {
      // A renegotiated link (peer LCP Configure-Request) keeps the lease it holds:
      // allocating again leaked one pool address per renegotiation.
      const addr = this.clientAddress ?? this.opts.allocateAddress?.(this.auth.username ?? '', this.auth.result);
      if (addr instanceof Promise) {
        if (this.leasePending) return;
        this.leasePending = true;
        void addr.then((a) => {
          this.leasePending = false;
          const held = this.heldForLease ?? [];
          this.heldForLease = undefined;
          if (this.ended) {
            // the call ended while the lease was on its way: give it back
            if (a !== undefined) this.opts.releaseAddress?.(a);
            return;
          }
          this.withAddress(a);
          for (const h of held) if (!this.ended) this.dispatch(h.protocol, h.payload);
        });
        return;
      }
      this.withAddress(addr);
      return;
    }
    this.startNcps();
  }

  private withAddress(addr: string | undefined): void {
    if (addr === undefined) {
      this.debug.emit(this.debugLink, { kind: 'missing-client-address' });
      this.close('missing client ip address');
      return;
    }
    this.clientAddress = addr;
    this.startNcps();
  }

  private startNcps(): void {
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
    const canMppe = setting !== undefined && this.auth.mppeKeys !== undefined;
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
    this.data.peerResetRequest();
  }

  private ccpUp(agreed: MppeAgreed | null): void {
    const keys = this.auth.mppeKeys;
    if (agreed && keys) {
      if (this.debug.on('ppp mppe')) {
        this.debug.emit(this.debugLink, { kind: 'mppe-started', keySource: this.opts.role === 'server' && this.opts.mppeKeySource === 'radius' ? 'radius' : 'local', agreed });
      }
      this.data.startMppe(agreed, keys);
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
    this.data.stopMppe();
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
    if (this.debug.on('ppp error')) this.debug.emit(this.debugLink, { kind: 'mppe-required-not-active' });
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
      username: this.auth.username ?? this.opts.credentials?.username ?? '',
      clientAddress,
      serverAddress: serverAddress ?? '0.0.0.0',
      authProtocol: this.auth.protocol,
      mppe: this.data.mppe,
      auth: this.auth.result,
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
    this.auth.stop();
    this.ipcp?.fsm.down();
    this.ipcp?.dispose();
    this.ccp?.fsm.down();
    this.ccp?.dispose();
    this.ipv6cp?.fsm.down();
    this.ipv6cp?.dispose();
    this.deferredNcps = [];
    this.data.dropKeys();
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
    if (this.debug.on('ppp negotiation')) this.debug.emit(this.debugLink, { kind: 'phase', phase: p });
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
    this.data.sendFrame(protocol, payload, lcpFollowsAcfc);
  }

  /** What the peer lets us compress: one of four shared objects (it is asked for every frame sent). */
  private compression(): FrameCompression {
    if (!this.lcp.fsm.isOpened) return COMPRESSION[0]!;
    return COMPRESSION[(this.lcp.negotiated.sendAcfc ? 1 : 0) | (this.lcp.negotiated.sendPfc ? 2 : 0)]!;
  }

  // ---- counters ---------------------------------------------------------

  private trace(protocol: number, t: FsmTrace): void {
    if (t.kind === 'packet' && protocol === PPP_PROTO.LCP && t.dir === 'O' && t.code === CP_CODE.ProtRej) this.count('protocol rejects sent');
    if (t.kind === 'error') this.count(`${pppProtocolName(protocol)} packet discarded`);
    // an automaton's packets, states and timeouts print under `debug ppp negotiation`, its errors under `debug ppp error`
    if (this.debug.on(t.kind === 'error' ? 'ppp error' : 'ppp negotiation')) this.debug.emit(this.debugLink, { kind: 'automaton', protocol, trace: t });
  }

  private drop(reason: string, detail: string): void {
    this.count(reason);
    if (this.debug.on('ppp error')) this.debug.emit(this.debugLink, { kind: 'dropped', reason, detail });
  }

  private count(reason: string): void {
    if (this.errors === NO_ERRORS) this.errors = {};
    this.errors[reason] = (this.errors[reason] ?? 0) + 1;
  }
}
