/**
 * Network namespaces for the lab's rigs and the tests that need real interfaces.
 *
 * Every namespace gets a unique name `pt-<prefix>-<pid>-<n>` and is recorded
 * in a registry; everything recorded (namespaces, and the processes spawned
 * into them) is removed by deleteNetns / withNetns, and again on process
 * exit or SIGINT/SIGTERM, also when a test fails. Namespaces left by a
 * harness process that died (its pid is gone) are reaped on the next use.
 * Nothing here touches the root namespace's addresses or routes.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { rmSync } from 'node:fs';

const NAME_PREFIX = 'pt-';
const namespaces = new Set<string>();
const children = new Set<ChildProcess>();
let counter = 0;
let hooksInstalled = false;
let reaped = false;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A namespace name unique to this process: pt-<prefix>-<pid>-<n>. */
export function uniqueNetnsName(prefix: string): string {
  const clean = prefix.replace(/[^A-Za-z0-9_]/g, '').slice(0, 12) || 'ns';
  return `${NAME_PREFIX}${clean}-${process.pid}-${counter++}`;
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanupAllSync();
      process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[sig]);
    });
  }
}

/** Kills every registered child and deletes every registered namespace. */
export function cleanupAllSync(): void {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null && c.pid) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
  for (const ns of namespaces) deleteNetnsSync(ns);
  namespaces.clear();
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes pt-* namespaces whose creating process no longer exists. */
function reapStale(): void {
  if (reaped) return;
  reaped = true;
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 });
  for (const line of (r.stdout ?? '').split('\n')) {
    const name = line.split(' ')[0];
    const m = /^pt-[A-Za-z0-9_]*-(\d+)-\d+$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !pidAlive(Number(m[1]))) deleteNetnsSync(name);
  }
}

/**
 * Kills what still runs inside a namespace and deletes it. Only used on
 * namespaces this harness made (unique names), so every process in one was
 * started by a test.
 */
function deleteNetnsSync(ns: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 10_000 });
  for (const p of (pids.stdout ?? '').split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(p), 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
}

function ip(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d) => (err += d));
    c.on('error', reject);
    c.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`ip ${args.join(' ')} -> ${code}: ${err.trim()}`)),
    );
  });
}

/** Creates a namespace (loopback up) and registers it for cleanup. */
export async function createNetns(name: string = uniqueNetnsName('ns')): Promise<string> {
  installHooks();
  reapStale();
  await ip(['netns', 'add', name]);
  namespaces.add(name);
  await ip(['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

/** Kills processes registered in it, then deletes the namespace. */
export async function deleteNetns(name: string): Promise<void> {
  for (const c of [...children]) {
    if ((c as ChildProcess & { netns?: string }).netns === name) await stopChild(c);
  }
  deleteNetnsSync(name);
  namespaces.delete(name);
}

/** Runs fn in a fresh namespace that is deleted afterwards, whatever happens. */
export async function withNetns<T>(prefix: string, fn: (ns: string) => Promise<T>): Promise<T> {
  const ns = await createNetns(uniqueNetnsName(prefix));
  try {
    return await fn(ns);
  } finally {
    await deleteNetns(ns);
  }
}

let vethCounter = 0;

/**
 * A veth pair between two namespaces, addressed and up. Addresses may carry
 * a prefix length ("10.0.0.1/24"); /24 when omitted. IPv6 is disabled on both
 * ends (no DAD/RS/MLD chatter in captures).
 */
export async function vethPair(
  nsA: string,
  nsB: string,
  addrA: string,
  addrB: string,
  opts: { nameA?: string; nameB?: string; mtu?: number } = {},
): Promise<{ ifA: string; ifB: string }> {
  const n = vethCounter++;
  // unique per process too, in case a kernel creates the pair in the root namespace first
  const tag = `v${process.pid % 100000}x${n}`;
  const ifA = opts.nameA ?? `${tag}a`;
  const ifB = opts.nameB ?? `${tag}b`;
  await ip(['link', 'add', ifA, 'netns', nsA, 'type', 'veth', 'peer', 'name', ifB, 'netns', nsB]);
  for (const [ns, ifn, addr] of [
    [nsA, ifA, addrA],
    [nsB, ifB, addrB],
  ] as const) {
    await runInNetns(ns, 'sysctl', ['-qw', `net.ipv6.conf.${ifn}.disable_ipv6=1`]);
    if (opts.mtu) await ip(['-n', ns, 'link', 'set', ifn, 'mtu', String(opts.mtu)]);
    await ip(['-n', ns, 'addr', 'add', addr.includes('/') ? addr : `${addr}/24`, 'dev', ifn]);
    await ip(['-n', ns, 'link', 'set', ifn, 'up']);
  }
  return { ifA, ifB };
}

/** Spawns `cmd args` inside the namespace; the child is killed at cleanup. */
export function spawnInNetns(ns: string, cmd: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  installHooks();
  const c = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  (c as ChildProcess & { netns?: string }).netns = ns;
  // A child that exits (or crashes) turns our next stdin write into EPIPE;
  // tests see that through the child's output and exit, not as an uncaught error.
  c.stdin?.on('error', () => {});
  children.add(c);
  c.on('exit', () => children.delete(c));
  c.on('error', () => children.delete(c));
  return c;
}

/** Runs a command in the namespace to completion (killed after timeoutMs). */
export function runInNetns(
  ns: string,
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; input?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const withInput = opts.input !== undefined;
    const c = spawnInNetns(ns, cmd, args, { stdio: [withInput ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    c.stdout!.on('data', (d) => (stdout += d));
    c.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      c.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    c.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + err.message, timedOut });
    });
    c.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    if (withInput) {
      // a command may exit without reading its input: EPIPE is not an error here
      c.stdin!.on('error', () => {});
      c.stdin!.end(opts.input);
    }
  });
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the child has exited. */
export function stopChild(c: ChildProcess, graceMs = 3000): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) {
      children.delete(c);
      resolve();
      return;
    }
    const t = setTimeout(() => c.kill('SIGKILL'), graceMs);
    c.once('exit', () => {
      clearTimeout(t);
      children.delete(c);
      resolve();
    });
    c.kill('SIGTERM');
  });
}

