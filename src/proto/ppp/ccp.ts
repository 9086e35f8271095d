/**
 * CCP (RFC 1962) carrying the MPPE option (RFC 3078 section 2, type 18):
 *
 *   | 18 | 6 | Supported Bits (4 octets) |
 *   H = 0x01000000 stateless, M = 0x80 56-bit, S = 0x40 128-bit,
 *   L = 0x20 40-bit, D = 0x10 obsolete, C = 0x01 MPPC compression.
 *
 * The option judgement (what to offer for `ppp encryption mppe ...`, what
 * to answer the peer) is an MppeNegotiation strategy, by default the pure
 * functions of ccp-mppe.ts; CCP itself only runs
 * the automaton, rejects every other compression option, relays
 * Reset-Request/Reset-Ack (codes 14/15) and reports the agreed MPPE
 * parameters when it opens.
 */
import type { Clock, Timer } from '../../util/clock.js';
import type { MppeSetting } from '../../config/model.js';
import { CP_CODE, u32 } from './frame.js';
import { Fsm, type FsmTrace, type NakRejOutcome } from './fsm.js';
import { ACK, NegotiatingLayer, OptionNegotiator, REJ, type OptionHandler, type ReqVerdict } from './options.js';
import type { MppeBits } from './mppe.js';
import {
  CCP_OPTION_MPPE,
  judgePeerMppeRequest,
  mppePolicy,
  negotiatedMppe,
  onPeerMppeNak,
  onPeerMppeReject,
  ourMppeRequest,
  peerOmittedMppe,
  type MppeNextRequest,
  type MppePolicy,
} from './ccp-mppe.js';

export const CCP_OPT_MPPE = CCP_OPTION_MPPE;

/** The MPPE option logic CCP delegates to (see policyMppeNegotiation). */
export interface MppeNegotiation {
  /** Start over (new CCP negotiation). */
  reset(): void;
  /** Bits for our Configure-Request; undefined = do not ask for MPPE. */
  offer(): number | undefined;
  /** Judge the peer's requested bits. */
  judgePeer(bits: number): { readonly verdict: 'ack' } | { verdict: 'nak'; bits: number } | { readonly verdict: 'rej' };
  /** The peer's request had no MPPE option: bits to Nak it in with, or undefined. */
  missing(): number | undefined;
  /** The peer Nak'ed our offer suggesting these bits; false = encryption impossible. */
  onNak(bits: number): boolean;
  /** The peer rejected MPPE; false = encryption impossible. */
  onRej(): boolean;
}

export interface MppeAgreed {
  bits: MppeBits;
  stateless: boolean;
}

/**
 * The group's `ppp encryption mppe 40|56|128|auto [required] [stateful]`
 * as an MppeNegotiation, over the pure functions of ccp-mppe.ts.
 * `offer`: ask for every strength allowed (pppd, our server) or only the
 * strongest (Windows asks 0x01000040 and takes a Nak down to any strength
 * it allows).
 */
export function policyMppeNegotiation(setting: MppeSetting, offerStyle: 'all-allowed' | 'strongest' = 'all-allowed'): MppeNegotiation {
  const policy = mppePolicy(setting);
  if (!policy) throw new Error('policyMppeNegotiation needs an MPPE setting');
  const firstOffer = ourMppeRequest(offerStyle === 'strongest' ? { ...policy, allowed: policy.allowed.slice(0, 1) } : policy);
  return new PolicyMppeNegotiation(policy, firstOffer);
}

/** One per CCP: the policy's logic on the prototype (no closures per session). */
class PolicyMppeNegotiation implements MppeNegotiation {
  private current: number | undefined;
  constructor(
    private readonly policy: MppePolicy,
    private readonly firstOffer: number | undefined,
  ) {
    this.current = firstOffer;
  }
  private next(r: MppeNextRequest): boolean {
    if (r.action === 'fail') return false;
    this.current = r.action === 'request' ? r.value : undefined;
    return true;
  }
  reset(): void {
    this.current = this.firstOffer;
  }
  offer(): number | undefined {
    return this.current;
  }
  judgePeer(bits: number): { readonly verdict: 'ack' } | { verdict: 'nak'; bits: number } | { readonly verdict: 'rej' } {
    const v = judgePeerMppeRequest(this.policy, bits);
    return v.action === 'ack' ? ACK : v.action === 'nak' ? { verdict: 'nak', bits: v.value } : REJ;
  }
  missing(): number | undefined {
    const m = peerOmittedMppe(this.policy);
    return m.action === 'nak' ? m.value : undefined;
  }
  onNak(bits: number): boolean {
    return this.next(onPeerMppeNak(this.policy, bits));
  }
  onRej(): boolean {
    return this.next(onPeerMppeReject(this.policy));
  }
}

