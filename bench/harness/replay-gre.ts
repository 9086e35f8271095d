/**
 * The blaster's lean sender. On this 2-core machine the load generator
 * shares the cores with the server it measures, so its packets are made
 * before the timed run: our client engine encrypts and frames each
 * session's packets as usual, but they are recorded instead of sent
 * (record); the timed run then sends them from memory, in order, paced by
 * the server's GRE acks (replay). The client's CPU then goes to the
 * kernel's send path, not to RC4.
 *
 * A GreSocket wrapped around the real one: the client engines send and
 * receive through it.
 *   pass:   straight through (dialling, hanging up);
 *   record: packets of the session being recorded go into the arena (ack-
 *           only ones go out), and each is at once acknowledged to the
 *           engine (an ack-only packet "from the server"), so that its GRE
 *           window keeps room;
 *   replay: packets the engines send with a sequence number (keepalives)
 *           wait until that session's recording is sent; ack-only ones go
 *           out. The server's acks set how far each session may run ahead
 *           (its advertised receive window).
 * What comes back goes to the engines, and anything they answer with a
 * sequence number waits behind the recording; with `deferData` (traffic
 * both ways) the server's data packets are kept instead, acknowledged
 * every 16 (an ack-only packet, as the engine would), and handed to the
 * engines in order once the replay is over: they decrypt them then, so
 * the client's RC4 is not what limits the server during the timed run.
 */
import type { GreSocket } from '../../src/proto/gre/socket.js';

/** Room per recorded packet: GRE (16) + PPP (4) + MPPE (2) + a 1,400-octet packet, rounded up. */
const SLOT = 1472;
const GRE_FLAG_S = 0x10; // octet 0
const GRE_FLAG_A = 0x80; // octet 1

interface Recording {
  server: string;
  /** Our call id: the key of what the server sends this session. */
  callId: number;
  /** The server's call id: the key of what this session sends. */
  peerCallId: number;
  window: number;
  /** Arena offset, length and GRE sequence number of each recorded packet, in order. */
  offsets: number[];
  lengths: number[];
  seqs: number[];
  next: number;
  /** Highest sequence number the server acknowledged during the replay. */
  acked: number;
  held: Buffer[];
  /** deferData: the server's data packets kept (views into the deferral arena), and the highest sequence number acknowledged to it. */
  deferred: Buffer[];
  ackedToServer: number;
}

export interface ReplayResult {
  sent: number;
  seconds: number;
  /** deferData: the server's data packets received during the replay (then handed to the engines). */
  deferred: number;
}

/** Acknowledge the server's data every this many packets (its window is 64 for the Windows profile). */
const ACK_EVERY = 16;

export class ReplayGre implements GreSocket {
  private mode: 'pass' | 'record' | 'replay' = 'pass';
  private handler: ((packet: Buffer, from: string, to: string) => void) | undefined;
  private readonly byCallId = new Map<number, Recording>();
  private readonly byPeerCallId = new Map<number, Recording>();
  private readonly arena: Buffer;
  private used = 0;
  private recording: Recording | undefined;
  private deferData = false;
  /**
   * deferData: where the server's packets wait, one SLOT each, made once:
   * a copy per packet (300,000 of them retained) kept V8's collector busy
   * enough that the socket overflowed during its pauses.
   */
  private deferArena: Buffer | undefined;
  private deferUsed = 0;

  constructor(
    private readonly real: GreSocket,
    maxPackets: number,
  ) {
    this.arena = Buffer.allocUnsafeSlow(maxPackets * SLOT);
    real.onPacket((p, from, to) => this.receive(p, from, to));
  }

  onPacket(fn: (packet: Buffer, from: string, to: string) => void): void {
    this.handler = fn;
  }

  send(peer: string, packet: Uint8Array): void {
    if (this.mode === 'pass' || packet.length < 8) {
      this.real.send(peer, packet);
      return;
    }
    const r = this.byPeerCallId.get((packet[6]! << 8) | packet[7]!);
    const hasSeq = (packet[0]! & GRE_FLAG_S) !== 0;
    if (this.mode === 'record' && r && r === this.recording && hasSeq) this.keep(r, packet);
    else if (this.mode === 'replay' && r && hasSeq) r.held.push(Buffer.from(packet));
    else this.real.send(peer, packet);
  }

  close(): void {
    this.real.close();
  }

  /**
   * Make `count` packets of one session ahead of time: `sendOne()` hands
   * one packet to its engine (and says whether it took it).
   */
  record(session: { server: string; callId: number; peerCallId: number; window: number }, count: number, sendOne: () => boolean): void {
    const r: Recording = { ...session, offsets: [], lengths: [], seqs: [], next: 0, acked: 0, held: [], deferred: [], ackedToServer: 0 };
    this.byCallId.set(r.callId, r);
    this.byPeerCallId.set(r.peerCallId, r);
    this.mode = 'record';
    this.recording = r;
    try {
      for (let k = 0; k < count; k++) {
        if (!sendOne()) throw new Error(`record: the client refused packet ${k}`);
        if (r.seqs.length) this.ackToEngine(r, r.seqs[r.seqs.length - 1]!);
      }
    } finally {
      this.recording = undefined;
      this.mode = 'pass';
    }
    // the server has acknowledged everything sent before the recording
    r.acked = (r.seqs[0]! - 1) >>> 0;
  }

