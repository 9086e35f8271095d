/** ICMP echo request/reply (RFC 792) in a whole IPv4 packet: the load generator's and the in-memory kernel's pings. */
import { internetChecksum, ipToNumber, parseIpv4 } from './ipv4.js';

export interface IcmpEcho {
  src: string;
  dst: string;
  /** 8 = echo request, 0 = echo reply */
  type: 0 | 8;
  id: number;
  seq: number;
  payload: Buffer;
  ttl?: number;
}

/** Builds an IPv4 ICMP echo request/reply with valid checksums. */
export function buildIcmpEcho(e: IcmpEcho): Buffer {
  const src = ipToNumber(e.src);
  const dst = ipToNumber(e.dst);
  if (src === undefined || dst === undefined) throw new Error(`bad address ${e.src} -> ${e.dst}`);
  const p = Buffer.alloc(28 + e.payload.length);
  p[0] = 0x45;
  p.writeUInt16BE(p.length, 2);
  p.writeUInt16BE(e.id ^ e.seq, 4);
  p[8] = e.ttl ?? 64;
  p[9] = 1;
  p.writeUInt32BE(src, 12);
  p.writeUInt32BE(dst, 16);
  p.writeUInt16BE(internetChecksum(p, 0, 20), 10);
  p[20] = e.type;
  p.writeUInt16BE(e.id, 24);
  p.writeUInt16BE(e.seq, 26);
  e.payload.copy(p, 28);
  p.writeUInt16BE(internetChecksum(p, 20, p.length), 22);
  return p;
}

/**
 * ICMP echo (RFC 792) after the IPv4 header: 0: type | 1: code | 2-3: checksum
 * | 4-5: identifier | 6-7: sequence | 8..: data. Undefined unless the packet is
 * an intact echo request or reply.
 */
export function parseIcmpEcho(p: Uint8Array): IcmpEcho | undefined {
  const h = parseIpv4(p);
  if (!h || h.protocol !== 1) return undefined;
  if (((p[6] & 0x3f) | p[7]) !== 0 || (p[6] & 0x20) !== 0) return undefined; // fragment
  const o = h.headerLength;
  if (h.totalLength - o < 8) return undefined;
  const type = p[o];
  if ((type !== 0 && type !== 8) || p[o + 1] !== 0) return undefined;
  if (internetChecksum(p, o, h.totalLength) !== 0) return undefined;
  return {
    src: h.src,
    dst: h.dst,
    type,
    id: (p[o + 4] << 8) | p[o + 5],
    seq: (p[o + 6] << 8) | p[o + 7],
    payload: Buffer.from(p.subarray(o + 8, h.totalLength)),
    ttl: h.ttl,
  };
}
