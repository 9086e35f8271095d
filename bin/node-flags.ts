/**
 * The Node flags the product runs with: both bin shims start their entry
 * with them, and the benchmarks start their server children with them.
 * - OpenSSL's legacy provider: Node's RC4 and MD4 (MPPE, MS-CHAP) live there
 *   under OpenSSL 3.
 * - A 32 MB young generation (default 16): `show vpdn` over 1,000 calls
 *   allocates about 4 MB, and with the default a scavenge fell inside one
 *   sample in three; shell p99 under traffic, four runs each: 16 MB
 *   4.2-5.2 ms, 32 MB 3.5-4.2 ms, 64 MB 3.5-4.4 ms (bench/shell-latency).
 *   A scavenge costs what survives it, not the size of the space. The
 *   price is RSS: up to 64 MB more while traffic fills it (V8 returns it
 *   when allocation calms down).
 */
export const NODE_FLAGS = ['--openssl-legacy-provider', '--max-semi-space-size=32'];
