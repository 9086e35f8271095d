/**
 * Runs bench/harness/server-child (or another harness script) as a child
 * process, optionally inside a network namespace, and talks to it one
 * line at a time. Children are killed when the benchmark exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import readline from 'node:readline';
import type { ServerChildOptions } from './server-child.js';
import { NODE_FLAGS } from '../../bin/node-flags.js';

const here = dirname(fileURLToPath(import.meta.url));
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) if (c.exitCode === null) c.kill('SIGKILL');
});

/** node + flags + script for a harness script `name` beside this file (.js in dist, .ts through tsx). */
export function scriptCommand(name: string): string[] {
  const js = join(here, `${name}.js`);
  const ts = join(here, `${name}.ts`);
  // BENCH_CHILD_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server child
  const flags = [...NODE_FLAGS, '--expose-gc', ...(process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean)];
  if (import.meta.url.endsWith('.ts') && existsSync(ts)) return [process.execPath, ...flags, '--import', import.meta.resolve('tsx'), ts];
  return [process.execPath, ...flags, js];
}

export interface LineChild {
  proc: ChildProcess;
  /** Next line starting with `kind ` parsed as JSON (bounded in time). */
  next<T>(kind: string, timeoutMs?: number): Promise<T>;
  send(line: string): void;
  /** Send a command and wait for its answer line. */
  ask<T>(cmd: string, kind: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
  stderr(): string;
}

export function spawnLineChild(argv: string[], o: { netns?: string } = {}): LineChild {
  const cmd = o.netns ? ['ip', 'netns', 'exec', o.netns, ...argv] : argv;
  const proc = spawn(cmd[0], cmd.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  proc.stdin!.on('error', () => {});
  let err = '';
  proc.stderr!.on('data', (d) => {
    if (err.length < 20000) err += d;
  });
  const queue: string[] = [];
  const waiters: { kind: string; done: (l: string | undefined) => void }[] = [];
  const rl = readline.createInterface({ input: proc.stdout! });
  rl.on('line', (l) => {
    const w = waiters.findIndex((x) => l.startsWith(`${x.kind} `));
    if (w >= 0) waiters.splice(w, 1)[0].done(l);
    else queue.push(l);
  });
  proc.on('exit', () => {
    for (const w of waiters.splice(0)) w.done(undefined);
  });
  const next = <T>(kind: string, timeoutMs = 60_000): Promise<T> => {
    const i = queue.findIndex((l) => l.startsWith(`${kind} `));
    if (i >= 0) return Promise.resolve(JSON.parse(queue.splice(i, 1)[0].slice(kind.length + 1)) as T);
    return new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => {
        waiters.splice(waiters.indexOf(w), 1);
        reject(new Error(`child: no "${kind}" line after ${timeoutMs} ms; stderr: ${err.slice(-2000)}`));
      }, timeoutMs);
      const w = {
        kind,
        done: (l: string | undefined) => {
          clearTimeout(t);
          if (l === undefined) reject(new Error(`child exited before "${kind}"; stderr: ${err.slice(-2000)}; other output: ${queue.join('\n').slice(-2000)}`));
          else resolve(JSON.parse(l.slice(kind.length + 1)) as T);
        },
      };
      waiters.push(w);
    });
  };
  return {
    proc,
    next,
    send: (line) => void proc.stdin!.write(line + '\n'),
    ask(cmd, kind, timeoutMs) {
      proc.stdin!.write(cmd + '\n');
      return next(kind, timeoutMs);
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.stdin!.write('quit\n');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          proc.kill('SIGKILL');
          resolve();
        }, 8000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    },
    stderr: () => err,
  };
}

export interface ServerChild extends LineChild {
  port: number;
  udpPort: number;
  /** The SSH shells' port (0 without sshShells). */
  sshPort: number;
  pid: number;
}

export async function startServerChild(opts: ServerChildOptions, o: { netns?: string } = {}): Promise<ServerChild> {
  const c = spawnLineChild([...scriptCommand('server-child'), JSON.stringify(opts)], o);
  const ready = await c.next<{ port: number; udpPort: number; sshPort: number; pid: number }>('ready', 60_000);
  return Object.assign(c, ready);
}

export interface ChildMem {
  rss: number;
  heapUsed: number;
  /** V8's committed heap (used + free space in its pages). */
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Committed size of V8's young generation (it grows under allocation and is returned later). */
  newSpace: number;
}
