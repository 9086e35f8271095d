/**
 * Per-call enhanced GRE sequencing (RFC 2637 sections 4.2-4.4), one object
 * per call, for either end of the tunnel.
 *
 * Receive: the highest sequence number seen is what we acknowledge. Packets
 * that arrive a little late (behind the highest, within `lateWindow`, not
 * seen before) are still delivered, as MS-PTPT 3.1.5.8 recommends and
 * Windows relies on, and counted as `out of order packets` with PIX syslog
 * 603101. Duplicates and packets further behind are dropped, counted and
 * also reported with 603101. Sequence numbers wrap at 2^32.
 *
 * Send: every data packet carries the next sequence number and, once the
 * peer has sent anything, the highest sequence received as a piggybacked
 * ack (the PIX does this on every packet, seed 003). When data we received
 * has not been acknowledged, an ack-only packet (flags 0x2081) goes out
 * after `ackDelayMs` if no data packet took it first, or at once when half
 * of our advertised receive window is unacknowledged (so bulk transfers do
 * not stall on the delay). At most `peerRecvWindow` (the peer's OCRQ/OCRP
 * Packet Recv. Window Size) packets are in flight unacknowledged; packets
 * beyond it wait in a bounded backlog and go out as acks open the window
 * (pptp-linux advertises a window of 3: dropping instead loses every burst,
 * e.g. the fragments of one large datagram). A full backlog drops and
 * counts. When no ack comes for `ackTimeoutMs`, the outstanding packets are
 * taken as lost and the window reopens.
 *
 * Timers: the ack delay and the ack timeout, through the Clock. The packet given to
 * `send` lives in a scratch buffer shared by all calls and is reused by the
 * next send: GreSocket.send must copy it or send it synchronously (both
 * implementations do).
 */
import type { Clock, Timer } from '../../util/clock.js';
import type { GreDebugLink, GreDebugSink } from './debug-events.js';
import { GRE_MAX_HEADER_LENGTH, writeGreHeader, type GrePacket } from './wire.js';

/** The GreDebugLink fields name the call in debug events: the options object is the link. */
export interface GreWindowOptions extends GreDebugLink {
  clock: Clock;
  /** debug and syslog events (src/debug/cisco-gre.ts makes the lines) */
  debug: GreDebugSink;
  /** The peer's call id: the key of every packet we send. */
  peerCallId: number;
  /** The peer's Packet Recv. Window Size; 0 = do not limit. */
  peerRecvWindow: number;
  /** The window we advertised to the peer. Default 64. */
  localRecvWindow?: number;
  /** First sequence number we send. Default 1 (the PIX; Windows uses 0). */
  initialSeq?: number;
  /** Delay before an ack-only packet. Default 500 ms (RFC 2637 4.4 suggests about half a second). */
  ackDelayMs?: number;
  /** No ack for this long while the window is full: assume loss, reopen. Default 3000 ms. */
  ackTimeoutMs?: number;
  /** Packets held while the peer's window is full. Default 64. */
  maxBacklog?: number;
  /** How far behind the highest sequence a packet is still delivered (1..128). Default 64. */
  lateWindow?: number;
  /** Send one GRE packet (header + payload) to the peer. See the note on buffer reuse above. */
  send(packet: Buffer): void;
}

/** Numbers for `show vpdn session` (`Seq 13, Ack 34, Ack_Rcvd 12, peer RWS 64`) and more. */
export interface GreWindowStatus {
  /** Next sequence number we will send. */
  seq: number;
  /** Highest sequence number received (what we acknowledge); 0 before any. */
  ack: number;
  /** Highest acknowledgment received from the peer; 0 before any. */
  ackReceived: number;
  peerRecvWindow: number;
  /** Packets sent and not yet acknowledged. */
  inFlight: number;
  outOfOrder: number;
  duplicates: number;
  tooOld: number;
  /** Packets dropped because the window and the backlog were full. */
  windowFull: number;
  /** Packets that waited in the backlog for the window to open. */
  queued: number;
  ackTimeouts: number;
  badAcks: number;
  ackOnlySent: number;
  packetsSent: number;
  packetsReceived: number;
  /** PPP payload octets. */
  bytesSent: number;
  bytesReceived: number;
}

