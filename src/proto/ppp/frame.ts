/**
 * PPP framing over PPTP (RFC 1661 section 2, RFC 1662 section 3.1/3.2
 * for Address/Control) and the control-protocol packet codec shared by
 * LCP, PAP, CHAP, IPCP and CCP.
 *
 * A PPTP PPP frame (no HDLC flags, no FCS: GRE carries it):
 *
 *   +----------+----------+----------+-------------+
 *   | Address  | Control  | Protocol | Information |
 *   |   0xFF   |   0x03   | 1 or 2   |  ...        |
 *   +----------+----------+----------+-------------+
 *   Address/Control absent when ACFC is in use (Windows omits them even on
 *   LCP, so input accepts both forms for every protocol). Protocol is one
 *   octet when PFC is in use and the value fits (low octet odd, high 0).
 *
 * Control-protocol packet (RFC 1661 section 5):
 *
 *   | Code (1) | Identifier (1) | Length (2, whole packet) | Data ... |
 *   octets past Length are padding and ignored.
 *
 * Configuration option (RFC 1661 section 6):
 *
 *   | Type (1) | Length (1, >= 2, whole option) | Value (Length - 2) |
 *
 * Decoders never throw on network input: they return a Result, and the
 * caller counts the failures.
 */

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export const PPP_PROTO = {
  IP: 0x0021,
  MPPE: 0x00fd, // compressed/encrypted datagram (RFC 1962 / RFC 3078)
  IPCP: 0x8021,
  IPV6CP: 0x8057,
  CCP: 0x80fd,
  LCP: 0xc021,
  PAP: 0xc023,
  LQR: 0xc025,
  CBCP: 0xc029,
  CHAP: 0xc223,
  EAP: 0xc227,
} as const;

/** Short names of PPP protocol numbers, as IOS prints them (`COMP` for MPPE); the error counters are keyed by them too. */
const PROTOCOL_NAME: Record<number, string> = {
  [PPP_PROTO.IP]: 'IP',
  [PPP_PROTO.MPPE]: 'COMP',
  [PPP_PROTO.IPCP]: 'IPCP',
  [PPP_PROTO.IPV6CP]: 'IPV6CP',
  [PPP_PROTO.CCP]: 'CCP',
  [PPP_PROTO.LCP]: 'LCP',
  [PPP_PROTO.PAP]: 'PAP',
  [PPP_PROTO.LQR]: 'LQR',
  [PPP_PROTO.CBCP]: 'CBCP',
  [PPP_PROTO.CHAP]: 'CHAP',
  [PPP_PROTO.EAP]: 'EAP',
  0x002d: 'VJCOMP',
  0x002f: 'VJUNCOMP',
  0x0057: 'IPV6',
  0x0207: 'CDP',
  0x8207: 'CDPCP',
  0xc02b: 'BACP',
  0x803f: 'NBFCP',
};

