/**
 * LCP (RFC 1661 section 6, RFC 1570): the option handlers, the extended
 * codes (Echo, Discard, Identification, Time-Remaining, Protocol-Reject)
 * and the Echo keepalive.
 *
 * Options we ask for: MRU (default 1400, below the GRE path MTU),
 * Authentication-Protocol (server role: the group's list in order),
 * Magic-Number, PFC, ACFC; a client profile may add ACCM (pppd) and
 * Callback (Windows, dropped when rejected). Options we accept from the
 * peer: MRU, ACCM, Auth (client role), Magic (loop detection), PFC, ACFC.
 * Everything else (Callback 13 that Windows sends, MRRU 17, Short-Seq 18,
 * Endpoint Discriminator 19, ...) is Configure-Rejected.
 */
import type { Clock, Timer } from '../../util/clock.js';
import type { AuthProtocol } from '../../config/model.js';
import { CP_CODE, PPP_PROTO, u16, u32 } from './frame.js';
import { Fsm, type FsmTrace, type NakRejOutcome } from './fsm.js';
import { NegotiatingLayer, OptionNegotiator, type OptionHandler, type ReqVerdict } from './options.js';

export const LCP_OPT = {
  MRU: 1,
  ACCM: 2,
  AuthProtocol: 3,
  Quality: 4,
  MagicNumber: 5,
  PFC: 7,
  ACFC: 8,
  Callback: 13,
  MRRU: 17,
  ShortSeq: 18,
  EndpointDiscriminator: 19,
} as const;

const MIN_MRU = 128;
const DEFAULT_MRU = 1500;

/** Option value for an auth protocol (RFC 1334, RFC 1994, RFC 2433, RFC 2759). */
export function authOptionValue(p: AuthProtocol): Buffer {
  switch (p) {
    case 'pap':
      return u16(PPP_PROTO.PAP);
    case 'chap':
      return Buffer.from([0xc2, 0x23, 0x05]);
    case 'mschap':
      return Buffer.from([0xc2, 0x23, 0x80]);
    case 'mschap-v2':
      return Buffer.from([0xc2, 0x23, 0x81]);
  }
}

/** The auth protocol an option value names, or undefined (EAP, SPAP, unknown digest...). */
export function parseAuthOption(v: Buffer): AuthProtocol | undefined {
  if (v.length === 2 && v.readUInt16BE(0) === PPP_PROTO.PAP) return 'pap';
  if (v.length === 3 && v.readUInt16BE(0) === PPP_PROTO.CHAP) {
    if (v[2] === 0x05) return 'chap';
    if (v[2] === 0x80) return 'mschap';
    if (v[2] === 0x81) return 'mschap-v2';
  }
  return undefined;
}

/** What LCP agreed, for the session, framing and status. */
export interface LcpNegotiated {
  /** server: the protocol the peer acked; client: the one we acked */
  authProtocol?: AuthProtocol;
  /** largest frame the peer receives */
  peerMru: number;
  ourMagic: number;
  peerMagic: number;
  /** the peer accepts compressed frames from us (it asked for them, we acked) */
  sendPfc: boolean;
  sendAcfc: boolean;
  /** the peer acked our Callback option: its operation */
  callback?: number;
  /** we acked the peer's Callback option: its operation */
  peerCallback?: number;
}

export interface LcpConfig {
  role: 'server' | 'client';
  /** Server: protocols to require, in order of preference. Client: protocols we will use. */
  authProtocols: readonly AuthProtocol[];
  /** Our MRU to ask for; null = do not ask (peer uses 1500). Default 1400. */
  mru?: number | null;
  /** LCP Echo-Request interval; 0 = no keepalive. Default 30 s. */
  echoIntervalMs?: number;
  /** Unanswered Echo-Requests before the peer is declared dead. Default 4. */
  echoFailures?: number;
  /** Source of magic numbers (tests make it deterministic). */
  random32?: () => number;
  /** Client: ACCM to ask for (pppd asks 0); undefined/null = do not ask. */
  asyncMap?: number | null;
  /** Client: Callback operation to ask for (Windows 6 = CBCP); undefined/null = do not ask. */
  callback?: number | null;
  /** Client: the peer's Callback with this operation is Acked (Windows 6, then CBCP "no callback"); else Rejected. */
  acceptCallback?: number | null;
  /** Identifier source shared with other protocols (Windows). */
  nextId?: () => number;
  /** Data for our Terminate-Requests (Windows: 12 octets). */
  terminateData?: () => Buffer;
}

