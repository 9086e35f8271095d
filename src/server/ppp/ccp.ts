/**
 * CCP (RFC 1962) carrying the MPPE option (RFC 3078 section 2, type 18):
 *
 *   | 18 | 6 | Supported Bits (4 octets) |
 *   H = 0x01000000 stateless, M = 0x80 56-bit, S = 0x40 128-bit,
 *   L = 0x20 40-bit, D = 0x10 obsolete, C = 0x01 MPPC compression.
 *
 * The option judgement (what to offer for `ppp encryption mppe ...`, what
 * to answer the peer) is an MppeNegotiation strategy; CCP itself only runs
 * the automaton, rejects every other compression option, relays
 * Reset-Request/Reset-Ack (codes 14/15) and reports the agreed MPPE
 * parameters when it opens.
 */
import type { Clock } from '../../util/clock.js';
import type { MppeSetting } from '../../config/model.js';
import { CP_CODE, u32 } from './frame.js';
import { Fsm, type ConfReqAnswer, type FsmLayer, type FsmTrace, type NakRejOutcome } from './fsm.js';
import { OptionNegotiator, type OptionHandler, type ReqVerdict } from './options.js';
import type { MppeBits } from './mppe.js';

export const CCP_OPT_MPPE = 18;

export const MPPE_BITS = {
  H: 0x01000000,
  M56: 0x80,
  S128: 0x40,
  L40: 0x20,
  D: 0x10,
  C: 0x01,
} as const;

/** The MPPE option logic CCP delegates to. */
export interface MppeNegotiation {
  /** Start over (new CCP negotiation). */
  reset(): void;
  /** Bits for our Configure-Request; undefined = do not ask for MPPE. */
  offer(): number | undefined;
  /** Judge the peer's requested bits. */
  judgePeer(bits: number): { verdict: 'ack' } | { verdict: 'nak'; bits: number } | { verdict: 'rej' };
  /** The peer Nak'ed our offer suggesting these bits; false = nothing acceptable left. */
  onNak(bits: number): boolean;
  /** The peer rejected MPPE outright. */
  onRej(): void;
}

export interface MppeAgreed {
  bits: MppeBits;
  stateless: boolean;
}

/** Strength of a single-strength bit set, strongest first when several. */
export function mppeStrength(bits: number): MppeBits | undefined {
  if (bits & MPPE_BITS.S128) return 128;
  if (bits & MPPE_BITS.M56) return 56;
  if (bits & MPPE_BITS.L40) return 40;
  return undefined;
}

const STRENGTH_BIT: Record<MppeBits, number> = { 40: MPPE_BITS.L40, 56: MPPE_BITS.M56, 128: MPPE_BITS.S128 };

/**
 * A straightforward MPPE policy for `ppp encryption mppe 40|56|128|auto
 * [stateful]`: offer every allowed strength (auto = 40 and 128, as the
 * PIX), stateless unless `stateful`; settle on the strongest strength
 * both ends allow; never MPPC.
 */
export function settingMppeNegotiation(setting: MppeSetting): MppeNegotiation {
  const allowed = setting.strength === 'auto' ? MPPE_BITS.L40 | MPPE_BITS.M56 | MPPE_BITS.S128 : STRENGTH_BIT[setting.strength];
  const wantStateless = !setting.stateful;
  let offerBits: number | undefined;
  const reset = (): void => {
    offerBits = (wantStateless ? MPPE_BITS.H : 0) | (setting.strength === 'auto' ? MPPE_BITS.L40 | MPPE_BITS.S128 : allowed);
  };
  reset();
  const single = (bits: number): number | undefined => {
    const s = mppeStrength(bits & allowed);
    return s === undefined ? undefined : STRENGTH_BIT[s];
  };
  return {
    reset,
    offer: () => offerBits,
    judgePeer: (bits) => {
      const strength = single(bits);
      // Nothing we allow (e.g. Windows' MPPC-only 0x01000001): suggest our offer.
      if (strength === undefined) return { verdict: 'nak', bits: offerBits ?? (wantStateless ? MPPE_BITS.H : 0) | allowed };
      const h = wantStateless ? MPPE_BITS.H : bits & MPPE_BITS.H;
      const want = h | strength;
      return bits === want ? { verdict: 'ack' } : { verdict: 'nak', bits: want };
    },
    onNak: (bits) => {
      const strength = single(bits);
      if (strength === undefined) return false;
      const h = wantStateless ? MPPE_BITS.H : bits & MPPE_BITS.H;
      offerBits = h | strength;
      return true;
    },
    onRej: () => {
      offerBits = undefined;
    },
  };
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
}

