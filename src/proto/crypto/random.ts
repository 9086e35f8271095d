/**
 * Random octets from the system CSPRNG (OpenSSL through node:crypto),
 * fetched POOL_OCTETS at a time: a set-up takes 16 (a CHAP challenge, or
 * an MS-CHAPv2 peer challenge), and randomBytes() for so few cost more
 * than the draw itself (a Buffer made native-visible and a call into
 * OpenSSL each time; bench/setup-rate.bench.ts). Every octet is handed
 * out once, copied into a new Buffer, and zeroed in the pool as it goes.
 */
import { randomBytes, randomFillSync } from 'node:crypto';

const POOL_OCTETS = 4096;
const pool = Buffer.allocUnsafeSlow(POOL_OCTETS);
/** Next unused octet; POOL_OCTETS: the pool is spent (and zero). */
let next = POOL_OCTETS;

/** n random octets in a Buffer of their own. */
export function randomOctets(n: number): Buffer {
  if (n > POOL_OCTETS / 16) return randomBytes(n);
  if (next + n > POOL_OCTETS) {
    randomFillSync(pool);
    next = 0;
  }
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = pool[next + i]!;
  pool.fill(0, next, next + n);
  next += n;
  return out;
}
