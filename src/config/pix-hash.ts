/**
 * The PIX `enable password X encrypted` / `passwd X encrypted` hash: MD5
 * of the password NUL-padded (or cut) to 16 bytes; of each 4-byte group of
 * the digest the first 3 bytes (little-endian) become four 6-bit digits in
 * the crypt alphabet. Vectors from seed 003: '' -> 8Ry2YjIyt7RRXU24,
 * 'cisco' -> 2KFQnbNIdI.2KYOU.
 * A `username` password is salted with the first four characters of the
 * user name, appended (a longer result is padded to 32 bytes): 'password'
 * for user 'user' -> A5XOy94YKDPXCo7U (passlib's cisco_pix vector).
 */
import { createHash } from 'node:crypto';

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function pixHash(password: string, user = ''): string {
  const text = Buffer.from(password + user.slice(0, 4), 'latin1');
  const block = Buffer.alloc(user && text.length > 16 ? 32 : 16);
  text.copy(block, 0, 0, block.length);
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
