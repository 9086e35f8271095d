/**
 * Traffic blaster for the namespace forwarding benchmark: our client
 * engines (dialPptp over the raw GRE socket) dial N sessions to the
 * server, then the sessions send 1,400-octet UDP packets, for a bounded
 * time. With `packets`, those are encrypted ahead of time and sent from
 * memory (replay-gre.ts), each session as far ahead as the server's GRE
 * window allows; without, the engines encrypt while sending.
 *
 *   node blaster.js '{"server":"10.250.0.1","sessions":1,"dst":"10.99.0.1","seconds":5,"mppe":"stateful","packets":400000}'
 *
 * Prints `up {sessions, failed, dialMs, dialCpuMs, addresses}` once dialled (and recorded),
 * then waits for a `go` line, blasts, and prints `done {sent, received,
 * deferred, seconds, drops}`; `count` prints `count {received,
 * greReceived}` (IP packets decrypted and GRE data packets taken since the
 * blast began); hangs up on `quit` (or after maxSeconds).
 */
import readline from 'node:readline';
import { dialPptp, type PptpClient } from '../../src/client/dial.js';
import { openGreSocket } from '../../src/proto/gre/linux.js';
import { udpPacket } from './forwarding-inproc.js';
import { benchProfile } from './profile.js';
import { ReplayGre } from './replay-gre.js';

interface BlasterOptions {
  server: string;
  sessions: number;
  dst: string;
  seconds: number;
  mppe: 'stateful' | 'stateless';
  /** Packets per session per loop turn (at most what the GRE window has room for; with `packets`: per burst, default 32). */
  burst?: number;
  /** With `packets`: unacknowledged packets over all sessions (default 768: ~2 MB of the server's socket buffer). */
  maxInFlight?: number;
  /** Packets made ahead of time, over all sessions (default: none, the engines encrypt as they send). */
  packets?: number;
  /** With `packets`: keep the server's data packets during the replay and decrypt them after it (traffic both ways). */
  deferData?: boolean;
  /** Dials in flight at once (default: all). */
  concurrency?: number;
  /** Sessions dialled and hung up first (JIT both ends); then `warm {sessions, failed, dialMs}` (dialMs: of the first round) and a `dial` line on stdin starts the timed dial. */
  warmup?: number;
  /** How many times `warmup` sessions are dialled and hung up (default 1). */
  warmupRounds?: number;
  maxSeconds?: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as BlasterOptions;
setTimeout(() => process.exit(3), (o.maxSeconds ?? 300) * 1000).unref();
const out = (k: string, v: unknown) => process.stdout.write(`${k} ${JSON.stringify(v)}\n`);

const raw = openGreSocket();
const replay = o.packets ? new ReplayGre(raw, o.packets) : undefined;
const gre = replay ?? raw;
const mppe = { strength: 128 as const, required: true, stateful: o.mppe === 'stateful' };
const profile = benchProfile();
const rl = readline.createInterface({ input: process.stdin });
const lines = rl[Symbol.asyncIterator]();

/** Dials n sessions, `concurrency` at a time; the failures by reason. */
async function dialAll(n: number, failed: Record<string, number>): Promise<PptpClient[]> {
  const up: PptpClient[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(o.concurrency ?? n, n) }, async () => {
      while (next < n) {
        next++;
        try {
          up.push(await dialPptp({ server: o.server, gre, username: 'bench', password: 'bench-Passw0rd', profile, mppe, timeoutMs: 30_000 }));
        } catch (err) {
          const r = (err as { reason?: string }).reason ?? 'error';
          failed[r] = (failed[r] ?? 0) + 1;
        }
      }
    }),
  );
  return up;
}

if (o.warmup) {
  // both ends' code compiled before the timed dial, as in a server that has run a while
  const failedWarm: Record<string, number> = {};
  let warmMs = 0;
  let warm: PptpClient[] = [];
  for (let round = 0; round < (o.warmupRounds ?? 1); round++) {
    const warmStart = performance.now();
    warm = await dialAll(o.warmup, failedWarm);
    if (round === 0) warmMs = performance.now() - warmStart;
    await Promise.all(warm.map((c) => c.hangup()));
    await new Promise((r) => setTimeout(r, 300));
  }
  out('warm', { sessions: warm.length, failed: failedWarm, dialMs: warmMs });
  const go = await lines.next();
  if (go.done || go.value !== 'dial') process.exit(0);
}
const failed: Record<string, number> = {};
const dialStart = performance.now();
const cpu0 = process.cpuUsage();
const clients = await dialAll(o.sessions, failed);
const dialMs = performance.now() - dialStart;
const dialCpu = process.cpuUsage(cpu0);
let received = 0;
for (const c of clients) c.onIp(() => received++);
if (replay) {
  // a Windows client's DHCPINFORM exchange (split tunnelling) takes GRE and MPPE numbers: over before packets are made ahead
  await Promise.all(clients.map((c) => c.informAck));
  const perSession = Math.floor(o.packets! / Math.max(1, clients.length));
  for (const c of clients) {
    const s = c.status();
    const pkt = udpPacket(c.clientAddress, o.dst);
    replay.record({ server: o.server, callId: c.callId, peerCallId: s.peerCallId!, window: s.gre!.peerRecvWindow }, perSession, () => c.sendIp(pkt));
  }
}
out('up', { sessions: clients.length, failed, dialMs, dialCpuMs: (dialCpu.user + dialCpu.system) / 1000, addresses: clients.map((c) => c.clientAddress) });

/** GRE data packets the engines took from the server (before MPPE). */
const greReceived = () => clients.reduce((n, c) => n + (c.status().gre?.packetsReceived ?? 0), 0);
/** `received` and greReceived() when the blast began (`count` answers what came since). */
let receivedBefore = 0;
let greBefore = 0;

async function blast(): Promise<void> {
  receivedBefore = received;
  greBefore = greReceived();
  if (replay) {
    const r0 = received;
    const r = await replay.replay(o.seconds, o.burst ?? 32, o.maxInFlight ?? 768, o.deferData);
    await new Promise((resolve) => setTimeout(resolve, 300));
    out('done', { sent: r.sent, refused: 0, received: received - r0, deferred: r.deferred, seconds: r.seconds, windowFullDrops: 0 });
    return;
  }
  const pkts = clients.map((c) => udpPacket(c.clientAddress, o.dst));
  const burst = o.burst ?? 32;
  let sent = 0;
  let refused = 0;
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  const r0 = received;
  while (performance.now() < end) {
    for (let i = 0; i < clients.length; i++) {
      // only what the peer's GRE window takes now: an encrypted packet the
      // window then drops would leave a gap in the MPPE coherency counts
      const g = clients[i].status().gre;
      const room = g ? Math.min(burst, g.peerRecvWindow - g.inFlight) : 0;
      for (let k = 0; k < room; k++) {
        if (clients[i].sendIp(pkts[i])) sent++;
        else refused++;
      }
    }
    // let acks and echoes in
    await new Promise((r) => setImmediate(r));
  }
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 300));
  const drops = clients.reduce((n, c) => n + (c.status().gre?.windowFull ?? 0), 0);
  out('done', { sent, refused, received: received - r0, seconds, windowFullDrops: drops });
}

for (;;) {
  const next = await lines.next();
  if (next.done) break;
  const line = next.value;
  if (line === 'go') await blast();
  else if (line === 'count') out('count', { received: received - receivedBefore, greReceived: greReceived() - greBefore });
  else if (line === 'quit') break;
}
await Promise.all(clients.map((c) => c.hangup()));
gre.close();
process.exit(0);
