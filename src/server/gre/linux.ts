/**
 * GRE (IP protocol 47) over a raw IPv4 socket, through the `raw-socket`
 * addon. Needs CAP_NET_RAW. One raw socket sees every GRE packet that
 * reaches this network namespace; with `localAddress` set, packets to other
 * addresses are ignored (counted).
 *
 * I/O (DESIGN.md "Data-plane I/O: measured facts"): on each readiness event
 * the socket is read until EAGAIN through the addon's SocketWrap.recv (one
 * packet per event via the public API is 4x slower); sends go straight to
 * SocketWrap.send (the public send() queues one packet per writable event).
 * The socket object is held by this instance: if it were garbage-collected
 * its fd would close silently.
 *
 * DF is never set (IP_MTU_DISCOVER = IP_PMTUDISC_DONT): like pptp-linux and
 * Poptop, packets larger than the path MTU are fragmented, not dropped.
 */
import { createRequire } from 'node:module';
import type { GreSocket } from './socket.js';

const require = createRequire(import.meta.url);

interface SocketWrap {
  recv(buf: Buffer, cb: (buf: Buffer, bytes: number, source: string) => void): void;
  send(buf: Uint8Array, offset: number, length: number, address: string, cb: (bytes: number) => void): void;
  setOption(level: number, option: number, value: number): void;
  removeAllListeners(event: string): void;
  on(event: string, fn: (...args: unknown[]) => void): void;
}
interface RawSocket {
  wrap: SocketWrap;
  on(event: string, fn: (...args: unknown[]) => void): void;
  close(): void;
}
interface RawSocketModule {
  createSocket(opts: { protocol: number; bufferSize?: number }): RawSocket;
  SocketLevel: Record<string, number>;
  SocketOption: Record<string, number>;
}

const IPPROTO_GRE = 47;
const IPPROTO_IP = 0;
const IP_MTU_DISCOVER = 10;
const IP_PMTUDISC_DONT = 0;
const RECV_BUFFER_SIZE = 65536;
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
/**
 * Packets read per readiness event before yielding to the event loop: about
 * 2 ms of work at most, so the shell and timers get their turn under a flood
 * (readiness is level-triggered: what is left wakes us again at once).
 */
const MAX_READS_PER_WAKE = 256;

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
}

let rawModule: RawSocketModule | undefined;

/** Opens the raw GRE socket. Throws (at open, never later) without CAP_NET_RAW. */
export function openGreSocket(opts: OpenGreSocketOptions = {}): LinuxGreSocket {
  rawModule ??= require('raw-socket') as RawSocketModule;
  return new RawGreSocket(rawModule, opts);
}

function isWouldBlock(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  return /temporarily unavailable|would block/i.test(m);
}

class RawGreSocket implements LinuxGreSocket {
  readonly stats: GreStats = { rxPackets: 0, txPackets: 0, rxMalformed: 0, rxIgnored: 0, rxErrors: 0, txErrors: 0 };
  /** Strong reference: the addon closes the fd when its wrapper is collected. */
  private readonly socket: RawSocket;
  private readonly wrap: SocketWrap;
  private readonly buf = Buffer.allocUnsafe(RECV_BUFFER_SIZE);
  private handler: ((packet: Buffer, from: string, to: string) => void) | undefined;
  private closed = false;
  private lastBytes = 0;
  private readonly onRecv = (_b: Buffer, bytes: number) => {
    this.lastBytes = bytes;
  };
  private readonly onSent = () => {};

  constructor(raw: RawSocketModule, private readonly opts: OpenGreSocketOptions) {
    this.socket = raw.createSocket({ protocol: IPPROTO_GRE, bufferSize: 16 });
    this.wrap = this.socket.wrap;
    // Replace the public API's one-packet-per-event handlers with our loops.
    this.wrap.removeAllListeners('recvReady');
    this.wrap.removeAllListeners('sendReady');
    this.wrap.on('recvReady', () => this.drain());
    // The public Socket re-emits wrap errors and closes itself; without a
    // listener an 'error' event would throw.
    this.socket.on('error', (err) => this.fail('rx', err));
    const SOL_SOCKET = raw.SocketLevel.SOL_SOCKET;
    try {
      this.wrap.setOption(IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT);
      this.wrap.setOption(SOL_SOCKET, raw.SocketOption.SO_RCVBUF, SOCKET_BUFFER_BYTES);
      this.wrap.setOption(SOL_SOCKET, raw.SocketOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
    } catch (err) {
      this.socket.close();
      throw err;
    }
  }

  onPacket(fn: (packet: Buffer, from: string, to: string) => void): void {
    this.handler = fn;
  }

  send(peer: string, packet: Uint8Array): void {
    if (this.closed) {
      this.stats.txErrors++;
      return;
    }
    try {
      this.wrap.send(packet, 0, packet.length, peer, this.onSent);
      this.stats.txPackets++;
    } catch (err) {
      this.fail('tx', err);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    this.socket.close();
  }

  private fail(dir: 'rx' | 'tx', err: unknown): void {
    if (dir === 'rx') this.stats.rxErrors++;
    else this.stats.txErrors++;
    try {
      this.opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    } catch {
      /* a faulty error handler must not break the I/O loop */
    }
  }

  private drain(): void {
    const b = this.buf;
    for (let i = 0; i < MAX_READS_PER_WAKE && !this.closed; i++) {
      try {
        // Calling recv on a closed wrap would open a new socket: checked above.
        this.wrap.recv(b, this.onRecv);
      } catch (err) {
        if (!isWouldBlock(err)) this.fail('rx', err);
        return;
      }
      this.packet(b, this.lastBytes);
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
    const to = `${b[16]}.${b[17]}.${b[18]}.${b[19]}`;
    if (this.opts.localAddress !== undefined && to !== this.opts.localAddress) {
      this.stats.rxIgnored++;
      return;
    }
    this.stats.rxPackets++;
    const h = this.handler;
    if (!h) return;
    try {
      h(b.subarray(ihl, n), `${b[12]}.${b[13]}.${b[14]}.${b[15]}`, to);
    } catch (err) {
      this.fail('rx', err);
    }
  }
}
