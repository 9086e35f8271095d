/**
 * The PIX `enable password X encrypted` / `passwd X encrypted` hash:
 * MD5 over the password NUL-padded (or cut) to 16 bytes, then for each
 * 4-byte group of the digest the first 3 bytes (little-endian) as four
 * 6-bit digits in the crypt alphabet. 16 characters out; the empty
 * password hashes to `8Ry2YjIyt7RRXU24` and `cisco` to `2KFQnbNIdI.2KYOU`
 * (both appear in seed 003's configs).
 */
import { createHash } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function pixPasswordHash(password: string): string {
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

/** Hash of the empty password: an `enable password` equal to it means "none". */
export const EMPTY_PASSWORD_HASH = pixPasswordHash('');

/** Does `typed` match the configured enable password? */
export function checkEnablePassword(cfg: { value: string; encrypted: boolean }, typed: string): boolean {
  return cfg.encrypted ? pixPasswordHash(typed) === cfg.value : typed === cfg.value;
}

export function hasEnablePassword(cfg: { value: string; encrypted: boolean } | undefined): boolean {
  if (!cfg) return false;
  return cfg.encrypted ? cfg.value !== EMPTY_PASSWORD_HASH : cfg.value !== '';
}
