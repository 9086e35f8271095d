/**
 * The product itself (bin/pix-pptpd) as a child process in a test
 * namespace: `--plain --config FILE`, its shell driven through stdin and
 * its console (prompts, command output, debug and syslog lines) read from
 * stdout. Used by the lab's VM mode and the tests against real peers.
 *
 * Which build runs: the compiled tree this file belongs to when it runs
 * from dist/ (dist/bin/pix-pptpd.js); from the sources, dist/bin/pix-pptpd.js
 * when it exists (the shell's grammar takes seconds to build under tsx),
 * else `node --import tsx bin/pix-pptpd.ts`. PIX_PPTPD_FROM=src forces the
 * sources. Always with --openssl-legacy-provider (RC4/MD4 for MPPE and
 * MS-CHAP may come from OpenSSL).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnInNetns, stopChild, waitExit } from './netns.js';

export interface ProductOptions {
  /** The namespace (created by the test) the product runs in. */
  netns: string;
  /** The startup config, written to a temp file given as --config. */
  configText: string;
  /** Extra arguments after `--plain --config FILE`, e.g. ['--listen', '10.0.0.1']. */
  args?: string[];
  /** How long to wait for the first prompt (default 120 s: the grammar builds at start). */
  startTimeoutMs?: number;
  /** Every complete console line as it arrives. */
  onLine?: (line: string) => void;
}

export interface Product {
  /** Complete console lines so far (stdout; prompts are joined to the echoed input). */
  readonly lines: string[];
  /** What the product wrote to stderr. */
  readonly stderr: () => string;
  /** Types one line into the shell. */
  send(line: string): void;
  /** The first line (from index `from` on) matching re; rejects on timeout or exit. */
  waitFor(re: RegExp, ms?: number, from?: number): Promise<string>;
  /**
   * Types a line and resolves with the output lines it produced, once the
   * shell shows its prompt again (asynchronous debug lines printed
   * meanwhile are part of it).
   */
  command(line: string, ms?: number): Promise<string[]>;
  /** `enable`, answering the `Password:` prompt when the shell shows one; resolves at the `#` prompt. */
  enable(password?: string, ms?: number): Promise<void>;
  /** `exit` lines and EOF, then SIGTERM/SIGKILL; removes the temp config. Resolves with the exit code. */
  stop(): Promise<number | null>;
  readonly child: ChildProcess;
}

/** A PIX prompt: `host>`, `host#`, `host(config)#` (an optional trailing space). */
const PROMPT = /^[A-Za-z0-9_.-]+(\([A-Za-z0-9_-]+\))?[>#] ?$/;
const PRIVILEGED_PROMPT = /^[A-Za-z0-9_.-]+#\s?$/;
const PASSWORD_PROMPT = /^Password: ?$/;

function entryCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const flags = ['--openssl-legacy-provider'];
  if (import.meta.url.endsWith('.js')) {
    // dist/src/lab/rig/product.js -> dist/bin/pix-pptpd.js
    return [...flags, join(here, '..', '..', '..', 'bin', 'pix-pptpd.js')];
  }
  const root = join(here, '..', '..', '..');
  const dist = join(root, 'dist', 'bin', 'pix-pptpd.js');
  if (process.env.PIX_PPTPD_FROM !== 'src' && existsSync(dist)) return [...flags, dist];
  return [...flags, '--import', import.meta.resolve('tsx'), join(root, 'bin', 'pix-pptpd.ts')];
}

interface Waiter {
  re: RegExp;
  from: number;
  done(line: string | undefined): void;
}