export class Ccp implements FsmLayer {
  readonly fsm: Fsm;
  private readonly options: OptionNegotiator;
  /** bits the peer acked in our request, and bits we acked in its */
  private ours: number | undefined;
  private his: number | undefined;
  agreed: MppeAgreed | null = null;

  constructor(
    private readonly mppe: MppeNegotiation,
    clock: Clock,
    private readonly ev: CcpEvents,
  ) {
    const handler: OptionHandler = {
      type: CCP_OPT_MPPE,
      reset: () => {
        mppe.reset();
        this.ours = undefined;
      },
      buildReq: () => {
        const b = mppe.offer();
        return b === undefined ? undefined : u32(b);
      },
      onAck: (v) => (this.ours = v.readUInt32BE(0)),
      onNak: (v): NakRejOutcome => {
        if (v.length !== 4) return 'bad';
        return mppe.onNak(v.readUInt32BE(0)) ? 'ok' : { fail: 'no common MPPE strength' };
      },
      onRej: () => {
        mppe.onRej();
        return 'ok';
      },
      onReq: (v): ReqVerdict => {
        if (v.length !== 4) return { verdict: 'rej' };
        const j = mppe.judgePeer(v.readUInt32BE(0));
        return j.verdict === 'nak' ? { verdict: 'nak', value: u32(j.bits) } : j;
      },
      clearPeer: () => (this.his = undefined),
      accepted: (v) => (this.his = v.readUInt32BE(0)),
    };
    this.options = new OptionNegotiator([handler]);
    this.fsm = new Fsm(this, { name: 'CCP', clock, send: (c, i, d) => ev.send(c, i, d), trace: (t) => ev.trace(t) });
  }

  resetOptions(): void {
    this.options.resetOptions();
  }
  buildConfReq(): Buffer {
    return this.options.buildConfReq();
  }
  receiveConfReq(data: Buffer, rejectIfDisagree: boolean): ConfReqAnswer | undefined {
    return this.options.receiveConfReq(data, rejectIfDisagree);
  }
  receiveConfAck(data: Buffer): boolean {
    return this.options.receiveConfAck(data);
  }
  receiveConfNak(data: Buffer, treatAsReject: boolean): NakRejOutcome {
    return this.options.receiveConfNak(data, treatAsReject);
  }
  receiveConfRej(data: Buffer): NakRejOutcome {
    return this.options.receiveConfRej(data);
  }

  thisLayerUp(): void {
    // MPPE is on only when both directions agreed on the same parameters.
    const o = this.ours;
    const h = this.his;
    const s = o !== undefined ? mppeStrength(o) : undefined;
    this.agreed =
      o !== undefined && h !== undefined && s !== undefined && mppeStrength(h) === s
        ? { bits: s, stateless: (o & MPPE_BITS.H) !== 0 }
        : null;
    this.ev.up(this.agreed);
  }
  thisLayerDown(): void {
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
    if (code === CP_CODE.ResetAck) return true;
    return false;
  }

  /** Our decryptor lost sync (stateful): ask the peer to reset. */
  sendResetRequest(): void {
    if (this.fsm.state === 'opened') this.fsm.send(CP_CODE.ResetReq, this.fsm.nextId(), Buffer.alloc(0));
  }

  dispose(): void {
    this.fsm.dispose();
  }
}
