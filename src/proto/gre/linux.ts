/**
 * GRE (IP protocol 47) over a raw IPv4 socket, opened and read through
 * libc (os/libc.ts). Needs CAP_NET_RAW. One raw socket sees every GRE
 * packet that reaches this network namespace; with `localAddress` set,
 * packets to other addresses are ignored (counted).
 *
 * I/O: recvmmsg() takes up to RECV_BATCH packets per call into a fixed
 * receive area (one system call and one native call for the batch; the
 * `raw-socket` addon this replaces cost ~1.9 us per packet in its
 * per-packet callback), until EAGAIN or the per-wake budget; readiness as
 * for the TUN (os/read-loop.ts). Sends are one sendto() each, to a
 * sockaddr kept per peer.
 *
 * DF is never set (IP_MTU_DISCOVER = IP_PMTUDISC_DONT): like pptp-linux and
 * Poptop, packets larger than the path MTU are fragmented, not dropped.
 */
import { EAGAIN, EINTR, MSG_DONTWAIT, MSG_TRUNC, O_CLOEXEC, O_NONBLOCK, addressOf, errno, errnoError, libc, setIntOption, trySetIntOption } from '../os/libc.js';
import { ReadLoop, type DrainResult } from '../os/read-loop.js';
import type { GreBatchHook, GreSocket } from './socket.js';
import { encodeBpf, type BpfInstruction } from './bpf.js';

const AF_INET = 2;
const SOCK_RAW = 3;
const IPPROTO_GRE = 47;
const IPPROTO_IP = 0;
const IP_MTU_DISCOVER = 10;
const IP_PMTUDISC_DONT = 0;
const SOL_SOCKET = 1;
const SO_SNDBUF = 7;
const SO_RCVBUF = 8;
const SO_SNDBUFFORCE = 32;
const SO_RCVBUFFORCE = 33;
const SO_ATTACH_FILTER = 26;
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
/** Packets per recvmmsg() call. */
const RECV_BATCH = 32;
/**
 * Room for one received datagram, outer IPv4 header included. Our MRU
 * bounds what a peer may send far below this; larger (reassembled)
 * datagrams arrive truncated and are counted as malformed.
 */
const SLOT_SIZE = 8192;
/**
 * Packets read per readiness event before yielding to the event loop: about
 * 2 ms of work at most, so the shell and timers get their turn under a flood.
 */
const MAX_READS_PER_WAKE = 256;
/** Peers whose sockaddr is kept (one per tunnel); the cache is emptied beyond. */
const MAX_PEERS = 4096;

export interface GreStats {
  rxPackets: number;
  txPackets: number;
  /** Truncated or non-GRE outer IPv4 headers. */
  rxMalformed: number;
  /** GRE to another local address than localAddress. */
  rxIgnored: number;
  rxErrors: number;
  txErrors: number;
}

export interface LinuxGreSocket extends GreSocket {
  readonly stats: Readonly<GreStats>;
}

export interface OpenGreSocketOptions {
  /** Only packets sent to this address are passed on. */
  localAddress?: string;
  /** Socket errors (send failures, receive errors); counted in stats as well. */
  onError?: (err: Error) => void;
  /** A socket filter (src/proto/gre/bpf.ts): the kernel passes on only the packets it accepts. */
  filter?: readonly BpfInstruction[];
}

/** Opens the raw GRE socket. Throws (at open, never later) without CAP_NET_RAW. */
export function openGreSocket(opts: OpenGreSocketOptions = {}): LinuxGreSocket {
  const c = libc();
  const fd = c.socket(AF_INET, SOCK_RAW | O_NONBLOCK | O_CLOEXEC, IPPROTO_GRE);
  if (fd < 0) throw errnoError('socket(AF_INET, SOCK_RAW, IPPROTO_GRE)');
  try {
    setIntOption(fd, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT);
    // Past net.core.[rw]mem_max when we may (CAP_NET_ADMIN): a burst waits instead of being dropped.
    if (!trySetIntOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUFFER_BYTES)) setIntOption(fd, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER_BYTES);
    if (!trySetIntOption(fd, SOL_SOCKET, SO_SNDBUFFORCE, SOCKET_BUFFER_BYTES)) setIntOption(fd, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER_BYTES);
    if (opts.filter) attachFilter(fd, opts.filter);
    return new RawGreSocket(fd, opts);
  } catch (err) {
    c.close(fd);
    throw err;
  }
}

