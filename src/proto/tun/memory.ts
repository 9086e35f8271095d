/**
 * In-memory twin of the TUN device, for in-process tests.
 *
 * A MemoryTun has two sides: the server side (the TunDevice interface) and
 * a "kernel side" the test drives (kernelSend / onKernelReceive). A
 * TestKernel attached to it plays a tiny IPv4 host: it answers ICMP echo
 * sent to the server's tunnel address and forwards packets between client
 * addresses routed into the device (TTL decremented), so an in-process test
 * can ping the server and ping from one client to another across it.
 */
import { ipToNumber } from '../ip/ipv4.js';
import type { TunDevice } from './device.js';

export interface MemoryTun extends TunDevice {
  readonly localAddress: string;
  readonly mtu: number;
  /** Client addresses routed into the device (addRoute minus removeRoute). */
  readonly routes: ReadonlySet<string>;
  readonly closed: boolean;
  readonly stats: Readonly<{ toKernel: number; fromKernel: number; dropped: number }>;
  /** Kernel side: every packet the server wrote (a copy, in order). */
  onKernelReceive(fn: (packet: Buffer) => void): void;
  /** Kernel side: route a packet into the device; delivered asynchronously. */
  kernelSend(packet: Uint8Array): void;
}

let nextTun = 0;

export function createMemoryTun(opts: { name?: string; localAddress: string; mtu?: number }): MemoryTun {
  const name = opts.name ?? `mtun${nextTun++}`;
  const mtu = opts.mtu ?? 1500;
  const routes = new Set<string>();
  const stats = { toKernel: 0, fromKernel: 0, dropped: 0 };
  let closed = false;
  let serverHandler: ((p: Buffer) => void) | undefined;
  let kernelHandler: ((p: Buffer) => void) | undefined;
  const tun: MemoryTun = {
    name,
    localAddress: opts.localAddress,
    mtu,
    routes,
    stats,
    get closed() {
      return closed;
    },
    write(packet) {
      if (closed || packet.length > mtu) {
        stats.dropped++;
        return;
      }
      stats.toKernel++;
      const copy = Buffer.from(packet);
      queueMicrotask(() => {
        if (!closed) kernelHandler?.(copy);
      });
    },
    onPacket(fn) {
      serverHandler = fn;
    },
    async addRoute(addr) {
      if (closed) throw new Error(`${name} is closed`);
      routes.add(addr);
    },
    async removeRoute(addr) {
      routes.delete(addr);
    },
    close() {
      closed = true;
      routes.clear();
    },
    onKernelReceive(fn) {
      kernelHandler = fn;
    },
    kernelSend(packet) {
      if (closed || packet.length > mtu) {
        stats.dropped++;
        return;
      }
      const copy = Buffer.from(packet);
      setImmediate(() => {
        if (closed || !serverHandler) {
          stats.dropped++;
          return;
        }
        stats.fromKernel++;
        serverHandler(copy);
      });
    },
  };
  return tun;
}

// ---------------------------------------------------------------- IPv4/ICMP

