/**
 * The product against the real Linux client, as the VM tests use it:
 *
 *   VM eth0 10.99.0.2 --TAP-- [server namespace: product on 10.99.0.1,
 *   TUN, ip_forward] --veth 10.98.0.1/.2-- [inside namespace: a host]
 *
 * The product starts once (its shell grammar takes seconds to build) and
 * is reconfigured through its own shell between VM boots. Each dial boots
 * the VM once, optionally captures GRE + TCP 1723 on the TAP and types
 * `show vpdn` while the link is up. Everything lives in namespaces this
 * rig created and is removed by stopRig (and by the netns harness's exit
 * hooks if the test dies).
 */
import { DEFAULT_TAP, runLinuxClient, vmTapUp, type LinuxClientResult } from './linux-vm-client.js';
import { createNetns, deleteNetns, runInNetns, uniqueNetnsName, vethPair } from './netns.js';
import { startProduct, type Product } from './product.js';
import { captureAvailable, captureInNetns, tsharkAvailable, tsharkCheck, type TsharkReport } from './tshark.js';

export const ADDR = {
  /** The TAP host address: `ip address outside`, the listener and the server's PPP address. */
  server: '10.99.0.1',
  vm: '10.99.0.2',
  /** The server namespace's end of the inside veth (`ip address inside`). */
  insideGateway: '10.98.0.1',
  /** A host behind the server, in its own namespace. */
  insideHost: '10.98.0.2',
  poolFirst: '10.97.0.10',
  poolLast: '10.97.0.20',
  poolNet: '10.97.0.0/24',
} as const;

export const USER = 'vpnuser';
export const PASSWORD = 'Secr3t-pw';

/** Seed 003's "Local Authentication" config, adapted to the namespace addresses. */
export function baseConfig(auth: string[] = ['pap', 'chap', 'mschap']): string {
  return [
    'nameif ethernet0 outside security0',
    'nameif ethernet1 inside security100',
    'hostname pixvm',
    'logging on',
    'logging console debugging',
    'mtu outside 1500',
    'mtu inside 1500',
    `ip address outside ${ADDR.server} 255.255.255.0`,
    `ip address inside ${ADDR.insideGateway} 255.255.255.0`,
    `ip local pool pptp-pool ${ADDR.poolFirst}-${ADDR.poolLast}`,
    'sysopt connection permit-pptp',
    'vpdn group 1 accept dialin pptp',
    ...auth.map((a) => `vpdn group 1 ppp authentication ${a}`),
    'vpdn group 1 client configuration address local pptp-pool',
    'vpdn group 1 client authentication local',
    `vpdn username ${USER} password ${PASSWORD}`,
    'vpdn enable outside',
    '',
  ].join('\n');
}

export interface Rig {
  srv: string;
  inside?: string;
  product: Product;
}

/** Server namespace with the TAP, optional inside host, the product running with debugs on. */
export async function startRig(opts: { configText: string; inside?: boolean; debugs?: string[] }): Promise<Rig> {
  const srv = await createNetns(uniqueNetnsName('vmsrv'));
  let inside: string | undefined;
  try {
    vmTapUp(srv, ADDR.server);
    if (opts.inside) {
      inside = await createNetns(uniqueNetnsName('vmin'));
      await vethPair(srv, inside, `${ADDR.insideGateway}/24`, `${ADDR.insideHost}/24`);
      // The inside host reaches the pool through the server; forwarding only in the server namespace.
      await mustRun(inside, 'ip', ['route', 'add', ADDR.poolNet, 'via', ADDR.insideGateway]);
      await mustRun(srv, 'sysctl', ['-qw', 'net.ipv4.ip_forward=1']);
    }
    const product = await startProduct({ netns: srv, configText: opts.configText });
    await product.enable();
    for (const d of opts.debugs ?? ['vpdn event', 'vpdn error', 'ppp error']) await product.command(`debug ${d}`);
    return { srv, inside, product };
  } catch (err) {
    if (inside) await deleteNetns(inside);
    await deleteNetns(srv);
    throw err;
  }
}

export async function stopRig(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  try {
    await rig.product.stop();
  } finally {
    if (rig.inside) await deleteNetns(rig.inside);
    await deleteNetns(rig.srv);
  }
}