  /**
   * Send every recording for at most `seconds`. A session sends `burst`
   * packets at a time (the server acknowledges at once every half
   * window, 32 packets), at most its window ahead of the server's acks;
   * all sessions together keep at most `maxInFlight` unacknowledged, so
   * that the server's socket buffer never overflows.
   */
  async replay(seconds: number, burst: number, maxInFlight: number, deferData = false): Promise<ReplayResult> {
    const all = [...this.byCallId.values()];
    this.mode = 'replay';
    this.deferData = deferData;
    if (deferData) {
      this.deferArena ??= Buffer.allocUnsafeSlow(this.arena.length);
      this.deferUsed = 0;
    }
    let sent = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    try {
      let pending = all.length;
      while (pending > 0 && performance.now() < end) {
        pending = 0;
        let total = 0;
        for (const r of all) total += inFlight(r);
        for (const r of all) {
          if (r.next >= r.seqs.length) continue;
          pending++;
          const own = inFlight(r);
          if ((r.window > 0 && own + burst > r.window) || total + burst > maxInFlight) continue;
          for (let k = 0; k < burst && r.next < r.seqs.length; k++) {
            const at = r.offsets[r.next]!;
            this.real.send(r.server, this.arena.subarray(at, at + r.lengths[r.next]!));
            r.next++;
            sent++;
            total++;
          }
        }
        // let the server's acks in
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.mode = 'pass';
      this.deferData = false;
      for (const r of all) for (const p of r.held.splice(0)) this.real.send(r.server, p);
    }
    const elapsed = (performance.now() - t0) / 1000;
    let deferred = 0;
    for (const r of all) {
      deferred += r.deferred.length;
      for (const p of r.deferred.splice(0)) this.handler?.(p, r.server, '');
    }
    return { sent, seconds: elapsed, deferred };
  }

  private keep(r: Recording, packet: Uint8Array): void {
    if (this.used + SLOT > this.arena.length) throw new Error('record: arena full');
    if (packet.length > SLOT) throw new Error(`record: ${packet.length}-octet packet`);
    this.arena.set(packet, this.used);
    r.offsets.push(this.used);
    r.lengths.push(packet.length);
    r.seqs.push(((packet[8]! << 24) | (packet[9]! << 16) | (packet[10]! << 8) | packet[11]!) >>> 0);
    this.used += SLOT;
  }

  /** As if the server acknowledged `seq`. */
  private ackToEngine(r: Recording, seq: number): void {
    this.handler?.(ackOnly(r.callId, seq), r.server, '');
  }

  /**
   * The server's acks, from the GRE header:
   *   0: flags (S 0x1000, K 0x2000, A 0x0080, version 1) | 2: protocol 0x880B
   *   4: payload length | 6: key (our call id) | 8: sequence number if S
   *   then the acknowledgment number if A
   */
  private receive(p: Buffer, from: string, to: string): void {
    const r = this.mode === 'replay' && p.length >= 12 ? this.byCallId.get(p.readUInt16BE(6)) : undefined;
    if (r && (p[1]! & GRE_FLAG_A) !== 0) {
      const a = p.readUInt32BE((p[0]! & GRE_FLAG_S) !== 0 ? 12 : 8);
      if (((a - r.acked) | 0) > 0) r.acked = a;
    }
    if (r && this.deferData && (p[0]! & GRE_FLAG_S) !== 0 && p.readUInt16BE(4) > 0) {
      // the receive area is reused for the next batch: keep a copy (a full arena drops, as a full socket would)
      const arena = this.deferArena!;
      if (this.deferUsed + SLOT <= arena.length && p.length <= SLOT) {
        p.copy(arena, this.deferUsed);
        r.deferred.push(arena.subarray(this.deferUsed, this.deferUsed + p.length));
        this.deferUsed += SLOT;
      }
      const seq = p.readUInt32BE(8);
      if (((seq - r.ackedToServer) >>> 0) >= ACK_EVERY) {
        this.real.send(r.server, ackOnly(r.peerCallId, seq));
        r.ackedToServer = seq;
      }
      return;
    }
    this.handler?.(p, from, to);
  }
}

/** Packets of `r` sent and not yet acknowledged. */
function inFlight(r: Recording): number {
  return r.next === 0 ? 0 : (r.seqs[r.next - 1]! - r.acked) >>> 0;
}

/** An ack-only GRE packet: flags 0x2081 (K, A, version 1), payload length 0. */
function ackOnly(key: number, ack: number): Buffer {
  const p = Buffer.alloc(12);
  p.writeUInt16BE(0x2081, 0);
  p.writeUInt16BE(0x880b, 2);
  p.writeUInt16BE(key, 6);
  p.writeUInt32BE(ack, 8);
  return p;
}
