/**
 * The native receive fast path (native/fastpath/fastpath.c) of the Linux
 * server. Once a call has passed FAST_PATH_AFTER packets the JavaScript
 * way, its MPPE receive state moves into the addon at the start of the
 * next receive batch; the addon then takes the call's in-sequence data
 * packets out of the raw GRE socket's batch, decrypts them and writes
 * their IPv4 to the TUN. Per batch it reports what it did per call, which
 * is added to the call's GRE window, PPP counters and MPPE engine here,
 * before the batch's other packets go their usual way; a payload it
 * decrypted but does not forward (UDP for DHCPINFORM, a spoofed source,
 * another protocol) comes back to the PPP session. The first packet it
 * cannot take (a gap, a key change it cannot follow, LCP, CCP) moves the
 * state back, and that packet and the call's next ones are JavaScript's.
 *
 * Off while `debug vpdn packet`, `debug ppp io` or `debug ppp mppe` is on
 * or a capture runs (they need every packet in JavaScript): every call is
 * moved back at the next batch. The TypeScript engines stay the
 * reference (test/unit/server/fast-path.test.ts).
 */
import { createRequire } from 'node:module';
import type { MppeDecryptor } from '../proto/ppp/mppe.js';
import { MPPE_STATE_SIZE } from '../proto/ppp/mppe.js';
import type { TunFastPathTarget } from '../proto/tun/device.js';
import type { ServerCall } from './call.js';
import { ipToNumber } from '../proto/ip/ipv4.js';

/** Packets a call passes the JavaScript way before the fast path takes it (again). */
export const FAST_PATH_AFTER = 16;

const MAX_BATCH = 64;
const EVENT_WORDS = 8;
const RELEASED = 1 << 16;
const HAS_ACK = 1 << 17;
const DECRYPTED = 2;

interface Native {
  create(localAddress: number): unknown;
  engage(table: unknown, callId: number, peer: number, client: number, highestSeq: number, state: Uint8Array): void;
  release(table: unknown, callId: number, stateOut?: Uint8Array): boolean;
  process(table: unknown, headers: Buffer, count: number, tunFd: number, verdicts: Int32Array, events: Uint32Array): number;
}

let addon: Native | null | undefined;

/**
 * The addon, or undefined when it is not built here or the environment
 * says PIX_PPTPD_FAST_PATH=off (the server then runs without it).
 */
export function fastPathAddon(): Native | undefined {
  if (process.env.PIX_PPTPD_FAST_PATH === 'off') return undefined;
  if (addon === undefined) {
    try {
      addon = createRequire(import.meta.url)('fastpath') as Native;
    } catch {
      addon = null;
    }
  }
  return addon ?? undefined;
}

/** An IPv4 address as a 32-bit number, in the byte order the addon reads it from a packet (little-endian host). */
export function wireOrder(address: number): number {
  return (((address & 0xff) << 24) | ((address & 0xff00) << 8) | ((address >>> 8) & 0xff00) | (address >>> 24)) >>> 0;
}

/** What the fast path needs of the server around it. */
export interface FastPathHost {
  /** No packet-printing debug and no capture. */
  allowed(): boolean;
  /** The call with this id, if there is one. */
  callOf(callId: number): ServerCall | undefined;
  /** The TUN the addon writes to; undefined: none now. */
  tun(): TunFastPathTarget | undefined;
  /** The call's control connection saw data (its keepalive). */
  activity(call: ServerCall): void;
}

interface Engaged {
  call: ServerCall;
  rx: MppeDecryptor;
}

export class FastPath {
  private readonly table: unknown;
  private readonly engaged = new Map<number, Engaged>();
  private readonly pending = new Set<ServerCall>();
  private readonly state = new Uint8Array(MPPE_STATE_SIZE);
  private readonly verdicts = new Int32Array(MAX_BATCH * 4);
  private readonly events = new Uint32Array(MAX_BATCH * EVENT_WORDS);
  /** For `show vpdn diagnostics`: calls taken, given back, packets forwarded. */
  readonly stats = { engaged: 0, released: 0, forwarded: 0 };

