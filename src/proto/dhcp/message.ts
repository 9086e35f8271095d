/**
 * DHCP messages (RFC 2131): the BOOTP header, the magic cookie and the
 * options (RFC 2132), with RFC 3396 long options: an option whose data is
 * longer than 255 octets travels as consecutive instances of the same
 * code, which the decoder joins and the encoder splits.
 */
import { ipToNumber, numberToIp } from '../ip/ipv4.js';

export const DHCP_SERVER_PORT = 67;
export const DHCP_CLIENT_PORT = 68;

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;

/** Option 53 values. */
export const DhcpMessageType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;

export const DHCP_MESSAGE_TYPE_NAMES: Readonly<Record<number, string>> = {
  1: 'DISCOVER', 2: 'OFFER', 3: 'REQUEST', 4: 'DECLINE', 5: 'ACK', 6: 'NAK', 7: 'RELEASE', 8: 'INFORM',
};

export const DhcpOption = {
  PAD: 0,
  SUBNET_MASK: 1,
  DNS_SERVERS: 6,
  HOST_NAME: 12,
  DOMAIN_NAME: 15,
  NETBIOS_NAME_SERVERS: 44,
  OPTION_OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_IDENTIFIER: 54,
  PARAMETER_REQUEST_LIST: 55,
  MAX_MESSAGE_SIZE: 57,
  VENDOR_CLASS: 60,
  CLIENT_IDENTIFIER: 61,
  END: 255,
} as const;

/** Octets before the options: the BOOTP header and the magic cookie. */
export const DHCP_FIXED_OCTETS = 240;
const COOKIE = 0x63825363;
/** RFC 1542 2.1: a BOOTP message is at least 300 octets; short replies are padded. */
export const BOOTP_MIN_OCTETS = 300;

export interface DhcpMessage {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** 16 octets, as sent */
  chaddr: Buffer;
  /** Options by code, in first-seen order; long options already joined (RFC 3396). */
  options: Map<number, Buffer>;
}

export type DhcpDecodeError = {
  code: 'short' | 'bad-cookie' | 'option-overrun' | 'no-end';
  detail: string;
};

export type DhcpDecode = { ok: true; message: DhcpMessage } | { ok: false; error: DhcpDecodeError };