async function mustRun(ns: string, cmd: string, args: string[]): Promise<void> {
  const r = await runInNetns(ns, cmd, args, { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${ns}: ${r.stderr.trim()}`);
}

/** What the shell answers that means a line was not accepted. */
const REJECTED = /^(ERROR|%|Type help|Usage)/;

/** `configure terminal`, the lines, `exit`; throws when the shell rejects a line. */
export async function configure(product: Product, lines: string[]): Promise<void> {
  await product.command('configure terminal');
  try {
    for (const l of lines) {
      const out = await product.command(l);
      const bad = out.filter((o) => REJECTED.test(o));
      if (bad.length) throw new Error(`the shell rejected '${l}': ${bad.join(' | ')}`);
    }
  } finally {
    await product.command('exit');
  }
}

export interface DialOptions {
  user?: string;
  password?: string;
  /** pppd options after refuse-eap/noipv6 (which are always given). */
  pppOptions: string[];
  pingTarget?: string;
  pingCount?: number;
  /** Ping payload octets (default 56). */
  pingSize?: number;
  /** Seconds the VM waits for IPCP (default 20). */
  linkTimeout?: number;
  /** Type `show vpdn` (and list the server namespace's routes) once 603104 is printed: the link is up for the pings. */
  showVpdn?: boolean;
  /** Capture GRE + TCP 1723 on the TAP and run tshark over it. */
  capture?: boolean;
}

export interface DialResult {
  client: LinuxClientResult;
  /** Product console lines printed during this dial (until 603105 or a timeout). */
  console: string[];
  /** `show vpdn` output while the link was up. */
  showVpdn?: string[];
  showVpdnError?: string;
  /** `ip -4 route show` in the server namespace, right after that `show vpdn`. */
  routesWhileUp?: string;
  pcap?: string;
  tshark?: TsharkReport;
  /** Why there is no capture/tshark report, when asked for one. */
  captureSkipped?: string;
}

/** One VM boot: the real client dials the product. */
export async function dial(rig: Rig, o: DialOptions): Promise<DialResult> {
  const { product } = rig;
  const mark = product.lines.length;
  const res: Partial<DialResult> = {};
  let capture: Awaited<ReturnType<typeof captureInNetns>> | undefined;
  if (o.capture) {
    const c = captureAvailable();
    if (c.ok) capture = await captureInNetns(rig.srv, DEFAULT_TAP, 'ip proto 47 or tcp port 1723');
    else res.captureSkipped = c.reason;
  }
  let showing: Promise<void> | undefined;
  let dialing = true;
  if (o.showVpdn) {
    showing = product
      .waitFor(/^603104:/, ((o.linkTimeout ?? 20) + 60) * 1000, mark)
      .then(async () => {
        if (!dialing) throw new Error('603104 came only after the VM was done');
        res.showVpdn = await product.command('show vpdn');
        // the /32 comes from an `ip route` the server runs when the call is up: give it a moment
        for (let i = 0; i < 20; i++) {
          res.routesWhileUp = (await runInNetns(rig.srv, 'ip', ['-4', 'route', 'show'], { timeoutMs: 5000 })).stdout;
          if (/^\d+\.\d+\.\d+\.\d+ dev /m.test(res.routesWhileUp)) break;
          await new Promise((r) => setTimeout(r, 50));
        }
      })
      .catch((err: Error) => {
        res.showVpdnError = err.message;
      });
  }
  try {
    res.client = await runLinuxClient({
      netns: rig.srv,
      serverIp: ADDR.server,
      vmIp: ADDR.vm,
      user: o.user ?? USER,
      password: o.password ?? PASSWORD,
      pppOptions: ['refuse-eap', 'noipv6', ...o.pppOptions],
      linkTimeout: o.linkTimeout ?? 20,
      pingCount: o.pingCount ?? 3,
      pingSize: o.pingSize,
      pingTarget: o.pingTarget,
    });
    dialing = false;
    // The client's teardown ends the tunnel; the product reports it.
    await product.waitFor(/^603105:/, 10_000, mark).catch(() => undefined);
    if (showing) await Promise.race([showing, new Promise((r) => setTimeout(r, 1000))]);
  } finally {
    if (capture) res.pcap = await capture.stop();
  }
  if (res.pcap) {
    const t = tsharkAvailable();
    if (t.ok) res.tshark = await tsharkCheck(res.pcap);
    else res.captureSkipped = t.reason;
  }
  res.console = product.lines.slice(mark);
  return res as DialResult;
}

/** Lines of a console slice that carry syslog message `id` (`603104: ...`). */
export function syslogLines(lines: string[], id: number): string[] {
  return lines.filter((l) => l.startsWith(`${id}:`));
}

/** For assertion messages: the client's log tail and the product's console. */
export function explain(r: DialResult): string {
  const tail = r.client.log.split('\n').filter((l) => !l.startsWith('[pptpvm]')).slice(-60).join('\n');
  return `\n--- VM (last 60 lines) ---\n${tail}\n--- product console ---\n${r.console.join('\n')}`;
}
