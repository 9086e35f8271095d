/**
 * The libc calls the Linux data plane makes, through koffi (no addon to
 * build) for the TUN device and the raw GRE socket (their readiness comes
 * from native/fdwatch). Loaded on first use. Linux x86-64/arm64 (LP64
 * struct layouts).
 */
import koffi from 'koffi';

export const EINTR = 4;
export const EBADF = 9;
export const EAGAIN = 11;
export const ENODEV = 19;
export const EADDRINUSE = 98;
/** read() on a TUN whose interface was deleted */
export const EBADFD = 77;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const MSG_DONTWAIT = 0x40;
export const MSG_TRUNC = 0x20;

export interface Libc {
  ioctl: (fd: number, req: number, arg: Buffer) => number;
  read: (fd: number, buf: Buffer, len: number) => number;
  write: (fd: number, buf: Uint8Array, len: number) => number;
  close: (fd: number) => number;
  socket: (domain: number, type: number, protocol: number) => number;
  setsockopt: (fd: number, level: number, name: number, value: Buffer, len: number) => number;
  bind: (fd: number, addr: Buffer, len: number) => number;
  recvmmsg: (fd: number, msgvec: Buffer, vlen: number, flags: number, timeout: null) => number;
  sendto: (fd: number, buf: Uint8Array, len: number, flags: number, to: Buffer, tolen: number) => number;
  recv: (fd: number, buf: Buffer, len: number, flags: number) => number;
  if_nametoindex: (name: string) => number;
  strerror: (errnum: number) => string;
}

let cached: Libc | undefined;

export function libc(): Libc {
  if (cached) return cached;
  const lib = koffi.load('libc.so.6');
  cached = {
    // ioctl is variadic in C; with an int and a pointer the x86-64/arm64
    // calling conventions are the same as for a fixed prototype.
    ioctl: lib.func('int ioctl(int fd, unsigned long req, _Inout_ uint8_t *arg)'),
    read: lib.func('long read(int fd, _Out_ uint8_t *buf, unsigned long count)'),
    write: lib.func('long write(int fd, const uint8_t *buf, unsigned long count)'),
    close: lib.func('int close(int fd)'),
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    setsockopt: lib.func('int setsockopt(int fd, int level, int name, const uint8_t *value, unsigned int len)'),
    bind: lib.func('int bind(int fd, const uint8_t *addr, unsigned int len)'),
    recvmmsg: lib.func('int recvmmsg(int fd, _Inout_ uint8_t *msgvec, unsigned int vlen, int flags, void *timeout)'),
    sendto: lib.func('long sendto(int fd, const uint8_t *buf, unsigned long len, int flags, const uint8_t *to, unsigned int tolen)'),
    recv: lib.func('long recv(int fd, _Out_ uint8_t *buf, unsigned long len, int flags)'),
    if_nametoindex: lib.func('unsigned int if_nametoindex(const char *ifname)'),
    strerror: lib.func('const char *strerror(int errnum)'),
  };
  return cached;
}

export function errno(): number {
  return koffi.errno();
}

/** The address of a buffer's memory, for pointers stored inside structs (the memory must not move: an ArrayBuffer's never does). */
export function addressOf(buf: Buffer): bigint {
  return koffi.address(buf) as bigint;
}

/** setsockopt with an int value; false (errno set) if the kernel refused it. */
export function trySetIntOption(fd: number, level: number, name: number, value: number): boolean {
  const v = Buffer.alloc(4);
  v.writeInt32LE(value);
  return libc().setsockopt(fd, level, name, v, 4) === 0;
}

export function setIntOption(fd: number, level: number, name: number, value: number): void {
  if (!trySetIntOption(fd, level, name, value)) throw errnoError(`setsockopt(${level}, ${name})`);
}

/** `call failed: <strerror>` with the errno attached. */
export function errnoError(call: string, e = errno()): Error & { errno: number } {
  return Object.assign(new Error(`${call} failed: ${libc().strerror(e)}`), { errno: e });
}
