/**
 * `--plain`: the shell as plain lines on stdin/stdout (pipes, tests, tmux).
 *
 * The prompt is printed as the PIX does before each line (no newline);
 * when stdin is not a terminal the typed line is echoed after it, so a
 * piped session reads like a console log (`pixfirewall#show vpdn`). Secret
 * answers (the enable `Password:`) echo as `*`s. A line ending in `?`
 * prints help and re-prints the prompt with the text before the `?`.
 * Asynchronous debug/syslog lines arriving while the console waits for
 * input are printed on their own lines; the prompt is re-printed once the
 * burst is over (PROMPT_AFTER_MS of quiet), not after every line.
 * Input ends at EOF or when the session logs off.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ShellSession } from '../session.js';
import { UNKNOWN_COMMAND } from '../session.js';

export interface PlainConsoleOptions {
  /** Echo typed lines after the prompt (true when stdin is not a TTY). */
  echo: boolean;
  /** First line printed (PIX login hint); undefined = the PIX hint. */
  banner?: string[];
}

const PROMPT_AFTER_MS = 150;

export class PlainConsole {
  /** A prompt is on screen without its newline (we are waiting for input). */
  private atPrompt = false;
  /** Async lines pushed the prompt away; it comes back after a quiet spell. */
  private promptTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly session: ShellSession,
    private readonly out: (text: string) => void,
    private readonly opts: PlainConsoleOptions,
  ) {
    session.setLogHandler((lines) => this.asyncLines(lines));
  }

  start(): void {
    for (const l of this.opts.banner ?? [UNKNOWN_COMMAND]) this.out(l + '\n');
    this.showPrompt();
  }

  get closed(): boolean {
    return this.session.closed;
  }

  /** One input line (without its newline). Resolves when the next prompt is
   *  shown. `more`: further lines are already buffered (a paste goes on). */
  async handleLine(raw: string, more = false): Promise<void> {
    if (this.session.closed) return;
    if (this.promptTimer) this.showPrompt();
    const secret = this.session.wantsSecret();
    if (this.opts.echo) this.out(secret ? '*'.repeat(Math.min(raw.length, 64)) : raw);
    this.out('\n');
    this.atPrompt = false;
    const trimmed = raw.replace(/\s+$/, '');
    if (!secret && trimmed.endsWith('?') && trimmed.length < 4096) {
      const text = trimmed.slice(0, -1);
      this.printLines(this.session.helpFor(text));
      this.out(this.session.prompt() + text + '\n');
      this.showPrompt();
      return;
    }
    const lines = await this.session.execute(raw, more);
    this.printLines(lines);
    if (!this.session.closed) this.showPrompt();
  }

  /** EOF: what the last block left to say, then end the dangling prompt line. */
  finish(): void {
    clearTimeout(this.promptTimer);
    this.promptTimer = undefined;
    const tail = this.session.closed ? [] : this.session.endBlock();
    if (this.atPrompt) this.out('\n');
    this.atPrompt = false;
    this.printLines(tail);
  }

  private showPrompt(): void {
    clearTimeout(this.promptTimer);
    this.promptTimer = undefined;
    this.out(this.session.prompt());
    this.atPrompt = true;
  }

  private printLines(lines: string[]): void {
    if (lines.length) this.out(lines.join('\n') + '\n');
  }

  private asyncLines(lines: string[]): void {
    if (this.atPrompt) {
      this.out('\n');
      this.atPrompt = false;
      this.promptTimer = setTimeout(() => this.showPrompt(), PROMPT_AFTER_MS);
      this.promptTimer.unref?.();
    } else if (this.promptTimer) {
      this.promptTimer.refresh();
    }
    this.printLines(lines);
  }
}

/** Run a plain console over streams until EOF or logoff. */
export async function runPlainConsole(
  session: ShellSession,
  input: Readable & { isTTY?: boolean },
  output: Writable,
  opts: Partial<PlainConsoleOptions> = {},
): Promise<void> {
  const con = new PlainConsole(session, (t) => output.write(t), { echo: opts.echo ?? !input.isTTY, banner: opts.banner });
  con.start();
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  // our own queue, so each line knows whether more are already waiting
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  rl.on('line', (l) => {
    queue.push(l);
    wake?.();
  });
  rl.on('close', () => {
    ended = true;
    wake?.();
  });
  try {
    for (;;) {
      const line = queue.shift();
      if (line === undefined) {
        if (ended) break;
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      await con.handleLine(line, queue.length > 0);
      if (con.closed) break;
    }
  } finally {
    rl.close();
    con.finish();
  }
}