export interface LcpEvents {
  /** send an LCP packet (the session frames it) */
  send(code: number, id: number, data: Buffer): void;
  trace(ev: FsmTrace): void;
  up(): void;
  down(): void;
  started(): void;
  finished(reason: string): void;
  /** the peer Protocol-Rejected one of our protocols */
  protocolRejected(protocol: number): void;
  /** keepalive failed */
  peerDead(): void;
  /** a negotiation dead end, e.g. no common authentication protocol */
  negotiationFailed(reason: string): void;
  /** Identification / Time-Remaining / Discard received (debug only) */
  ignored(code: number, data: Buffer): void;
}

function randomNonZero(random32: () => number): number {
  for (;;) {
    const v = random32() >>> 0;
    if (v !== 0) return v;
  }
}

export class Lcp extends NegotiatingLayer {
  readonly fsm: Fsm;
  readonly negotiated: LcpNegotiated;
  protected readonly options: OptionNegotiator;
  private readonly random32: () => number;
  private echoTimer: Timer | undefined;
  private echosPending = 0;
  private failure: string | undefined;

  constructor(
    private readonly cfg: LcpConfig,
    private readonly clock: Clock,
    private readonly ev: LcpEvents,
  ) {
    super();
    this.random32 = cfg.random32 ?? (() => (Math.random() * 0x100000000) >>> 0);
    this.negotiated = { peerMru: DEFAULT_MRU, ourMagic: 0, peerMagic: 0, sendPfc: false, sendAcfc: false };
    this.options = new OptionNegotiator([
      this.mruHandler(),
      this.accmHandler(),
      cfg.role === 'server' ? this.serverAuthHandler() : this.clientAuthHandler(),
      this.magicHandler(),
      this.flagHandler(LCP_OPT.PFC, (v) => (this.negotiated.sendPfc = v)),
      this.flagHandler(LCP_OPT.ACFC, (v) => (this.negotiated.sendAcfc = v)),
      // Windows puts Callback after ACFC.
      this.callbackHandler(),
    ]);
    this.fsm = new Fsm(this, {
      name: 'LCP',
      clock,
      send: (c, i, d) => ev.send(c, i, d),
      trace: (t) => ev.trace(t),
      nextId: cfg.nextId,
    });
  }

  // ---- option handlers --------------------------------------------------

  private mruHandler(): OptionHandler {
    let want: number | null = this.cfg.mru === undefined ? 1400 : this.cfg.mru;
    const initial = want;
    return {
      type: LCP_OPT.MRU,
      reset: () => (want = initial),
      buildReq: () => (want === null ? undefined : u16(want)),
      onNak: (v) => {
        if (v.length !== 2) return 'bad';
        const n = v.readUInt16BE(0);
        want = n >= MIN_MRU && n <= DEFAULT_MRU ? n : null;
        return 'ok';
      },
      onRej: () => {
        want = null;
        return 'ok';
      },
      onReq: (v): ReqVerdict => {
        if (v.length !== 2) return { verdict: 'rej' };
        return v.readUInt16BE(0) >= MIN_MRU ? { verdict: 'ack' } : { verdict: 'nak', value: u16(MIN_MRU) };
      },
      clearPeer: () => (this.negotiated.peerMru = DEFAULT_MRU),
      accepted: (v) => (this.negotiated.peerMru = v.readUInt16BE(0)),
    };
  }

  /** ACCM is meaningless without async HDLC (PPTP): accept any value; ask only when told to (pppd). */
  private accmHandler(): OptionHandler {
    const initial = this.cfg.asyncMap ?? null;
    let want = initial;
    return {
      type: LCP_OPT.ACCM,
      reset: () => (want = initial),
      buildReq: () => (want === null ? undefined : u32(want)),
      // pppd: a Nak'ed map is OR'ed into ours
      onNak: (v) => {
        if (v.length !== 4) return 'bad';
        if (want !== null) want = (want | v.readUInt32BE(0)) >>> 0;
        return 'ok';
      },
      onRej: () => {
        want = null;
        return 'ok';
      },
      onReq: (v): ReqVerdict => (v.length === 4 ? { verdict: 'ack' } : { verdict: 'rej' }),
    };
  }