function ipAt(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/**
 * RFC 2131 section 2, figure 1:
 *   0: op | 1: htype | 2: hlen | 3: hops | 4-7: xid | 8-9: secs | 10-11: flags
 *   12-15: ciaddr | 16-19: yiaddr | 20-23: siaddr | 24-27: giaddr
 *   28-43: chaddr | 44-107: sname | 108-235: file
 *   236-239: magic cookie 99.130.83.99 | 240..: options
 * Options (RFC 2132 section 2): code 0 is one pad octet, 255 ends them;
 * every other is code(1) length(1) data(length). Instances of one code are
 * joined in order (RFC 3396). The sname and file fields are not read as
 * options even with option 52 (nothing we answer needs them).
 * Errors: shorter than the fixed part, a wrong cookie, an option running
 * past the end, no end option. Never throws.
 */
export function decodeDhcp(b: Uint8Array): DhcpDecode {
  if (b.length < DHCP_FIXED_OCTETS) return { ok: false, error: { code: 'short', detail: `${b.length} octets, the fixed part is ${DHCP_FIXED_OCTETS}` } };
  const view = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (view.readUInt32BE(236) !== COOKIE) return { ok: false, error: { code: 'bad-cookie', detail: `cookie 0x${view.readUInt32BE(236).toString(16)}` } };
  // a code seen again is joined onto its first instance, which keeps its place in the Map
  const options = new Map<number, Buffer>();
  let o = DHCP_FIXED_OCTETS;
  let ended = false;
  while (o < b.length) {
    const code = b[o];
    if (code === DhcpOption.PAD) {
      o++;
      continue;
    }
    if (code === DhcpOption.END) {
      ended = true;
      break;
    }
    if (o + 2 > b.length || o + 2 + b[o + 1] > b.length) {
      return { ok: false, error: { code: 'option-overrun', detail: `option ${code} at offset ${o} runs past the end (${b.length} octets)` } };
    }
    const len = b[o + 1];
    const data = Buffer.copyBytesFrom(b, o + 2, len);
    const earlier = options.get(code);
    options.set(code, earlier === undefined ? data : Buffer.concat([earlier, data]));
    o += 2 + len;
  }
  if (!ended) return { ok: false, error: { code: 'no-end', detail: 'no end option (255)' } };
  return {
    ok: true,
    message: {
      op: b[0],
      htype: b[1],
      hlen: b[2],
      hops: b[3],
      xid: view.readUInt32BE(4),
      secs: view.readUInt16BE(8),
      flags: view.readUInt16BE(10),
      ciaddr: ipAt(b, 12),
      yiaddr: ipAt(b, 16),
      siaddr: ipAt(b, 20),
      giaddr: ipAt(b, 24),
      chaddr: Buffer.copyBytesFrom(b, 28, 16),
      options,
    },
  };
}

/** Option 53, or undefined when absent or not one octet. */
export function messageTypeOf(m: DhcpMessage): number | undefined {
  const t = m.options.get(DhcpOption.MESSAGE_TYPE);
  return t?.length === 1 ? t[0] : undefined;
}

/** The options in the Map's order, each split into 255-octet instances (RFC 3396). */
function encodeOptions(options: Map<number, Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [code, data] of options) {
    if (code === DhcpOption.PAD || code === DhcpOption.END) continue;
    if (data.length === 0) {
      parts.push(Buffer.from([code, 0]));
      continue;
    }
    for (let at = 0; at < data.length; at += 255) {
      const piece = data.subarray(at, Math.min(data.length, at + 255));
      parts.push(Buffer.from([code, piece.length]), piece);
    }
  }
  parts.push(Buffer.from([DhcpOption.END]));
  return Buffer.concat(parts);
}

function writeIp(b: Buffer, o: number, ip: string): void {
  const n = ipToNumber(ip);
  if (n === undefined) throw new Error(`bad address ${ip}`);
  b.writeUInt32BE(n, o);
}

/** A whole message: header, cookie, options, end, padded to 300 octets. Throws only on a bad address. */
export function encodeDhcp(m: DhcpMessage): Buffer {
  const opts = encodeOptions(m.options);
  const b = Buffer.alloc(Math.max(BOOTP_MIN_OCTETS, DHCP_FIXED_OCTETS + opts.length));
  b[0] = m.op;
  b[1] = m.htype;
  b[2] = m.hlen;
  b[3] = m.hops;
  b.writeUInt32BE(m.xid >>> 0, 4);
  b.writeUInt16BE(m.secs, 8);
  b.writeUInt16BE(m.flags, 10);
  writeIp(b, 12, m.ciaddr);
  writeIp(b, 16, m.yiaddr);
  writeIp(b, 20, m.siaddr);
  writeIp(b, 24, m.giaddr);
  m.chaddr.copy(b, 28, 0, Math.min(16, m.chaddr.length));
  b.writeUInt32BE(COOKIE, 236);
  opts.copy(b, DHCP_FIXED_OCTETS);
  return b;
}

/** Addresses as option data (6, 44, 54). */
export function addressesOption(list: readonly string[]): Buffer {
  const b = Buffer.alloc(4 * list.length);
  list.forEach((ip, i) => writeIp(b, 4 * i, ip));
  return b;
}

/** Option data as addresses; undefined unless a whole number of them. */
export function addressesOf(data: Buffer | undefined): string[] | undefined {
  if (!data || data.length % 4 !== 0) return undefined;
  const out: string[] = [];
  for (let o = 0; o < data.length; o += 4) out.push(numberToIp(data.readUInt32BE(o)));
  return out;
}
