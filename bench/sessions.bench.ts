/**
 * 10,000 concurrent sessions against one server process, and the memory
 * each costs.
 *
 * The server runs alone in a child process (bench/harness/server-child:
 * the product's PptpServer and shell, config loaded as PIX lines, a sink
 * TUN, GRE carried in UDP on loopback so no root is needed); this process
 * dials the sessions with our client (MS-CHAPv2 + MPPE-128) over loopback
 * TCP. Memory is the child's RSS after a full GC:
 *   - baseline: the empty server (configured, listening, no session);
 *   - once V8 has returned the young generation the set-up burst grew (at
 *     least 10 s, at most 100 s after set-up), while the sessions idle
 *     2 x IDLE_SECONDS with their keepalives running, RSS every SAMPLE_S:
 *   - per session: (median of those samples - baseline) / sessions,
 *     target <= 20 KB;
 *   - idle growth: the least-squares slope through the samples over the
 *     whole idle time, per session, of the RSS outside V8's young
 *     generation (which refills and empties by several MB with each round
 *     of keepalives); target <= 0.5 KB (no growth beyond noise). The whole
 *     RSS's slope is printed beside it.
 *
 *   node --openssl-legacy-provider --expose-gc dist/bench/sessions.bench.js
 * Then a metrics scrape's work in the server (every series rendered from
 * one census of the 10,000 sessions), target <= 50 ms, beside the empty
 * server's in the same run; and forwarding while the server scrapes itself
 * every SCRAPE_EVERY_MS (500: thirty times Prometheus's usual 15 s), FWD_PPS
 * packets a second round-robin over the sessions, each echoed back by the
 * server's TUN: FWD_PAIRS windows of FWD_WINDOW_S with scrapes and as many
 * without, alternating; packets echoed with scrapes / without, median of
 * the pairs, target >= 0.9, and every packet delivered.
 *
 * Then the same memory figures for SESSIONS_BIG_N (32,000) sessions in a
 * second server child (issue 22 item 5: <= 20 KB each, idle with
 * keepalives), one run (three would take 10-12 minutes): dialled at the
 * same 200 in flight, from several loopback source addresses 127.0.0.x
 * (at most 20,000 connections each: the ephemeral port range is 28,232),
 * each with its GRE-in-UDP socket on the same port; RLIMIT_NOFILE raised
 * for this process and the child (bench/harness/rlimit.ts).
 *
 *   env: SESSIONS_N (default 10000), SESSIONS_IDLE_SECONDS (default 20),
 *        SESSIONS_BIG_N (default 32000; 0 skips the case), SESSIONS_PER_SOURCE (20000),
 *        SESSIONS_FWD_PPS (10000), SESSIONS_FWD_PAIRS (3), SESSIONS_FWD_WINDOW_S (3),
 *        SESSIONS_SNAPSHOT=FILE (a heap snapshot of the loaded server at the end)
 */
import { dialPptp, type PptpClient } from '../src/client/dial.js';
import { numberToIp, ipToNumber } from '../src/proto/ip/ipv4.js';
import { openUdpGre } from './harness/udp-gre.js';
import { startServerChild, type ChildMem } from './harness/child.js';
import { dialMany, hangupAll, PASSWORD, USER } from './harness/inproc.js';
import { fmt, info, pct, report, skip, sleep } from './harness/report.js';
import { udpPacket } from './harness/forwarding-inproc.js';
import { raiseNofile } from './harness/rlimit.js';

const N = Number(process.env.SESSIONS_N ?? 10_000);
const IDLE_S = Number(process.env.SESSIONS_IDLE_SECONDS ?? 20);
const BIG_N = Number(process.env.SESSIONS_BIG_N ?? 32_000);
/** Connections per client source address (the ephemeral port range is 28,232 ports per address). */
const PER_SOURCE = Number(process.env.SESSIONS_PER_SOURCE ?? 20_000);
const SAMPLE_S = 4;
/** After the set-up burst, at least; at most SETTLE_MAX_S more while V8's young generation is still grown. */
const SETTLE_S = 10;
const SETTLE_MAX_S = 90;
const CLIENT_IP = '127.0.0.2';
/** Scrapes timed per case (the figure is their median) and the time between them. */
const SCRAPES = 9;
const SCRAPE_GAP_MS = 200;
const SCRAPE_EVERY_MS = 500;
const FWD_PPS = Number(process.env.SESSIONS_FWD_PPS ?? 10_000);
const FWD_PAIRS = Number(process.env.SESSIONS_FWD_PAIRS ?? 3);
const FWD_WINDOW_S = Number(process.env.SESSIONS_FWD_WINDOW_S ?? 3);