/** Collects a child's output lines and waits for the ones a test expects. */
export class LineReader {
  readonly lines: string[] = [];
  private readonly waiters: { re: RegExp; from: number; done: (line: string | undefined) => void }[] = [];
  private partial = '';
  private ended = false;

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding?.('utf8');
    stream.on('data', (d: string) => {
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop() ?? '';
      for (const l of parts) this.push(l);
    });
    stream.on('end', () => {
      if (this.partial) this.push(this.partial);
      this.partial = '';
      this.ended = true;
      for (const w of this.waiters.splice(0)) w.done(undefined);
    });
  }

  private push(line: string): void {
    this.lines.push(line);
    for (const w of [...this.waiters]) {
      if (w.re.test(line)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.done(line);
      }
    }
  }

  /** The first line (from index `from` on) matching re; rejects on timeout or end of stream. */
  waitFor(re: RegExp, timeoutMs = 10_000, from = 0): Promise<string> {
    const seen = this.lines.slice(from).find((l) => re.test(l));
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.ended) return Promise.reject(new Error(`stream ended without ${re}; got:\n${this.lines.join('\n')}`));
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${re}; got:\n${this.lines.join('\n')}`));
      }, timeoutMs);
      const w = {
        re,
        from,
        done: (line: string | undefined) => {
          clearTimeout(t);
          if (line === undefined) reject(new Error(`stream ended without ${re}; got:\n${this.lines.join('\n')}`));
          else resolve(line);
        },
      };
      this.waiters.push(w);
    });
  }

  /** Lines matching re, parsed as JSON after the first space. */
  json<T>(re: RegExp): T[] {
    return this.lines.filter((l) => re.test(l)).map((l) => JSON.parse(l.slice(l.indexOf(' ') + 1)) as T);
  }
}

/** Resolves with the exit code when the child exits, or undefined after timeoutMs. */
export function waitExit(c: ChildProcess, timeoutMs: number): Promise<number | null | undefined> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve(c.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(undefined), timeoutMs);
    c.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

/**
 * If this process exits first (a test that failed or was interrupted),
 * SIGKILL `c` (and the pids `also` names then: processes under it that
 * would outlive it, such as stopped ones) and remove `dir`; the result
 * forgets it (after a clean stop).
 */
export function killAtExit(c: ChildProcess, dir: string, also: () => readonly number[] = () => []): () => void {
  const onExit = () => {
    const pids = [...(c.exitCode === null && c.pid ? [c.pid] : []), ...also()];
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return () => process.off('exit', onExit);
}