  /**
   * Callback (RFC 1570 2.3): asked by a Windows client; the peer's is
   * Acked only for the operation `acceptCallback` names (CBCP, where the
   * client then answers "no callback"), Rejected otherwise.
   */
  private callbackHandler(): OptionHandler {
    const initial = this.cfg.callback ?? null;
    const accept = this.cfg.acceptCallback ?? null;
    let want = initial;
    return {
      type: LCP_OPT.Callback,
      reset: () => {
        want = initial;
        this.negotiated.callback = undefined;
      },
      buildReq: () => (want === null ? undefined : Buffer.from([want])),
      onAck: (v) => (this.negotiated.callback = v.length >= 1 ? v[0] : undefined),
      onNak: () => {
        want = null;
        return 'ok';
      },
      onRej: () => {
        want = null;
        return 'ok';
      },
      onReq: (v): ReqVerdict => (accept !== null && v.length >= 1 && v[0] === accept ? { verdict: 'ack' } : { verdict: 'rej' }),
      clearPeer: () => (this.negotiated.peerCallback = undefined),
      accepted: (v) => (this.negotiated.peerCallback = v[0]),
    };
  }

  private serverAuthHandler(): OptionHandler {
    const allowed = this.cfg.authProtocols;
    let refused = new Set<AuthProtocol>();
    let current: AuthProtocol | undefined = allowed[0];
    const next = (): AuthProtocol | undefined => allowed.find((p) => !refused.has(p));
    return {
      type: LCP_OPT.AuthProtocol,
      reset: () => {
        refused = new Set();
        current = allowed[0];
        this.negotiated.authProtocol = undefined;
      },
      buildReq: () => (current === undefined ? undefined : authOptionValue(current)),
      onAck: (v) => (this.negotiated.authProtocol = parseAuthOption(v)),
      onNak: (v): NakRejOutcome => {
        const suggested = parseAuthOption(v);
        if (suggested !== undefined && allowed.includes(suggested) && !refused.has(suggested) && suggested !== current) {
          current = suggested;
          return 'ok';
        }
        if (current !== undefined) refused.add(current);
        current = next();
        return current === undefined ? this.fail('no common authentication protocol') : 'ok';
      },
      // We never run without authentication: a peer that refuses it cannot connect.
      onRej: () => this.fail('peer refused to authenticate'),
      // A client asking us to authenticate ourselves: we do not.
      onReq: (): ReqVerdict => ({ verdict: 'rej' }),
    };
  }

  private clientAuthHandler(): OptionHandler {
    const allowed = this.cfg.authProtocols;
    return {
      type: LCP_OPT.AuthProtocol,
      onReq: (v): ReqVerdict => {
        const p = parseAuthOption(v);
        if (p !== undefined && allowed.includes(p)) return { verdict: 'ack' };
        return allowed.length ? { verdict: 'nak', value: authOptionValue(allowed[0]) } : { verdict: 'rej' };
      },
      clearPeer: () => (this.negotiated.authProtocol = undefined),
      accepted: (v) => (this.negotiated.authProtocol = parseAuthOption(v)),
    };
  }

  private magicHandler(): OptionHandler {
    let want = true;
    return {
      type: LCP_OPT.MagicNumber,
      reset: () => {
        want = true;
        this.negotiated.ourMagic = randomNonZero(this.random32);
      },
      buildReq: () => (want ? u32(this.negotiated.ourMagic) : undefined),
      onNak: (v) => {
        // The peer saw our number come back (or dislikes it): choose another.
        let m = randomNonZero(this.random32);
        if (v.length === 4 && m === v.readUInt32BE(0)) m = randomNonZero(this.random32);
        this.negotiated.ourMagic = m;
        return 'ok';
      },
      onRej: () => {
        want = false;
        this.negotiated.ourMagic = 0;
        return 'ok';
      },
      onReq: (v): ReqVerdict => {
        if (v.length !== 4) return { verdict: 'rej' };
        const m = v.readUInt32BE(0);
        // Zero is illegal; our own number means a looped-back link (RFC 1661 6.4).
        if (m === 0 || (want && m === this.negotiated.ourMagic)) {
          return { verdict: 'nak', value: u32(randomNonZero(this.random32)) };
        }
        return { verdict: 'ack' };
      },
      clearPeer: () => (this.negotiated.peerMagic = 0),
      accepted: (v) => (this.negotiated.peerMagic = v.readUInt32BE(0)),
    };
  }

