/**
 * IPv4 addresses (dotted quad <-> 32-bit number), the Internet checksum and
 * the header decoder the in-memory twins and the capture filter use.
 */

/**
 * IPv4 dotted-quad <-> 32-bit unsigned number: four groups of one to
 * three decimal digits, each at most 255, separated by dots, nothing
 * else. Read character by character (it runs several times per call
 * set-up: routes, DHCP, the call's addresses).
 */
export function ipToNumber(ip: string): number | undefined {
  let n = 0;
  let at = 0;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (ip.charCodeAt(at) !== 0x2e) return undefined;
      at++;
    }
    let o = 0;
    let digits = 0;
    for (; digits < 3 && at < ip.length; digits++, at++) {
      const c = ip.charCodeAt(at) - 0x30;
      if (c < 0 || c > 9) break;
      o = o * 10 + c;
    }
    if (digits === 0 || o > 255) return undefined;
    n = n * 256 + o;
  }
  return at === ip.length ? n : undefined;
}

export function numberToIp(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** RFC 1071 Internet checksum over buf[start, end), added to `initial` (the unfolded sum of words before them, e.g. a pseudo-header). */
export function internetChecksum(buf: Uint8Array, start = 0, end = buf.length, initial = 0): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (i < end) sum += buf[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export interface Ipv4Header {
  headerLength: number;
  totalLength: number;
  ttl: number;
  protocol: number;
  src: string;
  dst: string;
}

/**
 * IPv4 header (RFC 791):
 *   0: version(4) IHL(4) | 1: TOS | 2-3: total length | 4-5: id
 *   6-7: flags(3) fragment offset(13) | 8: TTL | 9: protocol | 10-11: checksum
 *   12-15: source | 16-19: destination | 20..: options (IHL*4 - 20 bytes)
 * Returns undefined for anything that is not a whole, well-formed IPv4 packet.
 */
export function parseIpv4(p: Uint8Array): Ipv4Header | undefined {
  if (p.length < 20 || p[0] >> 4 !== 4) return undefined;
  const headerLength = (p[0] & 0x0f) * 4;
  const totalLength = (p[2] << 8) | p[3];
  if (headerLength < 20 || totalLength < headerLength || totalLength > p.length) return undefined;
  return {
    headerLength,
    totalLength,
    ttl: p[8],
    protocol: p[9],
    src: `${p[12]}.${p[13]}.${p[14]}.${p[15]}`,
    dst: `${p[16]}.${p[17]}.${p[18]}.${p[19]}`,
  };
}
