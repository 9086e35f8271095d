/**
 * Session set-up rate: full PPTP (SCCRQ/OCRQ) + LCP + MS-CHAPv2 +
 * CCP/MPPE-128 + IPCP, our client against our server.
 *
 * 1. In process: server and clients share this one thread, loopback TCP,
 *    memory GRE and TUN. Every set-up costs both ends here.
 * 2. When root: the product's Linux server (raw GRE socket, real TUN) in
 *    its own network namespace, clients (this process) in another, over a
 *    veth pair: each end has its own core.
 *
 * Baseline (same run): MS-CHAPv2 + MPPE key crypto of one session, both
 * ends, as sessions/s. Target: >= 1,000 sessions/s.
 *
 *   node --openssl-legacy-provider --expose-gc dist/bench/setup-rate.bench.js
 *   env: SETUP_SESSIONS (default 3000), SETUP_CONCURRENCY (default 200)
 */
import { benchConfig, dialMany, hangupAll, startInproc } from './harness/inproc.js';
import { mschapV2CryptoRate } from './harness/crypto-baseline.js';
import { info, pct, report, fmt } from './harness/report.js';
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
    const r = await dialMany((i) => rig.dial(`127.0.0.${2 + (i % 4)}`), SESSIONS, CONCURRENCY, MAX_MS);
    const up = r.clients.length;
    const perS = (up * 1000) / r.elapsedMs;
    report({
      name: 'setup rate, in process (client + server on one thread, memory GRE/TUN)',
      value: perS,
      unit: 'sessions/s',
      baseline: { value: baseline, unit: 'sessions/s', what: 'MS-CHAPv2 + MPPE key crypto only, both ends' },
      target: { op: '>=', value: 1000 },
      note: `${up}/${SESSIONS} up, ${CONCURRENCY} in flight, set-up p50 ${pct(r.setupMs, 50).toFixed(1)} ms p99 ${pct(r.setupMs, 99).toFixed(1)} ms` +
        (Object.keys(r.failed).length ? `, failed ${JSON.stringify(r.failed)}` : ''),
    });
    const st = rig.server.status();
    info(`server: ${st.sessions.filter((s) => s.state === 'estabd').length} sessions established, ${st.pools[0]?.inUse} addresses leased`);
    await hangupAll(r.clients);
  } finally {
    await rig.close();
  }
}

const baseline = mschapV2CryptoRate();
info(`baseline: MS-CHAPv2 + MPPE-128 key crypto, both ends: ${fmt(baseline)} sessions/s`);
await inProcess(baseline);
await runNetnsSetupRate(baseline, SESSIONS, CONCURRENCY);
process.exit(0);
