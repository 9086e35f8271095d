/**
 * SHA-1 (FIPS 180-4) of a message padded in place, into a caller's
 * buffer, with no allocation: the MPPE key change hashes 2 blocks per
 * packet in stateless mode, of a layout it pads once per session, and OpenSSL
 * through createHash costs an object and a digest Buffer each time
 * (bench/forwarding.bench.ts: createHash + update + digest were 16% of
 * the stateless profile). `sha1Into` hashes a few short parts (MS-CHAPv2
 * and its MPPE start keys: seven hashes of one or two blocks per
 * authentication, each end) through one scratch buffer. Not
 * constant-time; it hashes key material the way RFC 2759 and RFC 3079
 * ask, nothing that needs side-channel hardening beyond what MPPE itself
 * offers.
 */

const W = new Int32Array(80);
const H = new Int32Array(5);

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
  // Four loops of 20 rounds: no branch on the round number.
  for (let t = 0; t < 20; t++) {
    const temp = (((a << 5) | (a >>> 27)) + ((bb & c) | (~bb & d)) + e + 0x5a827999 + W[t]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = temp;
  }
  for (let t = 20; t < 40; t++) {
    const temp = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + 0x6ed9eba1 + W[t]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = temp;
  }
  for (let t = 40; t < 60; t++) {
    const temp = (((a << 5) | (a >>> 27)) + ((bb & c) | (bb & d) | (c & d)) + e + (0x8f1bbcdc | 0) + W[t]!) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = temp;
  }
  for (let t = 60; t < 80; t++) {
    const temp = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + (0xca62c1d6 | 0) + W[t]!) | 0;
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

function init(): void {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0 | 0;
}

function digestInto(out: Uint8Array): void {
  for (let i = 0; i < 5; i++) {
    const h = H[i]!;
    out[i * 4] = h >>> 24;
    out[i * 4 + 1] = (h >>> 16) & 0xff;
    out[i * 4 + 2] = (h >>> 8) & 0xff;
    out[i * 4 + 3] = h & 0xff;
  }
}

/**
 * Pads the `len`-octet message at the start of `buf` in place (the 0x80
 * octet, zeros, the 64-bit bit length); returns the padded length.
 */
export function sha1Pad(buf: Uint8Array, len: number): number {
  const end = (len + 9 + 63) & ~63;
  if (buf.length < end) throw new RangeError(`SHA-1 padding needs ${end} octets`);
  buf.fill(0, len, end);
  buf[len] = 0x80;
  // bit length as 64-bit big-endian (inputs here are far below 2^53 bits)
  const bits = len * 8;
  const hi = Math.floor(bits / 0x100000000);
  buf[end - 8] = hi >>> 24;
  buf[end - 7] = (hi >>> 16) & 0xff;
  buf[end - 6] = (hi >>> 8) & 0xff;
  buf[end - 5] = hi & 0xff;
  buf[end - 4] = (bits >>> 24) & 0xff;
  buf[end - 3] = (bits >>> 16) & 0xff;
  buf[end - 2] = (bits >>> 8) & 0xff;
  buf[end - 1] = bits & 0xff;
  return end;
}

/**
 * SHA-1 of a message already padded by `sha1Pad` (`padded` octets) into
 * out[0..20): a caller that hashes the same layout again and again pads
 * it once.
 */
export function sha1PaddedInto(buf: Uint8Array, padded: number, out: Uint8Array): void {
  if (out.length < 20) throw new RangeError('SHA-1 needs 20 octets of output');
  if (padded % 64 !== 0 || padded > buf.length) throw new RangeError('SHA-1 input is not padded to whole blocks');
  init();
  for (let off = 0; off < padded; off += 64) compress(buf, off);
  digestInto(out);
}

/** sha1Into's message buffer: MS-CHAP's inputs fit (a longer one gets its own). */
const message = new Uint8Array(512);
const digest = new Uint8Array(20);

/**
 * SHA-1 of `parts` one after the other; the first out.length (at most 20)
 * octets of the digest into `out`. The scratch copy of the message is
 * zeroed afterwards (it holds password hashes).
 */
export function sha1Into(parts: readonly Uint8Array[], out: Uint8Array): void {
  if (out.length > 20) throw new RangeError('SHA-1 gives 20 octets');
  let len = 0;
  for (const p of parts) len += p.length;
  const buf = len + 72 <= message.length ? message : new Uint8Array(len + 72);
  let at = 0;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  const padded = sha1Pad(buf, len);
  sha1PaddedInto(buf, padded, digest);
  buf.fill(0, 0, padded);
  for (let i = 0; i < out.length; i++) out[i] = digest[i]!;
}