  constructor(
    private readonly native: Native,
    private readonly host: FastPathHost,
  ) {
    this.table = native.create(0);
  }

  /** Calls whose state is in the addon now. */
  get size(): number {
    return this.engaged.size;
  }

  /** A call passed a packet the JavaScript way: after FAST_PATH_AFTER, try to take it at the next batch. */
  passed(call: ServerCall): void {
    if (++call.jsPathPackets < FAST_PATH_AFTER) return;
    call.jsPathPackets = 0;
    this.pending.add(call);
  }

  /** Give the call's state back to its MPPE engine (the call changes or ends). */
  release(call: ServerCall): void {
    this.pending.delete(call);
    call.jsPathPackets = 0;
    const callId = call.options.callId;
    const e = this.engaged.get(callId);
    if (!e || e.call !== call) return;
    this.engaged.delete(callId);
    this.native.release(this.table, callId, this.state);
    e.rx.importState(this.state);
    this.stats.released++;
  }

  /** GreBatchHook: the addon takes what it can of this batch; undefined when it took nothing. */
  batch(headers: Buffer, count: number, slots: readonly Buffer[]): Int32Array | undefined {
    const tun = this.host.tun();
    if (!tun || !this.host.allowed()) {
      this.pending.clear();
      if (this.engaged.size) for (const { call } of [...this.engaged.values()]) this.release(call);
      return undefined;
    }
    for (const call of this.pending) this.engage(call);
    this.pending.clear();
    if (this.engaged.size === 0) return undefined;
    const n = this.native.process(this.table, headers, count, tun.fd, this.verdicts, this.events);
    let written = 0;
    for (let k = 0; k < n; k++) written += this.settle(k);
    if (written) {
      tun.written(written);
      this.stats.forwarded += written;
    }
    const v = this.verdicts;
    for (let i = 0; i < count; i++) {
      if (v[i * 4] !== DECRYPTED) continue;
      const call = this.host.callOf(v[i * 4 + 3]!);
      const at = v[i * 4 + 1]!;
      call?.ppp.inputDecrypted(slots[i]!.subarray(at, at + v[i * 4 + 2]!));
    }
    return v;
  }

  private engage(call: ServerCall): void {
    const callId = call.options.callId;
    if (this.engaged.has(callId)) return;
    const rx = call.ppp.fastPathRx();
    const peer = ipToNumber(call.options.peerAddress);
    if (!rx || peer === undefined || call.clientAddressNumber === undefined || !this.takeable(call)) return; // again after FAST_PATH_AFTER more
    rx.exportState(this.state);
    this.native.engage(this.table, callId, wireOrder(peer), wireOrder(call.clientAddressNumber), call.window.ack, this.state);
    this.engaged.set(callId, { call, rx });
    this.stats.engaged++;
  }

  private takeable(call: ServerCall): boolean {
    return this.host.callOf(call.options.callId) === call && call.state === 'estabd' && !call.holdUntilRouted && call.window.counters.packetsReceived > 0;
  }

  /** One call's event of the batch, added to its state; the TUN packets it wrote. */
  private settle(k: number): number {
    const ev = this.events;
    const o = k * EVENT_WORDS;
    const head = ev[o]!;
    const e = this.engaged.get(head & 0xffff);
    if (!e) return 0;
    const { call } = e;
    const packets = ev[o + 1]!;
    const octets = ev[o + 2]!;
    const written = ev[o + 6]!;
    call.window.fastReceived(packets, octets, ev[o + 3]!, head & HAS_ACK ? ev[o + 4] : undefined);
    call.ppp.fastInput(packets, octets, ev[o + 5]!);
    if (written) call.touch();
    this.host.activity(call);
    if (head & RELEASED) this.release(call);
    return written;
  }
}
