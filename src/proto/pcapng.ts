/**
 * A minimal pcapng writer (draft-ietf-opsawg-pcapng): one Section Header
 * Block, one Interface Description Block per link type, Enhanced Packet
 * Blocks. All blocks little-endian, 32-bit aligned.
 *
 *   SHB: type 0x0A0D0D0A | len | byte-order magic 0x1A2B3C4D | v1.0 | section len -1 | len
 *   IDB: type 1 | len | linktype(16) reserved(16) | snaplen | len
 *   EPB: type 6 | len | if id | ts high | ts low | captured len | orig len | data (pad 4) | len
 */
export const LINKTYPE_RAW = 101; // raw IPv4/IPv6
export const LINKTYPE_PPP_WITH_DIR = 204; // direction octet (0 = in, 1 = out) + PPP

function block(type: number, body: Buffer): Buffer {
  const len = 12 + body.length;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(type, 0);
  b.writeUInt32LE(len, 4);
  body.copy(b, 8);
  b.writeUInt32LE(len, len - 4);
  return b;
}

export function sectionHeader(): Buffer {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeUInt16LE(0, 6);
  body.writeInt32LE(-1, 8);
  body.writeInt32LE(-1, 12);
  return block(0x0a0d0d0a, body);
}

export function interfaceDescription(linktype: number, snaplen = 0): Buffer {
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linktype, 0);
  body.writeUInt32LE(snaplen, 4);
  return block(1, body);
}

/** One packet on interface `ifId`, timestamp in microseconds since the epoch. */
export function enhancedPacket(ifId: number, timeUs: number, data: Uint8Array): Buffer {
  const padded = (data.length + 3) & ~3;
  const body = Buffer.alloc(20 + padded);
  body.writeUInt32LE(ifId, 0);
  body.writeUInt32LE(Math.floor(timeUs / 2 ** 32), 4);
  body.writeUInt32LE(timeUs % 2 ** 32 >>> 0, 8);
  body.writeUInt32LE(data.length, 12);
  body.writeUInt32LE(data.length, 16);
  body.set(data, 20);
  return block(6, body);
}
