/**
 * Child for test/e2e/robust-tun-gone.test.ts, run inside a test network
 * namespace: the PptpServer with the Linux TUN device (real kernel) and
 * memory GRE, our client dialling it over loopback TCP in the same process.
 * Prints UP {"tun","ping"} once a ping through the kernel works; on the
 * stdin line "gone" (the test has deleted the TUN link) it pings again and
 * prints RESULT {"ping","errors","tunLines","tunnels"}; then hangs up,
 * closes and exits 0. Bounded: exits 3 after 60 s.
 */
import { createInterface } from 'node:readline';
import { DebugBus, DEBUG_CATEGORIES } from '../../../src/debug/bus.js';
import { PptpServer } from '../../../src/server/server.js';
import { createMemoryGreNetwork } from '../../../src/proto/gre/memory.js';
import { openTun } from '../../../src/proto/tun/linux.js';
import { dialPptp } from '../../../src/client/dial.js';
import { vpnConfig, TUNNEL_IP } from '../../e2e/inprocess-harness.js';

setTimeout(() => process.exit(3), 60_000).unref();
const bus = new DebugBus();
for (const c of DEBUG_CATEGORIES) bus.enable(c);
const lines: string[] = [];
bus.subscribe((l) => lines.push(l.text));
const gre = createMemoryGreNetwork({ seed: 5 });
const server = new PptpServer({
  bus,
  openGre: () => gre.endpoint('127.0.0.1'),
  openTun: (localAddress, onError) => openTun({ localAddress, mtu: 1400, onError }),
  listen: { address: '127.0.0.1' },
  port: 0,
});
const cfg = vpnConfig({ auth: ['mschap-v2'] });
await server.reconfigure({ before: cfg, after: cfg });
const client = await dialPptp({
  server: '127.0.0.1',
  port: server.status().listening[0]!.port,
  gre: gre.endpoint('127.0.0.2'),
  localAddress: '127.0.0.2',
  username: 'cisco',
  password: 'cisco',
  profile: 'linux',
  authProtocols: ['mschap-v2'],
  timeoutMs: 10_000,
});
// Let the route into the TUN be installed before pinging through the kernel.
await new Promise((r) => setTimeout(r, 300));
const tunName = (server as unknown as { tun: { name: string } }).tun.name;
const first = await client.ping(TUNNEL_IP, { count: 3, timeoutMs: 2000 });
process.stdout.write(`UP ${JSON.stringify({ tun: tunName, ping: first.received })}\n`);
const rl = createInterface({ input: process.stdin });
rl.on('line', async (l) => {
  if (l !== 'gone') return;
  rl.close();
  const after = await client.ping(TUNNEL_IP, { count: 3, timeoutMs: 500 });
  await new Promise((r) => setTimeout(r, 1500));
  const st = server.status();
  process.stdout.write(
    `RESULT ${JSON.stringify({ ping: after.received, errors: st.errors, tunLines: lines.filter((x) => /TUN/.test(x)), tunnels: st.tunnels.length })}\n`,
  );
  await client.hangup();
  await server.close();
  process.exit(0);
});
