/**
 * DES (FIPS 46-3) single-block encryption, as MS-CHAP uses it: the
 * ChallengeResponse (RFC 2433 A.5, RFC 2759 8.5) and LmPasswordHash
 * encrypt one 8-octet block under a key made from 7 octets. OpenSSL 3
 * offers des-ecb only behind the legacy provider; this is a few calls per
 * authentication (3 blocks per MS-CHAP response), but at 1,000 set-ups/s
 * it showed in the profile (bench/setup-rate.bench.ts): rounds use merged
 * S-box/P tables on 32-bit words; key schedule and IP/FP stay bit-wise.
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

/** Bits as a 0/1 array, MSB first (key schedule and the initial/final permutations). */
function toBits(bytes: Uint8Array, out: Uint8Array): Uint8Array {
  for (let i = 0; i < bytes.length * 8; i++) out[i] = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
  return out;
}

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

// Scratch space: DES runs a few times per authentication on one thread.
const keyBits = new Uint8Array(64);
const cd = new Uint8Array(56);
const blockBits = new Uint8Array(64);
/** 16 rounds x 8 six-bit subkey chunks (PC2 output split per S-box). */
const subkeys = new Uint8Array(16 * 8);

function keySchedule(key8: Uint8Array): void {
  toBits(key8, keyBits);
  for (let i = 0; i < 56; i++) cd[i] = keyBits[PC1[i]! - 1]!;
  let shifted = 0;
  for (let round = 0; round < 16; round++) {
    shifted += SHIFTS[round]!;
    for (let box = 0; box < 8; box++) {
      let chunk = 0;
      for (let k = 0; k < 6; k++) {
        // PC2 picks from C (1..28) and D (29..56), each rotated left `shifted` places
        const p = PC2[box * 6 + k]! - 1;
        const bit = p < 28 ? cd[(p + shifted) % 28]! : cd[28 + ((p - 28 + shifted) % 28)]!;
        chunk = (chunk << 1) | bit;
      }
      subkeys[round * 8 + box] = chunk;
    }
  }
}

/** Bits first..first+31 of a 0/1 array permuted by `table` (1-based), as a 32-bit word. */
function permuteWord(bits: Uint8Array, table: readonly number[], first: number): number {
  let w = 0;
  for (let i = 0; i < 32; i++) w = (w << 1) | bits[table[first + i]! - 1]!;
  return w >>> 0;
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
  return f >>> 0;
}

/** Encrypt one 8-octet block under an 8-octet DES key (parity bits ignored). */
export function desEncryptBlock(key8: Uint8Array, block8: Uint8Array): Buffer {
  if (key8.length !== 8 || block8.length !== 8) throw new RangeError('DES needs an 8-octet key and block');
  keySchedule(key8);
  toBits(block8, blockBits);
  let l = permuteWord(blockBits, IP, 0);
  let r = permuteWord(blockBits, IP, 32);
  for (let round = 0; round < 16; round++) {
    const next = (l ^ feistel(r, round)) >>> 0;
    l = r;
    r = next;
  }
  // pre-output is R16 L16; FP maps it to the cipher text
  for (let i = 0; i < 32; i++) {
    blockBits[i] = (r >>> (31 - i)) & 1;
    blockBits[32 + i] = (l >>> (31 - i)) & 1;
  }
  const out = Buffer.alloc(8);
  for (let i = 0; i < 64; i++) out[i >> 3]! |= blockBits[FP[i]! - 1]! << (7 - (i & 7));
  return out;
}

/**
 * RFC 2759 8.6 DesEncrypt key setup: spread 56 key bits over 8 octets,
 * 7 bits each in the high bits; the low (parity) bit is left 0, DES ignores it.
 */
export function desKeyFrom7(key7: Uint8Array): Buffer {
  if (key7.length !== 7) throw new RangeError('expected a 7-octet key');
  const out = Buffer.alloc(8);
  let acc = 0n;
  for (const b of key7) acc = (acc << 8n) | BigInt(b);
  for (let i = 0; i < 8; i++) out[i] = Number((acc >> BigInt(49 - 7 * i)) & 0x7fn) << 1;
  return out;
}

/** RFC 2759 8.6 DesEncrypt(Clear, Key7) -> Cypher. */
export function desEncrypt7(clear8: Uint8Array, key7: Uint8Array): Buffer {
  return desEncryptBlock(desKeyFrom7(key7), clear8);
}