interface Scrape {
  ms: number[];
  bytes: number;
  series: number;
}
const SERVER_IP = '127.0.0.1';

let clients: PptpClient[] = [];
let traffic: NodeJS.Timeout | undefined;
let child: Awaited<ReturnType<typeof startServerChild>>;

/** Echoed packets per second, with and without the server scraping itself, in alternating windows. */
async function forwardingWhileScraping(n: number): Promise<void> {
  let sent = 0;
  let echoed = 0;
  for (const c of clients) c.onIp(() => echoed++);
  const pkts = clients.map((c) => udpPacket(c.clientAddress, '10.99.0.1'));
  const perTick = Math.max(1, Math.round(FWD_PPS / 100));
  let next = 0;
  traffic = setInterval(() => {
    for (let k = 0; k < perTick; k++) {
      const i = next++ % clients.length;
      if (clients[i].sendIp(pkts[i])) sent++;
    }
  }, 10);
  await sleep(2000); // traffic steady
  const window = async (everyMs: number) => {
    await child.ask('scrapes', 'scrapes'); // drop earlier scrape times
    const [s0, e0, t0] = [sent, echoed, performance.now()];
    await child.ask(`scrapes ${everyMs}`, 'scrapes');
    await sleep(FWD_WINDOW_S * 1000);
    const { ms } = await child.ask<{ ms: number[] }>('scrapes 0', 'scrapes');
    const secs = (performance.now() - t0) / 1000;
    const [s1, e1] = [sent, echoed];
    await sleep(300); // the window's last packets come back
    return { pps: (e1 - e0) / secs, sentPps: (s1 - s0) / secs, lost: s1 - s0 - (echoed - e0), ms };
  };
  const without: number[] = [];
  const withScrapes: number[] = [];
  const lost = { without: 0, with: 0 };
  const scrapeMs: number[] = [];
  for (let k = 0; k < FWD_PAIRS; k++) {
    const a = await window(0);
    const b = await window(SCRAPE_EVERY_MS);
    without.push(a.pps);
    withScrapes.push(b.pps);
    lost.without += Math.max(0, a.lost);
    lost.with += Math.max(0, b.lost);
    scrapeMs.push(...b.ms);
  }
  clearInterval(traffic);
  const ratios = withScrapes.map((w, k) => w / without[k]);
  report({
    name: `forwarding while the server scrapes its metrics every ${SCRAPE_EVERY_MS} ms, ${n} sessions, ${fmt(FWD_PPS)} pkt/s asked (echoed pkt/s, median of ${FWD_PAIRS} alternating pairs of ${FWD_WINDOW_S} s windows)`,
    value: pct(withScrapes, 50),
    unit: 'pkt/s',
    baseline: { value: pct(without, 50), unit: 'pkt/s', what: 'the same windows without scrapes' },
    ratio: pct(ratios, 50),
    target: { op: '>=', value: 0.9, on: 'ratio' },
    note: `ratio min ${fmt(Math.min(...ratios), 2)} max ${fmt(Math.max(...ratios), 2)}; ${scrapeMs.length} scrapes, median ${fmt(pct(scrapeMs, 50), 1)} ms, max ${fmt(Math.max(...scrapeMs), 1)} ms`,
  });
  report({
    name: `packets not echoed in the windows with scrapes (sent ${FWD_PAIRS * FWD_WINDOW_S} s at ${fmt(FWD_PPS)} pkt/s)`,
    value: lost.with,
    unit: 'packets',
    baseline: { value: lost.without, unit: 'packets', what: 'not echoed in the windows without' },
    target: { op: '<=', value: 0 },
  });
}

/**
 * Start a server child for `n` sessions, dial them from `sources` (a GRE
 * socket each, all on one UDP port), and report the memory figures; with
 * `full`, the scrape and forwarding figures too. Leaves the clients up
 * (`clients`, `child`) for the caller to hang up.
 */
