/**
 * Host routes through rtnetlink (RFC 3549; linux/rtnetlink.h), as
 * `ip route replace A/32 dev IF src S` and `ip route del A/32 dev IF` do,
 * without starting an `ip` process per call: forking the server's Node
 * process for each set-up cost more than the rest of the server's work
 * for it (bench/setup-rate.bench.ts, bench/RESULTS.md).
 *
 * The kernel handles a route request inside sendto(), so its answer (an
 * NLMSG_ERROR carrying 0 or -errno) is already queued when sendto()
 * returns: one request, one non-blocking read, no wait in the event loop.
 */
import { endianness } from 'node:os';
import { EAGAIN, MSG_DONTWAIT, O_CLOEXEC, errno, errnoError, libc } from './libc.js';
import { ipToNumber } from '../ip/ipv4.js';

const AF_NETLINK = 16;
const AF_INET = 2;
const SOCK_RAW = 3;
const NETLINK_ROUTE = 0;

const RTM_NEWROUTE = 24;
const RTM_DELROUTE = 25;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_REPLACE = 0x100;
const NLM_F_CREATE = 0x400;
const RT_TABLE_MAIN = 254;
const RTPROT_BOOT = 3;
const RT_SCOPE_LINK = 253;
const RT_SCOPE_NOWHERE = 255;
const RTN_UNICAST = 1;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_PREFSRC = 7;

/** Netlink headers are in the host's byte order; this module writes little-endian. */
if (endianness() !== 'LE') throw new Error('netlink-route: little-endian hosts only');

export interface RouteRequest {
  op: 'replace' | 'delete';
  /** The client's address: the route is DST/32. */
  dst: string;
  ifindex: number;
  /** replace: the preferred source (our tunnel address). */
  src?: string;
  seq: number;
}

/**
 * One RTM_NEWROUTE / RTM_DELROUTE request:
 *   nlmsghdr (16): u32 length | u16 type | u16 flags | u32 seq | u32 port id (0: the kernel fills it)
 *   rtmsg (12):    u8 family | u8 dst_len | u8 src_len | u8 tos | u8 table | u8 protocol | u8 scope | u8 type | u32 flags
 *   rtattr each:   u16 length (4 + value) | u16 type | value, padded to 4: RTA_DST (4), RTA_OIF (u32), RTA_PREFSRC (4)
 * A replace is `ip route replace` (protocol boot, scope link: no gateway);
 * a delete leaves protocol, scope and type open, as `ip route del` does.
 */
export function encodeRouteRequest(r: RouteRequest): Buffer {
  const dst = ipToNumber(r.dst);
  const src = r.src === undefined ? undefined : ipToNumber(r.src);
  if (dst === undefined || (r.src !== undefined && src === undefined)) throw new Error(`netlink route: bad address ${r.dst} / ${r.src}`);
  const attrs = 8 + 8 + (src === undefined ? 0 : 8);
  const m = Buffer.alloc(16 + 12 + attrs);
  const replace = r.op === 'replace';
  m.writeUInt32LE(m.length, 0);
  m.writeUInt16LE(replace ? RTM_NEWROUTE : RTM_DELROUTE, 4);
  m.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK | (replace ? NLM_F_CREATE | NLM_F_REPLACE : 0), 6);
  m.writeUInt32LE(r.seq >>> 0, 8);
  m[16] = AF_INET;
  m[17] = 32;
  m[20] = RT_TABLE_MAIN;
  m[21] = replace ? RTPROT_BOOT : 0;
  m[22] = replace ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
  m[23] = replace ? RTN_UNICAST : 0;
  let at = 28;
  const attr = (type: number, write: (o: number) => void) => {
    m.writeUInt16LE(8, at);
    m.writeUInt16LE(type, at + 2);
    write(at + 4);
    at += 8;
  };
  attr(RTA_DST, (o) => m.writeUInt32BE(dst, o));
  attr(RTA_OIF, (o) => m.writeUInt32LE(r.ifindex >>> 0, o));
  if (src !== undefined) attr(RTA_PREFSRC, (o) => m.writeUInt32BE(src, o));
  return m;
}

/**
 * The kernel's answer to request `seq`: 0 when done, else the errno.
 *   nlmsghdr (16) with type NLMSG_ERROR | i32 error (0 or -errno) | the request's nlmsghdr
 * undefined when `b` is not that answer.
 */
export function decodeRouteAnswer(b: Buffer, seq: number): number | undefined {
  for (let at = 0; at + 20 <= b.length; ) {
    const len = b.readUInt32LE(at);
    if (len < 16 || at + len > b.length) return undefined;
    if (b.readUInt16LE(at + 4) === NLMSG_ERROR && b.readUInt32LE(at + 8) === seq >>> 0) return -b.readInt32LE(at + 16) | 0;
    at += (len + 3) & ~3;
  }
  return undefined;
}

/** One rtnetlink socket for a TUN device's host routes. */
export class RouteSocket {
  private readonly fd: number;
  private seq = 1;
  private readonly answer = Buffer.alloc(512);
  /** struct sockaddr_nl { u16 family; u16 pad; u32 port id (0: the kernel); u32 groups } */
  private readonly kernel = Buffer.alloc(12);

  constructor() {
    const fd = libc().socket(AF_NETLINK, SOCK_RAW | O_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) throw errnoError('socket(AF_NETLINK, NETLINK_ROUTE)');
    this.fd = fd;
    this.kernel.writeUInt16LE(AF_NETLINK, 0);
  }

  /** Throws with the kernel's reason (e.g. ENODEV once the device is gone). */
  route(op: RouteRequest['op'], dst: string, ifindex: number, src?: string): void {
    const c = libc();
    const seq = this.seq++;
    const req = encodeRouteRequest({ op, dst, ifindex, src, seq });
    if (c.sendto(this.fd, req, req.length, 0, this.kernel, this.kernel.length) < 0) throw errnoError(`netlink route ${op} ${dst}`);
    for (;;) {
      const n = c.recv(this.fd, this.answer, this.answer.length, MSG_DONTWAIT);
      if (n < 0) {
        const e = errno();
        throw errnoError(`netlink route ${op} ${dst}: ${e === EAGAIN ? 'no answer' : 'recv'}`, e);
      }
      const e = decodeRouteAnswer(this.answer.subarray(0, n), seq);
      if (e === undefined) continue; // an answer to an earlier request that failed before its read
      if (e !== 0) throw errnoError(`netlink route ${op} ${dst}/32`, e);
      return;
    }
  }

  close(): void {
    libc().close(this.fd);
  }
}

/** The interface index of `name` (0 when there is none). */
export function interfaceIndex(name: string): number {
  return libc().if_nametoindex(name);
}
