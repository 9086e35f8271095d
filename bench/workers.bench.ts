/**
 * `--workers 2` beside `--workers 1` in the same run (issue 22 item 2),
 * root only: the fleet child (bench/harness/workers-child.ts: primary +
 * worker processes, raw GRE sockets with the call-id filters, a Linux TUN
 * per worker) in one namespace, our client engines (bench/harness/blaster)
 * in another, a veth pair between them. Each case runs BENCH_RUNS times
 * (3) per worker count; figures are medians (min/median/max shown):
 *
 * - forwarding, up (client -> server -> TUN sink), MPPE-128 stateless,
 *   100 sessions, packets encrypted ahead and replayed paced by the GRE
 *   acks: packets per second through the servers, and packets per
 *   worker CPU-second (the per-worker efficiency: target >= 0.9 of one
 *   worker's), and what reached the TUNs of what was sent (nothing lost);
 * - set-up rate: 200 sessions dialled 50 at a time, sessions per second;
 * - accept spread: of those 200 connections, the share the busier of the
 *   two workers took (0.5 is even), with the product's scheduling of new
 *   connections (WorkerFleetOptions.scheduling) beside the other one
 *   (round-robin by the primary, or the kernel waking a worker), with the
 *   set-up rate of each.
 *
 * This machine has 2 cores shared with the blaster (and other users): the
 * wall-clock rates cannot double here; the per-CPU-second figure is the
 * one that says whether a worker does as much with its core as one alone.
 *
 *   node --openssl-legacy-provider --expose-gc dist/bench/workers.bench.js
 *   env: WORKERS_SECONDS (per forwarding run, default 4), WORKERS_PACKETS (made ahead, default 300000),
 *        WORKERS_FORWARDING=0 (the set-up and spread cases only)
 */
import { canRoot } from '../src/lab/rig/capability.js';
import { createNetns, deleteNetns, uniqueNetnsName, vethPair } from '../src/lab/rig/netns.js';
import { scriptCommand, spawnLineChild, type LineChild } from './harness/child.js';
import { eachRun, fmt, pct, reportRuns, skip, sleep } from './harness/report.js';
import { DEFAULT_SCHEDULING, SCHEDULINGS, type Scheduling } from '../src/server/workers/fleet.js';

const SERVER = '10.252.0.1';
const CLIENT = '10.252.0.2';
const SESSIONS = 100;
const SETUP_SESSIONS = 200;
const SECONDS = Number(process.env.WORKERS_SECONDS ?? 4);
const PACKETS = Number(process.env.WORKERS_PACKETS ?? 300_000);
const FORWARDING = process.env.WORKERS_FORWARDING !== '0';

interface WorkerStatus {
  pid: number;
  cpuUs: number;
  tunWritten: number;
  tunRead: number;
  calls: number;
}
interface Status {
  established: number;
  perWorker: WorkerStatus[];
  primaryCpuUs: number;
}

interface Forwarding {
  pps: number;
  perWorkerCpuSecond: number;
  delivered: number;
  note: string;
}

async function forwarding(fleet: LineChild): Promise<Forwarding> {
  const blaster = spawnLineChild(
    [...scriptCommand('blaster'), JSON.stringify({ server: SERVER, sessions: SESSIONS, dst: '10.99.0.1', seconds: SECONDS, mppe: 'stateless', packets: PACKETS, maxSeconds: 240 })],
    { netns: nsC },
  );
  try {
    const up = await blaster.next<{ sessions: number; failed: Record<string, number> }>('up', 120_000);
    if (up.sessions !== SESSIONS) throw new Error(`blaster: ${up.sessions}/${SESSIONS} sessions up ${JSON.stringify(up.failed)}`);
    const s0 = await fleet.ask<Status>('status', 'status');
    blaster.send('go');
    const done = await blaster.next<{ sent: number; seconds: number }>('done', (SECONDS + 30) * 1000);
    await sleep(300);
    const s1 = await fleet.ask<Status>('status', 'status');
    const per = s1.perWorker.map((w, i) => ({ written: w.tunWritten - s0.perWorker[i].tunWritten, cpuS: (w.cpuUs - s0.perWorker[i].cpuUs) / 1e6, calls: w.calls }));
    const written = per.reduce((n, w) => n + w.written, 0);
    const cpuS = per.reduce((n, w) => n + w.cpuS, 0);
    return {
      pps: written / done.seconds,
      perWorkerCpuSecond: written / Math.max(cpuS, 1e-6),
      delivered: written / Math.max(1, done.sent),
      note:
        `sent ${fmt(done.sent)}, reached the TUNs ${fmt(written)}; ` +
        per.map((w, i) => `worker ${i}: ${w.calls} calls, ${fmt(w.written)} pkts, ${fmt((w.cpuS / done.seconds) * 100)}% of a core`).join('; ') +
        `; primary ${fmt(((s1.primaryCpuUs - s0.primaryCpuUs) / 1e6 / done.seconds) * 100)}% of a core`,
    };
  } finally {
    await blaster.stop();
  }
}

