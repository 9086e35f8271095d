/**
 * MPPE-128 forwarding for real (root only): the server child (the
 * product's PptpServer with the raw GRE socket and a Linux TUN) in one
 * network namespace, the blaster (our client engines over a raw GRE
 * socket) in another, a veth pair between them.
 *   up:   the blaster's packets go to 10.99.0.1, which the server
 *         namespace does not forward (a sink): the server's TUN writes
 *         per second are the figure. The blaster encrypts them before
 *         the timed run and sends them from memory, paced by the server's
 *         GRE acks (replay-gre.ts), so that the client, which shares this
 *         machine's 2 cores with the server, takes less than a core;
 *   echo: the packets go to a UDP echo host on the server's tunnel
 *         address behind the TUN: every packet crosses the server twice
 *         (decrypt + encrypt); the client engines encrypt as they send
 *         and decrypt the replies (three processes on two cores), which
 *         makes the client the limit;
 *   both: "up" from the blaster and, at the same time, a sender in the
 *         server's namespace (down-sender.ts) sends datagrams to the
 *         clients' addresses, which the server reads from its TUN and
 *         encrypts toward them: the server decrypts and encrypts at once.
 *         The blaster keeps the server's packets and decrypts them after
 *         the timed run (replay-gre.ts, deferData), so that the server,
 *         not the client, is the limit; every one must then decrypt.
 *         100 sessions only: one session's down rate is bound by its GRE
 *         window and the client's acks.
 * Each case runs BENCH_RUNS times (3), the RC4 baseline measured right
 * before each run (the machine's speed drifts within a minute). Two
 * figures per case, each the median of the runs: the packets the server
 * handles per CPU-second it used (the headline: it does not depend on how
 * much of the two cores the blaster takes; target 200,000 stateless,
 * 250,000 stateful) and the wall-clock rate as a ratio to raw RC4. Both
 * namespaces and every process are removed afterwards, also on failure.
 *
 * env: FORWARD_NETNS_SECONDS (per case, default 4), FORWARD_NETNS_PACKETS
 * (made ahead for the up and both cases, default 500,000 = 740 MB in the
 * blaster; 0: encrypt while sending), FORWARD_NETNS_DOWN_PPS (the TUN
 * side's rate in the both case, default 60,000), FORWARD_NETNS_CASES
 * ("stateful/1 stateless/100": only those).
 */
import { canRoot } from '../../src/lab/rig/capability.js';
import { createNetns, deleteNetns, uniqueNetnsName, vethPair } from '../../src/lab/rig/netns.js';
import { scriptCommand, spawnLineChild, startServerChild, type LineChild, type ServerChild } from './child.js';
import { PACKET_SIZE } from './forwarding-inproc.js';
import { rawRc4Rates } from './crypto-baseline.js';
import { TUNNEL_IP } from './inproc.js';
import { eachRun, fmt, pct, reportRuns, skip } from './report.js';

const SERVER_VETH = '10.250.0.1';
const CLIENT_VETH = '10.250.0.2';

interface Status {
  tunWritten: number;
  tunRead: number;
  established: number;
  cpu: { user: number; system: number };
  /** The native receive fast path (absent with PIX_PPTPD_FAST_PATH=off). */
  fastPath?: { engaged: number; released: number; forwarded: number };
}

export async function runNetnsForwarding(): Promise<void> {
  const can = canRoot();
  if (!can.ok) {
    skip('forwarding in namespaces (raw GRE + Linux TUN)', can.reason);
    return;
  }
  const seconds = Number(process.env.FORWARD_NETNS_SECONDS ?? 4);
  const packets = Number(process.env.FORWARD_NETNS_PACKETS ?? 500_000);
  const downPps = Number(process.env.FORWARD_NETNS_DOWN_PPS ?? 60_000);
  const only = process.env.FORWARD_NETNS_CASES?.split(/[\s,]+/).filter(Boolean);
  for (const mppe of ['stateful', 'stateless'] as const) {
    for (const sessions of [1, 100]) {
      if (only && !only.includes(`${mppe}/${sessions}`)) continue;
      try {
        await oneCase(mppe, sessions, seconds, packets, downPps);
      } catch (err) {
        skip(`forwarding in namespaces, MPPE-128 ${mppe}, ${sessions} sessions`, `failed: ${(err as Error).message.slice(0, 500)}`);
      }
    }
  }
}

