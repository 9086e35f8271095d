/**
 * The PIX `enable password X encrypted` / `passwd X encrypted` hash: MD5
 * of the password NUL-padded (or cut) to 16 bytes; of each 4-byte group of
 * the digest the first 3 bytes (little-endian) become four 6-bit digits in
 * the crypt alphabet. Vectors from seed 003: '' -> 8Ry2YjIyt7RRXU24,
 * 'cisco' -> 2KFQnbNIdI.2KYOU.
 */
import { createHash } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function pixHash(password: string): string {
  const block = Buffer.alloc(16);
  Buffer.from(password, 'latin1').copy(block, 0, 0, 16);
  const d = createHash('md5').update(block).digest();
  let out = '';
  for (let i = 0; i < 16; i += 4) {
    let v = d[i] | (d[i + 1] << 8) | (d[i + 2] << 16);
    for (let j = 0; j < 4; j++) {
      out += ALPHABET[v & 63];
      v >>= 6;
    }
  }
  return out;
}

export const PIX_HASH_RE = /^[./0-9A-Za-z]{16}$/;
/** Factory defaults: empty enable password, telnet password `cisco`. */
export const DEFAULT_ENABLE_HASH = pixHash('');
export const DEFAULT_PASSWD_HASH = pixHash('cisco');
