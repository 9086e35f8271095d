/** Hex helpers shared by debug output and tests. */
export function toHex(buf: Uint8Array, max?: number): string {
  const b = max !== undefined && buf.length > max ? buf.subarray(0, max) : buf;
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Cisco debug style: the first `max` bytes in hex, "..." when cut. */
export function ciscoHex(buf: Uint8Array, max = 22): string {
  return toHex(buf, max) + (buf.length > max ? '...' : '');
}

/** Parse hex with optional whitespace. */
export function fromHex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}
