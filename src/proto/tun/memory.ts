/**
 * In-memory twin of the TUN device, for in-process tests.
 *
 * A MemoryTun has two sides: the server side (the TunDevice interface) and
 * a "kernel side" the test drives (kernelSend / onKernelReceive), or the
 * TestKernel of memory-kernel.ts.
 */
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
