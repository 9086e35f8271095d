/**
 * With a socket per worker in an SO_REUSEPORT group, a second pix-pptpd
 * listening on the same address and port would join the group and take
 * part of the first one's connections instead of failing as it does
 * without workers (EADDRINUSE). So the primary holds, for each address and
 * port its workers listen on, an abstract Unix socket named after them
 * (abstract names are per network namespace, as TCP ports are), which a
 * second primary cannot bind.
 */
import net from 'node:net';
import type { ListenerSpec } from '../listeners.js';

const lockName = (s: ListenerSpec) => `\0pix-pptpd:tcp:${s.address}:${s.port}`;

export class ListenLocks {
  private readonly held = new Map<string, net.Server>();

  /** Takes the locks of `specs` not held yet; rejects naming the first one another process holds (and takes none). Resolves with the names taken. */
  async acquire(specs: readonly ListenerSpec[]): Promise<string[]> {
    const taken: string[] = [];
    try {
      for (const spec of specs) {
        const name = lockName(spec);
        if (this.held.has(name)) continue;
        this.held.set(name, await bindLock(name, spec));
        taken.push(name);
      }
    } catch (err) {
      this.release(taken);
      throw err;
    }
    return taken;
  }

  release(names: readonly string[]): void {
    for (const n of names) {
      this.held.get(n)?.close();
      this.held.delete(n);
    }
  }

  /** Lets go of every lock but those of `specs`. */
  keepOnly(specs: readonly ListenerSpec[]): void {
    const keep = new Set(specs.map(lockName));
    this.release([...this.held.keys()].filter((n) => !keep.has(n)));
  }

  close(): void {
    this.release([...this.held.keys()]);
  }
}

function bindLock(name: string, spec: ListenerSpec): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => s.destroy());
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `cannot listen on ${spec.interfaceName} ${spec.address}:${spec.port}: another pix-pptpd listens there (EADDRINUSE)` : `cannot lock ${spec.address}:${spec.port}: ${err.message}`)),
    );
    server.listen({ path: name }, () => resolve(server));
  });
}
