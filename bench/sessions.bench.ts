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
 *     minus the first figure, per session; target <= 0.5 KB (no growth
 *     beyond noise).
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
  const st2 = await child.ask<{ established: number }>('status', 'status');
  const n = st.established;
  const perSession = (up.rss - base.rss) / n;
  info(`RSS with ${n} sessions: ${fmt(up.rss / 1048576, 1)} MB (heap ${fmt(up.heapUsed / 1048576, 1)} MB, external ${fmt(up.external / 1048576, 1)} MB); after ${IDLE_S} s idle: ${fmt(idle.rss / 1048576, 1)} MB, ${st2.established} still established`);
  report({
    name: `memory per session, ${n} concurrent sessions in one server process`,
    value: perSession / 1024,
    unit: 'KB/session',
    baseline: { value: base.rss / 1048576, unit: 'MB', what: 'empty server RSS' },
    ratio: up.rss / base.rss,
    target: { op: '<=', value: 20 },
    note: `heap ${fmt((up.heapUsed - base.heapUsed) / n / 1024, 1)} KB/session; ratio = RSS loaded / empty`,
  });
  report({
    name: `concurrent sessions held`,
    value: st2.established,
    unit: 'sessions',
    baseline: { value: N, unit: 'sessions', what: 'dialled' },
    target: { op: '>=', value: N },
  });
  report({
    name: `RSS growth while ${n} sessions idle ${IDLE_S} s`,
    value: (idle.rss - up.rss) / n / 1024,
    unit: 'KB/session',
    baseline: { value: perSession / 1024, unit: 'KB/session', what: 'memory per session' },
    target: { op: '<=', value: 0.5 },
    note: `heap ${fmt((idle.heapUsed - up.heapUsed) / 1024, 0)} KB in total`,
  });
  // SESSIONS_SNAPSHOT=FILE: a V8 heap snapshot of the loaded server, after the figures (profiling)
  if (process.env.SESSIONS_SNAPSHOT) info(`heap snapshot: ${(await child.ask<{ file: string }>(`snap ${process.env.SESSIONS_SNAPSHOT}`, 'snap', 600_000)).file}`);
} finally {
  await hangupAll(clients);
  await child.stop();
  gre.close();
}
process.exit(0);
