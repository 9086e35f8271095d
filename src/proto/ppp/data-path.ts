/**
 * The IP and MPPE data path of one PPP link (session.ts runs the phases
 * and hands the data path IP and MPPE frames in the network phase):
 * encryption and decryption once CCP agreed MPPE, framing, the traffic
 * counters. With MPPE on, IP only travels encrypted.
 *
 * Bench: bench/forwarding.bench.ts goes through sendIp() and inputMppe().
 */
import type { PppDebugLink, PppDebugSink } from './debug-events.js';
import { PPP_PROTO, decodeFrame, encodeFrame, pppProtocolName, type FrameCompression } from './frame.js';
import type { MppeAgreed } from './ccp.js';
import type { MppeMasterKeys } from '../crypto/mppe-keys.js';
import { MPPE_BIT_A_FLUSHED, MPPE_HEADER_LEN, MppeDecryptor, MppeEncryptor } from './mppe.js';
import type { PppStatus, PppTraffic } from './session-api.js';

const IP_PREFIX = Buffer.from([0x00, 0x21]);

/** What the data path asks of the session that owns it. */
export interface DataPathLink {
  /** one PPP frame to the lower layer (GRE) */
  send(frame: Buffer): void;
  /** what LCP agreed for the frames we send */
  compression(): FrameCompression;
  /** the network phase with IPCP opened: IP may flow */
  ipAllowed(): boolean;
  onIpPacket(packet: Buffer): void;
  /** count and debug-print one dropped input */
  drop(reason: string, detail: string): void;
  /** count one error by reason (status().errors) */
  count(reason: string): void;
  /** stateful MPPE lost sync: CCP Reset-Request */
  sendResetRequest(): void;
  /** decryption is in sync again after a Reset-Request */
  resetSettled(): void;
}

export class PppDataPath {
  readonly traffic: PppTraffic = { packetsIn: 0, packetsOut: 0, bytesIn: 0, bytesOut: 0, encrypted: 0, decrypted: 0 };
  private encryptor: MppeEncryptor | undefined;
  private decryptor: MppeDecryptor | undefined;
  private agreed: MppeAgreed | null = null;
  private agreedStatus: PppStatus['mppe'] = null;
  /** a Reset-Request asked us to flush: the next packet we send changes keys */
  private txResetPending = false;

  constructor(
    private readonly link: DataPathLink,
    private readonly debug: PppDebugSink,
    private readonly debugLink: PppDebugLink,
  ) {}

  /** What CCP agreed (null: no MPPE). */
  get mppe(): MppeAgreed | null {
    return this.agreed;
  }

  /** The agreed MPPE as status() reports it: one object, made when CCP agreed. */
  get mppeStatus(): PppStatus['mppe'] {
    return this.agreedStatus;
  }

  get encrypting(): boolean {
    return this.encryptor !== undefined;
  }

  /** CCP agreed MPPE: keys from the master keys of authentication. */
  startMppe(agreed: MppeAgreed, keys: MppeMasterKeys): void {
    this.agreed = agreed;
    this.agreedStatus = { bits: agreed.bits, stateful: !agreed.stateless };
    this.encryptor = new MppeEncryptor({ masterKey: keys.send, bits: agreed.bits, stateless: agreed.stateless });
    this.decryptor = new MppeDecryptor({ masterKey: keys.recv, bits: agreed.bits, stateless: agreed.stateless });
  }

  /** CCP went down: no MPPE any more. */
  stopMppe(): void {
    if (this.encryptor && this.debug.on('ppp mppe')) this.debug.emit(this.debugLink, { kind: 'mppe-keys-discarded' });
    this.agreed = null;
    this.agreedStatus = null;
    this.encryptor = undefined;
    this.decryptor = undefined;
    this.txResetPending = false;
  }

  /** The link is going down: drop the keys, keep what status() reports. */
  dropKeys(): void {
    this.encryptor = undefined;
    this.decryptor = undefined;
  }

  /** The peer lost sync (stateful): our next packet changes keys and carries A. */
  peerResetRequest(): void {
    if (!this.encryptor) return;
    this.encryptor.resetRequested();
    if (!this.encryptor.stateless) this.txResetPending = true;
    if (this.debug.on('ppp mppe')) this.debug.emit(this.debugLink, { kind: 'mppe-reset-request-received' });
  }

  countIn(frame: Buffer): void {
    this.traffic.packetsIn++;
    this.traffic.bytesIn += frame.length;
  }

  /** An IP packet to the peer, encrypted when MPPE is on; the caller checked the link is up. False = not sent. */
  sendIp(packet: Buffer): boolean {
    if (!this.encryptor && this.agreed) {
      this.link.count('ip dropped: mppe agreed but no encryptor');
      return false;
    }
    if (this.encryptor) {
      this.traffic.encrypted++;
      if (this.sendMppeData(this.encryptor, packet) && !this.encryptor.stateless) {
        const why = this.txResetPending ? 'reset' : 'flag packet';
        this.txResetPending = false;
        if (this.debug.on('ppp mppe')) this.debug.emit(this.debugLink, { kind: 'mppe-key-change-sent', why, ccount: this.encryptor.coherencyCount });
      }
    } else {
      this.sendFrame(PPP_PROTO.IP, packet);
    }
    return true;
  }

