/**
 * A private PostgreSQL 15 cluster (Debian's postgresql-15) for the tests
 * and benches that give FreeRADIUS an SQL database: initdb in a temp
 * directory, run as the `postgres` user (initdb and postgres refuse root),
 * started as a child we stop by its pid, the directory removed at the end.
 * The system clusters (/var/lib/postgresql, /etc/postgresql) are neither
 * read nor changed.
 *
 * It listens on a unix socket in its own directory and, when a namespace
 * is given, on 127.0.0.1 of that namespace only: never on an address of
 * the root namespace. Authentication is `trust` on both (the socket
 * directory is 0700, the namespace's loopback is the test's own).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineReader, runInNetns, spawnInNetns, stopChild, type RunResult, killAtExit } from './netns.js';
import { canRootWith, type Capability } from './capability.js';

export const PG_BIN = '/usr/lib/postgresql/15/bin';

export interface PostgresOptions {
  /** Run inside this namespace, listening on its 127.0.0.1 too. */
  netns?: string;
  /** Database created after start-up (default radius). */
  database?: string;
  /** TCP port (default 5432; in the root namespace TCP is off, only the socket). */
  port?: number;
}

export interface Postgres {
  readonly dir: string;
  /** The unix socket directory (libpq `host=`). */
  readonly socketDir: string;
  readonly port: number;
  readonly database: string;
  /** The superuser the clients log in as. */
  readonly user: string;
  readonly pid: number;
  /** psql -X -A -t -q on the database: the output, throws on an error. */
  sql(text: string, timeoutMs?: number): Promise<string>;
  /** Rows of a query, each a list of its columns (psql -A -t, fields split on '|'). */
  rows(query: string): Promise<string[][]>;
  log(): string;
  /**
   * The database stops answering, as a hung host does: SIGSTOP to the
   * postmaster, then to every process under it (backends, checkpointer...).
   * The kernel still accepts connections on its socket; nothing is ever
   * served on them. Returns the pids stopped.
   */
  pause(): number[];
  /** SIGCONT to every process pause() stopped: it answers again. */
  resume(): void;
  /**
   * The database refuses instead (true), as one shutting down does: its
   * open connections are ended and new ones fail at once ("not currently
   * accepting connections"); false serves again.
   */
  refuse(on: boolean): Promise<void>;
  /** Fast shutdown (SIGINT; SIGKILL after 10 s; resumed first if paused), then removes the directory. */
  stop(): Promise<void>;
}

/** Root, the PostgreSQL 15 server binaries, psql and setpriv. */
export function postgresAvailable(): Capability {
  if (!existsSync(join(PG_BIN, 'postgres')) || !existsSync(join(PG_BIN, 'initdb'))) {
    return { ok: false, reason: `PostgreSQL 15 server missing (${PG_BIN}/postgres; scripts/setup.sh --test installs postgresql-15)` };
  }
  const r = canRootWith('psql', 'setpriv');
  if (!r.ok) return r;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) return { ok: false, reason: 'no `postgres` user (the postgresql-15 package makes it)' };
  return { ok: true };
}