/** `LCP`, `COMP`, or `0x80FB` for a protocol without a name. */
export function pppProtocolName(p: number): string {
  return PROTOCOL_NAME[p] ?? `0x${p.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Control-protocol codes (RFC 1661 section 5, RFC 1570, RFC 1962). */
export const CP_CODE = {
  ConfReq: 1,
  ConfAck: 2,
  ConfNak: 3,
  ConfRej: 4,
  TermReq: 5,
  TermAck: 6,
  CodeRej: 7,
  ProtRej: 8,
  EchoReq: 9,
  EchoRep: 10,
  DiscardReq: 11,
  Identification: 12,
  TimeRemaining: 13,
  ResetReq: 14,
  ResetAck: 15,
} as const;

export interface PppFrame {
  protocol: number;
  /** view into the input buffer */
  payload: Buffer;
  /** true when the frame carried FF 03 */
  addressControl: boolean;
  /** true when the protocol field was one octet */
  protocolCompressed: boolean;
}

/** Decode one PPP frame as it comes out of GRE. */
export function decodeFrame(buf: Buffer): Result<PppFrame> {
  let off = 0;
  let addressControl = false;
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0x03) {
    off = 2;
    addressControl = true;
  }
  if (buf.length < off + 1) return { ok: false, error: 'short frame' };
  let protocol: number;
  let protocolCompressed = false;
  if (buf[off] & 1) {
    // PFC: a one-octet protocol field (the high octet is 0x00).
    protocol = buf[off];
    protocolCompressed = true;
    off += 1;
  } else {
    if (buf.length < off + 2) return { ok: false, error: 'short protocol field' };
    protocol = buf.readUInt16BE(off);
    if ((protocol & 1) === 0) return { ok: false, error: 'bad protocol field' };
    off += 2;
  }
  return { ok: true, value: { protocol, payload: buf.subarray(off), addressControl, protocolCompressed } };
}

export interface FrameCompression {
  /** ACFC negotiated (the peer accepts frames without FF 03) */
  acfc: boolean;
  /** PFC negotiated (the peer accepts a one-octet protocol field) */
  pfc: boolean;
}

export const NO_COMPRESSION: FrameCompression = { acfc: false, pfc: false };

/**
 * Encode a frame for the wire. LCP always goes out with FF 03 and a
 * two-octet protocol (RFC 1661 6.5/6.6); other protocols use what the
 * peer agreed to.
 */
export function encodeFrame(protocol: number, payload: Uint8Array, comp: FrameCompression = NO_COMPRESSION): Buffer {
  const isLcp = protocol === PPP_PROTO.LCP;
  const ac = !(comp.acfc && !isLcp);
  const shortProto = comp.pfc && !isLcp && protocol < 0x100;
  const head = (ac ? 2 : 0) + (shortProto ? 1 : 2);
  const out = Buffer.allocUnsafe(head + payload.length);
  let off = 0;
  if (ac) {
    out[0] = 0xff;
    out[1] = 0x03;
    off = 2;
  }
  if (shortProto) out[off++] = protocol;
  else {
    out.writeUInt16BE(protocol, off);
    off += 2;
  }
  out.set(payload, off);
  return out;
}

export interface CpPacket {
  code: number;
  id: number;
  /** view: the octets between the header and Length */
  data: Buffer;
}

/** Decode a control-protocol packet (LCP, IPCP, CCP, PAP, CHAP). */
export function decodeCp(buf: Buffer): Result<CpPacket> {
  if (buf.length < 4) return { ok: false, error: 'short header' };
  const len = buf.readUInt16BE(2);
  if (len < 4) return { ok: false, error: 'illegal length' };
  if (len > buf.length) return { ok: false, error: 'short packet' };
  return { ok: true, value: { code: buf[0], id: buf[1], data: buf.subarray(4, len) } };
}

export function encodeCp(code: number, id: number, data: Uint8Array = Buffer.alloc(0)): Buffer {
  const out = Buffer.allocUnsafe(4 + data.length);
  out[0] = code;
  out[1] = id & 0xff;
  out.writeUInt16BE(4 + data.length, 2);
  out.set(data, 4);
  return out;
}

export interface CpOption {
  type: number;
  /** view: the option's value (without type and length) */
  value: Buffer;
}

/** Decode a configuration option list (Configure-Request/Ack/Nak/Reject data). */
export function decodeOptions(buf: Buffer): Result<CpOption[]> {
  const out: CpOption[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < 2) return { ok: false, error: 'truncated option header' };
    const len = buf[off + 1];
    if (len < 2) return { ok: false, error: 'option length below 2' };
    if (off + len > buf.length) return { ok: false, error: 'option runs past packet' };
    out.push({ type: buf[off], value: buf.subarray(off + 2, off + len) });
    off += len;
  }
  return { ok: true, value: out };
}

export function encodeOption(type: number, value: Uint8Array = Buffer.alloc(0)): Buffer {
  if (value.length > 253) throw new RangeError(`option ${type} value too long (${value.length})`);
  const out = Buffer.allocUnsafe(2 + value.length);
  out[0] = type;
  out[1] = 2 + value.length;
  out.set(value, 2);
  return out;
}

export function encodeOptions(opts: readonly CpOption[]): Buffer {
  return Buffer.concat(opts.map((o) => encodeOption(o.type, o.value)));
}

/** Value helpers for the common option shapes. */
export function u16(n: number): Buffer {
  const b = Buffer.allocUnsafe(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function ipv4Bytes(ip: string): Buffer {
  const parts = ip.split('.').map((x) => Number(x));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new RangeError(`not an IPv4 address: ${ip}`);
  }
  return Buffer.from(parts);
}

export function ipv4String(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}