  sendFrame(protocol: number, payload: Buffer, lcpFollowsAcfc = false): void {
    if (this.debug.on('ppp io')) this.debug.emit(this.debugLink, { kind: 'frame-out', protocol, payload });
    const comp = this.link.compression();
    let frame = encodeFrame(protocol, payload, comp);
    if (lcpFollowsAcfc && comp.acfc) frame = frame.subarray(2);
    this.traffic.packetsOut++;
    this.traffic.bytesOut += frame.length;
    this.link.send(frame);
  }

  inputIp(packet: Buffer, decrypted: boolean): void {
    if (!this.link.ipAllowed()) return this.link.drop('before network phase', 'IP');
    if (this.agreed && !decrypted) return this.link.drop('unencrypted IP while MPPE is on', 'IP');
    if (this.debug.on('ppp io')) this.debug.emit(this.debugLink, { kind: 'ip-in', packet });
    this.link.onIpPacket(packet);
  }

  /** An MPPE frame's payload (header + cipher text); the caller checked the network phase. */
  inputMppe(payload: Buffer): void {
    const dec = this.decryptor;
    if (!dec) return this.link.drop('MPPE packet without MPPE', 'COMP');
    if (this.debug.on('ppp io')) this.debug.emit(this.debugLink, { kind: 'encrypted-in', payload });
    const wasDiscarding = dec.isDiscarding;
    const gapBefore = dec.stats.gap;
    const ccount = payload.length >= 2 ? ((payload[0] & 0x0f) << 8) | payload[1] : -1;
    const flushed = payload.length >= 1 && (payload[0] & 0x80) !== 0;
    const r = dec.decrypt(payload);
    if (!r.ok) {
      this.link.drop('MPPE packet rejected', r.reason);
      if (this.debug.on('ppp mppe')) this.debug.emit(this.debugLink, { kind: 'mppe-discarded', ccount, reason: r.reason, resetRequested: r.needReset === true });
      if (r.needReset) this.link.sendResetRequest();
      return;
    }
    this.traffic.decrypted++;
    if (wasDiscarding) this.link.resetSettled();
    if (!dec.stateless && this.debug.on('ppp mppe')) {
      if (wasDiscarding || dec.stats.gap !== gapBefore) this.debug.emit(this.debugLink, { kind: 'mppe-resynchronized', ccount: r.ccount, lost: dec.stats.gap - gapBefore });
      else if (flushed) this.debug.emit(this.debugLink, { kind: 'mppe-key-change-received', ccount: r.ccount });
    }
    this.inputDecrypted(r.payload);
  }

  /** A decrypted MPPE payload: protocol field + data. */
  inputDecrypted(payload: Buffer): void {
    const inner = decodeFrame(payload);
    if (!inner.ok) return this.link.drop('bad protocol inside MPPE', inner.error);
    if (inner.value.protocol === PPP_PROTO.IP) return this.inputIp(inner.value.payload, true);
    return this.link.drop('non-IP protocol inside MPPE', pppProtocolName(inner.value.protocol));
  }

  /** The receive engine, while MPPE is on (the native fast path moves its state out and back). */
  get rxEngine(): MppeDecryptor | undefined {
    return this.decryptor;
  }

  /** The native fast path took `frames` MPPE frames of `octets`, of which `rejected` did not decrypt to a protocol. */
  countFast(frames: number, octets: number, rejected: number): void {
    this.traffic.packetsIn += frames;
    this.traffic.bytesIn += octets;
    this.traffic.decrypted += frames - rejected;
    this.decryptor?.countFast(frames - rejected, rejected);
    for (let k = 0; k < rejected; k++) this.link.drop('MPPE packet rejected', 'bad-protocol');
  }

  /**
   * The whole frame, PPP header + MPPE header + encrypted (0x0021 + IP
   * packet), is built in one buffer and encrypted in place; the frame is
   * the peer's to keep. Same octets as encodeFrame(MPPE, encrypt(0x0021 +
   * packet)). True when the packet carried the flushed bit (A).
   */
  private sendMppeData(enc: MppeEncryptor, packet: Buffer): boolean {
    const comp = this.link.compression();
    const mppeAt = (comp.acfc ? 0 : 2) + (comp.pfc ? 1 : 2);
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
    if (this.debug.on('ppp io')) this.debug.emit(this.debugLink, { kind: 'encrypted-out', frame, mppeAt });
    this.traffic.packetsOut++;
    this.traffic.bytesOut += frame.length;
    this.link.send(frame);
    return (frame[mppeAt] & MPPE_BIT_A_FLUSHED) !== 0;
  }
}
