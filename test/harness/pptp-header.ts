/**
 * The control message header the test peers write by hand (RFC 2637 2.1),
 * independent of the product's codec so they check it from outside:
 *   length(2) | PPTP type 1 (2) | magic 0x1a2b3c4d (4) | control type (2) | reserved (2)
 */
export function controlHeader(length: number, ctrlType: number): Buffer {
  const b = Buffer.alloc(length);
  b.writeUInt16BE(length, 0);
  b.writeUInt16BE(1, 2);
  b.writeUInt32BE(0x1a2b3c4d, 4);
  b.writeUInt16BE(ctrlType, 8);
  return b;
}
