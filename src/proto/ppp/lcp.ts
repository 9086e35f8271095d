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
import { ACK, NegotiatingLayer, OptionNegotiator, REJ, type OptionHandler, type ReqVerdict } from './options.js';

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

function mathRandom32(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

// Option handlers: one small object per option per session, their logic on
// the prototype (closures per handler cost ~0.5 KB per handler, 10,000
// sessions: bench/sessions.bench.ts).


/**
 * An option we ask for with a numeric value, or not at all (null): back
 * to `initial` when a negotiation starts, dropped when the peer rejects it.
 */
abstract class ValueOption implements OptionHandler {
  abstract readonly type: number;
  protected want: number | null;
  constructor(private readonly initial: number | null) {
    this.want = initial;
  }
  reset(): void {
    this.want = this.initial;
  }
  buildReq(): Buffer | undefined {
    return this.want === null ? undefined : this.encode(this.want);
  }
  onRej(): NakRejOutcome {
    this.want = null;
    return 'ok';
  }
  protected abstract encode(value: number): Buffer;
}

class MruOption extends ValueOption {
  readonly type = LCP_OPT.MRU;
  constructor(
    private readonly lcp: Lcp,
    initial: number | null,
  ) {
    super(initial);
  }
  protected encode(value: number): Buffer {
    return u16(value);
  }
  onNak(v: Buffer): NakRejOutcome {
    if (v.length !== 2) return 'bad';
    const n = v.readUInt16BE(0);
    this.want = n >= MIN_MRU && n <= DEFAULT_MRU ? n : null;
    return 'ok';
  }
  onReq(v: Buffer): ReqVerdict {
    if (v.length !== 2) return REJ;
    return v.readUInt16BE(0) >= MIN_MRU ? ACK : { verdict: 'nak', value: u16(MIN_MRU) };
  }
  clearPeer(): void {
    this.lcp.negotiated.peerMru = DEFAULT_MRU;
  }
  accepted(v: Buffer): void {
    this.lcp.negotiated.peerMru = v.readUInt16BE(0);
  }
}

/** ACCM is meaningless without async HDLC (PPTP): accept any value; ask only when told to (pppd). */
class AccmOption extends ValueOption {
  readonly type = LCP_OPT.ACCM;
  protected encode(value: number): Buffer {
    return u32(value);
  }
  // pppd: a Nak'ed map is OR'ed into ours
  onNak(v: Buffer): NakRejOutcome {
    if (v.length !== 4) return 'bad';
    if (this.want !== null) this.want = (this.want | v.readUInt32BE(0)) >>> 0;
    return 'ok';
  }
  onReq(v: Buffer): ReqVerdict {
    return v.length === 4 ? ACK : REJ;
  }
}

/**
 * Callback (RFC 1570 2.3): asked by a Windows client; the peer's is
 * Acked only for the operation `acceptCallback` names (CBCP, where the
 * client then answers "no callback"), Rejected otherwise.
 */
class CallbackOption extends ValueOption {
  readonly type = LCP_OPT.Callback;
  constructor(
    private readonly lcp: Lcp,
    initial: number | null,
    private readonly accept: number | null,
  ) {
    super(initial);
  }
  override reset(): void {
    super.reset();
    this.lcp.negotiated.callback = undefined;
  }
  protected encode(value: number): Buffer {
    return Buffer.from([value]);
  }
  onAck(v: Buffer): void {
    this.lcp.negotiated.callback = v.length >= 1 ? v[0] : undefined;
  }
  onNak(): NakRejOutcome {
    return this.onRej();
  }
  onReq(v: Buffer): ReqVerdict {
    return this.accept !== null && v.length >= 1 && v[0] === this.accept ? ACK : REJ;
  }
  clearPeer(): void {
    this.lcp.negotiated.peerCallback = undefined;
  }
  accepted(v: Buffer): void {
    this.lcp.negotiated.peerCallback = v[0];
  }
}

class ServerAuthOption implements OptionHandler {
  readonly type = LCP_OPT.AuthProtocol;
  /** protocols the peer refused in this negotiation (created on the first refusal) */
  private refused: AuthProtocol[] | undefined;
  private current: AuthProtocol | undefined;
  constructor(
    private readonly lcp: Lcp,
    private readonly allowed: readonly AuthProtocol[],
  ) {
    this.current = allowed[0];
  }
  private isRefused(p: AuthProtocol): boolean {
    return this.refused !== undefined && this.refused.includes(p);
  }
  private next(): AuthProtocol | undefined {
    return this.allowed.find((p) => !this.isRefused(p));
  }
  reset(): void {
    this.refused = undefined;
    this.current = this.allowed[0];
    this.lcp.negotiated.authProtocol = undefined;
  }
  buildReq(): Buffer | undefined {
    return this.current === undefined ? undefined : authOptionValue(this.current);
  }
  onAck(v: Buffer): void {
    this.lcp.negotiated.authProtocol = parseAuthOption(v);
  }
  onNak(v: Buffer): NakRejOutcome {
    const suggested = parseAuthOption(v);
    if (suggested !== undefined && this.allowed.includes(suggested) && !this.isRefused(suggested) && suggested !== this.current) {
      this.current = suggested;
      return 'ok';
    }
    if (this.current !== undefined && !this.isRefused(this.current)) (this.refused ??= []).push(this.current);
    this.current = this.next();
    return this.current === undefined ? this.lcp.fail('no common authentication protocol') : 'ok';
  }
  // We never run without authentication: a peer that refuses it cannot connect.
  onRej(): NakRejOutcome {
    return this.lcp.fail('peer refused to authenticate');
  }
  // A client asking us to authenticate ourselves: we do not.
  onReq(): ReqVerdict {
    return REJ;
  }
}

class ClientAuthOption implements OptionHandler {
  readonly type = LCP_OPT.AuthProtocol;
  constructor(
    private readonly lcp: Lcp,
    private readonly allowed: readonly AuthProtocol[],
  ) {}
  onReq(v: Buffer): ReqVerdict {
    const p = parseAuthOption(v);
    if (p !== undefined && this.allowed.includes(p)) return ACK;
    return this.allowed.length ? { verdict: 'nak', value: authOptionValue(this.allowed[0]) } : REJ;
  }
  clearPeer(): void {
    this.lcp.negotiated.authProtocol = undefined;
  }
  accepted(v: Buffer): void {
    this.lcp.negotiated.authProtocol = parseAuthOption(v);
  }
}

class MagicOption implements OptionHandler {
  readonly type = LCP_OPT.MagicNumber;
  private want = true;
  constructor(
    private readonly lcp: Lcp,
    private readonly random32: () => number,
  ) {}
  reset(): void {
    this.want = true;
    this.lcp.negotiated.ourMagic = randomNonZero(this.random32);
  }
  buildReq(): Buffer | undefined {
    return this.want ? u32(this.lcp.negotiated.ourMagic) : undefined;
  }
  onNak(v: Buffer): NakRejOutcome {
    // The peer saw our number come back (or dislikes it): choose another.
    let m = randomNonZero(this.random32);
    if (v.length === 4 && m === v.readUInt32BE(0)) m = randomNonZero(this.random32);
    this.lcp.negotiated.ourMagic = m;
    return 'ok';
  }
  onRej(): NakRejOutcome {
    this.want = false;
    this.lcp.negotiated.ourMagic = 0;
    return 'ok';
  }
  onReq(v: Buffer): ReqVerdict {
    if (v.length !== 4) return REJ;
    const m = v.readUInt32BE(0);
    // Zero is illegal; our own number means a looped-back link (RFC 1661 6.4).
    if (m === 0 || (this.want && m === this.lcp.negotiated.ourMagic)) {
      return { verdict: 'nak', value: u32(randomNonZero(this.random32)) };
    }
    return ACK;
  }
  clearPeer(): void {
    this.lcp.negotiated.peerMagic = 0;
  }
  accepted(v: Buffer): void {
    this.lcp.negotiated.peerMagic = v.readUInt32BE(0);
  }
}

/** PFC / ACFC: empty options; what we acked says whether we may compress toward the peer. */
class FlagOption implements OptionHandler {
  private want = true;
  constructor(
    private readonly lcp: Lcp,
    readonly type: typeof LCP_OPT.PFC | typeof LCP_OPT.ACFC,
  ) {}
  reset(): void {
    this.want = true;
  }
  buildReq(): Buffer | undefined {
    return this.want ? Buffer.alloc(0) : undefined;
  }
  onRej(): NakRejOutcome {
    this.want = false;
    return 'ok';
  }
  onReq(v: Buffer): ReqVerdict {
    return v.length === 0 ? ACK : REJ;
  }
  private setSend(v: boolean): void {
    if (this.type === LCP_OPT.PFC) this.lcp.negotiated.sendPfc = v;
    else this.lcp.negotiated.sendAcfc = v;
  }
  clearPeer(): void {
    this.setSend(false);
  }
  accepted(): void {
    this.setSend(true);
  }
}

export class Lcp extends NegotiatingLayer {
  readonly fsm: Fsm;
  readonly negotiated: LcpNegotiated;
  protected readonly options: OptionNegotiator;
  private echoTimer: Timer | undefined;
  private echosPending = 0;
  private failure: string | undefined;

  constructor(
    private readonly cfg: LcpConfig,
    private readonly clock: Clock,
    private readonly ev: LcpEvents,
  ) {
    super();
    const random32 = cfg.random32 ?? mathRandom32;
    // every field from the start, so they live in the object (no property array added later per session)
    this.negotiated = {
      authProtocol: undefined,
      peerMru: DEFAULT_MRU,
      ourMagic: 0,
      peerMagic: 0,
      sendPfc: false,
      sendAcfc: false,
      callback: undefined,
      peerCallback: undefined,
    };
    this.options = new OptionNegotiator([
      new MruOption(this, cfg.mru === undefined ? 1400 : cfg.mru),
      new AccmOption(cfg.asyncMap ?? null),
      cfg.role === 'server' ? new ServerAuthOption(this, cfg.authProtocols) : new ClientAuthOption(this, cfg.authProtocols),
      new MagicOption(this, random32),
      new FlagOption(this, LCP_OPT.PFC),
      new FlagOption(this, LCP_OPT.ACFC),
      // Windows puts Callback after ACFC.
      new CallbackOption(this, cfg.callback ?? null, cfg.acceptCallback ?? null),
    ]);
    this.fsm = new Fsm(this, {
      name: 'LCP',
      clock,
      events: ev,
      nextId: cfg.nextId,
    });
  }

  /** A negotiation dead end (reported through negotiationFailed). For the option handlers. */
  fail(reason: string): NakRejOutcome {
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
