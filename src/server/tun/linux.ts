/**
 * Linux TUN device: /dev/net/tun + ioctl(TUNSETIFF, IFF_TUN | IFF_NO_PI)
 * through koffi. Needs CAP_NET_ADMIN in the process's network namespace.
 *
 * I/O (see DESIGN.md "Data-plane I/O: measured facts"):
 * - the fd is non-blocking; readiness comes from poll() run with koffi's
 *   async call on a worker thread, over the TUN fd and a wake-up pipe (so
 *   close() ends the wait at once); after readiness the main thread calls
 *   read() until EAGAIN into one reused buffer;
 * - writes are one write() per packet (fs.writeSync): a TUN takes exactly
 *   one packet per write, so streams (which merge writes) must never be used.
 * Errors in the I/O loop are counted and passed to onError, never thrown.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { promisify } from 'node:util';
import koffi, { type KoffiFunc } from 'koffi';
import type { TunDevice } from './device.js';

const execFileP = promisify(execFile);

const TUNSETIFF = 0x400454ca;
const IFF_TUN = 0x0001;
const IFF_NO_PI = 0x1000;
const IFNAMSIZ = 16;
const IFREQ_SIZE = 40;
const POLLIN = 0x0001;
const EAGAIN = 11;
const EINTR = 4;
const EBADF = 9;
const ENODEV = 19;
/** read() on a TUN whose interface was deleted */
const EBADFD = 77;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
/** Backstop for the poll() wait; close() normally wakes it through the pipe. */
const POLL_TIMEOUT_MS = 1000;
/** Largest packet a TUN can hand over (IPv4 total length is 16 bits). */
const READ_BUFFER_SIZE = 65536;
/**
 * Packets read per readiness event before yielding to the event loop: about
 * 2 ms of work at most, so the shell and timers get their turn under a flood
 * (readiness is level-triggered: what is left wakes us again at once).
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

interface Libc {
  ioctl: (fd: number, req: number, arg: Buffer) => number;
  read: (fd: number, buf: Buffer, len: number) => number;
  write: (fd: number, buf: Buffer | Uint8Array, len: number) => number;
  poll: KoffiFunc<(fds: Buffer, nfds: number, timeout: number) => number>;
  pipe2: (fds: Int32Array, flags: number) => number;
  close: (fd: number) => number;
}

let libcCache: Libc | undefined;
function libc(): Libc {
  if (libcCache) return libcCache;
  const lib = koffi.load('libc.so.6');
  libcCache = {
    // ioctl is variadic in C; with an int and a pointer the x86-64/arm64
    // calling conventions are the same as for a fixed prototype.
    ioctl: lib.func('int ioctl(int fd, unsigned long req, _Inout_ uint8_t *arg)'),
    read: lib.func('long read(int fd, _Out_ uint8_t *buf, unsigned long count)'),
    write: lib.func('long write(int fd, const uint8_t *buf, unsigned long count)'),
    poll: lib.func('int poll(_Inout_ uint8_t *fds, unsigned long nfds, int timeout)') as Libc['poll'],
    pipe2: lib.func('int pipe2(_Out_ int32_t *fds, int flags)'),
    close: lib.func('int close(int fd)'),
  };
  return libcCache;
}

function errnoError(call: string): Error {
  const e = koffi.errno();
  return Object.assign(new Error(`${call} failed: errno ${e}`), { errno: e });
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

class LinuxTun implements LinuxTunDevice {
  readonly stats: TunStats = { rxPackets: 0, txPackets: 0, rxErrors: 0, txErrors: 0 };
  private handler: ((packet: Buffer) => void) | undefined;
  private readonly readBuf = Buffer.allocUnsafe(READ_BUFFER_SIZE);
  /** struct pollfd[2] { int fd; short events; short revents; }: TUN, wake pipe */
  private readonly pollfds = Buffer.alloc(16);
  private readonly wakeFds = new Int32Array(2);
  private polling = false;
  private closed = false;
  /** The interface was deleted under us: nothing more to read. */
  private gone = false;
  private fdClosed = false;
  private readonly routes = new Set<string>();

  constructor(
    private readonly fd: number,
    readonly name: string,
    readonly localAddress: string,
    readonly mtu: number,
    private readonly onError?: (err: Error) => void,
  ) {
    const c = libc();
    if (c.pipe2(this.wakeFds, O_NONBLOCK | O_CLOEXEC) < 0) {
      fs.closeSync(fd);
      throw errnoError('pipe2');
    }
    this.pollfds.writeInt32LE(fd, 0);
    this.pollfds.writeInt16LE(POLLIN, 4);
    this.pollfds.writeInt32LE(this.wakeFds[0], 8);
    this.pollfds.writeInt16LE(POLLIN, 12);
  }

  onPacket(fn: (packet: Buffer) => void): void {
    this.handler = fn;
    // Drain anything queued before the handler existed, then wait.
    if (!this.polling && !this.closed && !this.gone) this.drainAndWait();
  }

  write(packet: Uint8Array): void {
    if (this.closed) {
      this.stats.txErrors++;
      return;
    }
    try {
      fs.writeSync(this.fd, packet);
      this.stats.txPackets++;
    } catch (err) {
      this.fail('tx', err as Error);
    }
  }

  async addRoute(clientAddress: string): Promise<void> {
    await ip('route', 'replace', `${clientAddress}/32`, 'dev', this.name, 'src', this.localAddress);
    this.routes.add(clientAddress);
  }

  async removeRoute(clientAddress: string): Promise<void> {
    this.routes.delete(clientAddress);
    if (this.closed) return; // the routes went with the device
    await ip('route', 'del', `${clientAddress}/32`, 'dev', this.name);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.handler = undefined;
    if (this.polling) {
      // The worker thread is inside poll() on our fds: wake it; the fds are
      // closed when it returns (closing them under it could hit a reused fd).
      libc().write(this.wakeFds[1], Buffer.of(1), 1);
    } else {
      this.closeFds();
    }
  }

  private closeFds(): void {
    if (this.fdClosed) return;
    this.fdClosed = true;
    const c = libc();
    c.close(this.wakeFds[0]);
    c.close(this.wakeFds[1]);
    try {
      fs.closeSync(this.fd);
    } catch {
      /* already gone */
    }
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

  /** Reads until EAGAIN (bounded per wake-up), then waits for readiness. */
  private drainAndWait(): void {
    const c = libc();
    let retryLater = false;
    for (let i = 0; i < MAX_READS_PER_WAKE && !this.closed; i++) {
      const n = c.read(this.fd, this.readBuf, READ_BUFFER_SIZE);
      if (n < 0) {
        const e = koffi.errno();
        if (e === EAGAIN) break;
        if (e === EINTR) continue;
        if (e === EBADFD || e === ENODEV || e === EBADF) {
          // The interface is gone for good: report once and stop reading;
          // the fd stays ours until close().
          this.gone = true;
          this.fail('rx', Object.assign(new Error(`${this.name}: device gone (read errno ${e})`), { errno: e }));
          return;
        }
        this.fail('rx', Object.assign(new Error(`read(${this.name}) failed: errno ${e}`), { errno: e }));
        retryLater = true;
        break;
      }
      if (n === 0) break;
      this.stats.rxPackets++;
      const h = this.handler;
      if (!h) break;
      try {
        h(this.readBuf.subarray(0, n));
      } catch (err) {
        this.fail('rx', err as Error);
      }
    }
    if (this.closed) {
      this.closeFds();
      return;
    }
    if (retryLater) {
      // Back off instead of spinning on a failing fd.
      this.polling = true;
      setTimeout(() => {
        this.polling = false;
        if (this.closed) this.closeFds();
        else this.drainAndWait();
      }, POLL_TIMEOUT_MS).unref();
      return;
    }
    this.waitReadable();
  }

  private waitReadable(): void {
    this.polling = true;
    this.pollfds.writeInt16LE(0, 6);
    this.pollfds.writeInt16LE(0, 14);
    libc().poll.async(this.pollfds, 2, POLL_TIMEOUT_MS, (err: unknown, _ready: number) => {
      this.polling = false;
      if (this.closed) {
        this.closeFds();
        return;
      }
      if (err) this.fail('rx', err instanceof Error ? err : new Error(String(err)));
      // Read whatever is there: a timeout simply finds EAGAIN.
      this.drainAndWait();
    });
  }
}