/** RFC 1071 Internet checksum over buf[start, end). */
export function internetChecksum(buf: Uint8Array, start = 0, end = buf.length): number {
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i < end) sum += buf[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface Ipv4Header {
  headerLength: number;
  totalLength: number;
  ttl: number;
  protocol: number;
  src: string;
  dst: string;
}

/**
 * IPv4 header (RFC 791):
 *   0: version(4) IHL(4) | 1: TOS | 2-3: total length | 4-5: id
 *   6-7: flags(3) fragment offset(13) | 8: TTL | 9: protocol | 10-11: checksum
 *   12-15: source | 16-19: destination | 20..: options (IHL*4 - 20 bytes)
 * Returns undefined for anything that is not a whole, well-formed IPv4 packet.
 */
export function parseIpv4(p: Uint8Array): Ipv4Header | undefined {
  if (p.length < 20 || p[0] >> 4 !== 4) return undefined;
  const headerLength = (p[0] & 0x0f) * 4;
  const totalLength = (p[2] << 8) | p[3];
  if (headerLength < 20 || totalLength < headerLength || totalLength > p.length) return undefined;
  return {
    headerLength,
    totalLength,
    ttl: p[8],
    protocol: p[9],
    src: `${p[12]}.${p[13]}.${p[14]}.${p[15]}`,
    dst: `${p[16]}.${p[17]}.${p[18]}.${p[19]}`,
  };
}

export interface IcmpEcho {
  src: string;
  dst: string;
  /** 8 = echo request, 0 = echo reply */
  type: 0 | 8;
  id: number;
  seq: number;
  payload: Buffer;
  ttl?: number;
}

/** Builds an IPv4 ICMP echo request/reply with valid checksums. */
export function buildIcmpEcho(e: IcmpEcho): Buffer {
  const src = ipToNumber(e.src);
  const dst = ipToNumber(e.dst);
  if (src === undefined || dst === undefined) throw new Error(`bad address ${e.src} -> ${e.dst}`);
  const p = Buffer.alloc(28 + e.payload.length);
  p[0] = 0x45;
  p.writeUInt16BE(p.length, 2);
  p.writeUInt16BE(e.id ^ e.seq, 4);
  p[8] = e.ttl ?? 64;
  p[9] = 1;
  p.writeUInt32BE(src, 12);
  p.writeUInt32BE(dst, 16);
  p.writeUInt16BE(internetChecksum(p, 0, 20), 10);
  p[20] = e.type;
  p.writeUInt16BE(e.id, 24);
  p.writeUInt16BE(e.seq, 26);
  e.payload.copy(p, 28);
  p.writeUInt16BE(internetChecksum(p, 20, p.length), 22);
  return p;
}

/**
 * ICMP echo (RFC 792) after the IPv4 header: 0: type | 1: code | 2-3: checksum
 * | 4-5: identifier | 6-7: sequence | 8..: data. Undefined unless the packet is
 * an intact echo request or reply.
 */
export function parseIcmpEcho(p: Uint8Array): IcmpEcho | undefined {
  const h = parseIpv4(p);
  if (!h || h.protocol !== 1) return undefined;
  if (((p[6] & 0x3f) | p[7]) !== 0 || (p[6] & 0x20) !== 0) return undefined; // fragment
  const o = h.headerLength;
  if (h.totalLength - o < 8) return undefined;
  const type = p[o];
  if ((type !== 0 && type !== 8) || p[o + 1] !== 0) return undefined;
  if (internetChecksum(p, o, h.totalLength) !== 0) return undefined;
  return {
    src: h.src,
    dst: h.dst,
    type,
    id: (p[o + 4] << 8) | p[o + 5],
    seq: (p[o + 6] << 8) | p[o + 7],
    payload: Buffer.from(p.subarray(o + 8, h.totalLength)),
    ttl: h.ttl,
  };
}

// ---------------------------------------------------------------- test kernel

export interface TestKernelStats {
  echoReplies: number;
  forwarded: number;
  /** Not for us and not routed, or TTL expired. */
  dropped: number;
  malformed: number;
}

export interface TestKernel {
  readonly stats: Readonly<TestKernelStats>;
  /** Packets addressed to the server's address that the kernel did not answer. */
  readonly delivered: Buffer[];
  /** Ping `dst` from the server's address through the device; true when answered. */
  ping(dst: string, opts?: { id?: number; seq?: number; size?: number; timeoutMs?: number }): Promise<boolean>;
  /** Hand any packet to the server, as the kernel would. */
  send(packet: Uint8Array): void;
}

export function attachTestKernel(tun: MemoryTun): TestKernel {
  const stats: TestKernelStats = { echoReplies: 0, forwarded: 0, dropped: 0, malformed: 0 };
  const delivered: Buffer[] = [];
  const waiting = new Map<string, () => void>();
  const key = (src: string, id: number, seq: number) => `${src}/${id}/${seq}`;
  const MAX_DELIVERED = 1000;

  tun.onKernelReceive((p) => {
    const h = parseIpv4(p);
    if (!h) {
      stats.malformed++;
      return;
    }
    if (h.dst === tun.localAddress) {
      const echo = parseIcmpEcho(p);
      if (echo?.type === 8) {
        stats.echoReplies++;
        tun.kernelSend(buildIcmpEcho({ ...echo, src: echo.dst, dst: echo.src, type: 0, ttl: 64 }));
        return;
      }
      if (echo?.type === 0) {
        const done = waiting.get(key(echo.src, echo.id, echo.seq));
        if (done) {
          done();
          return;
        }
      }
      if (delivered.length < MAX_DELIVERED) delivered.push(p);
      return;
    }
    if (tun.routes.has(h.dst) && h.ttl > 1) {
      // Forward back into the device like a router: TTL - 1, new header checksum.
      const f = Buffer.from(p);
      f[8] = h.ttl - 1;
      f.writeUInt16BE(0, 10);
      f.writeUInt16BE(internetChecksum(f, 0, h.headerLength), 10);
      stats.forwarded++;
      tun.kernelSend(f);
      return;
    }
    stats.dropped++;
  });

  let nextId = 1;
  return {
    stats,
    delivered,
    send: (packet) => tun.kernelSend(packet),
    ping(dst, opts = {}) {
      const id = opts.id ?? nextId++ & 0xffff;
      const seq = opts.seq ?? 1;
      const payload = Buffer.alloc(opts.size ?? 56);
      for (let i = 0; i < payload.length; i++) payload[i] = i & 0xff;
      return new Promise<boolean>((resolve) => {
        const k = key(dst, id, seq);
        const timer = setTimeout(() => {
          waiting.delete(k);
          resolve(false);
        }, opts.timeoutMs ?? 2000);
        waiting.set(k, () => {
          clearTimeout(timer);
          waiting.delete(k);
          resolve(true);
        });
        tun.kernelSend(buildIcmpEcho({ src: tun.localAddress, dst, type: 8, id, seq, payload }));
      });
    },
  };
}
