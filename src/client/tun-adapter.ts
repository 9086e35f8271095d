/**
 * The client's side of the tunnel as a network interface, as Windows makes
 * a PPP adapter: a Linux TUN device in the client's own network namespace
 * with the address IPCP gave, packets between it and the tunnel, and the
 * routes of the DHCPACK (split tunnelling) installed through it and
 * nothing else, so only those networks go into the tunnel.
 *
 * Needs CAP_NET_ADMIN in the namespace it runs in; the tests run it only
 * inside namespaces they created.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openTun, type LinuxTunDevice } from '../proto/tun/linux.js';
import type { PptpClient } from './dial.js';
import type { InformAck } from './dhcp-inform.js';

const execFileP = promisify(execFile);

export interface ClientAdapter {
  readonly name: string;
  /** What installRoutes() put in the routing table, as `NET/LEN`. */
  readonly routes: readonly string[];
  /** The DHCPACK's routes, through this device (`ip route replace NET/LEN dev NAME`). */
  installRoutes(ack: InformAck): Promise<string[]>;
  close(): void;
}

/** The PPP link MTU our server runs (its TUN); Windows' PPP adapter has 1400 too. */
const ADAPTER_MTU = 1400;

export async function openClientAdapter(client: PptpClient, o: { name?: string } = {}): Promise<ClientAdapter> {
  const tun: LinuxTunDevice = await openTun({ name: o.name, localAddress: client.clientAddress, mtu: ADAPTER_MTU });
  let open = true;
  // the TUN reuses its read buffer: the tunnel gets a copy
  tun.onPacket((p) => void client.sendIp(Buffer.from(p)));
  client.onIp((p) => {
    if (open) tun.write(p);
  });
  const routes: string[] = [];
  return {
    name: tun.name,
    routes,
    async installRoutes(ack) {
      for (const r of ack.routes) {
        const dst = `${r.network}/${r.prefixLength}`;
        // a point-to-point link: the router (the server's PPP address) is the other end of this device
        await execFileP('ip', ['route', 'replace', dst, 'dev', tun.name], { timeout: 10_000 });
        routes.push(dst);
      }
      return routes;
    },
    close() {
      open = false;
      tun.close();
    },
  };
}
