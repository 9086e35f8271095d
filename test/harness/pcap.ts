/**
 * A classic pcap reader for tests (libpcap format, not pcapng), with the
 * decoders the PPTP captures need: Ethernet II (+802.1Q), IPv4, TCP and
 * enhanced GRE (RFC 2637 4.1). Every decoder checks lengths before reading
 * and returns undefined (never throws) on malformed input.
 *
 * File header (24): magic(4) a1b2c3d4 (usec) / a1b23c4d (nsec), in either
 *   byte order; version major(2) minor(2); thiszone(4); sigfigs(4);
 *   snaplen(4); linktype(4) (1 = Ethernet).
 * Record header (16): ts_sec(4) ts_frac(4) incl_len(4) orig_len(4), then
 *   incl_len octets.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PcapFrame {
  /** 1-based, as Wireshark numbers frames. */
  number: number;
  /** Seconds since the epoch, fractional. */
  time: number;
  data: Buffer;
  origLen: number;
}

export interface Pcap {
  linkType: number;
  frames: PcapFrame[];
  /** Records cut short by the end of the file. */
  truncated: number;
}

export function readPcap(file: Buffer): Pcap | undefined {
  if (file.length < 24) return undefined;
  const magicLE = file.readUInt32LE(0);
  let le: boolean;
  let nano: boolean;
  if (magicLE === 0xa1b2c3d4 || magicLE === 0xa1b23c4d) {
    le = true;
    nano = magicLE === 0xa1b23c4d;
  } else {
    const magicBE = file.readUInt32BE(0);
    if (magicBE !== 0xa1b2c3d4 && magicBE !== 0xa1b23c4d) return undefined;
    le = false;
    nano = magicBE === 0xa1b23c4d;
  }
  const u32 = (off: number) => (le ? file.readUInt32LE(off) : file.readUInt32BE(off));
  const linkType = u32(20);
  const frames: PcapFrame[] = [];
  let truncated = 0;
  let off = 24;
  while (off + 16 <= file.length) {
    const sec = u32(off);
    const frac = u32(off + 4);
    const incl = u32(off + 8);
    const orig = u32(off + 12);
    off += 16;
    if (off + incl > file.length) {
      truncated++;
      break;
    }
    frames.push({
      number: frames.length + 1,
      time: sec + frac / (nano ? 1e9 : 1e6),
      data: file.subarray(off, off + incl),
      origLen: orig,
    });
    off += incl;
  }
  if (off < file.length && off + 16 > file.length) truncated++;
  return { linkType, frames, truncated };
}

export interface EthernetFrame {
  dst: Buffer;
  src: Buffer;
  etherType: number;
  payload: Buffer;
}

/** Ethernet II: dst(6) src(6) type(2) [802.1Q: tci(2) type(2)] payload. */
export function decodeEthernet(b: Buffer): EthernetFrame | undefined {
  if (b.length < 14) return undefined;
  let type = b.readUInt16BE(12);
  let off = 14;
  if (type === 0x8100) {
    if (b.length < 18) return undefined;
    type = b.readUInt16BE(16);
    off = 18;
  }
  return { dst: b.subarray(0, 6), src: b.subarray(6, 12), etherType: type, payload: b.subarray(off) };
}

export interface Ipv4Packet {
  headerLength: number;
  totalLength: number;
  protocol: number;
  src: string;
  dst: string;
  header: Buffer;
  /** Payload cut to totalLength (Ethernet padding removed). */
  payload: Buffer;
}

function ipString(b: Buffer, off: number): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/**
 * IPv4 (RFC 791): ver/ihl(1) tos(1) total(2) id(2) flags/frag(2) ttl(1)
 * proto(1) checksum(2) src(4) dst(4) [options] payload.
 */
export function decodeIpv4(b: Buffer): Ipv4Packet | undefined {
  if (b.length < 20) return undefined;
  if (b[0]! >> 4 !== 4) return undefined;
  const ihl = (b[0]! & 0x0f) * 4;
  const total = b.readUInt16BE(2);
  if (ihl < 20 || total < ihl || total > b.length) return undefined;
  return {
    headerLength: ihl,
    totalLength: total,
    protocol: b[9]!,
    src: ipString(b, 12),
    dst: ipString(b, 16),
    header: b.subarray(0, ihl),
    payload: b.subarray(ihl, total),
  };
}

