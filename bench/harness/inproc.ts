/**
 * The real PptpServer in this process, for benchmarks: memory GRE (the
 * in-process twin), a TUN device that hands packets over synchronously
 * (BenchTun: no copy, no event-loop turn, so the TUN side costs nothing
 * the server did not spend), no debug category on, the system clock,
 * TCP on 127.0.0.1 port 0. Clients dial from 127.0.0.2.. (one memory GRE
 * endpoint per source address, shared by every client of that address).
 */
import { DebugBus } from '../../src/debug/bus.js';
import { emptyVpnConfig, type MppeSetting, type VpnConfig } from '../../src/config/model.js';
import { PptpServer } from '../../src/server/server.js';
import { createMemoryGreNetwork, type MemoryGreNetwork, type MemoryGreSocket } from '../../src/proto/gre/memory.js';
import type { TunDevice } from '../../src/proto/tun/device.js';
import { dialPptp, type DialOptions, type PptpClient } from '../../src/client/dial.js';
import { numberToIp, ipToNumber } from '../../src/proto/ip/ipv4.js';
import { benchProfile } from './profile.js';

export const SERVER_IP = '127.0.0.1';
/** Server's PPP address (documentation address, data only). */
export const TUNNEL_IP = '172.18.124.152';
export const USER = 'bench';
export const PASSWORD = 'bench-Passw0rd';
/** The SSH shells' login of the server child: user pix, this `passwd` password. */
export const SSH_PASSWORD = 'bench-Ssh-pw';

/** A config like seed 003's, with a pool of `poolSize` addresses from 10.64.0.1 on. */
export function benchConfig(o: { poolSize: number; mppe?: MppeSetting | null; auth?: ('mschap-v2' | 'mschap' | 'chap' | 'pap')[] }): VpnConfig {
  const c = emptyVpnConfig();
  c.hostname = 'pixfirewall';
  c.interfaces = [{ name: 'outside', address: TUNNEL_IP, mask: '255.255.255.0' }];
  c.vpdnGroups = [
    {
      name: '1',
      acceptDialinPptp: true,
      authentication: o.auth ?? ['mschap-v2'],
      mppe: o.mppe === null ? undefined : (o.mppe ?? { strength: 128, required: true, stateful: false }),
      addressPool: 'bench-pool',
      dns: [],
      wins: [],
      clientAuthentication: { kind: 'local' },
      pptpEcho: 60,
    },
  ];
  c.vpdnUsers = [{ name: USER, password: PASSWORD }];
  c.vpdnEnable = ['outside'];
  const first = ipToNumber('10.64.0.1')!;
  c.pools = [{ name: 'bench-pool', ranges: [{ start: numberToIp(first), end: numberToIp(first + o.poolSize - 1) }] }];
  c.sysoptPermitPptp = true;
  return c;
}

/** A TUN that calls straight through: write() goes to `sink`, inject() to the server. */
export class BenchTun implements TunDevice {
  readonly name = 'btun0';
  written = 0;
  writtenBytes = 0;
  sink: ((packet: Uint8Array) => void) | undefined;
  readonly routes = new Set<string>();
  private handler: ((p: Buffer) => void) | undefined;
  constructor(readonly localAddress: string) {}
  write(packet: Uint8Array): void {
    this.written++;
    this.writtenBytes += packet.length;
    this.sink?.(packet);
  }
  onPacket(fn: (p: Buffer) => void): void {
    this.handler = fn;
  }
  /** As if the kernel routed `packet` into the device (synchronous). */
  inject(packet: Buffer): void {
    this.handler?.(packet);
  }
  async addRoute(a: string): Promise<void> {
    this.routes.add(a);
  }
  async removeRoute(a: string): Promise<void> {
    this.routes.delete(a);
  }
  close(): void {
    this.handler = undefined;
  }
}

export interface InprocRig {
  server: PptpServer;
  bus: DebugBus;
  gre: MemoryGreNetwork;
  tun: BenchTun;
  port: number;
  /** The GRE endpoint of a client source address (created once). */
  endpoint(address: string): MemoryGreSocket;
  dial(localAddress: string, o?: Partial<DialOptions>): Promise<PptpClient>;
  close(): Promise<void>;
}

export async function startInproc(
  config: VpnConfig,
  o: { wrapServerGre?: (handler: (p: Buffer, from: string, to: string) => void) => void } = {},
): Promise<InprocRig> {
  const bus = new DebugBus();
  const gre = createMemoryGreNetwork({ seed: 1 });
  let tun: BenchTun | undefined;
  const server = new PptpServer({
    bus,
    openGre: () => {
      const ep = gre.endpoint(SERVER_IP);
      if (!o.wrapServerGre) return ep;
      // let the benchmark hand GRE packets to the server directly
      return Object.assign(Object.create(ep) as MemoryGreSocket, {
        send: ep.send.bind(ep),
        close: ep.close.bind(ep),
        onPacket(fn: (p: Buffer, from: string, to: string) => void) {
          o.wrapServerGre!(fn);
          ep.onPacket(fn);
        },
      });
    },
    openTun: (localAddress) => (tun = new BenchTun(localAddress)),
    listen: { address: SERVER_IP },
    port: 0,
  });
  await server.reconfigure({ before: emptyVpnConfig(), after: config });
  const port = server.status().listening[0]?.port ?? 0;
  const profile = benchProfile();
  const endpoints = new Map<string, MemoryGreSocket>();
  const endpoint = (a: string) => {
    let ep = endpoints.get(a);
    if (!ep) endpoints.set(a, (ep = gre.endpoint(a)));
    return ep;
  };
  return {
    server,
    bus,
    gre,
    tun: tun!,
    port,
    endpoint,
    dial: (localAddress, o = {}) =>
      dialPptp({
        server: SERVER_IP,
        port,
        localAddress,
        gre: endpoint(localAddress),
        username: USER,
        password: PASSWORD,
        profile,
        timeoutMs: 20_000,
        ...o,
      }),
    async close() {
      await server.close();
      for (const ep of endpoints.values()) ep.close();
    },
  };
}

/**
 * Dial `total` sessions keeping `concurrency` dials in flight; resolves with
 * the clients that came up and the failures by reason. Bounded by `maxMs`.
 */
export async function dialMany(
  dial: (i: number) => Promise<PptpClient>,
  total: number,
  concurrency: number,
  maxMs: number,
  onUp?: (c: PptpClient, ms: number) => void,
): Promise<{ clients: PptpClient[]; failed: Record<string, number>; setupMs: number[]; elapsedMs: number }> {
  const clients: PptpClient[] = [];
  const failed: Record<string, number> = {};
  const setupMs: number[] = [];
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < total && performance.now() - t0 < maxMs) {
      const i = next++;
      const t = performance.now();
      try {
        const c = await dial(i);
        const ms = performance.now() - t;
        setupMs.push(ms);
        clients.push(c);
        onUp?.(c, ms);
      } catch (err) {
        const r = (err as { reason?: string }).reason ?? (err as Error).message;
        failed[r] = (failed[r] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return { clients, failed, setupMs, elapsedMs: performance.now() - t0 };
}

/** Hang up every client (each bounded by dial.ts's own guard), `concurrency` at a time. */
export async function hangupAll(clients: PptpClient[], concurrency = 500): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < clients.length) await clients[next++].hangup();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker));
}
