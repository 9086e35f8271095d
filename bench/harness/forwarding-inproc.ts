/**
 * MPPE-128 forwarding through the server, in process: the real PptpServer
 * (memory GRE, synchronous sink TUN), our clients on the same thread.
 * Only the server's work is timed:
 *   up:   the clients encrypt a window of 1,400-octet IP packets each
 *         (untimed; the memory network holds them), then the captured GRE
 *         packets are handed to the server's GRE handler one by one, timed
 *         until the last IP packet reaches the TUN (GRE decode, window,
 *         PPP, MPPE decrypt, source check, TUN write);
 *   down: 1,400-octet IP packets to each client address go into the TUN
 *         handler, timed until the last GRE packet was sent (lookup by
 *         address, MPPE encrypt, PPP framing, GRE header, socket send);
 *         the clients then decrypt them (untimed) and must receive all.
 * Rounds are one GRE window (64 packets) per session, so nothing is
 * dropped or queued; acks flow between rounds.
 */
import { performance } from 'node:perf_hooks';
import type { PptpClient } from '../../src/client/dial.js';
import { benchConfig, dialMany, hangupAll, SERVER_IP, startInproc, type InprocRig } from './inproc.js';
import { internetChecksum } from '../../src/proto/ip/ipv4.js';
import { ipToNumber } from '../../src/proto/ip/ipv4.js';

export const PACKET_SIZE = 1400;

/** A 1,400-octet IPv4/UDP packet from `src` to `dst` (valid header checksum). */
export function udpPacket(src: string, dst: string, size = PACKET_SIZE): Buffer {
  const p = Buffer.alloc(size);
  p[0] = 0x45;
  p.writeUInt16BE(size, 2);
  p[8] = 64;
  p[9] = 17;
  p.writeUInt32BE(ipToNumber(src)!, 12);
  p.writeUInt32BE(ipToNumber(dst)!, 16);
  p.writeUInt16BE(internetChecksum(p, 0, 20), 10);
  p.writeUInt16BE(40000, 20);
  p.writeUInt16BE(9, 22);
  p.writeUInt16BE(size - 20, 24);
  for (let i = 28; i < size; i++) p[i] = i & 0xff;
  return p;
}

export interface ForwardingResult {
  sessions: number;
  up: { packets: number; serverMs: number; pps: number };
  down: { packets: number; serverMs: number; pps: number; delivered: number };
  /** Both directions: packets / server time. */
  pps: number;
}

const tick = () => new Promise<void>((r) => setImmediate(r));

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, 1));
  }
  return true;
}

export async function forwardingInproc(o: { sessions: number; stateful: boolean; packetsPerDirection: number; maxMs: number }): Promise<ForwardingResult> {
  let serverGre: ((p: Buffer, from: string, to: string) => void) | undefined;
  const rig: InprocRig = await startInproc(benchConfig({ poolSize: o.sessions + 10, mppe: { strength: 128, required: true, stateful: o.stateful } }), {
    wrapServerGre: (fn) => (serverGre = fn),
  });
  const started = performance.now();
  const clients: PptpClient[] = [];
  try {
    const d = await dialMany(
      (i) => rig.dial(`127.0.0.${2 + (i % 8)}`, { mppe: { strength: 128, required: true, stateful: o.stateful } }),
      o.sessions,
      50,
      60_000,
    );
    clients.push(...d.clients);
    if (clients.length !== o.sessions) throw new Error(`only ${clients.length}/${o.sessions} sessions up: ${JSON.stringify(d.failed)}`);
    // a Windows client's DHCPINFORM exchange (split tunnelling) is over before packets are captured for replay
    await Promise.all(clients.map((c) => c.informAck));
    const window = 64;
    const rounds = Math.max(1, Math.ceil(o.packetsPerDirection / (window * o.sessions)));
    const pkts = clients.map((c) => udpPacket(c.clientAddress, '10.99.0.1'));

    // ---------------------------------------------------------------- up
    const captured: { p: Buffer; from: string }[] = [];
    rig.gre.onTraffic((p, from, to) => {
      if (to === SERVER_IP && p.length > 100) captured.push({ p, from });
    });
    let upPackets = 0;
    let upMs = 0;
    const tun = rig.tun;
    for (let r = 0; r < rounds && performance.now() - started < o.maxMs; r++) {
      captured.length = 0;
      rig.gre.setImpairments({ loss: 1 }); // held here, handed over below
      for (let k = 0; k < window; k++) for (let i = 0; i < clients.length; i++) clients[i].sendIp(pkts[i]);
      rig.gre.setImpairments({});
      const before = tun.written;
      const t0 = performance.now();
      for (const c of captured) serverGre!(c.p, c.from, SERVER_IP);
      upMs += performance.now() - t0;
      const got = tun.written - before;
      if (got !== captured.length) throw new Error(`up: ${captured.length} GRE packets in, ${got} IP packets out; server errors ${JSON.stringify(rig.server.status().errors)}`);
      upPackets += got;
      await tick(); // the server's acks reach the clients
      await tick();
    }
    rig.gre.onTraffic(() => {});

    // ---------------------------------------------------------------- down
    let delivered = 0;
    for (const c of clients) c.onIp(() => delivered++);
    const downPkts = clients.map((c) => udpPacket('10.99.0.1', c.clientAddress));
    let downPackets = 0;
    let downMs = 0;
    for (let r = 0; r < rounds && performance.now() - started < o.maxMs; r++) {
      const t0 = performance.now();
      for (let k = 0; k < window; k++) for (let i = 0; i < downPkts.length; i++) tun.inject(downPkts[i]);
      downMs += performance.now() - t0;
      downPackets += window * downPkts.length;
      // the clients decrypt and ack before the next round
      if (!(await waitFor(() => delivered >= downPackets, 10_000))) break;
      await tick();
      await tick();
    }
    return {
      sessions: clients.length,
      up: { packets: upPackets, serverMs: upMs, pps: (upPackets * 1000) / upMs },
      down: { packets: downPackets, serverMs: downMs, pps: (downPackets * 1000) / downMs, delivered },
      pps: ((upPackets + downPackets) * 1000) / (upMs + downMs),
    };
  } finally {
    await hangupAll(clients);
    await rig.close();
  }
}
