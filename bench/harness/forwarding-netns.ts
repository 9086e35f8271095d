/**
 * MPPE-128 forwarding for real (root only): the server child (the
 * product's PptpServer with the raw GRE socket and a Linux TUN) in one
 * network namespace, the blaster (our client engines over a raw GRE
 * socket) in another, a veth pair between them.
 *   up:   the blaster's packets go to 10.99.0.1, which the server
 *         namespace does not forward (a sink): the server's TUN writes
 *         per second are the figure;
 *   echo: the packets go to a UDP echo host on the server's tunnel
 *         address behind the TUN: every packet crosses the server twice
 *         (decrypt + encrypt).
 * Both namespaces and every process are removed afterwards, also on failure.
 * All of it shares this machine's 2 cores: the server's CPU seconds are
 * reported beside the wall-clock rate.
 */
import { canRoot } from '../../test/harness/root.js';
import { createNetns, deleteNetns, runInNetns, uniqueNetnsName, vethPair } from '../../test/harness/netns.js';
import { scriptCommand, spawnLineChild, startServerChild, type LineChild, type ServerChild } from './child.js';
import { PACKET_SIZE } from './forwarding-inproc.js';
import { TUNNEL_IP } from './inproc.js';
import { fmt, info, report, skip } from './report.js';

const SERVER_VETH = '10.250.0.1';
const CLIENT_VETH = '10.250.0.2';

interface Status {
  tunWritten: number;
  tunRead: number;
  established: number;
  cpu: { user: number; system: number };
}

export async function runNetnsForwarding(baseline: number, baselineName: string, tsRc4: number): Promise<void> {
  const can = canRoot();
  if (!can.ok) {
    skip('forwarding in namespaces (raw GRE + Linux TUN)', can.reason);
    return;
  }
  const seconds = Number(process.env.FORWARD_NETNS_SECONDS ?? 4);
  for (const mppe of ['stateful', 'stateless'] as const) {
    for (const sessions of [1, 100]) {
      try {
        await oneCase(baseline, baselineName, tsRc4, mppe, sessions, seconds);
      } catch (err) {
        skip(`forwarding in namespaces, MPPE-128 ${mppe}, ${sessions} sessions`, `failed: ${(err as Error).message.slice(0, 500)}`);
      }
    }
  }
}

async function oneCase(baseline: number, baselineName: string, tsRc4: number, mppe: 'stateful' | 'stateless', sessions: number, seconds: number): Promise<void> {
  const nsS = await createNetns(uniqueNetnsName('bsrv'));
  const nsC = await createNetns(uniqueNetnsName('bcli'));
  let server: ServerChild | undefined;
  let blaster: LineChild | undefined;
  let echo: LineChild | undefined;
  try {
    await vethPair(nsS, nsC, `${SERVER_VETH}/24`, `${CLIENT_VETH}/24`);
    server = await startServerChild(
      { gre: 'raw', tun: 'linux', listen: { address: SERVER_VETH, port: 1723 }, poolFirst: '10.64.0.1', poolLast: '10.64.1.200', mppe, maxSeconds: 300 },
      { netns: nsS },
    );
    echo = spawnLineChild([...scriptCommand('echo'), TUNNEL_IP, '9', '300'], { netns: nsS });
    await echo.next('ready', 20_000);
    const gbit = (pps: number) => (pps * PACKET_SIZE * 8) / 1e9;
    for (const [label, dst] of [
      ['up (client -> server -> TUN sink)', '10.99.0.1'],
      ['echo (client -> server -> TUN -> echo host -> server -> client)', TUNNEL_IP],
    ] as const) {
      blaster = spawnLineChild(
        [...scriptCommand('blaster'), JSON.stringify({ server: SERVER_VETH, sessions, dst, seconds, mppe, burst: sessions > 1 ? 8 : 48, maxSeconds: 240 })],
        { netns: nsC },
      );
      const up = await blaster.next<{ sessions: number; failed: Record<string, number> }>('up', 90_000);
      if (up.sessions !== sessions) throw new Error(`blaster: ${up.sessions}/${sessions} sessions up ${JSON.stringify(up.failed)}`);
      const s0 = await server.ask<Status>('status', 'status');
      blaster.send('go');
      const done = await blaster.next<{ sent: number; received: number; seconds: number; windowFullDrops: number }>('done', (seconds + 30) * 1000);
      const s1 = await server.ask<Status>('status', 'status');
      await blaster.stop();
      blaster = undefined;
      const tunOut = s1.tunWritten - s0.tunWritten;
      const tunIn = s1.tunRead - s0.tunRead;
      const cpuS = (s1.cpu.user + s1.cpu.system - s0.cpu.user - s0.cpu.system) / 1e6;
      const packets = tunOut + tunIn; // each crossed the server once (decrypt or encrypt)
      const pps = packets / done.seconds;
      report({
        name: `forwarding in namespaces, MPPE-128 ${mppe}, ${sessions} session${sessions > 1 ? 's' : ''}, ${label}`,
        value: pps,
        unit: `pkt/s through the server (${fmt(gbit(pps), 2)} Gbit/s)`,
        baseline: { value: baseline, unit: 'pkt/s', what: `raw ${baselineName}, ${PACKET_SIZE} B` },
        target: { op: '>=', value: 0.4, on: 'ratio' },
        note:
          `${(pps / tsRc4).toFixed(2)} of TS RC4; client sent ${fmt(done.sent / done.seconds)} pkt/s, TUN out ${fmt(tunOut / done.seconds)}/s, TUN in ${fmt(tunIn / done.seconds)}/s, ` +
          `client got back ${fmt(done.received / done.seconds)}/s; server CPU ${fmt((cpuS / done.seconds) * 100)}% of a core ` +
          `(${fmt(packets / Math.max(cpuS, 1e-6))} pkt per CPU-second); client window drops ${done.windowFullDrops}`,
      });
    }
  } finally {
    await blaster?.stop();
    await echo?.stop();
    await server?.stop();
    await deleteNetns(nsC);
    await deleteNetns(nsS);
  }
  void runInNetns;
  void info;
}