  private flagHandler(type: number, setSend: (v: boolean) => void): OptionHandler {
    let want = true;
    return {
      type,
      reset: () => (want = true),
      buildReq: () => (want ? Buffer.alloc(0) : undefined),
      onRej: () => {
        want = false;
        return 'ok';
      },
      onReq: (v): ReqVerdict => (v.length === 0 ? { verdict: 'ack' } : { verdict: 'rej' }),
      clearPeer: () => setSend(false),
      accepted: () => setSend(true),
    };
  }

  private fail(reason: string): NakRejOutcome {
    this.failure = reason;
    return { fail: reason };
  }

  // ---- this-layer actions ----------------------------------------------

  override receiveConfNak(data: Buffer, treatAsReject: boolean): NakRejOutcome {
    return this.reportFailure(this.options.receiveConfNak(data, treatAsReject));
  }

  override receiveConfRej(data: Buffer): NakRejOutcome {
    return this.reportFailure(this.options.receiveConfRej(data));
  }

  private reportFailure(o: NakRejOutcome): NakRejOutcome {
    if (typeof o === 'object') this.ev.negotiationFailed(this.failure ?? o.fail);
    return o;
  }

  thisLayerUp(): void {
    this.startEcho();
    this.ev.up();
  }

  thisLayerDown(): void {
    this.stopEcho();
    this.ev.down();
  }

  thisLayerStarted(): void {
    this.ev.started();
  }

  thisLayerFinished(reason: string): void {
    this.stopEcho();
    this.ev.finished(reason);
  }

  termReqData(): Buffer {
    return this.cfg.terminateData?.() ?? Buffer.alloc(0);
  }

  extendedCode(code: number, id: number, data: Buffer): boolean {
    const opened = this.fsm.state === 'opened';
    switch (code) {
      case CP_CODE.ProtRej:
        if (opened && data.length >= 2) this.ev.protocolRejected(data.readUInt16BE(0));
        return true;
      case CP_CODE.EchoReq: {
        if (!opened || data.length < 4) return true;
        // A request carrying our own magic number has looped back: no reply.
        if (this.negotiated.ourMagic !== 0 && data.readUInt32BE(0) === this.negotiated.ourMagic) return true;
        const reply = Buffer.from(data);
        reply.writeUInt32BE(this.negotiated.ourMagic, 0);
        this.fsm.send(CP_CODE.EchoRep, id, reply);
        return true;
      }
      case CP_CODE.EchoRep:
        if (opened) this.echosPending = 0;
        return true;
      case CP_CODE.DiscardReq:
      case CP_CODE.Identification:
      case CP_CODE.TimeRemaining:
        this.ev.ignored(code, data);
        return true;
      default:
        return false;
    }
  }

  // ---- keepalive --------------------------------------------------------

  private startEcho(): void {
    const interval = this.cfg.echoIntervalMs ?? 30_000;
    if (interval <= 0) return;
    this.echosPending = 0;
    const tick = (): void => {
      this.echoTimer = undefined;
      if (this.fsm.state !== 'opened') return;
      if (this.echosPending >= (this.cfg.echoFailures ?? 4)) {
        this.ev.peerDead();
        return;
      }
      this.echosPending++;
      this.fsm.send(CP_CODE.EchoReq, this.fsm.nextId(), u32(this.negotiated.ourMagic));
      this.echoTimer = this.clock.setTimer(interval, tick);
    };
    this.echoTimer = this.clock.setTimer(interval, tick);
  }

  private stopEcho(): void {
    this.echoTimer?.cancel();
    this.echoTimer = undefined;
  }

  /** Any frame from the peer proves it alive (pppd resets on Echo-Reply only; we are kinder). */
  peerActivity(): void {
    this.echosPending = 0;
  }

  /** Protocol-Reject an unknown protocol; only in the Opened state (RFC 1661 5.7). */
  sendProtocolReject(protocol: number, info: Buffer): void {
    if (this.fsm.state !== 'opened') return;
    // Keep the reject within the peer's MRU: header 4 + protocol 2.
    const room = Math.max(0, this.negotiated.peerMru - 6);
    const data = Buffer.concat([u16(protocol), info.subarray(0, room)]);
    this.fsm.send(CP_CODE.ProtRej, this.fsm.nextId(), data);
  }

  dispose(): void {
    this.stopEcho();
    this.fsm.dispose();
  }
}