/** Starts the product and resolves once its first prompt is on screen. */
export async function startProduct(opts: ProductOptions): Promise<Product> {
  const dir = mkdtempSync(join(tmpdir(), 'pixprod-'));
  const cfgPath = join(dir, 'startup.cfg');
  writeFileSync(cfgPath, opts.configText.endsWith('\n') ? opts.configText : opts.configText + '\n');
  const cleanupDir = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanupDir);

  const child = spawnInNetns(opts.netns, process.execPath, [...entryCommand(), '--plain', '--config', cfgPath, ...(opts.args ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let exited = false;
  const waiters = new Set<Waiter>();
  /** Called on every change of `partial` or `lines` (command completion checks). */
  const watchers = new Set<() => void>();

  const failAll = () => {
    for (const w of [...waiters]) w.done(undefined);
    for (const w of [...watchers]) w();
  };
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.replace(/\r$/, '');
      lines.push(line);
      opts.onLine?.(line);
      for (const w of [...waiters]) {
        if (lines.length - 1 >= w.from && w.re.test(line)) w.done(line);
      }
    }
    for (const w of [...watchers]) w();
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => (stderr += d));
  child.on('exit', () => {
    exited = true;
    if (partial) lines.push(partial);
    partial = '';
    failAll();
  });

  const context = () => `\n--- product console (last 80 lines) ---\n${lines.slice(-80).join('\n')}${partial ? `\n${partial}` : ''}\n--- stderr ---\n${stderr.slice(-4000)}`;

  const waitFor = (re: RegExp, ms = 10_000, from = 0): Promise<string> => {
    for (let i = from; i < lines.length; i++) if (re.test(lines[i]!)) return Promise.resolve(lines[i]!);
    if (exited) return Promise.reject(new Error(`product exited without ${re}${context()}`));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        re,
        from,
        done: (line) => {
          clearTimeout(t);
          waiters.delete(w);
          if (line === undefined) reject(new Error(`product exited without ${re}${context()}`));
          else resolve(line);
        },
      };
      const t = setTimeout(() => {
        waiters.delete(w);
        reject(new Error(`timed out after ${ms} ms waiting for ${re}${context()}`));
      }, ms);
      waiters.add(w);
    });
  };

  const send = (line: string) => {
    if (!exited && child.stdin!.writable) child.stdin!.write(line + '\n');
  };

  // Commands run one at a time: each waits for the prompt after its own echo.
  let queue: Promise<unknown> = Promise.resolve();
  const command = (line: string, ms = 15_000): Promise<string[]> => {
    const run = () =>
      new Promise<string[]>((resolve, reject) => {
        const from = lines.length;
        let echo = -1;
        const check = () => {
          if (echo < 0) {
            for (let i = from; i < lines.length; i++) {
              const m = /^[A-Za-z0-9_.-]+(\([A-Za-z0-9_-]+\))?[>#] ?(.*)$/.exec(lines[i]!);
              if (m && m[2] === line.trimEnd()) {
                echo = i;
                break;
              }
            }
          }
          if (echo >= 0 && (PROMPT.test(partial) || PASSWORD_PROMPT.test(partial))) finish(lines.slice(echo + 1));
          else if (exited) finish(echo >= 0 ? lines.slice(echo + 1) : []);
        };
        const finish = (out: string[]) => {
          clearTimeout(t);
          watchers.delete(check);
          resolve(out);
        };
        const t = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`timed out after ${ms} ms on the command '${line}'${context()}`));
        }, ms);
        watchers.add(check);
        send(line);
      });
    const p = queue.then(run, run);
    queue = p.catch(() => undefined);
    return p;
  };

  /** Resolves once the unfinished last line matches re (checked on every output). */
  const waitPartial = (re: RegExp, ms: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (re.test(partial)) done();
        else if (exited) done(new Error(`product exited while waiting for ${what}${context()}`));
      };
      const done = (err?: Error) => {
        clearTimeout(t);
        watchers.delete(check);
        if (err) reject(err);
        else resolve();
      };
      const t = setTimeout(() => done(new Error(`no ${what} within ${ms} ms${context()}`)), ms);
      watchers.add(check);
      check();
    });

  const enable = async (password = '', ms = 15_000): Promise<void> => {
    await command('enable', ms);
    if (PASSWORD_PROMPT.test(partial)) {
      // the answer is echoed as stars after the Password: prompt, not after a PIX prompt
      const run = async () => {
        const from = lines.length;
        send(password);
        await waitFor(/^Password:/, ms, from);
        await waitPartial(PROMPT, ms, 'a prompt after the enable password');
      };
      const p = queue.then(run, run);
      queue = p.catch(() => undefined);
      await p;
    }
    if (!PRIVILEGED_PROMPT.test(partial)) throw new Error(`enable did not reach privileged mode${context()}`);
  };

  let stopping: Promise<number | null> | undefined;
  const stop = (): Promise<number | null> =>
    (stopping ??= (async () => {
      if (!exited) {
        // `exit` leaves config mode, then privileged mode, then logs off; EOF ends it in any case.
        send('exit');
        send('exit');
        send('exit');
        child.stdin!.end();
        if ((await waitExit(child, 5000)) === undefined) await stopChild(child, 3000);
      }
      cleanupDir();
      process.off('exit', cleanupDir);
      return child.exitCode;
    })());

  try {
    await waitPartial(PROMPT, opts.startTimeoutMs ?? 120_000, 'first prompt');
  } catch (err) {
    await stop();
    throw err;
  }

  return { lines, stderr: () => stderr, send, waitFor, command, enable, stop, child };
}
