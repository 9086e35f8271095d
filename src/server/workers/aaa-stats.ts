/**
 * `show aaa-server` over several workers: each worker has the same
 * aaa-server groups (the same config), each with its own sockets and
 * counters; the shell shows them as one. Counters add up; a server is
 * FAILED for logins only when it is FAILED in every worker (another
 * worker's logins still reach it), and for accounting when it is in any
 * (that worker holds records for it: a worker with no accounting during
 * the outage has had nothing to fail); an average round-trip
 * time is weighted by each worker's requests; a last-transaction time is
 * the latest; a flag is set when any worker's is.
 */
import type { AaaGroupStats } from '../aaa/group.js';

type Stats = Record<string, unknown>;

/** Fields that are not summed, by name. */
const MERGE: Record<string, (values: unknown[], weights: number[]) => unknown> = {
  status: (v) => (v.every((s) => s === 'FAILED') ? 'FAILED' : 'ACTIVE'),
  accountingStatus: (v) => (v.some((s) => s === 'FAILED') ? 'FAILED' : 'ACTIVE'),
  averageRttMs: (v, w) => {
    const total = w.reduce((a, b) => a + b, 0);
    return total > 0 ? v.reduce<number>((a, x, i) => a + (x as number) * w[i]!, 0) / total : (v[0] as number);
  },
  lastTransaction: (v) => v.reduce<number | undefined>((a, x) => (x === undefined ? a : Math.max(a ?? 0, x as number)), undefined),
  deadUntil: (v) => v.reduce<number | undefined>((a, x) => (x === undefined ? a : Math.min(a ?? Infinity, x as number)), undefined),
  port: (v) => v[0],
  authPort: (v) => v[0],
  acctPort: (v) => v[0],
};

/** The same shape from every worker, one value per field. */
function mergeObjects(parts: Stats[], weights: number[]): Stats {
  const out: Stats = {};
  for (const key of Object.keys(parts[0]!)) {
    const values = parts.map((p) => p[key]);
    const first = values[0];
    if (MERGE[key]) out[key] = MERGE[key](values, weights);
    else if (typeof first === 'number') out[key] = values.reduce<number>((a, x) => a + ((x as number) ?? 0), 0);
    else if (typeof first === 'boolean') out[key] = values.some(Boolean);
    else if (Array.isArray(first)) out[key] = first.map((_, i) => mergeObjects(values.map((v) => (v as Stats[])[i]!), weights));
    else if (first && typeof first === 'object') {
      // an optional part (the accounting queue, a listener) of the workers that have it
      const has = values.map((v, i) => [v, weights[i]!] as const).filter(([v]) => v !== undefined);
      out[key] = mergeObjects(has.map(([v]) => v as Stats), has.map(([, w]) => w));
    } else out[key] = first;
  }
  return out;
}

/**
 * One list of groups from each worker's, in the first worker's order; a
 * group or server only some workers have (a commit in progress) is
 * taken from the first that has it.
 */
export function mergeAaaStats(parts: AaaGroupStats[][]): AaaGroupStats[] {
  const [first, ...rest] = parts;
  if (!first) return [];
  return first.map((g) => {
    const same = [g, ...rest.map((p) => p.find((x) => x.tag === g.tag && x.protocol === g.protocol && sameServers(x, g))).filter((x): x is AaaGroupStats => !!x)];
    const weights = same.map((x) => x.servers.reduce((n, s) => n + s.authRequests + s.acctRequests, 0));
    return mergeObjects(same as unknown as Stats[], weights) as unknown as AaaGroupStats;
  });
}

function sameServers(a: AaaGroupStats, b: AaaGroupStats): boolean {
  return a.servers.length === b.servers.length && a.servers.every((s, i) => s.address === b.servers[i]!.address);
}