interface SetupRun {
  rate: number;
  /** The busier worker's share of the calls (0.5 is even; 1 with one worker). */
  busiest: number;
  note: string;
}

async function setupRate(fleet: LineChild): Promise<SetupRun> {
  for (let i = 0; i < 100 && (await fleet.ask<Status>('status', 'status')).established > 0; i++) await sleep(100);
  const dialer = spawnLineChild(
    [...scriptCommand('blaster'), JSON.stringify({ server: SERVER, sessions: SETUP_SESSIONS, concurrency: 50, dst: '10.99.0.1', seconds: 0, mppe: 'stateless', maxSeconds: 240 })],
    { netns: nsC },
  );
  try {
    const up = await dialer.next<{ sessions: number; failed: Record<string, number>; dialMs: number }>('up', 200_000);
    const st = await fleet.ask<Status>('status', 'status');
    const calls = st.perWorker.map((w) => w.calls);
    return {
      rate: (up.sessions * 1000) / up.dialMs,
      busiest: Math.max(...calls) / Math.max(1, calls.reduce((a, b) => a + b, 0)),
      note: `${up.sessions}/${SETUP_SESSIONS} up${Object.keys(up.failed).length ? ` failed ${JSON.stringify(up.failed)}` : ''}; calls per worker ${st.perWorker.map((w) => w.calls).join('/')}`,
    };
  } finally {
    await dialer.stop();
  }
}

