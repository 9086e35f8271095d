/**
 * The server alone in a process, driven by a benchmark over stdin/stdout,
 * so that its memory and CPU are measured without the clients'.
 *
 *   node server-child.js '<json ServerChildOptions>'
 *
 * The config goes in as PIX lines through the shell (createApp + loadText),
 * as the product loads a startup config; the shell session stays open so
 * benchmarks can time commands in the server's own event loop.
 *
 * Prints `ready {json}` once listening, then answers one line per command:
 *   mem                 -> mem {rss, heapUsed, external, arrayBuffers} after a full GC
 *   status              -> status {tunnels, sessions, established, tunWritten, tunRead, cpu}
 *   shell N GAP_MS      -> shell {show: [ms...], help: [ms...]}: N `show vpdn` and N `?` (`show vpdn ?`), GAP_MS apart
 *   metrics N GAP_MS    -> metrics {ms: [...], bytes, series}: N renders of the Prometheus exposition (a scrape without HTTP), GAP_MS apart
 *   scrapes EVERY_MS    -> scrapes {ms: [...]}: from now on a render every EVERY_MS (0: stop), the times of the ones since the last `scrapes`
 *   snap FILE           -> snap {file}: a V8 heap snapshot (memory profiling)
 *   quit                -> closes the server and exits
 * Exits by itself after `maxSeconds` (default 600) whatever happens.
 * env PIX_PPTPD_FAST_PATH=off: without the native receive fast path (A/B).
 */
import v8 from 'node:v8';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { DebugBus } from '../../src/debug/bus.js';
import { PptpServer } from '../../src/server/server.js';
import type { GreSocket } from '../../src/proto/gre/socket.js';
import type { TunDevice } from '../../src/proto/tun/device.js';
import { createApp } from '../../src/cli/app.js';
import { BoxMetrics } from '../../src/cli/metrics/collectors.js';
import { openUdpGre } from './udp-gre.js';
import { BenchTun, SSH_PASSWORD, TUNNEL_IP } from './inproc.js';
import { benchVpdnLines } from './bench-config.js';

export interface ServerChildOptions {
  /** udp: GRE over loopback UDP (no root); raw: the product's raw GRE socket. */
  gre: 'udp' | 'raw';
  /** UDP GRE: our port (0 = any) and the clients' port. */
  udpPort?: number;
  clientUdpPort?: number;
  /** bench: in-memory sink TUN (answers nothing); linux: the product's TUN. */
  tun: 'bench' | 'linux';
  listen: { address: string; port: number };
  poolFirst: string;
  poolLast: string;
  mppe: 'stateless' | 'stateful';
  maxSeconds?: number;
  /** bench TUN: send every IPv4 packet back to its source (a host behind the TUN that echoes). */
  tunEcho?: boolean;
  /** Extra config lines (e.g. `debug` is not config; use for limits). */
  extraLines?: string[];
  /** SSH shells on 127.0.0.1 (any port; `ready` says which), at most this many at once. */
  sshShells?: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as ServerChildOptions;
const hardStop = setTimeout(() => process.exit(3), (o.maxSeconds ?? 600) * 1000);
hardStop.unref();

function out(kind: string, v: unknown): void {
  process.stdout.write(`${kind} ${JSON.stringify(v)}\n`);
}

const bus = new DebugBus();
let udpPort = 0;
let benchTun: BenchTun | undefined;
let linuxTun: { stats: { rxPackets: number; txPackets: number } } | undefined;
const server = new PptpServer({
  bus,
  listen: o.listen,
  port: o.listen.port,
  openGre: async (): Promise<GreSocket> => {
    if (o.gre === 'udp') {
      const s = await openUdpGre({ address: o.listen.address, port: o.udpPort ?? 0, peerPort: o.clientUdpPort ?? 0 });
      udpPort = s.port;
      return s;
    }
    const { openGreSocket } = await import('../../src/proto/gre/linux.js');
    return openGreSocket();
  },
  openTun: async (localAddress, onError): Promise<TunDevice> => {
    if (o.tun === 'bench') {
      benchTun = new BenchTun(localAddress);
      if (o.tunEcho) echoThrough(benchTun);
      return benchTun;
    }
    const { openTun } = await import('../../src/proto/tun/linux.js');
    const t = await openTun({ localAddress, mtu: 1400, onError });
    linuxTun = t;
    return t;
  },
});

/** Reflect packets written to the TUN back into it (source and destination swapped), one batch per loop turn. */
function echoThrough(tun: BenchTun): void {
  let batch: Buffer[] = [];
  const flush = () => {
    const b = batch;
    batch = [];
    for (const p of b) tun.inject(p);
  };
  tun.sink = (p) => {
    if (p.length < 20) return;
    const r = Buffer.from(p);
    r.set(p.subarray(16, 20), 12);
    r.set(p.subarray(12, 16), 16);
    if (batch.push(r) === 1) setImmediate(flush);
  };
}

const app = createApp({ server, bus, version: 'bench', management: o.sshShells ? { ports: { ssh: 0 }, limit: o.sshShells } : undefined });
const shell = app.createSession({ interactive: false });
const configText = [
  'hostname pixfirewall',
  'sysopt connection permit-pptp',
  ...benchVpdnLines({ outside: TUNNEL_IP, ...o }),
  ...(o.sshShells
    ? ['nameif ethernet1 inside security100', 'ip address inside 127.0.0.1 255.255.255.255', `passwd ${SSH_PASSWORD}`, 'ssh 127.0.0.1 255.255.255.255 inside']
    : []),
  ...(o.extraLines ?? []),
].join('\n');
const loaded = await app.loadText(configText, app.emptyConfig());
if (loaded.rejected > 0) {
  out('error', { messages: loaded.messages });
  process.exit(2);
}
await shell.execute('enable');
await shell.execute('');

function gcNow(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  g?.();
  g?.();
}

/**
 * What a console sees: a keystroke (here: a timer standing for its
 * arrival) waits for the event loop, then the command runs. Each sample
 * is from the moment it was due to the moment the output was ready, so
 * time spent behind packet processing counts (from the moment the timer
 * fired, when libuv's millisecond clock fires it a little early).
 */
async function timeShell(n: number, gapMs: number): Promise<{ show: number[]; help: number[]; showLines: number; helpLines: number }> {
  const show: number[] = [];
  const help: number[] = [];
  let showLines = 0;
  let helpLines = 0;
  const at = (fn: () => Promise<unknown> | unknown): Promise<number> => {
    const due = performance.now() + gapMs;
    return new Promise((resolve) =>
      setTimeout(async () => {
        const from = Math.min(due, performance.now());
        await fn();
        resolve(performance.now() - from);
      }, gapMs),
    );
  };
  for (let i = 0; i < n; i++) {
    show.push(await at(async () => (showLines = (await shell.execute('show vpdn')).length)));
    help.push(await at(() => (helpLines = shell.helpFor('show vpdn ').length)));
  }
  return { show, help, showLines, helpLines };
}

const metrics = new BoxMetrics({ census: (perUser) => app.census(perUser), aaaStatus: () => app.aaaStatus() });

/** A scrape's work in the server's event loop: one snapshot of every session, every series rendered. */
async function timeMetrics(n: number, gapMs: number): Promise<{ ms: number[]; bytes: number; series: number }> {
  const ms: number[] = [];
  let text = '';
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, gapMs));
    const t0 = performance.now();
    text = await metrics.render();
    ms.push(performance.now() - t0);
  }
  return { ms, bytes: text.length, series: text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length };
}

