/**
 * Session set-up rate: full PPTP (SCCRQ/OCRQ) + LCP + MS-CHAPv2 +
 * CCP/MPPE-128 + IPCP, our client against our server.
 *
 * 1. In process: server and clients share this one thread, loopback TCP,
 *    memory GRE and TUN. Every set-up costs both ends here.
 * 2. When root: the product's Linux server (raw GRE socket, real TUN and
 *    a kernel route per call) in its own network namespace, clients (a
 *    blaster child) in another, over a veth pair; server and clients share
 *    the machine's cores. Each run: a fresh server and client, two untimed
 *    rounds of set-ups and tear-downs (SETUP_WARMUP each, default
 *    SETUP_SESSIONS; SETUP_WARMUP_ROUNDS, default 2; the first round's
 *    rate is in the note), then the timed dial.
 *
 * Baseline (same run): MS-CHAPv2 + MPPE key crypto of one session, both
 * ends, as sessions/s. Target: >= 1,000 sessions/s in process, >= 2,000
 * with the server alone in a namespace. Each case runs BENCH_RUNS (3)
 * times; the figures are the medians.
 *
 *   node --openssl-legacy-provider --expose-gc dist/bench/setup-rate.bench.js
 *   env: SETUP_SESSIONS (default 3000), SETUP_CONCURRENCY (default 200),
 *        SETUP_WARMUP (namespaces: untimed set-ups per round first, default SETUP_SESSIONS; 0: none),
 *        SETUP_WARMUP_ROUNDS (default 2),
 *        SETUP_TUN=sink (namespaces: the in-memory sink TUN, no routes)
 */
import { benchConfig, dialMany, hangupAll, startInproc } from './harness/inproc.js';
import { mschapV2CryptoRate } from './harness/crypto-baseline.js';
import { eachRun, info, pct, reportRuns, fmt } from './harness/report.js';
import { runNetnsSetupRate } from './harness/netns-rig.js';

const SESSIONS = Number(process.env.SETUP_SESSIONS ?? 3000);
const CONCURRENCY = Number(process.env.SETUP_CONCURRENCY ?? 200);
const MAX_MS = 60_000;

async function inProcess(baseline: number): Promise<void> {
  const rig = await startInproc(benchConfig({ poolSize: SESSIONS + 10 }));
  try {
    // warm-up: JIT the whole path once
    const warm = await dialMany((i) => rig.dial(`127.0.0.${2 + (i % 4)}`), 100, 50, 20_000);
    await hangupAll(warm.clients);
    const runs = await eachRun(async () => {
      const r = await dialMany((i) => rig.dial(`127.0.0.${2 + (i % 4)}`), SESSIONS, CONCURRENCY, MAX_MS);
      const st = rig.server.status();
      const established = st.sessions.filter((s) => s.state === 'estabd').length;
      await hangupAll(r.clients);
      await new Promise((res) => setTimeout(res, 500)); // the calls' teardown, before the next run
      return { r, perS: (r.clients.length * 1000) / r.elapsedMs, established, leased: st.pools[0]?.inUse };
    });
    const rates = runs.map((x) => x.perS);
    const mid = runs[rates.indexOf(pct(rates, 50))];
    reportRuns({
      name: 'setup rate, in process (client + server on one thread, memory GRE/TUN)',
      runs: rates,
      unit: 'sessions/s',
      baseline: { runs: [baseline], unit: 'sessions/s', what: 'MS-CHAPv2 + MPPE key crypto only, both ends' },
      target: { op: '>=', value: 1000 },
      note: `median run: ${mid.r.clients.length}/${SESSIONS} up, ${CONCURRENCY} in flight, set-up p50 ${pct(mid.r.setupMs, 50).toFixed(1)} ms p99 ${pct(mid.r.setupMs, 99).toFixed(1)} ms` +
        `; server: ${mid.established} established, ${mid.leased} addresses leased` +
        (Object.keys(mid.r.failed).length ? `, failed ${JSON.stringify(mid.r.failed)}` : ''),
    });
  } finally {
    await rig.close();
  }
}

const baseline = mschapV2CryptoRate();
info(`baseline: MS-CHAPv2 + MPPE-128 key crypto, both ends: ${fmt(baseline)} sessions/s`);
await inProcess(baseline);
await runNetnsSetupRate(baseline, SESSIONS, CONCURRENCY);
process.exit(0);
