/**
 * Baselines for leak checks: heap after a full GC, open file descriptors
 * (/proc/self/fd), Node's active handles and timers by kind
 * (process.getActiveResourcesInfo()).
 */
import { readdirSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFn: (() => void) | undefined;

/** A full garbage collection, also when node was started without --expose-gc. */
export function fullGc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

export function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

export interface Snapshot {
  heap: number;
  fds: number;
  res: Record<string, number>;
}

export async function snapshot(): Promise<Snapshot> {
  // Let closed sockets finish closing before counting.
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 30));
  fullGc();
  return { heap: process.memoryUsage().heapUsed, fds: openFds(), res: resources() };
}

/**
 * Waits (bounded) until handles and fds are back to `base` (plus slack),
 * then checks the heap grew by less than `heapSlackBytes`.
 */
export async function backToBaseline(base: Snapshot, o: { heapSlackBytes?: number; fdSlack?: number; what?: string } = {}): Promise<Snapshot> {
  const kinds = ['TCPSocketWrap', 'TCPServerWrap', 'UDPWrap', 'Timeout', 'Immediate'];
  const end = Date.now() + 5000;
  let now = await snapshot();
  const ok = (s: Snapshot) =>
    s.fds <= base.fds + (o.fdSlack ?? 0) && kinds.every((k) => (s.res[k] ?? 0) <= (base.res[k] ?? 0));
  while (!ok(now) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50));
    now = await snapshot();
  }
  const what = o.what ? `${o.what}: ` : '';
  for (const k of kinds) {
    if ((now.res[k] ?? 0) > (base.res[k] ?? 0)) throw new Error(`${what}${k} not back to baseline: ${base.res[k] ?? 0} -> ${now.res[k]}`);
  }
  if (now.fds > base.fds + (o.fdSlack ?? 0)) throw new Error(`${what}open fds not back to baseline: ${base.fds} -> ${now.fds}`);
  const slack = o.heapSlackBytes ?? 16 * 1024 * 1024;
  if (now.heap - base.heap > slack) throw new Error(`${what}heap grew by ${((now.heap - base.heap) / 1048576).toFixed(1)} MB after GC`);
  return now;
}
