/**
 * `ping`, `show route` and `show arp` from the product's own network
 * namespace, through the standard tools (iputils `ping`, iproute2 `ip -j`),
 * printed in PIX 6.3 layouts (pix-management.md section 6):
 *   ping:   `\t10.1.1.1 response received -- 0ms` / `10.1.1.1 NO response received -- 1000ms`
 *   route:  `        outside 0.0.0.0 0.0.0.0 10.1.1.1 1 OTHER static`
 *   arp:    `        inside 10.1.1.5 0001.0203.0405`
 * Kernel devices are named by the nameif interface whose network holds the
 * address (the TUN device and others keep their Linux name).
 */
import { execFile } from 'node:child_process';
import type { InterfaceAddress } from '../config/model.js';
import type { LinkStats } from './render/misc.js';
import { ipToInt } from '../../grammar/types.js';

const ECHOES = 3;
const ECHO_TIMEOUT_S = 1;

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; stdout: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout) => {
      const code = (err as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') resolve({ ok: false, stdout: '', error: `${cmd} is not installed` });
      else resolve({ ok: !err, stdout: String(stdout) });
    });
  });
}

/** Three bounded echoes, one at a time (each waits at most a second). */
export async function pingFromNamespace(address: string, source?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < ECHOES; i++) {
    const args = ['-n', '-c', '1', '-W', String(ECHO_TIMEOUT_S), ...(source ? ['-I', source] : []), address];
    const t0 = performance.now();
    const r = await run('ping', args, (ECHO_TIMEOUT_S + 2) * 1000);
    if (r.error) return [`ERROR: ping: ${r.error}`];
    const m = /time[=<]([\d.]+) ms/.exec(r.stdout);
    if (r.ok && m) out.push(`\t${address} response received -- ${Math.round(Number(m[1]))}ms`);
    else out.push(`${address} NO response received -- ${Math.round(performance.now() - t0)}ms`);
  }
  return out;
}

function prefixMask(len: number): string {
  const n = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

function interfaceFor(ip: string, dev: string, ifs: InterfaceAddress[]): string {
  const a = ipToInt(ip);
  for (const i of ifs) {
    if (i.address === undefined || i.mask === undefined) continue;
    const m = ipToInt(i.mask);
    if (((a & m) >>> 0) === ((ipToInt(i.address) & m) >>> 0)) return i.name;
  }
  return dev;
}

interface RouteJson { dst: string; gateway?: string; dev: string; prefsrc?: string; metric?: number; scope?: string; protocol?: string }
interface NeighJson { dst: string; dev: string; lladdr?: string; state?: string[] }

export async function readRouteTable(ifs: InterfaceAddress[]): Promise<string[]> {
  const r = await run('ip', ['-4', '-j', 'route', 'show', 'table', 'main'], 5000);
  if (r.error) return [`ERROR: show route: ${r.error}`];
  let routes: RouteJson[];
  try {
    routes = JSON.parse(r.stdout || '[]') as RouteJson[];
  } catch {
    return ['ERROR: show route: cannot read the routing table'];
  }
  if (routes.length === 0) return ['% No routes'];
  return routes.map((x) => {
    const [net, len] = x.dst === 'default' ? ['0.0.0.0', '0'] : x.dst.includes('/') ? x.dst.split('/') : [x.dst, '32'];
    const via = x.gateway ?? x.prefsrc ?? net;
    const name = interfaceFor(x.gateway ?? x.prefsrc ?? net, x.dev, ifs);
    const kind = x.gateway ? 'OTHER static' : 'CONNECT static';
    return `        ${name} ${net} ${prefixMask(Number(len))} ${via} ${x.metric ?? 1} ${kind}`;
  });
}

export async function readArpTable(ifs: InterfaceAddress[]): Promise<string[]> {
  const r = await run('ip', ['-4', '-j', 'neigh', 'show'], 5000);
  if (r.error) return [`ERROR: show arp: ${r.error}`];
  let neigh: NeighJson[];
  try {
    neigh = JSON.parse(r.stdout || '[]') as NeighJson[];
  } catch {
    return ['ERROR: show arp: cannot read the ARP table'];
  }
  const live = neigh.filter((n) => n.lladdr && !(n.state ?? []).includes('FAILED'));
  if (live.length === 0) return ['% No ARP entries'];
  return live.map((n) => {
    const hex = n.lladdr!.replace(/:/g, '');
    return `        ${interfaceFor(n.dst, n.dev, ifs)} ${n.dst} ${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8, 12)}`;
  });
}

interface LinkJson {
  ifname: string;
  mtu: number;
  operstate?: string;
  flags?: string[];
  stats64?: { rx: { packets: number; bytes: number; errors: number; dropped: number }; tx: { packets: number; bytes: number; errors: number; dropped: number } };
}

/** The kernel devices of this namespace with their counters (loopback left out). */
export async function readLinks(): Promise<LinkStats[]> {
  const r = await run('ip', ['-j', '-s', 'link', 'show'], 5000);
  if (r.error || !r.ok) return [];
  let links: LinkJson[];
  try {
    links = JSON.parse(r.stdout || '[]') as LinkJson[];
  } catch {
    return [];
  }
  return links
    .filter((l) => l.ifname !== 'lo')
    .map((l) => ({
      name: l.ifname,
      up: (l.flags ?? []).includes('UP'),
      mtu: l.mtu,
      rxPackets: l.stats64?.rx.packets ?? 0,
      rxBytes: l.stats64?.rx.bytes ?? 0,
      txPackets: l.stats64?.tx.packets ?? 0,
      txBytes: l.stats64?.tx.bytes ?? 0,
      rxErrors: l.stats64?.rx.errors ?? 0,
      txErrors: l.stats64?.tx.errors ?? 0,
      drops: (l.stats64?.rx.dropped ?? 0) + (l.stats64?.tx.dropped ?? 0),
    }));
}
