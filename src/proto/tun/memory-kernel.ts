/**
 * The kernel side of the in-memory TUN twin (memory.ts): a tiny IPv4 host
 * that answers ICMP echo sent to the server's tunnel address and forwards
 * packets between client addresses routed into the device (TTL
 * decremented), so an in-process run (tests, the lab's in-process backend)
 * can ping the server and ping from one client to another across it.
 */
import { internetChecksum, parseIpv4 } from '../ip/ipv4.js';
import { buildIcmpEcho, parseIcmpEcho } from '../ip/icmp.js';
import type { MemoryTun } from './memory.js';

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
