/**
 * `capture NAME [interface IF] [user U] [tunnel N]`: records the PPTP
 * control connection, the GRE packets and the decrypted inner IP packets
 * of matching sessions, for `show capture` and `copy capture:NAME FILE`.
 *
 * The file is pcapng with two interfaces: 0 = the wire as raw IPv4 (TCP
 * 1723 and GRE, with synthesized outer headers), 1 = the decrypted inner
 * traffic as PPP-with-direction (protocol 0x0021). Each capture keeps at
 * most `maxBytes` (a ring: the oldest packets go first).
 * Costs one boolean check per packet while no capture is active.
 *
 * With data-plane workers (src/server/workers/) each worker captures its
 * own calls into a ring of its own; the primary merges the workers'
 * records by timestamp into one file (mergeRecords, capturePcapng). The
 * timestamps come from the monotonic clock anchored to the wall clock at
 * process start (performance.timeOrigin): microseconds, in order within a
 * worker even if the system clock is set back, and comparable between
 * workers.
 */
import { enhancedPacket, interfaceDescription, LINKTYPE_PPP_WITH_DIR, LINKTYPE_RAW, sectionHeader } from '../proto/pcapng.js';
import { ipToNumber } from '../proto/ip/ipv4.js';

export interface CaptureSpec {
  name: string;
  interfaceName?: string;
  user?: string;
  tunnel?: number;
  maxBytes?: number;
}

/** Which session a packet belongs to. */
export interface CaptureContext {
  interfaceName: string;
  tunnel: number;
  user: string;
}

/** One captured packet: interface 0 (the wire) or 1 (inner PPP), microseconds since the epoch. */
export interface CaptureRecord {
  ifId: 0 | 1;
  timeUs: number;
  data: Uint8Array;
}

/** What `show capture` lists of one capture. */
export interface CaptureInfo {
  name: string;
  spec: CaptureSpec;
  packets: number;
  bytes: number;
}

interface TcpFlow {
  seq: number;
}

const DEFAULT_MAX_BYTES = 1 << 20;

class OneCapture {
  readonly records: CaptureRecord[] = [];
  bytes = 0;
  packets = 0;
  constructor(readonly spec: CaptureSpec) {}

  matches(ctx: CaptureContext): boolean {
    const s = this.spec;
    return (
      (s.interfaceName === undefined || s.interfaceName === ctx.interfaceName) &&
      (s.user === undefined || s.user === ctx.user) &&
      (s.tunnel === undefined || s.tunnel === ctx.tunnel)
    );
  }

  add(r: CaptureRecord): void {
    this.records.push(r);
    this.bytes += r.data.length;
    this.packets++;
    const max = this.spec.maxBytes ?? DEFAULT_MAX_BYTES;
    while (this.bytes > max && this.records.length > 1) this.bytes -= this.records.shift()!.data.length;
  }
}

function ipv4Header(src: string, dst: string, protocol: number, payloadLength: number, id: number): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payloadLength, 2);
  h.writeUInt16BE(id & 0xffff, 4);
  h[8] = 64;
  h[9] = protocol;
  h.writeUInt32BE(ipToNumber(src) ?? 0, 12);
  h.writeUInt32BE(ipToNumber(dst) ?? 0, 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += h.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  h.writeUInt16BE(~sum & 0xffff, 10);
  return h;
}

