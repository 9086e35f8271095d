/**
 * What a PppSession tells `debug ppp ...` and syslog, as the PIX and IOS
 * print it. The session reports events (a frame in, a key change, a phase)
 * with their values; every line's text is made here, and only when its
 * category is on.
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
import type { DebugBus, DebugCategory, DebugContext } from './bus.js';
import { PPP_PROTO, encodeFrame } from '../proto/ppp/frame.js';
import type { FsmTrace } from '../proto/ppp/fsm.js';
import type { MppeAgreed } from '../proto/ppp/ccp.js';
import type { MppeRejectReason } from '../proto/ppp/mppe.js';
import type { PppPhase } from '../proto/ppp/phase.js';
import { cbcpLine } from '../proto/ppp/cbcp.js';
import { cpPacketLines, ioEncrLine, ioIpLine, ioRcvdLines, ioXmitLine, phaseLine, protocolName, stateLine, timeoutLine } from './cisco-ppp.js';

/** A 12-bit coherency count as `0x0FF`. */
function ccountHex(n: number): string {
  return `0x${n.toString(16).toUpperCase().padStart(3, '0')}`;
}

export class PppSessionDebug {
  private readonly ifLabel: string;

  constructor(
    private readonly bus: DebugBus,
    private readonly pppIfId: number,
    /** user and tunnel of the session now (the user is known after authentication) */
    private readonly ctx: () => DebugContext,
  ) {
    this.ifLabel = `Vi${pppIfId}`;
  }

  // ---- debug ppp io

  frameIn(frame: Uint8Array): void {
    if (!this.bus.on('ppp io')) return;
    for (const l of ioRcvdLines(this.pppIfId, frame)) this.bus.debug('ppp io', l, this.ctx());
  }

  /** A frame we send, printed uncompressed whatever was agreed. */
  frameOut(protocol: number, payload: Uint8Array): void {
    if (this.bus.on('ppp io')) this.bus.debug('ppp io', ioXmitLine(encodeFrame(protocol, payload)), this.ctx());
  }

  /** An MPPE frame we send, `frame` from its MPPE header at `mppeAt` on. */
  encryptedOut(frame: Uint8Array, mppeAt: number): void {
    if (this.bus.on('ppp io')) this.bus.debug('ppp io', ioXmitLine(encodeFrame(PPP_PROTO.MPPE, frame.subarray(mppeAt))), this.ctx());
  }

  ipIn(packet: Uint8Array): void {
    if (this.bus.on('ppp io')) this.bus.debug('ppp io', ioIpLine(packet), this.ctx());
  }

  encryptedIn(payload: Uint8Array): void {
    if (this.bus.on('ppp io')) this.bus.debug('ppp io', ioEncrLine(payload), this.ctx());
  }

  // ---- debug ppp negotiation / error

  /** One event of the LCP, IPCP, CCP or IPv6CP automaton. */
  automaton(protocol: number, t: FsmTrace): void {
    switch (t.kind) {
      case 'packet':
        if (this.bus.on('ppp negotiation')) {
          for (const l of cpPacketLines(this.ifLabel, protocol, t.dir, t.code, t.id, t.data, t.state)) this.bus.debug('ppp negotiation', l, this.ctx());
        }
        return;
      case 'state':
        if (t.to === 'opened') this.line('ppp negotiation', stateLine(this.ifLabel, protocol, t.to));
        return;
      case 'timeout':
        this.line('ppp negotiation', timeoutLine(this.ifLabel, protocol, t.state));
        return;
      case 'error':
        this.line('ppp error', `${this.ifLabel} ${protocolName(protocol)}: ${t.what}`);
        return;
    }
  }

  phase(p: PppPhase): void {
    this.line('ppp negotiation', phaseLine(this.ifLabel, p));
  }

  lcpNegotiationFailed(): void {
    this.line('ppp negotiation', `${this.ifLabel} LCP: Failed to negotiate with peer`);
  }

  cbcp(dir: 'I' | 'O', code: number, id: number, length: number): void {
    if (this.bus.on('ppp negotiation')) this.line('ppp negotiation', cbcpLine(this.ifLabel, dir, code, id, length));
  }

  dropped(reason: string, detail: string): void {
    this.line('ppp error', `${this.ifLabel} PPP: ${reason}: ${detail}`);
  }

  mppeRequiredNotActive(): void {
    this.line('ppp error', `${this.ifLabel} PPP: mppe required but not active`);
  }

  // ---- debug ppp mppe

  mppeStarted(keySource: 'radius' | 'local', agreed: MppeAgreed): void {
    if (!this.bus.on('ppp mppe')) return;
    this.mppe(`Generate keys using ${keySource === 'radius' ? 'RADIUS data' : 'local database'}`);
    this.mppe('Initialize keys');
    this.mppe(`[${agreed.bits} bit encryption] [${agreed.stateless ? 'stateless' : 'stateful'} mode]`);
  }

  mppeKeyChangeSent(why: 'reset' | 'flag packet', ccount: number): void {
    if (this.bus.on('ppp mppe')) this.mppe(`Key change (${why}) ccount ${ccountHex(ccount)}`);
  }

  /** `ccount` is -1 for a packet too short to carry one. */
  mppeDiscarded(ccount: number, reason: MppeRejectReason, resetRequested: boolean): void {
    if (!this.bus.on('ppp mppe')) return;
    const at = ccount < 0 ? 'short' : `ccount ${ccountHex(ccount)}`;
    this.mppe(`Discard packet ${at} (${reason === 'lost' ? 'lost sync' : reason})${resetRequested ? ', send Reset-Request' : ''}`);
  }

  mppeResynchronized(ccount: number, lost: number): void {
    if (this.bus.on('ppp mppe')) this.mppe(`Resynchronized at ccount ${ccountHex(ccount)}, ${lost} packet(s) lost`);
  }

  mppeKeyChangeReceived(ccount: number): void {
    if (this.bus.on('ppp mppe')) this.mppe(`Rcvd key change ccount ${ccountHex(ccount)}`);
  }

  mppeResetRequestReceived(): void {
    this.mppe('Rcvd Reset-Request [Resetting]: key change on next packet');
  }

  mppeResetAckReceived(): void {
    this.mppe('Rcvd Reset-Ack');
  }

  mppeKeysDiscarded(): void {
    this.mppe('Keys discarded');
  }

  // ---- syslog

  /** 403110: MPPE required with MS-CHAP, and the AAA server sent no keys. */
  missingMppeKey(username: string): void {
    this.bus.syslog(403110, 4, `PPP virtual interface ${this.pppIfId}, user: ${username} missing MPPE key from aaa server`, this.ctx());
  }

  /** 403108: no address left for the client. */
  missingClientAddress(): void {
    this.bus.syslog(403108, 4, `PPP virtual interface ${this.pppIfId} missing client ip address option`, this.ctx());
  }

  private mppe(text: string): void {
    this.line('ppp mppe', `${this.ifLabel} MPPE: ${text}`);
  }

  private line(cat: DebugCategory, text: string): void {
    if (this.bus.on(cat)) this.bus.debug(cat, text, this.ctx());
  }
}
