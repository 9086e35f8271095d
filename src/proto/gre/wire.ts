/**
 * Enhanced GRE header, RFC 2637 section 4.1 (GRE version 1, as PPTP uses it).
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    Key (HW) Payload Length    |       Key (LW) Call ID        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  Sequence Number (Optional, S)                |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               Acknowledgment Number (Optional, A)             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * C, R, s, Recur and Flags are 0; K is 1; Ver is 1; Protocol Type is
 * 0x880B (PPP). Payload Length counts the octets after the header. A packet
 * without S carries no payload (an ack-only packet: flags 0x2081). Windows
 * sends 0x3001 (data) and 0x3081 (data + ack); RRAS also 0x2081.
 */

export const GRE_PROTOCOL_PPP = 0x880b;
export const GRE_VERSION_ENHANCED = 1;

export const GreFlag = {
  C: 0x8000,
  R: 0x4000,
  K: 0x2000,
  S: 0x1000,
  s: 0x0800,
  Recur: 0x0700,
  A: 0x0080,
  Flags: 0x0078,
  Ver: 0x0007,
} as const;

export const GRE_FIELDS = {
  flagsVersion: 0,
  protocolType: 2,
  payloadLength: 4,
  callId: 6,
  /** Sequence number if S; else the ack, if A. */
  optional: 8,
} as const;

/** Base header: flags/version, protocol, key. */
export const GRE_BASE_LENGTH = 8;
/** Largest header: base + sequence + ack. */
export const GRE_MAX_HEADER_LENGTH = 16;

export function greHeaderLength(hasSeq: boolean, hasAck: boolean): number {
  return GRE_BASE_LENGTH + (hasSeq ? 4 : 0) + (hasAck ? 4 : 0);
}

export interface GrePacket {
  /** Call ID from the key: the receiver's call id. */
  callId: number;
  /** Sequence number when S is set. */
  seq: number | undefined;
  /** Acknowledgment number when A is set. */
  ack: number | undefined;
  headerLength: number;
  /** Whole packet length (header + payload + any trailing octets). */
  length: number;
  /** View of the payload (Payload Length octets after the header); not a copy. */
  payload: Buffer;
}

/** Why a GRE packet is rejected. `code` is the counter key. */
export type GreWireErrorCode =
  | 'truncated' // shorter than the header its flags announce
  | 'bad-version' // Ver != 1
  | 'bad-protocol' // Protocol Type != 0x880B
  | 'no-key' // K clear
  | 'bad-flags' // C or R set (their fields would change the layout), or s/Recur/Flags nonzero
  | 'bad-payload-length' // Payload Length beyond the packet
  | 'data-without-seq'; // payload present but S clear

export interface GreWireError {
  code: GreWireErrorCode;
  detail: string;
}

export type GreDecodeResult = { ok: true; packet: GrePacket } | { ok: false; error: GreWireError };

const MUST_BE_ZERO = GreFlag.C | GreFlag.R | GreFlag.s | GreFlag.Recur | GreFlag.Flags;

/**
 * Decode a GRE packet (without the outer IP header). Never throws; every
 * length is checked before reading. Octets after Payload Length are ignored
 * (Ethernet padding of short frames).
 */
export function decodeGre(buf: Buffer): GreDecodeResult {
  if (buf.length < GRE_BASE_LENGTH) return fail('truncated', `${buf.length} octets`);
  const fv = buf.readUInt16BE(GRE_FIELDS.flagsVersion);
  if ((fv & GreFlag.Ver) !== GRE_VERSION_ENHANCED) return fail('bad-version', `version ${fv & GreFlag.Ver}`);
  const proto = buf.readUInt16BE(GRE_FIELDS.protocolType);
  if (proto !== GRE_PROTOCOL_PPP) return fail('bad-protocol', `protocol 0x${proto.toString(16)}`);
  if (!(fv & GreFlag.K)) return fail('no-key', 'key bit clear');
  if (fv & MUST_BE_ZERO) return fail('bad-flags', `flags 0x${fv.toString(16)}`);
  const hasSeq = (fv & GreFlag.S) !== 0;
  const hasAck = (fv & GreFlag.A) !== 0;
  const headerLength = greHeaderLength(hasSeq, hasAck);
  if (buf.length < headerLength) return fail('truncated', `${buf.length} octets, header needs ${headerLength}`);
  const payloadLength = buf.readUInt16BE(GRE_FIELDS.payloadLength);
  if (headerLength + payloadLength > buf.length) {
    return fail('bad-payload-length', `payload length ${payloadLength}, ${buf.length - headerLength} octets present`);
  }
  if (!hasSeq && payloadLength > 0) return fail('data-without-seq', `payload ${payloadLength} without S`);
  let off = GRE_FIELDS.optional;
  let seq: number | undefined;
  let ack: number | undefined;
  if (hasSeq) {
    seq = buf.readUInt32BE(off);
    off += 4;
  }
  if (hasAck) ack = buf.readUInt32BE(off);
  return {
    ok: true,
    packet: {
      callId: buf.readUInt16BE(GRE_FIELDS.callId),
      seq,
      ack,
      headerLength,
      length: buf.length,
      payload: buf.subarray(headerLength, headerLength + payloadLength),
    },
  };
}

function fail(code: GreWireErrorCode, detail: string): GreDecodeResult {
  return { ok: false, error: { code, detail } };
}

/**
 * Write a header at `offset` of `buf` (which must have room for it) and
 * return its length. Hot path: no allocation. The payload is expected to
 * follow at offset + returned length.
 */
export function writeGreHeader(
  buf: Uint8Array,
  offset: number,
  callId: number,
  payloadLength: number,
  seq: number | undefined,
  ack: number | undefined,
): number {
  const hasSeq = seq !== undefined;
  const hasAck = ack !== undefined;
  const fv = GreFlag.K | (hasSeq ? GreFlag.S : 0) | (hasAck ? GreFlag.A : 0) | GRE_VERSION_ENHANCED;
  let o = offset;
  buf[o++] = fv >>> 8;
  buf[o++] = fv & 0xff;
  buf[o++] = GRE_PROTOCOL_PPP >>> 8;
  buf[o++] = GRE_PROTOCOL_PPP & 0xff;
  buf[o++] = (payloadLength >>> 8) & 0xff;
  buf[o++] = payloadLength & 0xff;
  buf[o++] = (callId >>> 8) & 0xff;
  buf[o++] = callId & 0xff;
  if (hasSeq) o = put32(buf, o, seq);
  if (hasAck) o = put32(buf, o, ack);
  return o - offset;
}

function put32(buf: Uint8Array, o: number, v: number): number {
  buf[o] = (v >>> 24) & 0xff;
  buf[o + 1] = (v >>> 16) & 0xff;
  buf[o + 2] = (v >>> 8) & 0xff;
  buf[o + 3] = v & 0xff;
  return o + 4;
}

export interface GreFields {
  callId: number;
  seq?: number;
  ack?: number;
}

/** Encode a whole packet into a new buffer (tests, rare paths). */
export function encodeGre(fields: GreFields, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const hl = greHeaderLength(fields.seq !== undefined, fields.ack !== undefined);
  const buf = Buffer.allocUnsafe(hl + payload.length);
  writeGreHeader(buf, 0, fields.callId, payload.length, fields.seq, fields.ack);
  buf.set(payload, hl);
  return buf;
}