/** Renders every `everyMs` in the server's loop, beside its traffic (0 stops them); the times since the last call. */
let scrapeTimer: NodeJS.Timeout | undefined;
let scrapeMs: number[] = [];
function scrapeEvery(everyMs: number): number[] {
  clearInterval(scrapeTimer);
  scrapeTimer = undefined;
  if (everyMs > 0) {
    scrapeTimer = setInterval(async () => {
      const t0 = performance.now();
      await metrics.render();
      scrapeMs.push(performance.now() - t0);
    }, everyMs);
  }
  const done = scrapeMs;
  scrapeMs = [];
  return done;
}

await app.startManagement();
const port = server.status().listening[0]?.port ?? 0;
const sshPort = app.management()?.listening().find((l) => l.service === 'ssh')?.port ?? 0;
out('ready', { port, udpPort, sshPort, pid: process.pid });

/**
 * One command. Its own function, so that what it built (a status of every
 * session) is garbage once answered rather than kept alive by the
 * suspended read loop while memory is measured.
 */
async function answer(cmd: string | undefined, args: string[]): Promise<boolean> {
  if (cmd === 'mem') {
    gcNow();
    await new Promise((r) => setTimeout(r, 50));
    gcNow();
    const m = process.memoryUsage();
    const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
    out('mem', { rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers, newSpace });
  } else if (cmd === 'status') {
    const s = server.status();
    out('status', {
      tunnels: s.tunnels.length,
      sessions: s.sessions.length,
      established: s.sessions.filter((x) => x.state === 'estabd').length,
      tunWritten: benchTun?.written ?? linuxTun?.stats.txPackets ?? 0,
      tunRead: linuxTun?.stats.rxPackets ?? 0,
      cpu: process.cpuUsage(),
      errors: s.errors,
      fastPath: server.fastPath?.stats,
    });
  } else if (cmd === 'shell') {
    out('shell', await timeShell(Number(args[0] ?? 10), Number(args[1] ?? 20)));
  } else if (cmd === 'metrics') {
    out('metrics', await timeMetrics(Number(args[0] ?? 10), Number(args[1] ?? 100)));
  } else if (cmd === 'scrapes') {
    out('scrapes', { ms: scrapeEvery(Number(args[0] ?? 0)) });
  } else if (cmd === 'snap') {
    // heap snapshot for profiling memory per session (bench/RESULTS.md)
    const v8 = await import('node:v8');
    out('snap', { file: v8.writeHeapSnapshot(args[0]) });
  } else if (cmd === 'quit') {
    return false;
  }
  return true;
}

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  const [cmd, ...args] = line.trim().split(/\s+/);
  if (!(await answer(cmd, args))) break;
}
await app.close(); // closes the server too
process.exit(0);
