/**
 * The latency the shell sees while 1,000 sessions pass traffic, with
 * `debug vpdn packet` off: `show vpdn` and a `?` keystroke (`show vpdn ?`)
 * through the ShellSession of the server's own process, p50 and p99.
 * Target: p99 < 5 ms.
 *
 * The server (PptpServer + the shell, config loaded as PIX lines) runs in
 * a child process with GRE carried in UDP on loopback and a TUN whose
 * "host" echoes every packet back; this process dials 1,000 sessions
 * (MS-CHAPv2 + MPPE-128) and has them send 1,400-octet packets
 * (TRAFFIC_PPS in total, each echoed back: the server decrypts and
 * encrypts every one). Each sample runs when due on a timer in the
 * server's event loop and counts from then, so waiting behind packet
 * processing is included.
 *
 * The figures are the steady state: the traffic runs SETTLE_MS first (the
 * set-up burst's garbage is collected meanwhile), then WARMUP samples of
 * each command are taken and reported apart: the first `show vpdn` over
 * 1,000 calls runs its render in V8's interpreter (the idle baseline never
 * looped over a call) and takes several times the steady figure.
 * Baseline (same run): the same samples with the server idle and no session.
 * A third case takes the samples again while SHELL_SSH (20) SSH shells,
 * from a client process of their own, each run `show vpdn` in a loop (the
 * next as soon as the prompt is back); the shell limit is raised for it.
 *
 *   node --openssl-legacy-provider --expose-gc dist/bench/shell-latency.bench.js
 *   env: SHELL_SESSIONS (1000), SHELL_TRAFFIC_PPS (20000), SHELL_SAMPLES (100), SHELL_WARMUP (10), SHELL_SSH (20)
 */
import { dialPptp, type PptpClient } from '../src/client/dial.js';
import { openUdpGre } from './harness/udp-gre.js';
import { scriptCommand, spawnLineChild, startServerChild } from './harness/child.js';
import { dialMany, hangupAll, PASSWORD, SSH_PASSWORD, USER } from './harness/inproc.js';
import { udpPacket } from './harness/forwarding-inproc.js';
import { fmt, info, pct, report } from './harness/report.js';
import { benchProfile } from './harness/profile.js';

const SESSIONS = Number(process.env.SHELL_SESSIONS ?? 1000);
const PPS = Number(process.env.SHELL_TRAFFIC_PPS ?? 20_000);
const SAMPLES = Number(process.env.SHELL_SAMPLES ?? 100);
const WARMUP = Number(process.env.SHELL_WARMUP ?? 10);
/** SSH shells looping `show vpdn` in the third case (PIX allows 5; the limit is raised for it). */
const SSH_SHELLS = Number(process.env.SHELL_SSH ?? 20);
const GAP_MS = 15;
const SETTLE_MS = 3000;
const CLIENT_IP = '127.0.0.2';
const SERVER_IP = '127.0.0.1';

interface ShellTimes {
  show: number[];
  help: number[];
  showLines: number;
  helpLines: number;
}

