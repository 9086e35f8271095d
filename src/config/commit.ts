/**
 * The commit queue (codebases.md practice 13): commits run one at a time;
 * each one validates the whole candidate, lets the server prepare the
 * change (`prepare`, e.g. reconfigure; it may reject), then swaps the
 * running-config in. Any failure aborts with the running-config untouched.
 */
import type { ConfigDiff, VpnConfig } from './model.js';
import type { RunningConfig } from './running.js';
import { validate } from './validate.js';

export type CommitResult = { ok: true; diff: ConfigDiff; warnings: string[] } | { ok: false; lines: string[] };

export interface CommitterDeps {
  get: () => RunningConfig;
  set: (rc: RunningConfig) => void;
  prepare?: (diff: ConfigDiff) => Promise<void>;
}

export interface Committer {
  /** Commit a candidate built by the caller. */
  commit(candidate: RunningConfig): Promise<CommitResult>;
  /** Build the candidate from the running-config at the head of the queue
   *  (use this when several commits may be in flight). */
  update(fn: (current: RunningConfig) => RunningConfig | { ok: false; lines: string[] }): Promise<CommitResult>;
}

export function createCommitter(deps: CommitterDeps): Committer {
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = (job: () => Promise<CommitResult>): Promise<CommitResult> => {
    const p = tail.then(job, job);
    tail = p.catch(() => undefined);
    return p;
  };
  const run = async (candidate: RunningConfig): Promise<CommitResult> => {
    const v = validate(candidate);
    if (v.errors.length > 0) return { ok: false, lines: v.errors };
    const diff: ConfigDiff = { before: deps.get().vpn, after: candidate.vpn };
    if (deps.prepare && !sameVpn(diff.before, diff.after)) {
      try {
        await deps.prepare(diff);
      } catch (e) {
        return { ok: false, lines: [`ERROR: ${e instanceof Error ? e.message : String(e)}`] };
      }
    }
    deps.set(candidate);
    return { ok: true, diff, warnings: v.warnings };
  };
  return {
    commit: (candidate) => enqueue(() => run(candidate)),
    update: (fn) =>
      enqueue(async () => {
        const c = fn(deps.get());
        if ('ok' in c && c.ok === false) return c;
        return run(c as RunningConfig);
      }),
  };
}

function sameVpn(a: VpnConfig, b: VpnConfig): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Readable typed changes of a diff (tests, `debug`); never prints secrets. */
export function describeDiff(diff: ConfigDiff): string[] {
  const out: string[] = [];
  const { before: a, after: b } = diff;
  if (a.hostname !== b.hostname) out.push(`~ hostname ${a.hostname} -> ${b.hostname}`);
  if (a.sysoptPermitPptp !== b.sysoptPermitPptp) out.push(`~ sysopt connection permit-pptp ${b.sysoptPermitPptp ? 'on' : 'off'}`);
  keyed(out, 'interface', a.interfaces, b.interfaces, (i) => i.name, (i) => JSON.stringify(i));
  for (const i of b.vpdnEnable) if (!a.vpdnEnable.includes(i)) out.push(`+ vpdn enable ${i}`);
  for (const i of a.vpdnEnable) if (!b.vpdnEnable.includes(i)) out.push(`- vpdn enable ${i}`);
  keyed(out, 'vpdn group', a.vpdnGroups, b.vpdnGroups, (g) => g.name, (g) => JSON.stringify(g), (x, y) => fieldChanges(x, y));
  keyed(out, 'vpdn username', a.vpdnUsers, b.vpdnUsers, (u) => u.name, (u) => u.password, () => ['password changed']);
  keyed(out, 'ip local pool', a.pools, b.pools, (p) => p.name, (p) => JSON.stringify(p), (x, y) => fieldChanges(x, y));
  keyed(
    out,
    'aaa-server',
    a.aaaServerGroups,
    b.aaaServerGroups,
    (g) => g.tag,
    (g) => JSON.stringify(g),
    (x, y) => fieldChanges({ ...x, hosts: x.hosts.map((h) => h.address) }, { ...y, hosts: y.hosts.map((h) => h.address) }, true),
  );
  return out;
}

function keyed<T>(
  out: string[],
  what: string,
  a: T[],
  b: T[],
  key: (t: T) => string,
  sig: (t: T) => string,
  detail: (x: T, y: T) => string[] = () => [],
): void {
  const am = new Map(a.map((t) => [key(t), t]));
  const bm = new Map(b.map((t) => [key(t), t]));
  for (const [k, t] of bm) {
    const old = am.get(k);
    if (!old) out.push(`+ ${what} ${k}`);
    else if (sig(old) !== sig(t)) {
      const d = detail(old, t);
      out.push(`~ ${what} ${k}${d.length ? ': ' + d.join(', ') : ''}`);
    }
  }
  for (const k of am.keys()) if (!bm.has(k)) out.push(`- ${what} ${k}`);
}

function fieldChanges(x: object, y: object, hostsChangedOnly = false): string[] {
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  const out: string[] = [];
  for (const k of keys) {
    const xv = JSON.stringify((x as Record<string, unknown>)[k]);
    const yv = JSON.stringify((y as Record<string, unknown>)[k]);
    if (xv !== yv) out.push(`${k} ${xv ?? 'unset'} -> ${yv ?? 'unset'}`);
  }
  if (hostsChangedOnly && out.length === 0) out.push('host settings changed');
  return out;
}
