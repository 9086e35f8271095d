/**
 * The in-process rig of test/e2e/inprocess-harness.ts with RADIUS on the
 * memory UDP network: the PptpServer (memory GRE, memory TUN + test
 * kernel, loopback TCP on 127.0.0.1:any) whose aaa-server group
 * 'AuthInbound' points at 172.18.124.99 (documentation address, memory
 * only: no datagram leaves the process). Every debug category is on and
 * every line is kept.
 */
import { FakeClock } from '../../../src/util/clock.js';
import { DebugBus, DEBUG_CATEGORIES, type LogLine } from '../../../src/debug/bus.js';
import type { VpnConfig } from '../../../src/config/model.js';
import { PptpServer } from '../../../src/server/server.js';
import { createMemoryGreNetwork, type MemoryGreSocket } from '../../../src/proto/gre/memory.js';
import { attachTestKernel } from '../../../src/proto/tun/memory-kernel.js';
import { createMemoryTun } from '../../../src/proto/tun/memory.js';
import { MemoryUdpNetwork } from '../../../src/proto/radius/udp.js';
import { dialPptp, type DialOptions, type PptpClient } from '../../../src/client/dial.js';
import { vpnConfig } from '../../e2e/inprocess-harness.js';

export const RADIUS_HOST = '172.18.124.99';
export const RADIUS_KEY = 'R4dius-K3y!';

export function radiusConfig(o: { accounting?: boolean } = {}): VpnConfig {
  const c = vpnConfig({ auth: ['chap', 'pap'] });
  c.aaaServerGroups = [
    // deadtime 0: a failed server is tried again at once (no clock jump needed; a jump would time out the sessions' echoes)
    { tag: 'AuthInbound', protocol: 'radius', hosts: [{ interfaceName: 'outside', address: RADIUS_HOST, key: RADIUS_KEY, timeout: 1 }], deadtime: 0 },
  ];
  c.vpdnGroups[0]!.clientAuthentication = { kind: 'aaa', group: 'AuthInbound' };
  if (o.accounting) c.vpdnGroups[0]!.clientAccounting = 'AuthInbound';
  return c;
}

export interface AaaRig {
  clock: FakeClock;
  bus: DebugBus;
  lines: LogLine[];
  udp: MemoryUdpNetwork;
  server: PptpServer;
  dial(o: Partial<DialOptions> & { localAddress: string }): Promise<PptpClient>;
  /** Dial while advancing the FakeClock (RADIUS timeouts) until the dial settles. */
  dialTicking(o: Partial<DialOptions> & { localAddress: string }): Promise<PptpClient | Error>;
  texts(): string[];
  close(): Promise<void>;
}

export async function startAaaRig(config: VpnConfig): Promise<AaaRig> {
  const clock = new FakeClock();
  const bus = new DebugBus(() => clock.now());
  for (const c of DEBUG_CATEGORIES) bus.enable(c);
  const lines: LogLine[] = [];
  bus.subscribe((l) => lines.push(l));
  const gre = createMemoryGreNetwork({ seed: 3 });
  const udp = new MemoryUdpNetwork();
  const endpoints = new Map<string, MemoryGreSocket>();
  const server = new PptpServer({
    bus,
    clock,
    udp,
    openGre: () => gre.endpoint('127.0.0.1'),
    openTun: (localAddress) => {
      const tun = createMemoryTun({ localAddress });
      attachTestKernel(tun);
      return tun;
    },
    listen: { address: '127.0.0.1' },
    port: 0,
  });
  await server.reconfigure({ before: config, after: config });
  const dial = (d: Partial<DialOptions> & { localAddress: string }) => {
    let ep = endpoints.get(d.localAddress);
    if (!ep || ep.closed) endpoints.set(d.localAddress, (ep = gre.endpoint(d.localAddress)));
    return dialPptp({
      server: '127.0.0.1',
      port: server.status().listening[0]!.port,
      gre: ep,
      username: 'cisco',
      password: 'cisco',
      profile: 'linux',
      authProtocols: ['chap'],
      mppe: null,
      clock,
      timeoutMs: 10_000,
      ...d,
    });
  };
  return {
    clock,
    bus,
    lines,
    udp,
    server,
    dial,
    async dialTicking(d) {
      let done = false;
      const p = dial(d).then(
        (c) => c,
        (e: Error) => e,
      );
      void p.finally(() => (done = true));
      while (!done) {
        await udp.flush();
        await new Promise((r) => setTimeout(r, 5));
        if (!done) clock.advance(500);
      }
      return p;
    },
    texts: () => lines.map((l) => (l.kind === 'syslog' ? `${l.id}: ${l.text}` : l.text)),
    async close() {
      await server.close();
      for (const ep of endpoints.values()) ep.close();
    },
  };
}