async function oneCase(mppe: 'stateful' | 'stateless', sessions: number, seconds: number, packets: number, downPps: number): Promise<void> {
  const nsS = await createNetns(uniqueNetnsName('bsrv'));
  const nsC = await createNetns(uniqueNetnsName('bcli'));
  let server: ServerChild | undefined;
  let blaster: LineChild | undefined;
  let echo: LineChild | undefined;
  let down: LineChild | undefined;
  try {
    await vethPair(nsS, nsC, `${SERVER_VETH}/24`, `${CLIENT_VETH}/24`);
    server = await startServerChild(
      { gre: 'raw', tun: 'linux', listen: { address: SERVER_VETH, port: 1723 }, poolFirst: '10.64.0.1', poolLast: '10.64.1.200', mppe, maxSeconds: 300 },
      { netns: nsS },
    );
    echo = spawnLineChild([...scriptCommand('echo'), TUNNEL_IP, '9', '300'], { netns: nsS });
    await echo.next('ready', 20_000);
    const gbit = (pps: number) => (pps * PACKET_SIZE * 8) / 1e9;
    for (const [label, dst, made, both] of [
      ['up (client -> server -> TUN sink)', '10.99.0.1', packets, false],
      // the replies are decrypted and counted by the client engines: they encrypt as they send
      ['echo (client -> server -> TUN -> echo host -> server -> client)', TUNNEL_IP, 0, false],
      ['both (client -> server -> TUN sink, and TUN side -> server -> client at once)', '10.99.0.1', packets, true],
    ] as const) {
      // one session's down rate is bound by its GRE window (64, the Windows profile's) and the client's acks, not by the server
      if (both && (!made || sessions === 1)) continue;
      const pacing = made ? { packets: made, deferData: both } : { burst: sessions > 1 ? 8 : 48 };
      const runs = await eachRun(async () => {
        blaster = spawnLineChild(
          [...scriptCommand('blaster'), JSON.stringify({ server: SERVER_VETH, sessions, dst, seconds, mppe, ...pacing, maxSeconds: 240 })],
          { netns: nsC },
        );
        const up = await blaster.next<{ sessions: number; failed: Record<string, number>; addresses: string[] }>('up', 90_000);
        if (up.sessions !== sessions) throw new Error(`blaster: ${up.sessions}/${sessions} sessions up ${JSON.stringify(up.failed)}`);
        if (both) {
          down = spawnLineChild([...scriptCommand('down-sender'), JSON.stringify({ targets: up.addresses, pps: downPps, seconds, size: PACKET_SIZE })], { netns: nsS });
          await down.next('ready', 20_000);
        }
        // this machine's speed drifts by 10-20% within a minute: the baseline is measured right before each run, the children idle
        const rc4 = rawRc4Rates(PACKET_SIZE);
        const s0 = await server!.ask<Status>('status', 'status');
        blaster.send('go');
        down?.send('go');
        const done = await blaster.next<{ sent: number; received: number; seconds: number; windowFullDrops: number }>('done', (seconds + 30) * 1000);
        const offered = down ? await down.next<{ sent: number; seconds: number }>('done', (seconds + 30) * 1000) : undefined;
        // the TUN side may end after the blaster: its last packets still reach the client
        if (down) await new Promise((r) => setTimeout(r, 300));
        const s1 = await server!.ask<Status>('status', 'status');
        const count = down ? await blaster.ask<{ received: number; greReceived: number }>('count', 'count') : undefined;
        const got = count ? count.received : done.received;
        await blaster.stop();
        await down?.stop();
        blaster = down = undefined;
        const tunOut = s1.tunWritten - s0.tunWritten;
        const tunIn = s1.tunRead - s0.tunRead;
        const cpuS = (s1.cpu.user + s1.cpu.system - s0.cpu.user - s0.cpu.system) / 1e6;
        const crossed = tunOut + tunIn; // each crossed the server once (decrypt or encrypt)
        const secs = Math.max(done.seconds, offered?.seconds ?? 0);
        const pps = crossed / secs;
        // both: every packet that reached the client decrypted there (after the run); what the
        // client's socket dropped while the blaster was busy sending is said in the line
        if (count && got !== count.greReceived) throw new Error(`both: the client took ${count.greReceived} GRE data packets and decrypted ${got}`);
        return {
          pps,
          perCpuSecond: crossed / Math.max(cpuS, 1e-6),
          rc4,
          note:
            `${(pps / rc4.ts).toFixed(2)} of TS RC4; client sent ${fmt(done.sent / done.seconds)} pkt/s, TUN out ${fmt(tunOut / secs)}/s, TUN in ${fmt(tunIn / secs)}/s, ` +
            (offered ? `TUN side offered ${fmt(offered.sent / offered.seconds)}/s, ` : '') +
            `client got back ${fmt(got / secs)}/s${count ? ` (decrypted after the run; ${fmt(tunIn - count.greReceived)} of the ${fmt(tunIn)} the server encrypted not delivered)` : ''}; server CPU ${fmt((cpuS / secs) * 100)}% of a core; client window drops ${done.windowFullDrops}; ${fastPathNote(s0, s1)}`,
        };
      });
      const pps = runs.map((r) => r.pps);
      const mid = runs[pps.indexOf(pct(pps, 50))];
      const name = `forwarding in namespaces, MPPE-128 ${mppe}, ${sessions} session${sessions > 1 ? 's' : ''}, ${label}`;
      reportRuns({
        name: `${name}: packets per server CPU-second`,
        runs: runs.map((r) => r.perCpuSecond),
        unit: 'pkt per CPU-second',
        baseline: { runs: runs.map((r) => r.rc4.baseline), unit: 'pkt/s', what: `raw ${runs[0].rc4.baselineName} on one core, ${PACKET_SIZE} B, just before each run` },
        target: { op: '>=', value: mppe === 'stateless' ? 200_000 : 250_000 },
      });
      reportRuns({
        name,
        runs: pps,
        unit: `pkt/s through the server (${fmt(gbit(mid.pps), 2)} Gbit/s)`,
        baseline: { runs: runs.map((r) => r.rc4.baseline), unit: 'pkt/s', what: `raw ${runs[0].rc4.baselineName}, ${PACKET_SIZE} B, just before each run` },
        ratio: pct(runs.map((r) => r.pps / r.rc4.baseline), 50),
        target: { op: '>=', value: 0.4, on: 'ratio' },
        note: `median run: ${mid.note}`,
      });
    }
  } finally {
    await blaster?.stop();
    await down?.stop();
    await echo?.stop();
    await server?.stop();
    await deleteNetns(nsC);
    await deleteNetns(nsS);
  }
}

/** How much of the run the native fast path forwarded, and how often a call moved in and out of it. */
function fastPathNote(s0: Status, s1: Status): string {
  if (!s1.fastPath || !s0.fastPath) return 'fast path off';
  const fwd = s1.fastPath.forwarded - s0.fastPath.forwarded;
  const all = s1.tunWritten - s0.tunWritten;
  return `fast path forwarded ${fmt(fwd)} of ${fmt(all)} TUN writes (calls taken ${s1.fastPath.engaged - s0.fastPath.engaged}, given back ${s1.fastPath.released - s0.fastPath.released})`;
}