async function memoryCase(n: number, sources: string[], full: boolean, runNote: string, targetKb: number): Promise<PptpClient[]> {
  const gres = [await openUdpGre({ address: sources[0], peerPort: 0 })];
  for (const a of sources.slice(1)) gres.push(await openUdpGre({ address: a, port: gres[0].port, peerPort: 0 }));
  const first = ipToNumber('10.64.0.1')!;
  child = await startServerChild({
    gre: 'udp',
    clientUdpPort: gres[0].port,
    tun: 'bench',
    tunEcho: true,
    listen: { address: SERVER_IP, port: 0 },
    poolFirst: numberToIp(first),
    poolLast: numberToIp(first + n + 99),
    mppe: 'stateless',
    maxSeconds: 900,
  });
  // the clients' GRE goes to the server's UDP port
  for (const g of gres) g.setPeerPort(child.udpPort);
  closeGre = () => gres.forEach((g) => g.close());
  // let start-up garbage (config load, grammar) go before the baseline
  await sleep(SETTLE_S * 1000);
  const base = await child.ask<ChildMem>('mem', 'mem');
  const emptyScrape = full ? await child.ask<Scrape>(`metrics ${SCRAPES} ${SCRAPE_GAP_MS}`, 'metrics') : undefined;
  info(`empty server: RSS ${fmt(base.rss / 1048576, 1)} MB, heap ${fmt(base.heapUsed / 1048576, 1)} MB`);
  const r = await dialMany(
    (i) =>
      dialPptp({
        server: SERVER_IP,
        port: child.port,
        localAddress: sources[i % sources.length],
        gre: gres[i % sources.length],
        username: USER,
        password: PASSWORD,
        profile: 'windows10',
        timeoutMs: 60_000,
      }),
    n,
    200,
    240_000,
    (_c, _ms) => {},
  );
  clients = r.clients;
  const st = await child.ask<{ established: number; tunnels: number }>('status', 'status');
  info(
    `${r.clients.length}/${n} sessions up in ${fmt(r.elapsedMs / 1000, 1)} s from ${sources.join(', ')} (${fmt((r.clients.length * 1000) / r.elapsedMs)} /s, set-up p50 ${pct(r.setupMs, 50).toFixed(0)} ms p99 ${pct(r.setupMs, 99).toFixed(0)} ms)` +
      `; server: ${st.established} established, ${st.tunnels} tunnels` +
      (Object.keys(r.failed).length ? `; failed ${JSON.stringify(r.failed)}` : ''),
  );
  // The set-up burst grew V8's young generation to its maximum; it is
  // returned some 15-40 s later (V8's memory reducer). Held sessions are
  // measured once it is back to its idle size, as on a settled server.
  await sleep(SETTLE_S * 1000);
  const settleStart = performance.now();
  let young = await child.ask<ChildMem>('mem', 'mem');
  while (young.newSpace > 2 * base.newSpace && performance.now() - settleStart < SETTLE_MAX_S * 1000) {
    await sleep(2000);
    young = await child.ask<ChildMem>('mem', 'mem');
  }
  const settled = SETTLE_S + (performance.now() - settleStart) / 1000;
  const samples: { at: number; mem: ChildMem }[] = [];
  const t0 = performance.now();
  for (let k = 0; k <= (2 * IDLE_S) / SAMPLE_S; k++) {
    if (k > 0) await sleep(t0 + k * SAMPLE_S * 1000 - performance.now());
    samples.push({ at: (performance.now() - t0) / 1000, mem: await child.ask<ChildMem>('mem', 'mem') });
  }
  const st2 = await child.ask<{ established: number }>('status', 'status');
  const held = st.established;
  const median = (f: (m: ChildMem) => number) => pct(samples.map((s) => f(s.mem)), 50);
  // V8 returns the young generation the set-up burst grew some 15-100 s
  // later (sooner on an idle machine); what it still holds above the idle
  // server's is not counted. The RSS as measured is printed beside.
  const settledRss = (m: ChildMem) => m.rss - Math.max(0, m.newSpace - base.newSpace);
  const perSession = (median(settledRss) - base.rss) / held;
  const rawPerSession = (median((m) => m.rss) - base.rss) / held;
  const idleSeconds = samples[samples.length - 1].at;
  const growth = (f: (m: ChildMem) => number) => slope(samples.map((s) => [s.at, f(s.mem)])) * idleSeconds;
  info(
    `young generation back to ${fmt(young.newSpace / 1048576, 1)} MB (idle server ${fmt(base.newSpace / 1048576, 1)} MB) ${fmt(settled)} s after set-up; ` +
      `then RSS (heap) every ${SAMPLE_S} s, MB: ` +
      samples.map((s) => `${fmt(s.mem.rss / 1048576, 1)} (${fmt(s.mem.heapUsed / 1048576, 1)}, young ${fmt(s.mem.newSpace / 1048576, 1)})`).join(' ') +
      `; last: heap committed ${fmt(samples[samples.length - 1].mem.heapTotal / 1048576, 1)} MB (idle server ${fmt(base.heapTotal / 1048576, 1)}), external ${fmt(samples[samples.length - 1].mem.external / 1048576, 1)} MB (idle server ${fmt(base.external / 1048576, 1)}); ${st2.established} still established`,
  );
  report({
    name: `memory per session, ${held} concurrent sessions in one server process (median over ${fmt(idleSeconds)} s idle${runNote})`,
    value: perSession / 1024,
    unit: 'KB/session',
    baseline: { value: base.rss / 1048576, unit: 'MB', what: 'empty server RSS' },
    ratio: median(settledRss) / base.rss,
    target: { op: '<=', value: targetKb },
    note:
      `${fmt(perSession / 1024, 2)} KB/session; heap ${fmt((median((m) => m.heapUsed) - base.heapUsed) / held / 1024, 1)} KB/session; ` +
      `RSS as measured ${fmt(rawPerSession / 1024, 1)} KB/session (young generation ${fmt(median((m) => m.newSpace) / 1048576, 1)} MB, idle server ${fmt(base.newSpace / 1048576, 1)}); ratio = RSS loaded / empty`,
  });
  report({
    name: `concurrent sessions held`,
    value: st2.established,
    unit: 'sessions',
    baseline: { value: n, unit: 'sessions', what: 'dialled' },
    target: { op: '>=', value: n },
  });
  // V8's young generation is scratch space of bounded size (bin/node-flags.ts);
  // it refills and empties with each round of keepalives, several MB at a
  // time. Growth is judged on the rest of the RSS; the raw slope is printed.
  const outsideYoung = (m: ChildMem) => m.rss - m.newSpace;
  report({
    name: `RSS growth outside V8's young generation while ${held} sessions idle ${fmt(idleSeconds)} s, keepalives running (slope through ${samples.length} samples)`,
    value: growth(outsideYoung) / held / 1024,
    unit: 'KB/session',
    baseline: { value: perSession / 1024, unit: 'KB/session', what: 'memory per session' },
    target: { op: '<=', value: 0.5 },
    note: `whole RSS ${fmt(growth((m) => m.rss) / held / 1024, 2)} KB/session; heap ${fmt(growth((m) => m.heapUsed) / 1024, 0)} KB in total`,
  });
  if (!full) return clients;
  // after the memory figures, so scraping does not move them
  const scrape = await child.ask<Scrape>(`metrics ${SCRAPES} ${SCRAPE_GAP_MS}`, 'metrics', 120_000);
  report({
    name: `metrics scrape (Prometheus exposition of every series, in the server's event loop, HTTP excluded) with ${held} sessions, median of ${SCRAPES}`,
    value: pct(scrape.ms, 50),
    unit: 'ms',
    baseline: { value: pct(emptyScrape!.ms, 50), unit: 'ms', what: 'empty server, same run' },
    target: { op: '<=', value: 50 },
    note: `min ${fmt(Math.min(...scrape.ms), 1)} max ${fmt(Math.max(...scrape.ms), 1)} ms; ${scrape.series} series, ${fmt(scrape.bytes / 1024, 0)} KB`,
  });
  await forwardingWhileScraping(held);
  // SESSIONS_SNAPSHOT=FILE: a V8 heap snapshot of the loaded server, after the figures (profiling)
  if (process.env.SESSIONS_SNAPSHOT) info(`heap snapshot: ${(await child.ask<{ file: string }>(`snap ${process.env.SESSIONS_SNAPSHOT}`, 'snap', 600_000)).file}`);
  return clients;
}

