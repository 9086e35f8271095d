/**
 * MD4 (RFC 1320) in TypeScript. MS-CHAP needs it for NtPasswordHash, and
 * OpenSSL 3 only offers md4 behind the legacy provider. Not on the packet
 * path: it runs once per authentication.
 */

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** MD4 digest (16 octets) of `data`. */
export function md4(data: Uint8Array): Buffer {
  // Padding: 0x80, zeros up to 56 mod 64, then the bit length as 64-bit LE.
  const padded = Buffer.alloc(((data.length + 8) >> 6) * 64 + 64);
  padded.set(data, 0);
  padded[data.length] = 0x80;
  const bitLen = data.length * 8;
  const end = padded.length - 8;
  padded.writeUInt32LE(bitLen >>> 0, end);
  padded.writeUInt32LE(Math.floor(bitLen / 0x100000000) >>> 0, end + 4);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Int32Array(16);
  const r2 = [0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15];
  const r3 = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];
  const s1 = [3, 7, 11, 19];
  const s2 = [3, 5, 9, 13];
  const s3 = [3, 9, 11, 15];

  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = padded.readInt32LE(off + i * 4);
    const aa = a, bb = b, cc = c, dd = d;
    // Round 1: F(x,y,z) = xy | ~x z
    for (let i = 0; i < 16; i++) {
      const f = (b & c) | (~b & d);
      const t = rotl((a + f + x[i]!) | 0, s1[i & 3]!);
      a = d; d = c; c = b; b = t;
    }
    // Round 2: G(x,y,z) = xy | xz | yz, constant 0x5A827999
    for (let i = 0; i < 16; i++) {
      const g = (b & c) | (b & d) | (c & d);
      const t = rotl((a + g + x[r2[i]!]! + 0x5a827999) | 0, s2[i & 3]!);
      a = d; d = c; c = b; b = t;
    }
    // Round 3: H(x,y,z) = x ^ y ^ z, constant 0x6ED9EBA1
    for (let i = 0; i < 16; i++) {
      const h = b ^ c ^ d;
      const t = rotl((a + h + x[r3[i]!]! + 0x6ed9eba1) | 0, s3[i & 3]!);
      a = d; d = c; c = b; b = t;
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  out.writeInt32LE(a, 0);
  out.writeInt32LE(b, 4);
  out.writeInt32LE(c, 8);
  out.writeInt32LE(d, 12);
  return out;
}