/** SO_ATTACH_FILTER with struct sock_fprog { u16 len; u8 pad[6]; sock_filter *filter } (LP64); the kernel copies the program. */
function attachFilter(fd: number, prog: readonly BpfInstruction[]): void {
  const insns = encodeBpf(prog);
  const fprog = Buffer.alloc(16);
  fprog.writeUInt16LE(prog.length, 0);
  fprog.writeBigUInt64LE(addressOf(insns), 8);
  if (libc().setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, fprog.length) !== 0) throw errnoError('setsockopt(SO_ATTACH_FILTER)');
}

/** struct sockaddr_in { u16 family (host order); u16 port (0 for raw); u32 address (network order); u8 zero[8] } */
function sockaddrIn(address: string): Buffer | undefined {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const sa = Buffer.alloc(16);
  sa.writeUInt16LE(AF_INET, 0);
  sa.set(parts, 4);
  return sa;
}

/**
 * The receive area recvmmsg() fills: RECV_BATCH slots of SLOT_SIZE, and
 * the headers pointing at them, built once.
 *   struct iovec   { void *base; size_t len; }                      16 bytes
 *   struct mmsghdr { struct msghdr { void *name; u32 namelen; pad;  64 bytes
 *                      struct iovec *iov; size_t iovlen; void *control;
 *                      size_t controllen; int flags; pad; } hdr;
 *                    u32 len; pad; }
 * The kernel writes each packet's length at +56 and its flags at +48.
 */
class ReceiveArea {
  readonly headers = Buffer.alloc(RECV_BATCH * 64);
  readonly slots: Buffer[] = [];
  private readonly data = Buffer.allocUnsafeSlow(RECV_BATCH * SLOT_SIZE);
  private readonly iovecs = Buffer.allocUnsafeSlow(RECV_BATCH * 16);

  constructor() {
    const dataAt = addressOf(this.data);
    const iovAt = addressOf(this.iovecs);
    for (let i = 0; i < RECV_BATCH; i++) {
      this.iovecs.writeBigUInt64LE(dataAt + BigInt(i * SLOT_SIZE), i * 16);
      this.iovecs.writeBigUInt64LE(BigInt(SLOT_SIZE), i * 16 + 8);
      this.headers.writeBigUInt64LE(iovAt + BigInt(i * 16), i * 64 + 16);
      this.headers.writeBigUInt64LE(1n, i * 64 + 24);
      this.slots.push(this.data.subarray(i * SLOT_SIZE, (i + 1) * SLOT_SIZE));
    }
  }

  length(i: number): number {
    return this.headers.readUInt32LE(i * 64 + 56);
  }

  truncated(i: number): boolean {
    return (this.headers.readInt32LE(i * 64 + 48) & MSG_TRUNC) !== 0;
  }
}

class RawGreSocket implements LinuxGreSocket {
  readonly stats: GreStats = { rxPackets: 0, txPackets: 0, rxMalformed: 0, rxIgnored: 0, rxErrors: 0, txErrors: 0 };
  private readonly area = new ReceiveArea();
  private readonly loop: ReadLoop;
  private readonly localAddress: number | undefined;
  private readonly peers = new Map<string, Buffer | undefined>();
  /** Dotted source addresses seen, by 32-bit value: one string per peer, not per packet. */
  private readonly names = new Map<number, string>();
  private handler: ((packet: Buffer, from: string, to: string) => void) | undefined;
  private batchHook: GreBatchHook | undefined;
  private closed = false;