let nsS = '';
let nsC = '';
const can = canRoot();
if (!can.ok) {
  skip('workers: forwarding and set-up rate, 2 workers beside 1', can.reason);
  process.exit(0);
}
try {
  nsS = await createNetns(uniqueNetnsName('wsrv'));
  nsC = await createNetns(uniqueNetnsName('wcli'));
  await vethPair(nsS, nsC, `${SERVER}/24`, `${CLIENT}/24`);
  const others = SCHEDULINGS.filter((x) => x !== DEFAULT_SCHEDULING);
  const cases: { key: string; workers: number; scheduling: Scheduling; forwarding: boolean }[] = [
    { key: '1', workers: 1, scheduling: DEFAULT_SCHEDULING, forwarding: FORWARDING },
    { key: '2', workers: 2, scheduling: DEFAULT_SCHEDULING, forwarding: FORWARDING },
    ...others.map((x) => ({ key: `2-${x}`, workers: 2, scheduling: x, forwarding: false })),
  ];
  const results = new Map<string, { fwd: Forwarding[]; setup: SetupRun[] }>(cases.map((c) => [c.key, { fwd: [], setup: [] }]));
  const withFleet = async (c: (typeof cases)[number], fn: (fleet: LineChild) => Promise<void>) => {
    const fleet = spawnLineChild(
      [...scriptCommand('workers-child'), JSON.stringify({ workers: c.workers, listen: SERVER, poolFirst: '10.64.0.1', poolLast: '10.64.3.250', mppe: 'stateless', scheduling: c.scheduling, maxSeconds: 900 })],
      { netns: nsS },
    );
    try {
      await fleet.next('ready', 120_000);
      await fn(fleet);
    } finally {
      await fleet.stop();
    }
  };
  for (const c of cases.filter((x) => x.forwarding)) await withFleet(c, async (fleet) => void results.get(c.key)!.fwd.push(...(await eachRun(() => forwarding(fleet)))));
  // set-up rate and spread: the cases one after the other in each run, so that a change of the machine's load hits them all
  await eachRun(async () => {
    for (const c of cases) await withFleet(c, async (fleet) => void results.get(c.key)!.setup.push(await setupRate(fleet)));
  });
  const one = results.get('1')!;
  const two = results.get('2')!;
  const mid = <T extends object>(rs: T[], key: (r: T) => number) => rs[rs.map(key).indexOf(pct(rs.map(key), 50))];
  const what = 'the same case with --workers 1, this run';
  if (FORWARDING) {
    reportRuns({
      name: `workers: forwarding, 2 workers, MPPE-128 stateless, ${SESSIONS} sessions, up (client -> server -> TUN sink): packets per worker CPU-second`,
      runs: two.fwd.map((r) => r.perWorkerCpuSecond),
      unit: 'pkt per worker CPU-second',
      baseline: { runs: one.fwd.map((r) => r.perWorkerCpuSecond), unit: 'pkt per CPU-second', what },
      target: { op: '>=', value: 0.9, on: 'ratio' },
      note: `median run: ${mid(two.fwd, (r) => r.perWorkerCpuSecond).note}; 1 worker: ${mid(one.fwd, (r) => r.perWorkerCpuSecond).note}`,
    });
    reportRuns({
      name: `workers: forwarding, 2 workers, MPPE-128 stateless, ${SESSIONS} sessions, up: packets per second (wall clock, 2 cores shared with the blaster)`,
      runs: two.fwd.map((r) => r.pps),
      unit: 'pkt/s',
      baseline: { runs: one.fwd.map((r) => r.pps), unit: 'pkt/s', what },
      target: { op: '>=', value: 1, on: 'ratio' },
    });
    reportRuns({
      name: 'workers: forwarding, 2 workers: share of the packets sent that reached the TUNs (nothing lost)',
      runs: two.fwd.map((r) => r.delivered),
      unit: 'of sent',
      baseline: { runs: one.fwd.map((r) => r.delivered), unit: 'of sent', what },
      target: { op: '>=', value: 0.999 },
    });
  }
  reportRuns({
    name: `workers: set-up rate, 2 workers, ${SETUP_SESSIONS} sessions 50 at a time (MS-CHAPv2, MPPE-128, a kernel route each)`,
    runs: two.setup.map((r) => r.rate),
    unit: 'sessions/s',
    baseline: { runs: one.setup.map((r) => r.rate), unit: 'sessions/s', what },
    target: { op: '>=', value: 1, on: 'ratio' },
    note: `median run: ${mid(two.setup, (r) => r.rate).note}; 1 worker: ${mid(one.setup, (r) => r.rate).note}`,
  });
  const perWorker = (rs: SetupRun[]) => rs.map((r) => /calls per worker (\S+)/.exec(r.note)?.[1]).join(', ');
  for (const other of others) {
    const them = results.get(`2-${other}`)!;
    reportRuns({
      name: `workers: accept spread, 2 workers, ${SETUP_SESSIONS} connections 50 at a time, new connections by ${DEFAULT_SCHEDULING}: the busier worker's share of the calls (0.5 even), beside by ${other}`,
      runs: two.setup.map((r) => r.busiest),
      unit: 'of the calls',
      baseline: { runs: them.setup.map((r) => r.busiest), unit: 'of the calls', what: `by ${other}, this run` },
      target: { op: '<=', value: 0.55 },
      note: `calls per worker, ${DEFAULT_SCHEDULING}: ${perWorker(two.setup)}; ${other}: ${perWorker(them.setup)}`,
    });
    reportRuns({
      name: `workers: set-up rate, 2 workers, new connections by ${DEFAULT_SCHEDULING} beside by ${other}`,
      runs: two.setup.map((r) => r.rate),
      unit: 'sessions/s',
      baseline: { runs: them.setup.map((r) => r.rate), unit: 'sessions/s', what: `by ${other}, this run` },
      target: { op: '>=', value: 0.9, on: 'ratio' },
    });
  }
} catch (err) {
  skip('workers: forwarding and set-up rate', `failed: ${(err as Error).message.slice(0, 800)}`);
} finally {
  if (nsC) await deleteNetns(nsC);
  if (nsS) await deleteNetns(nsS);
}
process.exit(0);
