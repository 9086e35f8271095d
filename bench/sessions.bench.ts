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
 *   - per session: (RSS with every session up - baseline) / sessions,
 *     target <= 20 KB;
 *   - idle growth: RSS again after the sessions idled IDLE_SECONDS,
 *     minus the first figure, per session, and once more over a second
 *     IDLE_SECONDS (after every session's first LCP echo); target <= 0.5 KB
 *     each (no growth beyond noise).
 *
 *   node --openssl-legacy-provider --expose-gc dist/bench/sessions.bench.js
 *   env: SESSIONS_N (default 10000), SESSIONS_IDLE_SECONDS (default 20),
 *        SESSIONS_SNAPSHOT=FILE (a heap snapshot of the loaded server at the end)
 */
import { dialPptp, type PptpClient } from '../src/client/dial.js';
import { numberToIp, ipToNumber } from '../src/server/ipv4.js';
import { openUdpGre } from './harness/udp-gre.js';
import { startServerChild, type ChildMem } from './harness/child.js';
import { dialMany, hangupAll, PASSWORD, USER } from './harness/inproc.js';
import { fmt, info, pct, report, sleep } from './harness/report.js';

const N = Number(process.env.SESSIONS_N ?? 10_000);
const IDLE_S = Number(process.env.SESSIONS_IDLE_SECONDS ?? 20);
const SETTLE_S = 10;
const CLIENT_IP = '127.0.0.2';
const SERVER_IP = '127.0.0.1';

const gre = await openUdpGre({ address: CLIENT_IP, peerPort: 0 });
const first = ipToNumber('10.64.0.1')!;
const child = await startServerChild({
  gre: 'udp',
  clientUdpPort: gre.port,
  tun: 'bench',
  listen: { address: SERVER_IP, port: 0 },
  poolFirst: numberToIp(first),
  poolLast: numberToIp(first + N + 99),
  mppe: 'stateless',
  maxSeconds: 900,
});
// the clients' GRE goes to the server's UDP port
gre.setPeerPort(child.udpPort);

let clients: PptpClient[] = [];
try {
  // let start-up garbage (config load, grammar) go before the baseline
  await sleep(SETTLE_S * 1000);
  const base = await child.ask<ChildMem>('mem', 'mem');
  info(`empty server: RSS ${fmt(base.rss / 1048576, 1)} MB, heap ${fmt(base.heapUsed / 1048576, 1)} MB`);
  const r = await dialMany(
    () =>
      dialPptp({
        server: SERVER_IP,
        port: child.port,
        localAddress: CLIENT_IP,
        gre,
        username: USER,
        password: PASSWORD,
        profile: 'windows10',
        timeoutMs: 60_000,
      }),
    N,
    200,
    240_000,
    (_c, _ms) => {},
  );
  clients = r.clients;
  const st = await child.ask<{ established: number; tunnels: number }>('status', 'status');
  info(
    `${r.clients.length}/${N} sessions up in ${fmt(r.elapsedMs / 1000, 1)} s (${fmt((r.clients.length * 1000) / r.elapsedMs)} /s, set-up p50 ${pct(r.setupMs, 50).toFixed(0)} ms p99 ${pct(r.setupMs, 99).toFixed(0)} ms)` +
      `; server: ${st.established} established, ${st.tunnels} tunnels` +
      (Object.keys(r.failed).length ? `; failed ${JSON.stringify(r.failed)}` : ''),
  );
  // the set-up burst's garbage (young generation grown to its maximum) goes first
  await sleep(SETTLE_S * 1000);
  const up = await child.ask<ChildMem>('mem', 'mem');
  await sleep(IDLE_S * 1000);
  const idle = await child.ask<ChildMem>('mem', 'mem');
  // a second window, after every session's first LCP echo (30 s after its link came up)
  await sleep(IDLE_S * 1000);
  const idle2 = await child.ask<ChildMem>('mem', 'mem');
  const st2 = await child.ask<{ established: number }>('status', 'status');
  const n = st.established;
  // Held sessions cost what the process keeps once they have been up a
  // while: right after the set-up burst V8 still holds pages it returns
  // later, so the last sample counts (all three are printed).
  const perSession = (idle2.rss - base.rss) / n;
  const mb = (m: ChildMem) => `${fmt(m.rss / 1048576, 1)} MB (heap ${fmt(m.heapUsed / 1048576, 1)} MB)`;
  info(
    `RSS with ${n} sessions: ${SETTLE_S} s after set-up ${mb(up)}, ${IDLE_S} s later ${mb(idle)}, ${IDLE_S} s later ${mb(idle2)}; ` +
      `external ${fmt(idle2.external / 1048576, 1)} MB; ${st2.established} still established`,
  );
  report({
    name: `memory per session, ${n} concurrent sessions in one server process (after ${SETTLE_S + 2 * IDLE_S} s up)`,
    value: perSession / 1024,
    unit: 'KB/session',
    baseline: { value: base.rss / 1048576, unit: 'MB', what: 'empty server RSS' },
    ratio: idle2.rss / base.rss,
    target: { op: '<=', value: 20 },
    note: `heap ${fmt((idle2.heapUsed - base.heapUsed) / n / 1024, 1)} KB/session; ${SETTLE_S} s after set-up ${fmt((up.rss - base.rss) / n / 1024, 1)} KB/session; ratio = RSS loaded / empty`,
  });
  report({
    name: `concurrent sessions held`,
    value: st2.established,
    unit: 'sessions',
    baseline: { value: N, unit: 'sessions', what: 'dialled' },
    target: { op: '>=', value: N },
  });
  for (const [label, from, to] of [
    [`first ${IDLE_S} s, with the first keepalives`, up, idle],
    [`next ${IDLE_S} s`, idle, idle2],
  ] as const) {
    report({
      name: `RSS growth while ${n} sessions idle, ${label}`,
      value: (to.rss - from.rss) / n / 1024,
      unit: 'KB/session',
      baseline: { value: perSession / 1024, unit: 'KB/session', what: 'memory per session' },
      target: { op: '<=', value: 0.5 },
      note: `heap ${fmt((to.heapUsed - from.heapUsed) / 1024, 0)} KB in total`,
    });
  }
  // SESSIONS_SNAPSHOT=FILE: a V8 heap snapshot of the loaded server, after the figures (profiling)
  if (process.env.SESSIONS_SNAPSHOT) info(`heap snapshot: ${(await child.ask<{ file: string }>(`snap ${process.env.SESSIONS_SNAPSHOT}`, 'snap', 600_000)).file}`);
} finally {
  await hangupAll(clients);
  await child.stop();
  gre.close();
}
process.exit(0);