let closeGre = () => {};
async function endCase(): Promise<void> {
  clearInterval(traffic);
  await hangupAll(clients);
  clients = [];
  await child?.stop();
  closeGre();
  closeGre = () => {};
}

try {
  // issue 24 item 5: 10,000 sessions at <= 15 KB each
  await memoryCase(N, [CLIENT_IP], true, '', 15);
  await endCase();
  if (BIG_N > 0) {
    // Both processes hold a socket per session: the limit must be raised
    // (root) or the case runs at what the limit allows, and says so.
    const nofile = raiseNofile(BIG_N + 4096);
    const n = nofile >= BIG_N + 1024 ? BIG_N : Math.floor((nofile - 1024) / 1000) * 1000;
    if (n < BIG_N)
      skip(`memory per session, ${fmt(BIG_N)} concurrent sessions in one server process`, `RLIMIT_NOFILE is ${fmt(nofile)} and cannot be raised here (no CAP_SYS_RESOURCE); the case runs below at ${fmt(n)}`);
    const sources = Array.from({ length: Math.ceil(n / PER_SOURCE) }, (_, k) => `127.0.0.${2 + k}`);
    // issue 22 item 5: 32,000 sessions at <= 20 KB each
    await memoryCase(n, sources, false, `; one run: dial, settle and idle take 3-4 minutes`, 20);
  }
} finally {
  await endCase();
}
process.exit(0);

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}
