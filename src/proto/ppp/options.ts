/**
 * Configuration options as small handlers (one object per option type),
 * and the negotiator that turns a list of them into the option half of an
 * FsmLayer: build our Configure-Request, judge the peer's, and apply its
 * Ack/Nak/Reject (RFC 1661 5.1-5.4).
 *
 * Each handler keeps the four views pppd keeps (want / got / allow / his)
 * in whatever form suits the option; the negotiator only routes.
 */
import { CP_CODE, decodeOptions, encodeOption, type CpOption } from './frame.js';
import type { ConfReqAnswer, FsmLayer, NakRejOutcome } from './fsm.js';

export type ReqVerdict = { readonly verdict: 'ack' } | { readonly verdict: 'nak'; readonly value: Buffer } | { readonly verdict: 'rej' };

/** The verdicts without a value, one object each for every handler. */
export const ACK = Object.freeze({ verdict: 'ack' as const });
export const REJ = Object.freeze({ verdict: 'rej' as const });

export interface OptionHandler {
  type: number;
  /** Forget the previous negotiation (a new one starts). */
  reset?(): void;
  /** Value for our Configure-Request; undefined = do not ask for it. */
  buildReq?(): Buffer | undefined;
  /** Judge the peer's value. Handlers without onReq reject the option. */
  onReq?(value: Buffer, rejectIfDisagree: boolean): ReqVerdict;
  /** The peer did not include this option; a value here is added to our Nak. */
  missing?(): Buffer | undefined;
  /** Clear what we recorded from the peer's last acked request. */
  clearPeer?(): void;
  /** We acked the peer's request containing this value. */
  accepted?(value: Buffer): void;
  /** The peer acked our request containing this value. */
  onAck?(value: Buffer): void;
  onNak?(value: Buffer, treatAsReject: boolean): NakRejOutcome;
  onRej?(): NakRejOutcome;
}

/** Whether our option data `built` (latin1, well formed: we encoded it) names an option of this type. */
function names(built: string, type: number): boolean {
  for (let off = 0; off + 1 < built.length; off += built.charCodeAt(off + 1)) if (built.charCodeAt(off) === type) return true;
  return false;
}

/** Whether `data` holds the octets of the latin1 string `s` (no string made of `data`). */
function sameOctets(data: Buffer, s: string): boolean {
  if (data.length !== s.length) return false;
  for (let i = 0; i < data.length; i++) if (data[i] !== s.charCodeAt(i)) return false;
  return true;
}

export class OptionNegotiator {
  /**
   * Our last Configure-Request's option data, as a latin1 string (kept all
   * session long: a Buffer with its ArrayBuffer costs four times as much,
   * three layers per session, bench/sessions.bench.ts). The option types we
   * asked for are read from it.
   */
  private lastBuilt = '';

  constructor(private readonly handlers: readonly OptionHandler[]) {}

  /**
   * The handler of an option type (the last one listed wins). A scan over a
   * handful of handlers instead of a Map per layer: three layers per
   * session, 10,000 sessions (bench/sessions.bench.ts).
   */
  private byType(type: number): OptionHandler | undefined {
    for (let i = this.handlers.length - 1; i >= 0; i--) if (this.handlers[i].type === type) return this.handlers[i];
    return undefined;
  }

  resetOptions(): void {
    for (const h of this.handlers) h.reset?.();
  }

  buildConfReq(): Buffer {
    const parts: Buffer[] = [];
    for (const h of this.handlers) {
      const v = h.buildReq?.();
      if (v === undefined) continue;
      parts.push(encodeOption(h.type, v));
    }
    const out = Buffer.alloc(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    this.lastBuilt = out.toString('latin1');
    return out;
  }

  receiveConfReq(data: Buffer, rejectIfDisagree: boolean): ConfReqAnswer | undefined {
    const dec = decodeOptions(data);
    if (!dec.ok) return undefined;
    const opts = dec.value;
    // the lists are made only when something is refused (an Ack needs neither)
    let rej: Buffer[] | undefined;
    let nak: Buffer[] | undefined;
    for (const o of opts) {
      const h = this.byType(o.type);
      let v: ReqVerdict = h?.onReq ? h.onReq(o.value, rejectIfDisagree) : REJ;
      if (v.verdict === 'nak' && rejectIfDisagree) v = REJ;
      if (v.verdict === 'rej') (rej ??= []).push(encodeOption(o.type, o.value));
      else if (v.verdict === 'nak') (nak ??= []).push(encodeOption(o.type, v.value));
    }
    if (rej) return { code: CP_CODE.ConfRej, data: Buffer.concat(rej) };
    if (!rejectIfDisagree) {
      for (const h of this.handlers) {
        if (!h.missing || opts.some((o) => o.type === h.type)) continue;
        const want = h.missing();
        if (want !== undefined) (nak ??= []).push(encodeOption(h.type, want));
      }
    }
    if (nak) return { code: CP_CODE.ConfNak, data: Buffer.concat(nak) };
    for (const h of this.handlers) h.clearPeer?.();
    for (const o of opts) this.byType(o.type)?.accepted?.(o.value);
    return { code: CP_CODE.ConfAck, data: Buffer.from(data) };
  }

  receiveConfAck(data: Buffer): boolean {
    if (!sameOctets(data, this.lastBuilt)) return false;
    const dec = decodeOptions(data);
    if (!dec.ok) return false;
    for (const o of dec.value) this.byType(o.type)?.onAck?.(o.value);
    return true;
  }

  receiveConfNak(data: Buffer, treatAsReject: boolean): NakRejOutcome {
    const dec = decodeOptions(data);
    if (!dec.ok) return 'bad';
    for (const o of dec.value) {
      // Options we did not ask for are the peer's hints; we do not add any.
      if (!names(this.lastBuilt, o.type)) continue;
      const h = this.byType(o.type);
      const r = h?.onNak ? h.onNak(o.value, treatAsReject) : 'ok';
      if (r !== 'ok') return r;
    }
    return 'ok';
  }

  receiveConfRej(data: Buffer): NakRejOutcome {
    const dec = decodeOptions(data);
    if (!dec.ok) return 'bad';
    // A Reject may only name options we sent (RFC 1661 5.4).
    if (dec.value.some((o: CpOption) => !names(this.lastBuilt, o.type))) return 'bad';
    for (const o of dec.value) {
      const r = this.byType(o.type)?.onRej?.() ?? 'ok';
      if (r !== 'ok') return r;
    }
    return 'ok';
  }
}

/**
 * The Configure half of an FsmLayer: every Configure packet goes to the
 * layer's option negotiator. LCP, IPCP, IPv6CP and CCP add their
 * this-layer-up/down actions (and LCP its extended codes).
 */
export abstract class NegotiatingLayer implements FsmLayer {
  protected abstract readonly options: OptionNegotiator;

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
  abstract thisLayerUp(): void;
  abstract thisLayerDown(): void;
  abstract thisLayerStarted(): void;
  abstract thisLayerFinished(reason: string): void;
}
