/**
 * The product's data plane as N worker processes (src/server/workers/),
 * alone in a process with its primary, driven by bench/workers.bench.ts:
 *
 *   node workers-child.js '{"workers":2,"listen":"10.252.0.1","poolFirst":..,"poolLast":..,"mppe":"stateless","scheduling":"round-robin"}'
 *
 * Raw GRE sockets with the call-id filters, a Linux TUN per worker. Prints
 * `ready {pids}` once every worker listens, then answers:
 *   status -> status {established, perWorker: [{pid, cpuUs, tunWritten, tunRead, calls}], primaryCpuUs}
 *   quit   -> closes the fleet and exits
 * Exits by itself after `maxSeconds` (default 600).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import readline from 'node:readline';
import { DebugBus } from '../../src/debug/bus.js';
import { createApp } from '../../src/cli/app.js';
import { WorkerFleet, type Scheduling } from '../../src/server/workers/fleet.js';
import { workerIdRange } from '../../src/proto/gre/bpf.js';
import { benchVpdnLines } from './bench-config.js';

interface Options {
  workers: number;
  listen: string;
  poolFirst: string;
  poolLast: string;
  mppe: 'stateless' | 'stateful';
  /** Who picks the worker of a connection (WorkerFleetOptions.scheduling; default: the product's). */
  scheduling?: Scheduling;
  maxSeconds?: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
setTimeout(() => process.exit(3), (o.maxSeconds ?? 600) * 1000).unref();
const out = (kind: string, v: unknown) => process.stdout.write(`${kind} ${JSON.stringify(v)}\n`);
const here = dirname(fileURLToPath(import.meta.url));

const bus = new DebugBus();
const fleet = new WorkerFleet({ bus, count: o.workers, exec: join(here, '..', '..', 'bin', 'pix-pptpd-worker.js'), listen: o.listen, scheduling: o.scheduling });
const app = createApp({ server: fleet, bus, version: 'bench' });
const loaded = await app.loadText(
  benchVpdnLines({ outside: o.listen, ...o }).join('\n'),
  app.emptyConfig(),
);
if (loaded.rejected > 0 || loaded.messages.some((m) => m.startsWith('ERROR'))) {
  out('error', { messages: loaded.messages });
  process.exit(2);
}
out('ready', { pids: fleet.pids() });

/** utime + stime of a process, in microseconds (/proc/PID/stat fields 14 and 15, clock ticks of 10 ms). */
function cpuUs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return 0;
  }
}

/** A TUN's packets: rx = written by the worker (to the kernel), tx = read by it. */
function tunCounters(name: string): { tunWritten: number; tunRead: number } {
  const n = (k: string) => {
    try {
      return Number(readFileSync(`/sys/class/net/${name}/statistics/${k}`, 'utf8'));
    } catch {
      return 0;
    }
  };
  return { tunWritten: n('rx_packets'), tunRead: n('tx_packets') };
}

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (line === 'status') {
    await fleet.refresh();
    const st = fleet.status();
    const links = readdirSync('/sys/class/net');
    out('status', {
      established: st.sessions.filter((s) => s.state === 'estabd').length,
      perWorker: fleet.pids().map((pid, i) => {
        const r = workerIdRange(i, o.workers);
        return {
          pid,
          cpuUs: cpuUs(pid),
          ...(links.includes(`pptpw${i}`) ? tunCounters(`pptpw${i}`) : { tunWritten: 0, tunRead: 0 }),
          calls: st.sessions.filter((s) => s.callId >= r.low && s.callId <= r.high).length,
        };
      }),
      primaryCpuUs: cpuUs(process.pid),
    });
  } else if (line === 'quit') break;
}
await app.close();
process.exit(0);