function pgIds(): { uid: number; gid: number } {
  const u = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** `cmd args` as the postgres user (setpriv execs: the pid is the program's). */
function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', cmd, ...args]];
}

function run(netns: string | undefined, cmd: string, args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  if (netns) return runInNetns(netns, cmd, args, opts);
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    c.stdout!.on('data', (d) => (stdout += d));
    c.stderr!.on('data', (d) => (stderr += d));
    const t = setTimeout(() => {
      timedOut = true;
      c.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    c.on('error', (e) => {
      clearTimeout(t);
      resolve({ code: null, signal: null, stdout, stderr: stderr + e.message, timedOut });
    });
    c.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    if (opts.input !== undefined) {
      c.stdin!.on('error', () => {});
      c.stdin!.end(opts.input);
    }
  });
}

/** The processes under `pid`, children before grandchildren (/proc/PID/task/TID/children). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let kids = '';
      try {
        kids = readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').trim();
      } catch {
        continue;
      }
      for (const k of kids ? kids.split(/\s+/).map(Number) : []) {
        out.push(k);
        walk(k);
      }
    }
  };
  walk(pid);
  return out;
}

function signalAll(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
  }
}

/** Starts the cluster and resolves once it accepts connections and the database exists. */
export async function startPostgres(opts: PostgresOptions = {}): Promise<Postgres> {
  const database = opts.database ?? 'radius';
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`database name ${database}: lower-case letters, digits and _ only`);
  const port = opts.port ?? 5432;
  const dir = mkdtempSync(join(tmpdir(), 'pg-rig-'));
  const { uid, gid } = pgIds();
  const data = join(dir, 'data');
  const socketDir = join(dir, 'sock');
  let child: ChildProcess | undefined;
  let out: LineReader | undefined;
  let err: LineReader | undefined;
  try {
    // the temp dir (0700 root) must be enterable by postgres: make it its own
    for (const d of [data, socketDir]) mkdirSync(d, { recursive: true });
    for (const d of [dir, data, socketDir]) chownSync(d, uid, gid);
    chmodSync(dir, 0o700);
    chmodSync(data, 0o700);
    chmodSync(socketDir, 0o700);
    const [ic, ia] = asPostgres(join(PG_BIN, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const init = await run(undefined, ic, ia, { timeoutMs: 60_000 });
    if (init.code !== 0) throw new Error(`initdb failed (${init.code}): ${(init.stderr || init.stdout).trim().slice(-2000)}`);
    const settings = [
      `listen_addresses=${opts.netns ? '127.0.0.1' : ''}`,
      `port=${port}`,
      `unix_socket_directories=${socketDir}`,
      'fsync=off',
      'synchronous_commit=off',
      'full_page_writes=off',
      'max_connections=100',
      'shared_buffers=32MB',
      'logging_collector=off',
      'log_min_messages=warning',
    ].flatMap((s) => ['-c', s]);
    const [pc, pa] = asPostgres(join(PG_BIN, 'postgres'), ['-D', data, ...settings]);
    child = opts.netns ? spawnInNetns(opts.netns, pc, pa, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(pc, pa, { stdio: ['ignore', 'pipe', 'pipe'] });
    out = new LineReader(child.stdout!);
    err = new LineReader(child.stderr!);
    const c = child;
    const e = err;
    const exited = new Promise<never>((_, reject) =>
      c.once('exit', (code) => reject(new Error(`postgres exited (${code}) during start-up:\n${e.lines.slice(-30).join('\n')}`))),
    );
    exited.catch(() => {});
    await Promise.race([e.waitFor(/database system is ready to accept connections/, 30_000), exited]);
    const psql = async (text: string, db: string, timeoutMs = 60_000): Promise<string> => {
      const r = await run(opts.netns, 'psql', ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', 'postgres', '-d', db], {
        input: text,
        timeoutMs,
      });
      if (r.code !== 0) throw new Error(`psql failed (${r.code}${r.timedOut ? ', timed out' : ''}): ${r.stderr.trim().slice(-2000)}`);
      return r.stdout;
    };
    await psql(`CREATE DATABASE ${database};`, 'postgres');
    // a stopped backend would outlive the postmaster's SIGKILL: killed by its pid too
    let paused: number[] = [];
    const forgetAtExit = killAtExit(c, dir, () => paused);
    const resume = () => {
      signalAll(paused, 'SIGCONT');
      paused = [];
    };
    return {
      dir,
      socketDir,
      port,
      database,
      user: 'postgres',
      pid: c.pid!,
      sql: (text, timeoutMs) => psql(text, database, timeoutMs),
      rows: async (query) =>
        (await psql(query, database))
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.split('|')),
      log: () => [...(out?.lines ?? []), ...e.lines].join('\n'),
      pause() {
        // the postmaster first: once stopped it forks no new backend
        signalAll([c.pid!], 'SIGSTOP');
        const under = descendants(c.pid!);
        signalAll(under, 'SIGSTOP');
        paused = [...new Set([...paused, c.pid!, ...under])];
        return [...paused];
      },
      resume,
      async refuse(on) {
        const end = on ? `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${database}';` : '';
        await psql(`ALTER DATABASE ${database} ALLOW_CONNECTIONS ${on ? 'false' : 'true'};${end}`, 'postgres');
      },
      async stop() {
        resume();
        forgetAtExit();
        if (c.exitCode === null && c.signalCode === null) {
          const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
          await new Promise<void>((resolve) => {
            c.once('exit', () => resolve());
            c.kill('SIGINT');
          });
          clearTimeout(t);
        }
        await stopChild(c, 1000);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (child) await stopChild(child, 2000);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