/** RFC 1071 one's-complement sum; 0 over a header that carries a correct checksum. */
export function internetChecksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (b.length & 1) sum += b[b.length - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  flags: number;
  payload: Buffer;
}

/** TCP (RFC 793): ports(4) seq(4) ack(4) off/flags(2) win(2) sum(2) urg(2) [options] data. */
export function decodeTcp(b: Buffer): TcpSegment | undefined {
  if (b.length < 20) return undefined;
  const off = (b[12]! >> 4) * 4;
  if (off < 20 || off > b.length) return undefined;
  return { srcPort: b.readUInt16BE(0), dstPort: b.readUInt16BE(2), seq: b.readUInt32BE(4), flags: b[13]!, payload: b.subarray(off) };
}

export interface GrePacket {
  callId: number;
  seq?: number;
  ack?: number;
  /** The PPP frame (payloadLength octets). */
  payload: Buffer;
}

/**
 * Enhanced GRE (RFC 2637 4.1): flags/version(2): C R K S s Recur A flags
 * Ver(=1); protocol(2) = 0x880B; payload length(2); call id(2);
 * [sequence(4) if S]; [acknowledgment(4) if A]; payload.
 */
export function decodeGre(b: Buffer): GrePacket | undefined {
  if (b.length < 8) return undefined;
  const flags = b.readUInt16BE(0);
  if ((flags & 0x0007) !== 1 || b.readUInt16BE(2) !== 0x880b) return undefined;
  if (!(flags & 0x2000)) return undefined; // K must be set
  const payloadLength = b.readUInt16BE(4);
  const callId = b.readUInt16BE(6);
  let off = 8;
  let seq: number | undefined;
  let ack: number | undefined;
  if (flags & 0x1000) {
    if (b.length < off + 4) return undefined;
    seq = b.readUInt32BE(off);
    off += 4;
  }
  if (flags & 0x0080) {
    if (b.length < off + 4) return undefined;
    ack = b.readUInt32BE(off);
    off += 4;
  }
  if (b.length < off + payloadLength) return undefined;
  return { callId, seq, ack, payload: b.subarray(off, off + payloadLength) };
}

export interface PppFrame {
  protocol: number;
  /** The information field, after the protocol. */
  info: Buffer;
}

/** PPP in HDLC-like framing without flags/FCS: [FF 03] protocol(1 with PFC, or 2) info. */
export function decodePpp(b: Buffer): PppFrame | undefined {
  let off = 0;
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0x03) off = 2;
  if (b.length < off + 1) return undefined;
  if (b[off]! & 1) return { protocol: b[off]!, info: b.subarray(off + 1) };
  if (b.length < off + 2) return undefined;
  return { protocol: b.readUInt16BE(off), info: b.subarray(off + 2) };
}

/** One GRE-carried PPP frame of a capture, with the addresses it travelled between. */
export interface CapturedPpp {
  frame: number;
  src: string;
  dst: string;
  gre: GrePacket;
  ppp: PppFrame;
}

/** Every IPv4/GRE frame of an Ethernet capture that carries PPP. */
export function pppFramesOf(pcap: Pcap): CapturedPpp[] {
  const out: CapturedPpp[] = [];
  if (pcap.linkType !== 1) return out;
  for (const f of pcap.frames) {
    const eth = decodeEthernet(f.data);
    if (!eth || eth.etherType !== 0x0800) continue;
    const ip = decodeIpv4(eth.payload);
    if (!ip || ip.protocol !== 47) continue;
    const gre = decodeGre(ip.payload);
    if (!gre || gre.payload.length === 0) continue;
    const ppp = decodePpp(gre.payload);
    if (!ppp) continue;
    out.push({ frame: f.number, src: ip.src, dst: ip.dst, gre, ppp });
  }
  return out;
}

// ---- additions for the codec and bad-input capture tests ----

/**
 * A capture under shared/reference/captures, which lives beside the
 * repository: walk up from this file (test/harness or dist/test/harness).
 * undefined when it is not there (the tests then skip).
 */
