/**
 * In-process end-to-end rig: the real PptpServer with memory GRE and a
 * memory TUN (with the test kernel that answers pings and forwards between
 * clients), listening on 127.0.0.1 port 0, and our client dialling it over
 * loopback TCP. Every client gets its own loopback source address
 * (127.0.0.2, .3, ...) and the memory GRE endpoint of that address.
 *
 * The server's debug bus has every category on and records every line.
 */
import { FakeClock, type Clock } from '../../src/util/clock.js';
import { DebugBus, DEBUG_CATEGORIES, type LogLine } from '../../src/debug/bus.js';
import { emptyVpnConfig, type AuthProtocol, type MppeSetting, type VpnConfig } from '../../src/config/model.js';
import { PptpServer } from '../../src/server/server.js';
import { createMemoryGreNetwork, type MemoryGreNetwork, type MemoryGreSocket } from '../../src/proto/gre/memory.js';
import { attachTestKernel, type TestKernel } from '../../src/proto/tun/memory-kernel.js';
import { createMemoryTun, type MemoryTun } from '../../src/proto/tun/memory.js';
import { dialPptp, type DialOptions, type PptpClient } from '../../src/client/dial.js';

export const SERVER_IP = '127.0.0.1';
/** The PIX's outside address in seed 003: the server's PPP address here (data only, never a target). */
export const TUNNEL_IP = '172.18.124.152';

export interface GroupOptions {
  auth?: AuthProtocol[];
  mppe?: MppeSetting;
  pool?: string;
  dns?: string[];
}

/** Seed 003's shape: outside interface, vpdn group 1, local users, pool. */
export function vpnConfig(o: GroupOptions & { users?: Record<string, string>; pools?: Record<string, [string, string]> } = {}): VpnConfig {
  const c = emptyVpnConfig();
  c.hostname = 'pixfirewall';
  c.interfaces = [{ name: 'outside', address: TUNNEL_IP, mask: '255.255.255.0' }];
  c.vpdnGroups = [
    {
      name: '1',
      acceptDialinPptp: true,
      authentication: o.auth ?? ['mschap'],
      mppe: o.mppe,
      addressPool: o.pool ?? 'pptp-pool',
      dns: o.dns ?? [],
      wins: [],
      clientAuthentication: { kind: 'local' },
      pptpEcho: 60,
    },
  ];
  c.vpdnUsers = Object.entries(o.users ?? { cisco: 'cisco' }).map(([name, password]) => ({ name, password }));
  c.vpdnEnable = ['outside'];
  c.pools = Object.entries(o.pools ?? { 'pptp-pool': ['192.168.1.1', '192.168.1.5'] }).map(([name, [start, end]]) => ({
    name,
    ranges: [{ start, end }],
  }));
  c.sysoptPermitPptp = true;
  return c;
}

export interface Rig {
  clock: Clock;
  fake: FakeClock | undefined;
  bus: DebugBus;
  lines: LogLine[];
  server: PptpServer;
  gre: MemoryGreNetwork;
  tun: () => MemoryTun;
  kernel: () => TestKernel;
  port: () => number;
  config: VpnConfig;
  /** Apply a new config through reconfigure, as a commit does. */
  apply(next: VpnConfig): Promise<void>;
  /** A GRE endpoint for a client source address (one per address, reused). */
  endpoint(address: string): MemoryGreSocket;
  dial(o: Partial<DialOptions> & { localAddress: string }): Promise<PptpClient>;
  /** `603104: ...` style texts of syslog lines, debug texts as they are. */
  texts(): string[];
  syslogs(id: number): string[];
  close(): Promise<void>;
}

export async function startRig(config: VpnConfig, o: { realClock?: boolean; seed?: number } = {}): Promise<Rig> {
  const fake = o.realClock ? undefined : new FakeClock();
  const clock: Clock = fake ?? (await import('../../src/util/clock.js')).systemClock;
  const bus = new DebugBus(() => clock.now());
  for (const c of DEBUG_CATEGORIES) bus.enable(c);
  const lines: LogLine[] = [];
  bus.subscribe((l) => lines.push(l));
  const gre = createMemoryGreNetwork({ seed: o.seed ?? 1 });
  let tun: MemoryTun | undefined;
  let kernel: TestKernel | undefined;
  const endpoints = new Map<string, MemoryGreSocket>();
  const server = new PptpServer({
    bus,
    clock,
    openGre: () => gre.endpoint(SERVER_IP),
    openTun: (localAddress) => {
      tun = createMemoryTun({ localAddress });
      kernel = attachTestKernel(tun);
      return tun;
    },
    listen: { address: SERVER_IP },
    port: 0,
  });
  const rig: Rig = {
    clock,
    fake,
    bus,
    lines,
    server,
    gre,
    config: emptyVpnConfig(),
    tun: () => tun!,
    kernel: () => kernel!,
    port: () => server.status().listening[0]?.port ?? 0,
    async apply(next) {
      await server.reconfigure({ before: rig.config, after: next });
      rig.config = next;
    },
    endpoint(address) {
      let ep = endpoints.get(address);
      if (!ep || ep.closed) {
        ep = gre.endpoint(address);
        endpoints.set(address, ep);
      }
      return ep;
    },
    dial(d) {
      return dialPptp({
        server: SERVER_IP,
        port: rig.port(),
        gre: rig.endpoint(d.localAddress),
        username: 'cisco',
        password: 'cisco',
        profile: 'linux',
        clock,
        timeoutMs: 5000,
        ...d,
      });
    },
    texts: () => lines.map((l) => (l.kind === 'syslog' ? `${l.id}: ${l.text}` : l.text)),
    syslogs: (id) => lines.filter((l) => l.kind === 'syslog' && l.id === id).map((l) => l.text),
    async close() {
      await server.close();
      for (const ep of endpoints.values()) ep.close();
    },
  };
  await rig.apply(config);
  return rig;
}

/** Let sockets and setImmediate deliveries run. */
export function settle(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Wait (wall clock, bounded) until `cond` holds. */
export async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Handles and timers this process holds, by kind (leak checks). */
export function activeResources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}
