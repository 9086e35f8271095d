/** UDP (RFC 768) in a whole IPv4 packet: the server's DHCP answers and our client's DHCPINFORM. */
import { internetChecksum, ipToNumber, parseIpv4 } from './ipv4.js';

export interface UdpDatagram {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  payload: Buffer;
  ttl?: number;
}

const IP_HEADER = 20;
const UDP_HEADER = 8;
const IPPROTO_UDP = 17;

/**
 * The checksum over the pseudo-header (source and destination from the IP
 * header, zero, protocol, UDP length) and the datagram, read in place;
 * an odd last octet counts as padded with zero. 0 over a datagram that
 * carries its right checksum.
 */
function pseudoChecksum(p: Buffer, udpAt: number, udpLength: number): number {
  let pseudo = IPPROTO_UDP + udpLength;
  for (let i = 12; i < 20; i += 2) pseudo += (p[i]! << 8) | p[i + 1]!;
  return internetChecksum(p, udpAt, udpAt + udpLength, pseudo);
}

/** RFC 768 checksum over the pseudo-header and the datagram (its checksum field zero); 0 is sent as 0xffff. */
function udpChecksum(p: Buffer, udpAt: number, udpLength: number): number {
  const sum = pseudoChecksum(p, udpAt, udpLength);
  return sum === 0 ? 0xffff : sum;
}

/** An IPv4 packet (no options, DF clear) carrying one UDP datagram, both checksums valid. */
export function buildUdpIpv4(d: UdpDatagram): Buffer {
  const src = ipToNumber(d.src);
  const dst = ipToNumber(d.dst);
  if (src === undefined || dst === undefined) throw new Error(`bad address ${d.src} -> ${d.dst}`);
  const udpLength = UDP_HEADER + d.payload.length;
  const p = Buffer.alloc(IP_HEADER + udpLength);
  p[0] = 0x45;
  p.writeUInt16BE(p.length, 2);
  p[8] = d.ttl ?? 64;
  p[9] = IPPROTO_UDP;
  p.writeUInt32BE(src, 12);
  p.writeUInt32BE(dst, 16);
  p.writeUInt16BE(internetChecksum(p, 0, IP_HEADER), 10);
  p.writeUInt16BE(d.srcPort, IP_HEADER);
  p.writeUInt16BE(d.dstPort, IP_HEADER + 2);
  p.writeUInt16BE(udpLength, IP_HEADER + 4);
  d.payload.copy(p, IP_HEADER + UDP_HEADER);
  p.writeUInt16BE(udpChecksum(p, IP_HEADER, udpLength), IP_HEADER + 6);
  return p;
}

export type UdpParse =
  | { ok: true; datagram: UdpDatagram }
  | { ok: false; error: 'not-udp' | 'fragment' | 'bad-length' | 'bad-checksum' };

/**
 * UDP after the IPv4 header (RFC 768):
 *   0-1: source port | 2-3: destination port | 4-5: length (header + data) | 6-7: checksum (0 = none)
 * `not-udp` for anything that is not an IPv4 UDP packet; the others for a UDP packet we cannot use
 * (a fragment, a length beyond the IP packet, a wrong checksum). Never throws.
 */
export function parseUdpIpv4(p: Buffer): UdpParse {
  const h = parseIpv4(p);
  if (!h || h.protocol !== IPPROTO_UDP) return { ok: false, error: 'not-udp' };
  if ((p[6] & 0x20) !== 0 || ((p[6] & 0x1f) | p[7]) !== 0) return { ok: false, error: 'fragment' };
  const o = h.headerLength;
  if (h.totalLength - o < UDP_HEADER) return { ok: false, error: 'bad-length' };
  const udpLength = p.readUInt16BE(o + 4);
  if (udpLength < UDP_HEADER || o + udpLength > h.totalLength) return { ok: false, error: 'bad-length' };
  if (p.readUInt16BE(o + 6) !== 0 && pseudoChecksum(p, o, udpLength) !== 0) return { ok: false, error: 'bad-checksum' };
  return {
    ok: true,
    datagram: {
      src: h.src,
      dst: h.dst,
      srcPort: p.readUInt16BE(o),
      dstPort: p.readUInt16BE(o + 2),
      payload: Buffer.from(p.subarray(o + UDP_HEADER, o + udpLength)),
      ttl: h.ttl,
    },
  };
}

/** Destination port of an IPv4 UDP packet that is not a later fragment; undefined otherwise. Cheap: read per packet. */
export function udpDestinationPort(p: Buffer): number | undefined {
  if (p.length < IP_HEADER + UDP_HEADER || p[0] >> 4 !== 4 || p[9] !== IPPROTO_UDP) return undefined;
  const o = (p[0] & 0x0f) * 4;
  if (((p[6] & 0x1f) | p[7]) !== 0 || p.length < o + 4) return undefined;
  return p.readUInt16BE(o + 2);
}