export function capturePath(name: string): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = resolve(dir, '..', 'shared', 'reference', 'captures', name);
    if (existsSync(p)) return p;
    dir = resolve(dir, '..');
  }
  return undefined;
}

/** One IPv4 packet of an Ethernet capture with its frame number. */
export interface CapturedIpv4 {
  frame: number;
  ip: Ipv4Packet;
}

/** Every IPv4 packet of an Ethernet capture whose IP protocol is `protocol` (6 TCP, 47 GRE ...). */
export function ipv4PacketsOf(pcap: Pcap, protocol: number): CapturedIpv4[] {
  const out: CapturedIpv4[] = [];
  if (pcap.linkType !== 1) return out;
  for (const f of pcap.frames) {
    const eth = decodeEthernet(f.data);
    if (!eth || eth.etherType !== 0x0800) continue;
    const ip = decodeIpv4(eth.payload);
    if (!ip || ip.protocol !== protocol) continue;
    out.push({ frame: f.number, ip });
  }
  return out;
}

/** A TCP segment that carried data, as placed in its stream. */
export interface StreamSegment {
  frame: number;
  /** Offset of the segment's first new octet in the stream. */
  offset: number;
  /** The new octets it contributed (retransmitted octets trimmed). */
  data: Buffer;
}

/** One direction of a TCP connection, reassembled. */
export interface TcpStream {
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  segments: StreamSegment[];
  /** Every octet in order (the concatenation of the segments' data). */
  bytes: Buffer;
  /** Octets missing from the capture (a hole stops reassembly there). */
  gaps: number;
}

const TCP_SYN = 0x02;

/**
 * Reassemble every TCP stream (per direction) with `port` at either end.
 * Stream offsets are relative to the SYN when it was captured, else to the
 * first segment seen. Segments are ordered by sequence number (mod 2^32);
 * retransmitted octets are trimmed; a hole stops the stream there and is
 * counted in `gaps` (a capture of a live call may start mid-stream).
 */
export function tcpStreams(pcap: Pcap, port: number): TcpStream[] {
  interface Raw { frame: number; seq: number; syn: boolean; payload: Buffer }
  const flows = new Map<string, { src: string; srcPort: number; dst: string; dstPort: number; raw: Raw[] }>();
  for (const { frame, ip } of ipv4PacketsOf(pcap, 6)) {
    const t = decodeTcp(ip.payload);
    if (!t || (t.srcPort !== port && t.dstPort !== port)) continue;
    const key = `${ip.src}:${t.srcPort}>${ip.dst}:${t.dstPort}`;
    let flow = flows.get(key);
    if (!flow) {
      flow = { src: ip.src, srcPort: t.srcPort, dst: ip.dst, dstPort: t.dstPort, raw: [] };
      flows.set(key, flow);
    }
    flow.raw.push({ frame, seq: t.seq, syn: (t.flags & TCP_SYN) !== 0, payload: t.payload });
  }
  const out: TcpStream[] = [];
  for (const flow of flows.values()) {
    const syn = flow.raw.find((r) => r.syn);
    const withData = flow.raw.filter((r) => r.payload.length > 0);
    if (!syn && withData.length === 0) continue;
    const base = syn ? (syn.seq + 1) >>> 0 : withData[0]!.seq;
    const rel = (seq: number) => (seq - base) >>> 0;
    const ordered = [...withData].sort((a, b) => rel(a.seq) - rel(b.seq) || a.frame - b.frame);
    const segments: StreamSegment[] = [];
    let next = 0;
    let gaps = 0;
    for (const r of ordered) {
      const start = rel(r.seq);
      if (start > next) {
        gaps += start - next;
        break;
      }
      const skip = next - start;
      if (skip >= r.payload.length) continue;
      const data = r.payload.subarray(skip);
      segments.push({ frame: r.frame, offset: next, data });
      next += data.length;
    }
    out.push({
      src: flow.src,
      srcPort: flow.srcPort,
      dst: flow.dst,
      dstPort: flow.dstPort,
      segments,
      bytes: Buffer.concat(segments.map((s) => s.data)),
      gaps,
    });
  }
  return out;
}
