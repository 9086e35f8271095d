/**
 * Classless static routes: DHCP option 121 (RFC 3442) and Microsoft's
 * option 249, which has the same layout. Windows asks for 249 in its
 * DHCPINFORM over a VPN link and installs exactly the routes it gets.
 */
import { ipToNumber, numberToIp } from '../ip/ipv4.js';

export const OPTION_CLASSLESS_ROUTES = 121;
export const OPTION_MS_CLASSLESS_ROUTES = 249;

export interface ClasslessRoute {
  /** Network number, host bits clear. */
  network: string;
  /** 0-32 */
  prefixLength: number;
  router: string;
}

export type ClasslessRoutesError = { code: 'truncated' | 'bad-width' | 'host-bits-set'; detail: string };

/** Octets of the destination descriptor that carry the network: ceil(width / 8). */
function significantOctets(prefixLength: number): number {
  return (prefixLength + 7) >> 3;
}

/** The option's data (without code and length): one descriptor and router per route. Throws on a route no config can hold. */
export function encodeClasslessRoutes(routes: readonly ClasslessRoute[]): Buffer {
  const parts: Buffer[] = [];
  for (const r of routes) {
    const net = ipToNumber(r.network);
    const router = ipToNumber(r.router);
    if (net === undefined || router === undefined || !Number.isInteger(r.prefixLength) || r.prefixLength < 0 || r.prefixLength > 32) {
      throw new Error(`bad classless route ${r.network}/${r.prefixLength} via ${r.router}`);
    }
    const n = significantOctets(r.prefixLength);
    const b = Buffer.alloc(1 + n + 4);
    b[0] = r.prefixLength;
    for (let i = 0; i < n; i++) b[1 + i] = (net >>> (24 - 8 * i)) & 0xff;
    b.writeUInt32BE(router, 1 + n);
    parts.push(b);
  }
  return Buffer.concat(parts);
}

/**
 * RFC 3442 section 3, repeated until the data ends:
 *   0: mask width (0-32) | 1..n: the significant octets of the network
 *   (n = ceil(width / 8)) | n+1..n+4: router address
 * A width over 32, a route cut short, or bits set past the width are
 * errors (the RFC says a client must ignore such an option). Never throws.
 */
export function decodeClasslessRoutes(data: Uint8Array): { ok: true; routes: ClasslessRoute[] } | { ok: false; error: ClasslessRoutesError } {
  const routes: ClasslessRoute[] = [];
  let o = 0;
  while (o < data.length) {
    const width = data[o];
    if (width > 32) return { ok: false, error: { code: 'bad-width', detail: `mask width ${width} at offset ${o}` } };
    const n = significantOctets(width);
    if (o + 1 + n + 4 > data.length) return { ok: false, error: { code: 'truncated', detail: `route at offset ${o} needs ${1 + n + 4} octets, ${data.length - o} left` } };
    let net = 0;
    for (let i = 0; i < 4; i++) net = net * 256 + (i < n ? data[o + 1 + i] : 0);
    const mask = width === 0 ? 0 : (0xffffffff << (32 - width)) >>> 0;
    if ((net & ~mask) >>> 0 !== 0) return { ok: false, error: { code: 'host-bits-set', detail: `${numberToIp(net)}/${width} at offset ${o}` } };
    const r = o + 1 + n;
    routes.push({ network: numberToIp(net), prefixLength: width, router: `${data[r]}.${data[r + 1]}.${data[r + 2]}.${data[r + 3]}` });
    o = r + 4;
  }
  return { ok: true, routes };
}

/** 255.255.255.0 -> 24; undefined for a mask that is not contiguous. */
export function prefixLengthOf(mask: string): number | undefined {
  const m = ipToNumber(mask);
  if (m === undefined) return undefined;
  const len = 32 - Math.log2((~m >>> 0) + 1);
  return Number.isInteger(len) ? len : undefined;
}
