/**
 * TCP 1723 listeners, one per `vpdn enable IF`.
 *
 * Where a PIX interface name listens: the `--listen` override when given,
 * else the address of `ip address IF A.B.C.D M`. An interface without an
 * address cannot listen, and the commit that asks for it fails.
 * Reconciling is all-or-nothing: if one new listener cannot bind, the ones
 * opened in the same attempt are closed again and nothing changes.
 *
 * With `reusePort` (a data-plane worker: src/server/workers/) each listener
 * is a socket of this process's own in the SO_REUSEPORT group of its
 * address and port (src/proto/os/reuseport.ts), where the kernel spreads
 * the connections over the workers.
 */
import net from 'node:net';
import type { VpnConfig } from '../config/model.js';
import { reusePortHandle } from '../proto/os/reuseport.js';

export interface ListenerSpec {
  interfaceName: string;
  address: string;
  port: number;
}

export interface ListenOptions {
  /** `--listen ADDR[:PORT]`: overrides every interface's address. */
  override?: { address: string; port?: number };
  port: number;
}

/** The listeners a config asks for, or an error naming the interface. */
export function wantedListeners(cfg: VpnConfig, opts: ListenOptions): { ok: true; specs: ListenerSpec[] } | { ok: false; error: string } {
  const specs: ListenerSpec[] = [];
  const accepting = cfg.vpdnGroups.some((g) => g.acceptDialinPptp);
  if (!accepting) return { ok: true, specs };
  for (const name of cfg.vpdnEnable) {
    const address = opts.override?.address ?? cfg.interfaces.find((i) => i.name === name)?.address;
    if (!address) return { ok: false, error: `ERROR: vpdn enable ${name}: interface ${name} has no ip address` };
    specs.push({ interfaceName: name, address, port: opts.override?.port ?? opts.port });
  }
  return { ok: true, specs };
}

const key = (s: ListenerSpec) => `${s.interfaceName}|${s.address}|${s.port}`;

export class Listeners {
  private open = new Map<string, { spec: ListenerSpec; server: net.Server }>();

  constructor(
    private readonly onConnection: (socket: net.Socket, spec: ListenerSpec) => void,
    private readonly reusePort = false,
  ) {}

  /** Open listeners with the port actually bound (port 0 picks one). */
  list(): ListenerSpec[] {
    return [...this.open.values()].map((l) => ({ ...l.spec, port: (l.server.address() as net.AddressInfo).port }));
  }

  /** Make the open set equal `specs`; on any bind failure nothing changes. */
  async reconcile(specs: ListenerSpec[]): Promise<void> {
    const wanted = new Map(specs.map((s) => [key(s), s]));
    const opened: { k: string; spec: ListenerSpec; server: net.Server }[] = [];
    try {
      for (const [k, spec] of wanted) {
        if (this.open.has(k)) continue;
        opened.push({ k, spec, server: await this.bind(spec) });
      }
    } catch (err) {
      for (const o of opened) o.server.close();
      throw err;
    }
    for (const o of opened) this.open.set(o.k, { spec: o.spec, server: o.server });
    for (const [k, l] of this.open) {
      if (!wanted.has(k)) {
        l.server.close();
        this.open.delete(k);
      }
    }
  }

  closeAll(): void {
    for (const l of this.open.values()) l.server.close();
    this.open.clear();
  }

  private bind(spec: ListenerSpec): Promise<net.Server> {
    return new Promise((resolve, reject) => {
      const server = net.createServer((sock) => this.onConnection(sock, spec));
      const fail = (err: NodeJS.ErrnoException) =>
        reject(new Error(`cannot listen on ${spec.interfaceName} ${spec.address}:${spec.port}: ${err.code ?? err.message}`));
      server.once('error', fail);
      const listening = () => {
        server.off('error', fail);
        server.on('error', () => {});
        resolve(server);
      };
      if (!this.reusePort || spec.port === 0) return void server.listen({ host: spec.address, port: spec.port }, listening);
      try {
        server.listen(reusePortHandle(spec.address, spec.port), listening);
      } catch (err) {
        fail(err as NodeJS.ErrnoException);
      }
    });
  }
}