const gre = await openUdpGre({ address: CLIENT_IP, peerPort: 0 });
const child = await startServerChild({
  gre: 'udp',
  clientUdpPort: gre.port,
  tun: 'bench',
  tunEcho: true,
  listen: { address: SERVER_IP, port: 0 },
  poolFirst: '10.64.0.1',
  poolLast: '10.64.7.255',
  mppe: 'stateless',
  maxSeconds: 600,
  sshShells: SSH_SHELLS,
});
gre.setPeerPort(child.udpPort);
let clients: PptpClient[] = [];
let traffic: NodeJS.Timeout | undefined;
try {
  await child.ask<ShellTimes>(`shell ${WARMUP} ${GAP_MS}`, 'shell', 120_000);
  const idle = await child.ask<ShellTimes>(`shell ${SAMPLES} ${GAP_MS}`, 'shell', 120_000);
  const r = await dialMany(
    () => dialPptp({ server: SERVER_IP, port: child.port, localAddress: CLIENT_IP, gre, username: USER, password: PASSWORD, profile: benchProfile(), timeoutMs: 60_000 }),
    SESSIONS,
    100,
    120_000,
  );
  clients = r.clients;
  let received = 0;
  let sent = 0;
  for (const c of clients) c.onIp(() => received++);
  const pkts = clients.map((c) => udpPacket(c.clientAddress, '10.99.0.1'));
  // every 10 ms, PPS/100 packets round-robin over the sessions
  const perTick = Math.max(1, Math.round(PPS / 100));
  let next = 0;
  traffic = setInterval(() => {
    for (let k = 0; k < perTick; k++) {
      const i = next++ % clients.length;
      if (clients[i].sendIp(pkts[i])) sent++;
    }
  }, 10);
  await new Promise((res) => setTimeout(res, SETTLE_MS)); // traffic steady
  const st = await child.ask<{ established: number }>('status', 'status');
  const warm = await child.ask<ShellTimes>(`shell ${WARMUP} ${GAP_MS}`, 'shell', 120_000);
  const sentBefore = sent;
  const recvBefore = received;
  const t0 = performance.now();
  const busy = await child.ask<ShellTimes>(`shell ${SAMPLES} ${GAP_MS}`, 'shell', 120_000);
  const secs = (performance.now() - t0) / 1000;
  info(
    `${st.established} sessions up; traffic during the samples: ${fmt((sent - sentBefore) / secs)} pkt/s sent, ${fmt((received - recvBefore) / secs)} pkt/s echoed back (1,400 octets, MPPE-128 stateless); ` +
      `show vpdn printed ${busy.showLines} lines (${idle.showLines} idle); ? offered ${busy.helpLines} lines`,
  );
  const reportCase = (times: ShellTimes, label: string) => {
    for (const [what, key] of [
      ['show vpdn', 'show'],
      ['? keystroke (show vpdn ?)', 'help'],
    ] as const) {
      for (const p of [50, 99]) {
        report({
          name: `shell latency p${p}, ${what}, ${st.established} sessions passing traffic${label}`,
          value: pct(times[key], p),
          unit: 'ms',
          baseline: { value: pct(idle[key], p), unit: 'ms', what: `idle server, no session, p${p}` },
          target: { op: '<', value: 5 },
          note:
            p === 99
              ? `max ${pct(times[key], 100).toFixed(2)} ms, ${times[key].length} samples; before them ${warm[key].length} warm-up samples: first ${warm[key][0]?.toFixed(2)} ms, max ${pct(warm[key], 100).toFixed(2)} ms`
              : undefined,
        });
      }
    }
  };
  reportCase(busy, ', console only');

  // the same samples while SSH shells loop `show vpdn` (their client in a process of its own)
  const looper = spawnLineChild([...scriptCommand('ssh-looper'), JSON.stringify({ port: child.sshPort, shells: SSH_SHELLS, password: SSH_PASSWORD })]);
  try {
    await looper.next('ready', 120_000);
    await looper.ask('go', 'going');
    await new Promise((res) => setTimeout(res, 1000));
    const sent2 = sent;
    const t1 = performance.now();
    const withSsh = await child.ask<ShellTimes>(`shell ${SAMPLES} ${GAP_MS}`, 'shell', 300_000);
    const secs2 = (performance.now() - t1) / 1000;
    const done = await looper.ask<{ completed: number; seconds: number; octets: number }>('stop', 'done');
    info(
      `${SSH_SHELLS} SSH shells ran show vpdn ${done.completed} times in ${fmt(done.seconds, 1)} s (${fmt(done.completed / done.seconds, 1)}/s, ${fmt(done.octets / done.seconds / 1048576, 1)} MB/s of output); ` +
        `traffic meanwhile ${fmt((sent - sent2) / secs2)} pkt/s sent`,
    );
    reportCase(withSsh, `, ${SSH_SHELLS} SSH shells looping show vpdn`);
  } finally {
    await looper.stop();
  }
} finally {
  clearInterval(traffic);
  await hangupAll(clients);
  await child.stop();
  gre.close();
}
process.exit(0);