/** CCP's one option: MPPE, judged by the layer's MppeNegotiation. */
class MppeOption implements OptionHandler {
  readonly type = CCP_OPT_MPPE;
  constructor(
    private readonly ccp: Ccp,
    private readonly mppe: MppeNegotiation,
  ) {}
  reset(): void {
    this.mppe.reset();
    this.ccp.ours = undefined;
  }
  buildReq(): Buffer | undefined {
    const b = this.mppe.offer();
    return b === undefined ? undefined : u32(b);
  }
  onAck(v: Buffer): void {
    this.ccp.ours = v.readUInt32BE(0);
  }
  onNak(v: Buffer): NakRejOutcome {
    if (v.length !== 4) return 'bad';
    return this.mppe.onNak(v.readUInt32BE(0)) ? 'ok' : { fail: 'no common MPPE strength' };
  }
  onRej(): NakRejOutcome {
    return this.mppe.onRej() ? 'ok' : { fail: 'peer refused MPPE' };
  }
  missing(): Buffer | undefined {
    const b = this.mppe.missing();
    return b === undefined ? undefined : u32(b);
  }
  onReq(v: Buffer): ReqVerdict {
    if (v.length !== 4) return REJ;
    const j = this.mppe.judgePeer(v.readUInt32BE(0));
    return j.verdict === 'nak' ? { verdict: 'nak', value: u32(j.bits) } : j;
  }
  clearPeer(): void {
    this.ccp.his = undefined;
  }
  accepted(v: Buffer): void {
    this.ccp.his = v.readUInt32BE(0);
  }
}

export interface CcpEvents {
  send(code: number, id: number, data: Buffer): void;
  trace(ev: FsmTrace): void;
  /** CCP opened; mppe = the agreed MPPE parameters, or null when none */
  up(mppe: MppeAgreed | null): void;
  down(): void;
  finished(reason: string): void;
  /** the peer lost sync (stateful MPPE): reset our encryptor, then Ack */
  resetRequest(): void;
  /** the peer acknowledged our Reset-Request */
  resetAck?(): void;
  /** identifier source shared with other protocols (Windows) */
  nextId?(): number;
}

/** pppd's RACKTIMEOUT: a Reset-Request without Reset-Ack is sent once more after this long. */
export const RESET_ACK_TIMEOUT_MS = 1000;

export class Ccp extends NegotiatingLayer {
  readonly fsm: Fsm;
  /** our Reset-Request waiting for its Ack: identifier, retransmit timer */
  private resetPending: { id: number; timer: Timer | undefined } | undefined;
  protected readonly options: OptionNegotiator;
  /** bits the peer acked in our request, and bits we acked in its (@internal: set by MppeOption) */
  ours: number | undefined;
  his: number | undefined;
  agreed: MppeAgreed | null = null;

  constructor(
    mppe: MppeNegotiation,
    private readonly clock: Clock,
    private readonly ev: CcpEvents,
  ) {
    super();
    this.options = new OptionNegotiator([new MppeOption(this, mppe)]);
    this.fsm = new Fsm(this, {
      name: 'CCP',
      clock,
      events: ev,
      nextId: ev.nextId ? () => ev.nextId!() : undefined,
    });
  }

  thisLayerUp(): void {
    // MPPE is on only when both directions agreed on the same parameters.
    const o = this.ours !== undefined ? negotiatedMppe(this.ours) : undefined;
    const h = this.his !== undefined ? negotiatedMppe(this.his) : undefined;
    this.agreed = o && h && o.bits === h.bits && o.stateless === h.stateless ? o : null;
    this.ev.up(this.agreed);
  }
  thisLayerDown(): void {
    this.cancelReset();
    this.agreed = null;
    this.ev.down();
  }
  thisLayerStarted(): void {}
  thisLayerFinished(reason: string): void {
    this.ev.finished(reason);
  }

  extendedCode(code: number, id: number, _data: Buffer): boolean {
    if (code === CP_CODE.ResetReq) {
      if (this.fsm.state === 'opened') {
        this.ev.resetRequest();
        this.fsm.send(CP_CODE.ResetAck, id, Buffer.alloc(0));
      }
      return true;
    }
    if (code === CP_CODE.ResetAck) {
      if (this.fsm.state === 'opened' && this.resetPending?.id === id) {
        this.cancelReset();
        this.ev.resetAck?.();
      }
      return true;
    }
    return false;
  }

  /** Our decryptor lost sync (stateful): ask the peer to reset. */
  sendResetRequest(): void {
    if (this.fsm.state !== 'opened' || this.resetPending) return;
    const id = this.fsm.nextId();
    // As pppd: one retransmission (same identifier) when the Ack does not come.
    const timer = this.clock.setTimer(RESET_ACK_TIMEOUT_MS, () => {
      if (!this.resetPending) return;
      this.resetPending.timer = undefined;
      if (this.fsm.state === 'opened') this.fsm.send(CP_CODE.ResetReq, id, Buffer.alloc(0));
    });
    this.resetPending = { id, timer };
    this.fsm.send(CP_CODE.ResetReq, id, Buffer.alloc(0));
  }

  /** The stream resynchronised (a flushed packet arrived): stop waiting for the Ack. */
  resetSettled(): void {
    this.cancelReset();
  }

  private cancelReset(): void {
    this.resetPending?.timer?.cancel();
    this.resetPending = undefined;
  }

  dispose(): void {
    this.cancelReset();
    this.fsm.dispose();
  }
}
