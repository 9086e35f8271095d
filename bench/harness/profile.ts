/**
 * Which client the benchmarks dial like: BENCH_PROFILE=windows10 (default,
 * what most users run) or linux (pptp-linux + pppd). Both negotiate
 * MS-CHAPv2 + MPPE-128 against the bench server.
 */
export type BenchProfile = 'windows10' | 'linux';

export function benchProfile(): BenchProfile {
  const p = process.env.BENCH_PROFILE ?? 'windows10';
  if (p !== 'windows10' && p !== 'linux') throw new Error(`BENCH_PROFILE: windows10 or linux, not ${p}`);
  return p;
}
