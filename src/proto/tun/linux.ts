/**
 * Linux TUN device: /dev/net/tun + ioctl(TUNSETIFF, IFF_TUN | IFF_NO_PI)
 * through koffi. Needs CAP_NET_ADMIN in the process's network namespace.
 *
 * I/O (see DESIGN.md "Data-plane I/O: measured facts"):
 * - the fd is non-blocking; the main thread calls read() until EAGAIN into
 *   one reused buffer, when the event loop reports it readable
 *   (os/read-loop.ts, native/fdwatch);
 * - writes are one write() per packet, straight to libc: a TUN takes
 *   exactly one packet per write, so streams (which merge writes) must
 *   never be used.
 * Host routes to the clients go through rtnetlink (os/netlink-route.ts).
 * Errors in the I/O loop are counted and passed to onError, never thrown.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import type { TunDevice, TunFastPathTarget } from './device.js';
import { EAGAIN, EBADF, EBADFD, EINTR, ENODEV, O_CLOEXEC, O_NONBLOCK, errno, errnoError, libc } from '../os/libc.js';
import { ReadLoop, type DrainResult } from '../os/read-loop.js';
import { RouteSocket, interfaceIndex } from '../os/netlink-route.js';

const execFileP = promisify(execFile);

const TUNSETIFF = 0x400454ca;
const IFF_TUN = 0x0001;
const IFF_NO_PI = 0x1000;
const IFNAMSIZ = 16;
const IFREQ_SIZE = 40;
/** Largest packet a TUN can hand over (IPv4 total length is 16 bits). */
const READ_BUFFER_SIZE = 65536;
/**
 * Packets read per readiness event before yielding to the event loop: about
 * 2 ms of work at most, so the shell and timers get their turn under a flood.
 */
const MAX_READS_PER_WAKE = 256;

export interface TunStats {
  rxPackets: number;
  txPackets: number;
  rxErrors: number;
  txErrors: number;
}

export interface LinuxTunDevice extends TunDevice {
  readonly localAddress: string;
  readonly mtu: number;
  readonly stats: Readonly<TunStats>;
  fastPathTarget(): TunFastPathTarget | undefined;
}

export interface OpenTunOptions {
  /** Interface name; the kernel picks tunN when omitted. */
  name?: string;
  mtu?: number;
  /** The server's tunnel address, added as /32 on the device. */
  localAddress: string;
  /** I/O errors (e.g. the device was deleted); counted in stats as well. */
  onError?: (err: Error) => void;
}

