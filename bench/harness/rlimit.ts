/**
 * RLIMIT_NOFILE for a benchmark that holds tens of thousands of sockets
 * (the 32,000-session case: as many TCP connections in the dialling
 * process and in the server child, which inherits the limit). Raising the
 * hard limit needs root (CAP_SYS_RESOURCE); otherwise the soft limit goes
 * as high as the hard one allows.
 */
import koffi from 'koffi';

const RLIMIT_NOFILE = 7;

/** Sets this process's open-file limit to at least `n` if it can; returns the soft limit in force. */
export function raiseNofile(n: number): number {
  const lib = koffi.load('libc.so.6');
  const prlimit = lib.func('int prlimit(int pid, int resource, const uint8_t *newLimit, _Out_ uint8_t *oldLimit)') as (
    pid: number,
    resource: number,
    next: Buffer | null,
    old: Buffer | null,
  ) => number;
  const old = Buffer.alloc(16);
  if (prlimit(0, RLIMIT_NOFILE, null, old) !== 0) return 0;
  const cur = Number(old.readBigUInt64LE(0));
  const max = Number(old.readBigUInt64LE(8));
  if (cur >= n) return cur;
  const want = Buffer.alloc(16);
  want.writeBigUInt64LE(BigInt(n), 0);
  want.writeBigUInt64LE(BigInt(Math.max(n, max)), 8);
  if (prlimit(0, RLIMIT_NOFILE, want, null) === 0) return n;
  // not root: as far as the hard limit goes
  want.writeBigUInt64LE(BigInt(max), 0);
  want.writeBigUInt64LE(BigInt(max), 8);
  prlimit(0, RLIMIT_NOFILE, want, null);
  return max;
}
