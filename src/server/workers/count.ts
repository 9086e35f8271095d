/**
 * How many data-plane worker processes `pix-pptpd` runs: `--workers N`
 * as given, else one per core (`auto`, the default). With one, or when
 * this process cannot have a data plane at all (no CAP_NET_RAW for the
 * raw GRE socket, no CAP_NET_ADMIN or no /dev/net/tun for the TUN device),
 * `auto` is the server in this process: N workers would each fail the
 * same way, and the commit says why once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export type WorkersArg = number | 'auto';

const CAP_NET_ADMIN = 12;
const CAP_NET_RAW = 13;

export interface DataPlaneHost {
  cores: number;
  /** Why this process cannot open a data plane, or undefined if it can. */
  missing: string | undefined;
}

/**
 * What the effective capability set of /proc/self/status (the `CapEff:`
 * line, a hexadecimal mask) and /dev/net/tun lack for a data plane.
 */
export function missingForDataPlane(procStatus: string, tunExists: boolean): string | undefined {
  const m = /^CapEff:\s*([0-9a-f]+)$/im.exec(procStatus);
  const eff = m ? BigInt(`0x${m[1]}`) : 0n;
  const lack: string[] = [];
  if (!(eff & (1n << BigInt(CAP_NET_RAW)))) lack.push('CAP_NET_RAW');
  if (!(eff & (1n << BigInt(CAP_NET_ADMIN)))) lack.push('CAP_NET_ADMIN');
  if (!tunExists) lack.push('/dev/net/tun');
  return lack.length ? `no ${lack.join(', ')}` : undefined;
}

export function thisHost(): DataPlaneHost {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux: no capabilities to read, no data plane either
  }
  return { cores: availableParallelism(), missing: missingForDataPlane(status, existsSync('/dev/net/tun')) };
}

/** `--workers N` as given; `auto` (or nothing): one per core, or 1 (this process) without a data plane. */
export function resolveWorkers(arg: WorkersArg | undefined, host: DataPlaneHost): number {
  if (typeof arg === 'number') return arg;
  return host.missing ? 1 : host.cores;
}