async function ip(...args: string[]): Promise<void> {
  try {
    await execFileP('ip', args, { timeout: 10_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** The server speaks IPv4 only: no router solicitations or MLD into the tunnel. */
function disableIpv6(ifname: string): void {
  try {
    fs.writeFileSync(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, '1');
  } catch {
    /* IPv6 disabled or absent on this host: nothing to silence */
  }
}

/** Opens a TUN device, gives it the address and MTU and brings it up. */
export async function openTun(opts: OpenTunOptions): Promise<LinuxTunDevice> {
  const c = libc();
  const mtu = opts.mtu ?? 1500;
  if (opts.name !== undefined && (opts.name.length === 0 || Buffer.byteLength(opts.name) >= IFNAMSIZ)) {
    throw new Error(`bad TUN interface name "${opts.name}"`);
  }
  const fd = fs.openSync('/dev/net/tun', fs.constants.O_RDWR | O_NONBLOCK | O_CLOEXEC);
  let name: string;
  try {
    // struct ifreq { char ifr_name[16]; union { short ifr_flags; ... } } (40 bytes)
    const ifr = Buffer.alloc(IFREQ_SIZE);
    if (opts.name) ifr.write(opts.name, 0, 'latin1');
    ifr.writeUInt16LE(IFF_TUN | IFF_NO_PI, IFNAMSIZ);
    if (c.ioctl(fd, TUNSETIFF, ifr) < 0) throw errnoError('ioctl(TUNSETIFF) (needs CAP_NET_ADMIN)');
    const nul = ifr.indexOf(0);
    name = ifr.toString('latin1', 0, nul < 0 || nul > IFNAMSIZ ? IFNAMSIZ : nul);
    disableIpv6(name);
    await ip('link', 'set', 'dev', name, 'mtu', String(mtu));
    await ip('addr', 'add', `${opts.localAddress}/32`, 'dev', name);
    await ip('link', 'set', 'dev', name, 'up');
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
  return new LinuxTun(fd, name, opts.localAddress, mtu, opts.onError);
}

/** errno of read()/write() on a TUN whose interface was deleted */
function isGone(e: number): boolean {
  return e === EBADFD || e === ENODEV || e === EBADF;
}

class LinuxTun implements LinuxTunDevice {
  readonly stats: TunStats = { rxPackets: 0, txPackets: 0, rxErrors: 0, txErrors: 0 };
  private handler: ((packet: Buffer) => void) | undefined;
  private readonly readBuf = Buffer.allocUnsafe(READ_BUFFER_SIZE);
  private readonly loop: ReadLoop;
  private closed = false;
  private readonly routes = new Set<string>();
  private routing: RouteSocket | undefined;
  /** The device's interface index as last looked up (0: not yet, or gone). */
  private ifindex = 0;

  constructor(
    readonly fd: number,
    readonly name: string,
    readonly localAddress: string,
    readonly mtu: number,
    private readonly onError?: (err: Error) => void,
  ) {
    try {
      this.loop = new ReadLoop(fd, () => this.drain(), () => fs.closeSync(fd), (err) => this.fail('rx', err));
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  onPacket(fn: (packet: Buffer) => void): void {
    this.handler = fn;
    // Drain anything queued before the handler existed, then wait.
    this.loop.start();
  }

  write(packet: Uint8Array): void {
    if (this.closed) {
      this.stats.txErrors++;
      return;
    }
    if (libc().write(this.fd, packet, packet.length) < 0) this.fail('tx', this.ioError('write', errno()));
    else this.stats.txPackets++;
  }

  fastPathTarget(): TunFastPathTarget | undefined {
    return this.closed ? undefined : this;
  }

  /** TunFastPathTarget: packets the native fast path wrote to the fd. */
  written(packets: number): void {
    this.stats.txPackets += packets;
  }

  /** `ip route replace A/32 dev NAME src LOCAL`, through rtnetlink (no `ip` process per call). */
  async addRoute(clientAddress: string): Promise<void> {
    this.route('replace', clientAddress, this.localAddress);
    this.routes.add(clientAddress);
  }

  async removeRoute(clientAddress: string): Promise<void> {
    this.routes.delete(clientAddress);
    if (this.closed) return; // the routes went with the device
    this.route('delete', clientAddress);
  }

  /**
   * One route request with the device's index as last seen; when the
   * kernel refuses it, the index is looked up again: gone, the request
   * fails as device gone; changed (deleted and made again under the
   * name), it is sent again with the new one; the same, the kernel's
   * answer stands.
   */
  private route(op: 'replace' | 'delete', clientAddress: string, src?: string): void {
    const socket = (this.routing ??= new RouteSocket());
    const known = this.ifindex;
    if (known !== 0) {
      try {
        socket.route(op, clientAddress, known, src);
        return;
      } catch (err) {
        if (this.interfaceIndex() === known) throw err;
      }
    }
    socket.route(op, clientAddress, this.interfaceIndex(), src);
  }

  /** The device's index now (a name lookup: a socket and an ioctl in libc), kept for the next route. */
  private interfaceIndex(): number {
    const i = interfaceIndex(this.name);
    this.ifindex = i;
    if (i === 0) throw Object.assign(new Error(`${this.name}: device gone, route`), { deviceGone: true });
    return i;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    this.loop.close();
    this.routing?.close();
  }

  /** A deleted device's error says so, and is marked for isDeviceGone(). */
  private ioError(call: 'read' | 'write', e: number): Error {
    if (!isGone(e)) return errnoError(`${call}(${this.name})`, e);
    return Object.assign(errnoError(`${this.name}: device gone, ${call}`, e), { deviceGone: true });
  }

  private fail(dir: 'rx' | 'tx', err: Error): void {
    if (dir === 'rx') this.stats.rxErrors++;
    else this.stats.txErrors++;
    try {
      this.onError?.(err);
    } catch {
      /* a faulty error handler must not break the I/O loop */
    }
  }

  /** Reads until EAGAIN or the per-wake budget. */
  private drain(): DrainResult {
    const c = libc();
    for (let i = 0; i < MAX_READS_PER_WAKE; i++) {
      const h = this.handler;
      if (!h || this.closed) return 'empty';
      const n = c.read(this.fd, this.readBuf, READ_BUFFER_SIZE);
      if (n < 0) {
        const e = errno();
        if (e === EAGAIN) return 'empty';
        if (e === EINTR) continue;
        const err = this.ioError('read', e);
        if (isGone(e)) {
          // The interface is gone for good: report once and stop reading;
          // the fd stays ours until close().
          this.loop.stop();
          this.fail('rx', err);
          return 'empty';
        }
        this.fail('rx', err);
        return 'retry';
      }
      if (n === 0) return 'empty';
      this.stats.rxPackets++;
      try {
        h(this.readBuf.subarray(0, n));
      } catch (err) {
        this.fail('rx', err as Error);
      }
    }
    return 'more';
  }
}