/** What the window counts (the rest of GreWindowStatus is its state). */
export type GreWindowCounters = Omit<GreWindowStatus, 'seq' | 'ack' | 'ackReceived' | 'peerRecvWindow' | 'inFlight'>;

const BITMAP_BITS = 128;

/** Scratch transmit buffer shared by every call (one thread, synchronous send). */
let scratch = Buffer.allocUnsafe(GRE_MAX_HEADER_LENGTH + 4096);
function scratchFor(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
  return scratch;
}

/** Signed 32-bit distance a - b, correct across the 2^32 wrap. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class GreCallWindow {
  private readonly options: GreWindowOptions;
  private readonly ackDelayMs: number;
  private readonly ackTimeoutMs: number;
  private readonly lateWindow: number;
  private readonly immediateAckAfter: number;

  // send side
  private nextSeq: number;
  private readonly firstSeq: number;
  private sentAny = false;
  private peerAcked = false;
  private ackReceived = 0;
  private stallTimer: Timer | null = null;
  private readonly backlog: Buffer[] = [];
  private readonly maxBacklog: number;

  // receive side
  private received = false;
  private highest = 0;
  /**
   * Which of the last BITMAP_BITS sequence numbers arrived: 32 bits per
   * element, as int32 numbers (an array of 4 small integers costs less than
   * a Uint32Array with its ArrayBuffer, per call).
   */
  private readonly seen: number[] = [0, 0, 0, 0];
  private unacked = 0;
  /** The Clock timer under the ack delay, while one is pending (see noteUnacked). */
  private ackTimer: Timer | null = null;
  /** When the ack-only packet is due (clock ms); -1: nothing waits to be acknowledged. */
  private ackDue = -1;
  private closed = false;

  private readonly stats: GreWindowCounters = {
    outOfOrder: 0,
    duplicates: 0,
    tooOld: 0,
    windowFull: 0,
    queued: 0,
    ackTimeouts: 0,
    badAcks: 0,
    ackOnlySent: 0,
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
  };

  constructor(opts: GreWindowOptions) {
    this.options = opts;
    this.ackDelayMs = opts.ackDelayMs ?? 500;
    this.ackTimeoutMs = opts.ackTimeoutMs ?? 3000;
    this.maxBacklog = opts.maxBacklog ?? 64;
    this.lateWindow = Math.min(BITMAP_BITS, Math.max(1, opts.lateWindow ?? 64));
    this.immediateAckAfter = Math.max(1, Math.floor((opts.localRecvWindow ?? 64) / 2));
    this.firstSeq = (opts.initialSeq ?? 1) >>> 0;
    this.nextSeq = this.firstSeq;
  }

  /** The peer's window changed (it is fixed by OCRQ/OCRP in practice). */
  setPeerRecvWindow(n: number): void {
    this.options.peerRecvWindow = n;
  }

  /**
   * A decoded packet for this call. Processes its ack, tracks its sequence
   * number and says whether its payload goes up to PPP (ack-only packets
   * and dropped duplicates: false).
   */
  receive(pkt: GrePacket): boolean {
    const o = this.options;
    if (o.debug.on('vpdn packet')) o.debug.emit(o, { kind: 'received', length: pkt.length, seq: pkt.seq, ack: pkt.ack });
    if (pkt.ack !== undefined) this.onAck(pkt.ack);
    if (pkt.seq === undefined) return false;
    const s = pkt.seq;
    if (!this.received) {
      this.received = true;
      this.highest = s;
      this.mark(s);
    } else {
      const d = seqDiff(s, this.highest);
      if (d > 0) {
        this.advance(d);
        this.highest = s;
        this.mark(s);
      } else if (d === 0 || -d >= this.lateWindow || this.isMarked(s)) {
        if (d !== 0 && -d >= this.lateWindow) this.stats.tooOld++;
        else this.stats.duplicates++;
        this.reportOutOfSeq(s, true);
        return false;
      } else {
        this.mark(s);
        this.stats.outOfOrder++;
        this.reportOutOfSeq(s, false);
      }
    }
    this.stats.packetsReceived++;
    this.stats.bytesReceived += pkt.payload.length;
    this.noteUnacked();
    return true;
  }

  /**
   * What the native fast path received for this call: `count` packets in
   * sequence after the highest, the last one `highest`, `octets` of
   * payload in all, and the highest ack among them (undefined: none), as
   * receive() would have taken them one by one.
   */
  fastReceived(count: number, octets: number, highest: number, ack: number | undefined): void {
    if (ack !== undefined) this.onAck(ack);
    if (count === 0) return;
    for (let k = 1; k <= count; k++) this.mark((this.highest + k) >>> 0);
    this.highest = highest;
    this.stats.packetsReceived += count;
    this.stats.bytesReceived += octets;
    // receive() acks the moment half our window is unacknowledged, inside a
    // batch; here a batch is taken whole, so a quarter: the peer's in-flight
    // packets stay below our window, as they do with receive().
    this.unacked += count;
    if (this.unacked >= Math.max(1, this.immediateAckAfter >> 1)) this.flushAck();
    else this.startAckDelay();
  }

  /**
   * Send one PPP frame, or hold it until the peer's window opens. Returns
   * false (and counts it) when the window and the backlog are full.
   */
  send(payload: Uint8Array): boolean {
    if (this.closed) return false;
    if (this.backlog.length === 0 && this.hasRoom()) {
      this.transmit(payload);
      return true;
    }
    if (this.backlog.length >= this.maxBacklog) {
      this.stats.windowFull++;
      const o = this.options;
      if (o.debug.on('vpdn error')) o.debug.emit(o, { kind: 'window-full', unacked: this.inFlight(), peerRecvWindow: o.peerRecvWindow });
      return false;
    }
    this.backlog.push(Buffer.from(payload));
    this.stats.queued++;
    this.armStallTimer();
    return true;
  }

  private transmit(payload: Uint8Array): void {
    const o = this.options;
    const seq = this.nextSeq;
    const ack = this.received ? this.highest : undefined;
    const buf = scratchFor(GRE_MAX_HEADER_LENGTH + payload.length);
    const hl = writeGreHeader(buf, 0, o.peerCallId, payload.length, seq, ack);
    buf.set(payload, hl);
    const packet = buf.subarray(0, hl + payload.length);
    this.nextSeq = (seq + 1) >>> 0;
    this.sentAny = true;
    this.ackSent();
    this.stats.packetsSent++;
    this.stats.bytesSent += payload.length;
    if (o.debug.on('vpdn packet')) o.debug.emit(o, { kind: 'data-out', packet, payloadLength: payload.length, seq, ack });
    o.send(packet);
  }

  /** Send an ack-only packet now if something received is unacknowledged. */
  flushAck(): void {
    if (this.closed || this.unacked === 0 || !this.received) return;
    const o = this.options;
    const ack = this.highest;
    const buf = scratchFor(GRE_MAX_HEADER_LENGTH);
    const hl = writeGreHeader(buf, 0, o.peerCallId, 0, undefined, ack);
    const packet = buf.subarray(0, hl);
    this.ackSent();
    this.stats.ackOnlySent++;
    if (o.debug.on('vpdn packet')) o.debug.emit(o, { kind: 'ack-out', packet, ack });
    o.send(packet);
  }

  /** The counters, read in place: `show vpdn` reads them for every call, status() copies them. */
  get counters(): Readonly<GreWindowCounters> {
    return this.stats;
  }

  /** Next sequence number we will send. */
  get seq(): number {
    return this.nextSeq;
  }

  /** Highest sequence number received (what we acknowledge); 0 before any. */
  get ack(): number {
    return this.received ? this.highest : 0;
  }

  /** Highest acknowledgment received from the peer; 0 before any. */
  get acknowledged(): number {
    return this.ackReceived;
  }

  status(): GreWindowStatus {
    return {
      seq: this.nextSeq,
      ack: this.ack,
      ackReceived: this.ackReceived,
      peerRecvWindow: this.options.peerRecvWindow,
      inFlight: this.inFlight(),
      ...this.stats,
    };
  }

  /** Stop the ack timer; later send() calls do nothing. */
  close(): void {
    this.closed = true;
    this.ackTimer?.cancel();
    this.ackTimer = null;
    this.stallTimer?.cancel();
    this.stallTimer = null;
    this.backlog.length = 0;
  }

  // ---- internals ----


  private inFlight(): number {
    if (!this.sentAny) return 0;
    if (!this.peerAcked) return (this.nextSeq - this.firstSeq) >>> 0;
    return (this.nextSeq - 1 - this.ackReceived) >>> 0;
  }

  private hasRoom(): boolean {
    const rws = this.options.peerRecvWindow;
    return rws <= 0 || this.inFlight() < rws;
  }

  /** Send what the backlog holds while the window has room. */
  private drain(): void {
    while (this.backlog.length && this.hasRoom() && !this.closed) this.transmit(this.backlog.shift()!);
    if (this.backlog.length === 0) {
      this.stallTimer?.cancel();
      this.stallTimer = null;
    }
  }

  /** No ack for a whole ack timeout while packets wait: the outstanding ones are lost. */
  private armStallTimer(): void {
    if (this.stallTimer || this.closed) return;
    this.stallTimer = this.options.clock.setTimer(this.ackTimeoutMs, () => {
      this.stallTimer = null;
      if (!this.backlog.length || this.hasRoom()) return this.drain();
      this.stats.ackTimeouts++;
      this.peerAcked = true;
      this.ackReceived = (this.nextSeq - 1) >>> 0;
      this.drain();
      if (this.backlog.length) this.armStallTimer();
    });
  }

  private onAck(a: number): void {
    if (!this.sentAny || seqDiff((this.nextSeq - 1) >>> 0, a) < 0 || seqDiff(a, (this.firstSeq - 1) >>> 0) <= 0) {
      // Acknowledges something we never sent.
      this.stats.badAcks++;
      return;
    }
    if (!this.peerAcked || seqDiff(a, this.ackReceived) > 0) {
      this.peerAcked = true;
      this.ackReceived = a;
      if (this.backlog.length) this.drain();
    }
  }

  /**
   * The ack delay starts at the first packet left unacknowledged and ends
   * when any packet of ours carries the ack: that is every packet we send,
   * so instead of a Clock timer made at each packet received and cancelled
   * at each one sent, `ackDue` says when the ack-only packet is due and a
   * Clock timer is made only when none is pending. One that fires before
   * the due time waits on for the rest; one that fires with nothing due
   * does nothing.
   */
  private noteUnacked(): void {
    this.unacked++;
    if (this.unacked >= this.immediateAckAfter) this.flushAck();
    else this.startAckDelay();
  }

  /** The ack-only packet falls due ackDelayMs after the first packet left unacknowledged. */
  private startAckDelay(): void {
    if (this.ackDue < 0 && !this.closed) {
      this.ackDue = this.options.clock.now() + this.ackDelayMs;
      if (!this.ackTimer) this.armAckTimer(this.ackDelayMs);
    }
  }

  private armAckTimer(ms: number): void {
    this.ackTimer = this.options.clock.setTimer(ms, () => this.ackTimerFired());
  }

  private ackTimerFired(): void {
    this.ackTimer = null;
    if (this.ackDue < 0 || this.closed) return;
    const left = this.ackDue - this.options.clock.now();
    if (left > 0) {
      this.armAckTimer(left);
      return;
    }
    this.flushAck();
  }

  private ackSent(): void {
    this.unacked = 0;
    this.ackDue = -1;
  }

  private reportOutOfSeq(s: number, dropped: boolean): void {
    this.options.debug.emit(this.options, { kind: 'out-of-sequence', seq: s, highest: this.highest, dropped });
  }

  private mark(s: number): void {
    const i = s & (BITMAP_BITS - 1);
    this.seen[i >>> 5] |= 1 << (i & 31); // int32
  }

  private isMarked(s: number): boolean {
    const i = s & (BITMAP_BITS - 1);
    return (this.seen[i >>> 5] & (1 << (i & 31))) !== 0;
  }

  /** The highest moves forward by d: forget the bitmap slots it now reuses. */
  private advance(d: number): void {
    if (d >= BITMAP_BITS) {
      this.seen.fill(0);
      return;
    }
    for (let k = 1; k <= d; k++) {
      const i = (this.highest + k) & (BITMAP_BITS - 1);
      this.seen[i >>> 5] &= ~(1 << (i & 31));
    }
  }
}