  constructor(
    private readonly fd: number,
    private readonly opts: OpenGreSocketOptions,
  ) {
    const local = opts.localAddress === undefined ? undefined : sockaddrIn(opts.localAddress);
    this.localAddress = local?.readUInt32BE(4);
    this.loop = new ReadLoop(fd, () => this.drain(), () => libc().close(fd), (err) => this.fail('rx', err));
    this.loop.start();
  }

  onPacket(fn: (packet: Buffer, from: string, to: string) => void): void {
    this.handler = fn;
  }

  setBatchHook(hook: GreBatchHook | undefined): void {
    this.batchHook = hook;
  }

  send(peer: string, packet: Uint8Array): void {
    if (this.closed) {
      this.stats.txErrors++;
      return;
    }
    let to = this.peers.get(peer);
    if (to === undefined) {
      if (this.peers.size >= MAX_PEERS) this.peers.clear();
      to = sockaddrIn(peer);
      this.peers.set(peer, to);
    }
    if (!to) {
      this.fail('tx', new Error(`send to ${peer}: not an IPv4 address`));
      return;
    }
    if (libc().sendto(this.fd, packet, packet.length, 0, to, 16) < 0) this.fail('tx', errnoError(`send to ${peer}`));
    else this.stats.txPackets++;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    this.loop.close();
  }

  private fail(dir: 'rx' | 'tx', err: Error): void {
    if (dir === 'rx') this.stats.rxErrors++;
    else this.stats.txErrors++;
    try {
      this.opts.onError?.(err);
    } catch {
      /* a faulty error handler must not break the I/O loop */
    }
  }

  private drain(): DrainResult {
    const c = libc();
    const area = this.area;
    for (let read = 0; read < MAX_READS_PER_WAKE; ) {
      if (this.closed) return 'empty';
      const n = c.recvmmsg(this.fd, area.headers, RECV_BATCH, MSG_DONTWAIT, null);
      if (n < 0) {
        const e = errno();
        if (e === EAGAIN) return 'empty';
        if (e === EINTR) continue;
        this.fail('rx', errnoError('recvmmsg', e));
        return 'retry';
      }
      const taken = this.batchHook ? this.hook(this.batchHook, n) : undefined;
      for (let i = 0; i < n && !this.closed; i++) {
        if (taken !== undefined && taken[i * 4] !== 0) this.stats.rxPackets++;
        else if (area.truncated(i)) this.stats.rxMalformed++;
        else this.packet(area.slots[i], area.length(i));
      }
      read += n;
      if (n < RECV_BATCH) return 'empty';
    }
    return 'more';
  }

  private hook(hook: GreBatchHook, n: number): Int32Array | undefined {
    try {
      return hook(this.area.headers, n, this.area.slots);
    } catch (err) {
      this.fail('rx', err instanceof Error ? err : new Error(String(err)));
      return undefined;
    }
  }

  /**
   * Outer IPv4 header, as a raw socket delivers it:
   *   0: version(4) IHL(4) ... 9: protocol ... 12-15: source | 16-19: destination
   *   IHL*4 ..: GRE header + payload
   */
  private packet(b: Buffer, n: number): void {
    if (n < 20 || b[0] >> 4 !== 4 || b[9] !== IPPROTO_GRE) {
      this.stats.rxMalformed++;
      return;
    }
    const ihl = (b[0] & 0x0f) * 4;
    if (ihl < 20 || ihl > n) {
      this.stats.rxMalformed++;
      return;
    }
    const to = b.readUInt32BE(16);
    if (this.localAddress !== undefined && to !== this.localAddress) {
      this.stats.rxIgnored++;
      return;
    }
    this.stats.rxPackets++;
    const h = this.handler;
    if (!h) return;
    try {
      h(b.subarray(ihl, n), this.name(b.readUInt32BE(12)), this.name(to));
    } catch (err) {
      this.fail('rx', err instanceof Error ? err : new Error(String(err)));
    }
  }

  private name(address: number): string {
    let s = this.names.get(address);
    if (s === undefined) {
      if (this.names.size >= MAX_PEERS) this.names.clear();
      s = `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`;
      this.names.set(address, s);
    }
    return s;
  }
}
