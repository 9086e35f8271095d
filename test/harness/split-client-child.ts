/**
 * Our Windows-10-profile client as a Windows PC in its own namespace, for
 * test/e2e/netns-split-tunnel.test.ts:
 *   split-client-child SERVER LOCAL USER PASSWORD
 * Dials over the Linux raw GRE socket, opens its TUN adapter with the
 * address IPCP gave, waits for the DHCPACK to its DHCPINFORM and installs
 * the routes through the adapter, then prints
 *   UP {"clientAddress","serverAddress","adapter","routes","domainName"}
 * and keeps the tunnel until "stop" on stdin (DOWN <reason>); "status"
 * prints STATUS {its GRE window's status}. Exits by
 * itself after MAX_RUN_MS whatever happens.
 */
import { createInterface } from 'node:readline';
import { dialPptp } from '../../src/client/dial.js';
import { openClientAdapter } from '../../src/client/tun-adapter.js';
import { openGreSocket } from '../../src/proto/gre/linux.js';

const [server, local, username, password] = process.argv.slice(2) as [string, string, string, string];
const MAX_RUN_MS = 60_000;
const out = (line: string) => process.stdout.write(line + '\n');
const hardStop = setTimeout(() => {
  out('TIMEOUT');
  process.exit(2);
}, MAX_RUN_MS);

async function main(): Promise<void> {
  const gre = openGreSocket({ localAddress: local });
  try {
    const c = await dialPptp({ server, gre, localAddress: local, username, password, profile: 'windows10', timeoutMs: 10_000 });
    const adapter = await openClientAdapter(c, { name: 'ppp-split' });
    const ack = await c.informAck;
    if (!ack) throw new Error('no DHCPACK to the DHCPINFORM');
    const routes = await adapter.installRoutes(ack);
    out(`UP ${JSON.stringify({ clientAddress: c.clientAddress, serverAddress: c.serverAddress, adapter: adapter.name, routes, domainName: ack.domainName })}`);
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      if (line === 'status') out(`STATUS ${JSON.stringify(c.status().gre)}`);
      if (line !== 'stop') continue;
      const reason = await c.hangup();
      adapter.close();
      out(`DOWN ${reason}`);
      break;
    }
    rl.close();
  } catch (e) {
    out(`FAIL ${(e as Error).message}`);
    process.exitCode = 1;
  } finally {
    gre.close();
    clearTimeout(hardStop);
    process.stdin.destroy();
  }
}

void main();
