/**
 * The production server: PptpServer over the Linux raw GRE socket and a
 * TUN device. Needs CAP_NET_RAW (GRE) and CAP_NET_ADMIN (TUN, routes);
 * without them the first commit that enables PPTP fails with a clear error.
 */
import type { DebugBus } from '../debug/bus.js';
import { PptpServer } from './server.js';
import { openGreSocket } from '../proto/gre/linux.js';
import { openTun } from '../proto/tun/linux.js';

/** `--listen ADDR[:PORT]` */
export function parseListen(text: string | undefined): { address: string; port?: number } | undefined {
  if (!text) return undefined;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(text);
  if (!m) throw new Error(`--listen wants ADDR or ADDR:PORT, got '${text}'`);
  return m[2] === undefined ? { address: m[1] } : { address: m[1], port: Number(m[2]) };
}

export function createLinuxServer(opts: { bus: DebugBus; listen?: string }): PptpServer {
  return new PptpServer({
    bus: opts.bus,
    listen: parseListen(opts.listen),
    openGre: () => openGreSocket(),
    openTun: (localAddress, onError) => openTun({ localAddress, mtu: 1400, onError }),
  });
}
