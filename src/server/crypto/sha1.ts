/**
 * SHA-1 (FIPS 180-4) into a caller's buffer, with no allocation: the MPPE
 * key change hashes 2 blocks per packet in stateless mode, and OpenSSL
 * through createHash costs an object and a digest Buffer each time
 * (bench/forwarding.bench.ts: createHash + update + digest were 16% of
 * the stateless profile). Not constant-time; it hashes key material the
 * way RFC 3079 asks, nothing that needs side-channel hardening beyond
 * what MPPE itself offers.
 */

const W = new Int32Array(80);
const H = new Int32Array(5);
/** Tail blocks: the last partial block, the 0x80 pad and the 64-bit bit length. */
const tail = new Uint8Array(128);

function compress(b: Uint8Array, off: number): void {
  for (let t = 0; t < 16; t++) {
    const i = off + t * 4;
    W[t] = (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
  }
  for (let t = 16; t < 80; t++) {
    const x = W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!;
    W[t] = (x << 1) | (x >>> 31);
  }
  let a = H[0]!;
  let bb = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  for (let t = 0; t < 80; t++) {
    let f: number;
    let k: number;
    if (t < 20) {
      f = (bb & c) | (~bb & d);
      k = 0x5a827999;
    } else if (t < 40) {
      f = bb ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (t < 60) {
      f = (bb & c) | (bb & d) | (c & d);
      k = 0x8f1bbcdc | 0;
    } else {
      f = bb ^ c ^ d;
      k = 0xca62c1d6 | 0;
    }
    const temp = (((a << 5) | (a >>> 27)) + f + e + k + W[t]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = temp;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + bb) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
}

/** SHA-1 of `data`; the 20-octet digest goes to out[offset..offset+20). */
export function sha1Into(data: Uint8Array, out: Uint8Array, offset = 0): void {
  if (out.length - offset < 20) throw new RangeError('SHA-1 needs 20 octets of output');
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0 | 0;
  const len = data.length;
  const full = len - (len % 64);
  for (let off = 0; off < full; off += 64) compress(data, off);
  const rest = len - full;
  tail.fill(0);
  for (let i = 0; i < rest; i++) tail[i] = data[full + i]!;
  tail[rest] = 0x80;
  const blocks = rest + 9 > 64 ? 2 : 1;
  const end = blocks * 64;
  // bit length as 64-bit big-endian (inputs here are far below 2^53 bits)
  const bits = len * 8;
  const hi = Math.floor(bits / 0x100000000);
  tail[end - 8] = hi >>> 24;
  tail[end - 7] = (hi >>> 16) & 0xff;
  tail[end - 6] = (hi >>> 8) & 0xff;
  tail[end - 5] = hi & 0xff;
  tail[end - 4] = (bits >>> 24) & 0xff;
  tail[end - 3] = (bits >>> 16) & 0xff;
  tail[end - 2] = (bits >>> 8) & 0xff;
  tail[end - 1] = bits & 0xff;
  compress(tail, 0);
  if (blocks === 2) compress(tail, 64);
  for (let i = 0; i < 5; i++) {
    const h = H[i]!;
    out[offset + i * 4] = h >>> 24;
    out[offset + i * 4 + 1] = (h >>> 16) & 0xff;
    out[offset + i * 4 + 2] = (h >>> 8) & 0xff;
    out[offset + i * 4 + 3] = h & 0xff;
  }
}
