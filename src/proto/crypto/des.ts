/**
 * DES (FIPS 46-3) single-block encryption, as MS-CHAP uses it: the
 * ChallengeResponse (RFC 2433 A.5, RFC 2759 8.5) and LmPasswordHash
 * encrypt one 8-octet block under a key made from 7 octets. OpenSSL 3
 * offers des-ecb only behind the legacy provider; this is a few calls per
 * authentication (3 blocks per MS-CHAP response), but at 1,000 set-ups/s
 * it showed in the profile (bench/setup-rate.bench.ts): rounds use merged
 * S-box/P tables on 32-bit words, and the permutations around them (IP,
 * FP, PC1, PC2) are look-ups per octet or 7-bit group, their tables made
 * from the FIPS ones when the module loads.
 */

// Tables from FIPS 46-3, 1-based bit positions counted from the MSB.
const PC1 = [
  57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
  63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, 14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];
const PC2 = [
  14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
  41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];
const SHIFTS = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];
const IP = [
  58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, 62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
  57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, 61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];
const FP = [
  40, 8, 48, 16, 56, 24, 64, 32, 39, 7, 47, 15, 55, 23, 63, 31, 38, 6, 46, 14, 54, 22, 62, 30, 37, 5, 45, 13, 53, 21, 61, 29,
  36, 4, 44, 12, 52, 20, 60, 28, 35, 3, 43, 11, 51, 19, 59, 27, 34, 2, 42, 10, 50, 18, 58, 26, 33, 1, 41, 9, 49, 17, 57, 25,
];
const P = [16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, 2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25];
const S: readonly (readonly number[])[] = [
  [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7, 0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
    4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0, 15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
  [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10, 3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
    0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15, 13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
  [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8, 13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
    13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7, 1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
  [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15, 13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
    10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4, 3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
  [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9, 14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
    4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14, 11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
  [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11, 10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
    9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6, 4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
  [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1, 13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
    1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2, 6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
  [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7, 1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
    7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8, 2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

/**
 * A permutation of `inBits` bits (MSB first, 1-based `table` entries as in
 * FIPS 46-3) as look-up tables per `group`-bit slice of the input: entry
 * [slice * 2^group + value] holds the output bits that slice sets, split
 * in 32-bit words (output bit 1 is the MSB of word 0). The output is the
 * OR of one entry per slice.
 */
function permutationTables(table: readonly number[], inBits: number, group: number, wordBits: number): Int32Array[] {
  const slices = inBits / group;
  const words = Math.ceil(table.length / wordBits);
  const t = Array.from({ length: words }, () => new Int32Array(slices << group));
  for (let slice = 0; slice < slices; slice++) {
    for (let v = 0; v < 1 << group; v++) {
      for (let o = 0; o < table.length; o++) {
        const src = table[o]! - 1 - slice * group;
        if (src < 0 || src >= group || ((v >> (group - 1 - src)) & 1) === 0) continue;
        const w = Math.floor(o / wordBits);
        t[w]![(slice << group) | v]! |= 1 << (wordBits - 1 - (o % wordBits));
      }
    }
  }
  return t;
}

const [IP_L, IP_R] = permutationTables(IP, 64, 8, 32) as [Int32Array, Int32Array];
const [FP_HI, FP_LO] = permutationTables(FP, 64, 8, 32) as [Int32Array, Int32Array];
/** PC1 gives C (28 bits) and D (28 bits): words of 28. */
const [PC1_C, PC1_D] = permutationTables(PC1, 64, 8, 28) as [Int32Array, Int32Array];
/** PC2's first 24 output bits come from C only, the last 24 from D only. */
const PC2_C = permutationTables(PC2.slice(0, 24), 28, 7, 24)[0]!;
const PC2_D = permutationTables(PC2.slice(24).map((p) => p - 28), 28, 7, 24)[0]!;

/**
 * S-boxes and P merged (the usual "SP table" trick): SP[box * 64 + x] is
 * P applied to S-box `box`'s 4-bit output for the 6-bit input x (in E
 * order: row = first and last bit, column = the middle four), placed in
 * its nibble of the 32-bit word. One round is then 8 look-ups and XORs.
 */
const SP = (() => {
  const t = new Uint32Array(8 * 64);
  for (let box = 0; box < 8; box++) {
    for (let x = 0; x < 64; x++) {
      const row = ((x >> 4) & 2) | (x & 1);
      const col = (x >> 1) & 0xf;
      const v = S[box]![row * 16 + col]!;
      // pre-P bit positions 1..32, MSB first: this box's nibble is 4*box+1 .. 4*box+4
      let out = 0;
      for (let i = 0; i < 32; i++) {
        const src = P[i]! - 1; // P: output bit i+1 comes from pre-P bit P[i]
        const nib = src - 4 * box;
        if (nib >= 0 && nib < 4 && (v >> (3 - nib)) & 1) out |= 1 << (31 - i);
      }
      t[box * 64 + x] = out >>> 0;
    }
  }
  return t;
})();

/** 16 rounds x 8 six-bit subkey chunks (PC2 output split per S-box): scratch, DES runs on one thread. */
const subkeys = new Uint8Array(16 * 8);

function rotl28(x: number, n: number): number {
  return ((x << n) | (x >>> (28 - n))) & 0x0fffffff;
}

function keySchedule(key8: Uint8Array): void {
  let c = 0;
  let d = 0;
  for (let j = 0; j < 8; j++) {
    c |= PC1_C[(j << 8) | key8[j]!]!;
    d |= PC1_D[(j << 8) | key8[j]!]!;
  }
  for (let round = 0; round < 16; round++) {
    c = rotl28(c, SHIFTS[round]!);
    d = rotl28(d, SHIFTS[round]!);
    let kc = 0;
    let kd = 0;
    for (let g = 0; g < 4; g++) {
      kc |= PC2_C[(g << 7) | ((c >>> (21 - 7 * g)) & 0x7f)]!;
      kd |= PC2_D[(g << 7) | ((d >>> (21 - 7 * g)) & 0x7f)]!;
    }
    for (let box = 0; box < 4; box++) {
      subkeys[round * 8 + box] = (kc >>> (18 - 6 * box)) & 0x3f;
      subkeys[round * 8 + 4 + box] = (kd >>> (18 - 6 * box)) & 0x3f;
    }
  }
}

/** f(R, K) without E as a table: box b reads R bits 4b .. 4b+5 (cyclic), i.e. a rotation. */
function feistel(r: number, round: number): number {
  const base = round * 8;
  let f = 0;
  for (let box = 0; box < 8; box++) {
    // rotate R bit 4*box (1-based, MSB first; bit 0 is bit 32) to the top: the top 6 bits are this box's E bits
    const s = (4 * box + 31) & 31;
    const chunk = ((r << s) | (r >>> (32 - s))) >>> 26;
    f ^= SP[box * 64 + ((chunk ^ subkeys[base + box]!) & 0x3f)]!;
  }
  return f;
}

/** Encrypts block8 under the 8-octet key at key8 into out[at..at+8). */
function encryptInto(key8: Uint8Array, block8: Uint8Array, out: Uint8Array, at: number): void {
  keySchedule(key8);
  let l = 0;
  let r = 0;
  for (let j = 0; j < 8; j++) {
    l |= IP_L[(j << 8) | block8[j]!]!;
    r |= IP_R[(j << 8) | block8[j]!]!;
  }
  for (let round = 0; round < 16; round++) {
    const next = l ^ feistel(r, round);
    l = r;
    r = next;
  }
  // pre-output is R16 L16; FP maps it to the cipher text
  let hi = 0;
  let lo = 0;
  for (let j = 0; j < 4; j++) {
    const rb = (r >>> (24 - 8 * j)) & 0xff;
    const lb = (l >>> (24 - 8 * j)) & 0xff;
    hi |= FP_HI[(j << 8) | rb]! | FP_HI[((j + 4) << 8) | lb]!;
    lo |= FP_LO[(j << 8) | rb]! | FP_LO[((j + 4) << 8) | lb]!;
  }
  for (let j = 0; j < 4; j++) {
    out[at + j] = (hi >>> (24 - 8 * j)) & 0xff;
    out[at + 4 + j] = (lo >>> (24 - 8 * j)) & 0xff;
  }
}

/** Encrypt one 8-octet block under an 8-octet DES key (parity bits ignored). */
export function desEncryptBlock(key8: Uint8Array, block8: Uint8Array): Buffer {
  if (key8.length !== 8 || block8.length !== 8) throw new RangeError('DES needs an 8-octet key and block');
  const out = Buffer.alloc(8);
  encryptInto(key8, block8, out, 0);
  return out;
}

/** spreadKey7's output (scratch). */
const key8 = new Uint8Array(8);

/**
 * RFC 2759 8.6 DesEncrypt key setup: spread the 56 key bits at k[at..at+7)
 * over 8 octets, 7 bits each in the high bits; the low (parity) bit is
 * left 0, DES ignores it.
 */
function spreadKey7(k: Uint8Array, at: number, out: Uint8Array): void {
  out[0] = k[at]! & 0xfe;
  for (let i = 1; i < 7; i++) out[i] = ((k[at + i - 1]! << (8 - i)) | (k[at + i]! >> i)) & 0xfe;
  out[7] = (k[at + 6]! << 1) & 0xfe;
}

/** RFC 2759 8.6 DesEncrypt key setup (see spreadKey7). */
export function desKeyFrom7(key7: Uint8Array): Buffer {
  if (key7.length !== 7) throw new RangeError('expected a 7-octet key');
  const out = Buffer.alloc(8);
  spreadKey7(key7, 0, out);
  return out;
}

/** RFC 2759 8.6 DesEncrypt(Clear, Key7) -> Cypher. */
export function desEncrypt7(clear8: Uint8Array, key7: Uint8Array): Buffer {
  if (key7.length !== 7) throw new RangeError('expected a 7-octet key');
  if (clear8.length !== 8) throw new RangeError('DES needs an 8-octet key and block');
  const out = Buffer.alloc(8);
  desEncrypt7Into(clear8, key7, 0, out, 0);
  return out;
}

/** DesEncrypt(clear8, key7[keyAt..keyAt+7)) into out[outAt..outAt+8), no allocation (ChallengeResponse's three blocks). */
export function desEncrypt7Into(clear8: Uint8Array, key7: Uint8Array, keyAt: number, out: Uint8Array, outAt: number): void {
  spreadKey7(key7, keyAt, key8);
  encryptInto(key8, clear8, out, outAt);
}
