/**
 * Session set-up rate against the product in a namespace (root only): the
 * server child (PptpServer with the raw GRE socket and a Linux TUN, each
 * call's /32 route made through rtnetlink as in production; SETUP_TUN=sink
 * for the sink TUN of earlier runs, when every route was an `ip` process)
 * in one namespace, our client engines (bench/harness/blaster, dials only) over
 * a raw GRE socket in another, a veth pair between them. Both namespaces
 * and every process are removed afterwards, also on failure.
 *
 * Each run starts a fresh server and client; the blaster first dials and
 * hangs up SETUP_WARMUP sessions (default: as many as it times; 0 for
 * none), SETUP_WARMUP_ROUNDS times (default 2), untimed, so that the timed
 * dial measures code V8 has compiled, as in a server that has been up a
 * while (the in-process case warms up too). One round is not enough: its
 * tear-downs are the first, and V8 recompiles the set-up code they
 * deoptimized during the next round (bench/RESULTS.md). The note gives
 * the first round's rate as well: what a server does in its first seconds.
 */
import { canRoot } from '../../src/lab/rig/capability.js';
import { createNetns, deleteNetns, uniqueNetnsName, vethPair } from '../../src/lab/rig/netns.js';
import { scriptCommand, spawnLineChild, startServerChild, type LineChild, type ServerChild } from './child.js';
import { numberToIp, ipToNumber } from '../../src/proto/ip/ipv4.js';
import { eachRun, fmt, pct, reportRuns, skip } from './report.js';

export async function runNetnsSetupRate(baseline: number, sessions: number, concurrency: number): Promise<void> {
  const can = canRoot();
  if (!can.ok) {
    skip('setup rate in namespaces (raw GRE, veth)', can.reason);
    return;
  }
  const nsS = await createNetns(uniqueNetnsName('ssrv'));
  const nsC = await createNetns(uniqueNetnsName('scli'));
  let server: ServerChild | undefined;
  let dialer: LineChild | undefined;
  try {
    await vethPair(nsS, nsC, '10.251.0.1/24', '10.251.0.2/24');
    const first = ipToNumber('10.64.0.1')!;
    // the timed dial is the server's and the client's third round: two untimed ones of as many set-ups and tear-downs compile their code
    const warmup = Number(process.env.SETUP_WARMUP ?? sessions);
    const warmupRounds = warmup ? Math.max(1, Number(process.env.SETUP_WARMUP_ROUNDS ?? 2)) : 0;
    // a fresh server each run: every run starts from an empty pool and no tunnel
    const runs = await eachRun(async () => {
      server = await startServerChild(
        { gre: 'raw', tun: process.env.SETUP_TUN === 'sink' ? 'bench' : 'linux', listen: { address: '10.251.0.1', port: 1723 }, poolFirst: numberToIp(first), poolLast: numberToIp(first + sessions + warmup + 10), mppe: 'stateless', maxSeconds: 300 },
        { netns: nsS },
      );
      dialer = spawnLineChild(
        [...scriptCommand('blaster'), JSON.stringify({ server: '10.251.0.1', sessions, concurrency, warmup, warmupRounds, dst: '10.99.0.1', seconds: 0, mppe: 'stateless', maxSeconds: 240 })],
        { netns: nsC },
      );
      const warm = warmup ? await dialer.next<{ sessions: number; dialMs: number }>('warm', 100_000) : undefined;
      const s0 = await server.ask<{ cpu: { user: number; system: number } }>('status', 'status');
      if (warmup) dialer.send('dial');
      const up = await dialer.next<{ sessions: number; failed: Record<string, number>; dialMs: number; dialCpuMs: number }>('up', 200_000);
      const s1 = await server.ask<{ established: number; cpu: { user: number; system: number } }>('status', 'status');
      await dialer.stop();
      await server.stop();
      dialer = server = undefined;
      const cpuS = (s1.cpu.user + s1.cpu.system - s0.cpu.user - s0.cpu.system) / 1e6;
      return {
        rate: (up.sessions * 1000) / up.dialMs,
        coldRate: warm ? (warm.sessions * 1000) / warm.dialMs : undefined,
        up,
        established: s1.established,
        perCpuSecond: up.sessions / Math.max(cpuS, 1e-6),
        cpuShare: (cpuS * 1000) / up.dialMs,
        clientShare: up.dialCpuMs / up.dialMs,
      };
    });
    const rates = runs.map((r) => r.rate);
    const cold = runs.flatMap((r) => (r.coldRate === undefined ? [] : [r.coldRate]));
    const mid = runs[rates.indexOf(pct(rates, 50))];
    reportRuns({
      name:
        `setup rate in namespaces (server process alone: raw GRE socket, ${process.env.SETUP_TUN === 'sink' ? 'sink TUN' : 'Linux TUN and a route per call'}, veth; clients in another namespace` +
        `${warmup ? `; after ${warmupRounds === 1 ? 'an untimed round' : `${warmupRounds} untimed rounds`} of ${fmt(warmup)} set-ups and tear-downs` : '; fresh processes'})`,
      runs: rates,
      unit: 'sessions/s',
      baseline: { runs: [baseline], unit: 'sessions/s', what: 'MS-CHAPv2 + MPPE key crypto only, both ends' },
      target: { op: '>=', value: 2000 },
      note:
        `median run: ${mid.up.sessions}/${sessions} up, ${mid.established} established at the server, ${concurrency} in flight` +
        `; server CPU ${fmt(mid.cpuShare * 100)}% of a core (${fmt(mid.perCpuSecond)} set-ups per CPU-second), client CPU ${fmt(mid.clientShare * 100)}% of a core (${fmt(mid.rate / Math.max(mid.clientShare, 1e-6))} per CPU-second)` +
        (cold.length ? `; the first round (fresh server and client, V8 compiling) ${fmt(Math.min(...cold))} / ${fmt(pct(cold, 50))} / ${fmt(Math.max(...cold))} sessions/s` : '') +
        (Object.keys(mid.up.failed).length ? `; failed ${JSON.stringify(mid.up.failed)}` : ''),
    });
  } catch (err) {
    skip('setup rate in namespaces', `failed: ${(err as Error).message.slice(0, 500)}`);
  } finally {
    await dialer?.stop();
    await server?.stop();
    await deleteNetns(nsC);
    await deleteNetns(nsS);
  }
}