/** Wall-clock microseconds from the monotonic clock (see the head comment). */
export function monotonicWallUs(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Several workers' records of one capture as one list in timestamp order:
 * each list is already in order, so a k-way merge; equal timestamps keep
 * the order of the lists, and each list keeps its own order whatever its
 * timestamps say.
 */
export function mergeRecords(parts: readonly (readonly CaptureRecord[])[]): CaptureRecord[] {
  const at = parts.map(() => 0);
  const out: CaptureRecord[] = [];
  for (;;) {
    let best = -1;
    for (let i = 0; i < parts.length; i++) {
      if (at[i] < parts[i].length && (best < 0 || parts[i][at[i]].timeUs < parts[best][at[best]].timeUs)) best = i;
    }
    if (best < 0) return out;
    out.push(parts[best][at[best]++]);
  }
}

/** The pcapng file of a capture's records (see the head comment for its two interfaces). */
export function capturePcapng(records: readonly CaptureRecord[]): Buffer {
  return Buffer.concat([
    sectionHeader(),
    interfaceDescription(LINKTYPE_RAW),
    interfaceDescription(LINKTYPE_PPP_WITH_DIR),
    ...records.map((r) => enhancedPacket(r.ifId, r.timeUs, r.data)),
  ]);
}

export class CaptureManager {
  private readonly captures = new Map<string, OneCapture>();
  private readonly flows = new Map<string, TcpFlow>();
  private ipId = 0;
  /** Cheap guard for the per-packet path. */
  active = false;

  constructor(private readonly nowUs: () => number = monotonicWallUs) {}

  start(spec: CaptureSpec): void {
    const old = this.captures.get(spec.name);
    this.captures.set(spec.name, old ? Object.assign(new OneCapture(spec), { records: old.records, bytes: old.bytes }) : new OneCapture(spec));
    this.active = true;
  }

  stop(name: string): boolean {
    const had = this.captures.delete(name);
    this.active = this.captures.size > 0;
    return had;
  }

  list(): CaptureInfo[] {
    return [...this.captures.values()].map((c) => ({ name: c.spec.name, spec: c.spec, packets: c.records.length, bytes: c.bytes }));
  }

  /** The records one capture holds, oldest first, or undefined if there is no such capture. */
  records(name: string): readonly CaptureRecord[] | undefined {
    return this.captures.get(name)?.records;
  }

  /** The pcapng file of one capture, or undefined if there is no such capture. */
  pcapng(name: string): Buffer | undefined {
    const c = this.captures.get(name);
    return c && capturePcapng(c.records);
  }

  /** Bytes of the PPTP control connection (TCP payload), either direction. */
  control(ctx: CaptureContext, from: { address: string; port: number }, to: { address: string; port: number }, payload: Uint8Array): void {
    const targets = this.targets(ctx);
    if (!targets.length) return;
    const key = `${from.address}:${from.port}>${to.address}:${to.port}`;
    const flow = this.flows.get(key) ?? { seq: 1 };
    this.flows.set(key, flow);
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(from.port, 0);
    tcp.writeUInt16BE(to.port, 2);
    tcp.writeUInt32BE(flow.seq >>> 0, 4);
    tcp[12] = 5 << 4;
    tcp[13] = 0x18; // PSH ACK
    tcp.writeUInt16BE(65535, 14);
    flow.seq = (flow.seq + payload.length) >>> 0;
    // TCP checksum left zero: tshark does not validate it by default.
    const data = Buffer.concat([ipv4Header(from.address, to.address, 6, 20 + payload.length, this.ipId++), tcp, payload]);
    this.record(targets, 0, data);
  }

  /** One GRE packet (header + payload) as it crossed the wire. */
  gre(ctx: CaptureContext, from: string, to: string, packet: Uint8Array): void {
    const targets = this.targets(ctx);
    if (!targets.length) return;
    this.record(targets, 0, Buffer.concat([ipv4Header(from, to, 47, packet.length, this.ipId++), packet]));
  }

  /** A decrypted inner IP packet; `outbound` = from the server to the client. */
  innerIp(ctx: CaptureContext, outbound: boolean, ipPacket: Uint8Array): void {
    const targets = this.targets(ctx);
    if (!targets.length) return;
    this.record(targets, 1, Buffer.concat([Buffer.from([outbound ? 1 : 0, 0xff, 0x03, 0x00, 0x21]), ipPacket]));
  }

  forgetFlow(from: { address: string; port: number }, to: { address: string; port: number }): void {
    this.flows.delete(`${from.address}:${from.port}>${to.address}:${to.port}`);
    this.flows.delete(`${to.address}:${to.port}>${from.address}:${from.port}`);
  }

  private targets(ctx: CaptureContext): OneCapture[] {
    const out: OneCapture[] = [];
    for (const c of this.captures.values()) if (c.matches(ctx)) out.push(c);
    return out;
  }

  private record(targets: OneCapture[], ifId: 0 | 1, data: Buffer): void {
    const timeUs = this.nowUs();
    for (const c of targets) c.add({ ifId, timeUs, data });
  }
}
