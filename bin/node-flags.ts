/**
 * The Node flags the product runs with: both bin shims start their entry
 * with them, and the benchmarks start their server children with them.
 * - OpenSSL's legacy provider: Node's RC4 and MD4 (MPPE, MS-CHAP) live there
 *   under OpenSSL 3.
 * - A 64 MB young generation (default 16): `show vpdn` over 1,000 calls
 *   allocates about 4 MB, and with the default a scavenge fell inside one
 *   sample in three; shell p99 under traffic 3.1-5.4 ms -> 2.7-3.3 ms
 *   (bench/shell-latency). Each scavenge costs what survives it, not the
 *   size of the space, and packets leave little that survives.
 */
export const NODE_FLAGS = ['--openssl-legacy-provider', '--max-semi-space-size=64'];
