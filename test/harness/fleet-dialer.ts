/**
 * The clients of a fleet (test/e2e/fleet-sqlippool.test.ts, bench/fleet.bench.ts),
 * run inside the client namespace: our dial client (dialPptp, Windows 10
 * profile, MS-CHAPv2 + MPPE-128) over the Linux raw GRE socket, one socket
 * per local address (each instance is reached from its own veth address).
 *
 *   fleet-dialer '{"maxSeconds":300}'
 *
 * Commands, one JSON object a line on stdin; answers on stdout, `kind JSON`:
 *   {"op":"dial","jobs":[{"id","server","local","user","password"}],"concurrency":N}
 *       -> `up {"id","clientAddress","server"}` or `fail {"id","reason","windowsError"}` per job,
 *          then `dialed {"up","failed","ms"}`
 *   {"op":"hangup","ids":[...]}  (all live ones without ids)
 *       -> `hungup {"n","ms"}`
 *   {"op":"list"} -> `list [{"id","clientAddress","server"}]` (the live ones)
 *   {"op":"ping","targets":[{"id","dst"}]}  (3 echoes each through that call's tunnel)
 *       -> `pinged [{"id","sent","received"}]` (a call that is not up: sent 0)
 *   {"op":"quit"} -> hangs up everything and exits 0.
 * A call the server ends (Disconnect-Request, a killed instance) prints
 * `closed {"id","why"}`. Bounded: exits 2 after maxSeconds whatever happens.
 */
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { dialPptp, type PptpClient } from '../../src/client/dial.js';
import { DialError } from '../../src/client/failure.js';
import { openGreSocket } from '../../src/proto/gre/linux.js';
import type { GreSocket } from '../../src/proto/gre/socket.js';

interface Job {
  id: string;
  server: string;
  local: string;
  user: string;
  password: string;
}

const o = JSON.parse(process.argv[2] ?? '{}') as { maxSeconds?: number; quiet?: boolean };
setTimeout(() => {
  process.stdout.write('timeout {}\n');
  process.exit(2);
}, (o.maxSeconds ?? 300) * 1000).unref();
const out = (k: string, v: unknown) => process.stdout.write(`${k} ${JSON.stringify(v)}\n`);

const sockets = new Map<string, GreSocket>();
const greFor = (local: string): GreSocket => {
  let s = sockets.get(local);
  if (!s) sockets.set(local, (s = openGreSocket({ localAddress: local })));
  return s;
};
const live = new Map<string, { c: PptpClient; job: Job; hangingUp: boolean }>();

async function dialOne(job: Job): Promise<boolean> {
  try {
    const c = await dialPptp({
      server: job.server,
      gre: greFor(job.local),
      localAddress: job.local,
      username: job.user,
      password: job.password,
      profile: 'windows10',
      authProtocols: ['mschap-v2'],
      mppe: { strength: 128, required: true, stateful: false },
      timeoutMs: 30_000,
    });
    const entry = { c, job, hangingUp: false };
    live.set(job.id, entry);
    void c.closed.then((why) => {
      if (live.get(job.id) === entry) live.delete(job.id);
      if (!entry.hangingUp) out('closed', { id: job.id, why });
    });
    if (!o.quiet) out('up', { id: job.id, clientAddress: c.clientAddress, server: job.server });
    return true;
  } catch (err) {
    const reason = err instanceof DialError ? err.reason : 'error';
    out('fail', { id: job.id, reason, windowsError: err instanceof DialError ? err.windowsError : undefined, message: (err as Error).message.slice(0, 300) });
    return false;
  }
}

async function dial(jobs: Job[], concurrency: number): Promise<void> {
  const t0 = performance.now();
  let next = 0;
  let up = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, jobs.length)) }, async () => {
      while (next < jobs.length) {
        const j = jobs[next++]!;
        if (await dialOne(j)) up++;
        else failed++;
      }
    }),
  );
  out('dialed', { up, failed, ms: performance.now() - t0 });
}

async function hangup(ids: string[] | undefined): Promise<void> {
  const t0 = performance.now();
  const which = ids ? ids.map((id) => live.get(id)).filter((x) => x !== undefined) : [...live.values()];
  await Promise.all(
    which.map(async (e) => {
      e.hangingUp = true;
      await e.c.hangup();
      live.delete(e.job.id);
    }),
  );
  out('hungup', { n: which.length, ms: performance.now() - t0 });
}

async function ping(targets: { id: string; dst: string }[]): Promise<void> {
  const r = await Promise.all(
    targets.map(async ({ id, dst }) => {
      const e = live.get(id);
      if (!e) return { id, sent: 0, received: 0 };
      const p = await e.c.ping(dst, { count: 3, timeoutMs: 2000, intervalMs: 100 });
      return { id, sent: p.sent, received: p.received };
    }),
  );
  out('pinged', r);
}

const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const cmd = JSON.parse(line) as { op: string; jobs?: Job[]; concurrency?: number; ids?: string[]; targets?: { id: string; dst: string }[] };
  if (cmd.op === 'dial') await dial(cmd.jobs ?? [], cmd.concurrency ?? 50);
  else if (cmd.op === 'hangup') await hangup(cmd.ids);
  else if (cmd.op === 'list') out('list', [...live.values()].map((e) => ({ id: e.job.id, clientAddress: e.c.clientAddress, server: e.job.server })));
  else if (cmd.op === 'ping') await ping(cmd.targets ?? []);
  else if (cmd.op === 'quit') break;
}
await hangup(undefined);
for (const s of sockets.values()) s.close();
process.exit(0);
