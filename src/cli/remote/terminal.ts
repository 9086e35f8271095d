/**
 * The line discipline of a remote shell (SSH or Telnet): bytes from the
 * client in, text to the client out. With `echo` (an SSH pty, or Telnet
 * after WILL ECHO) the client sends every key and this side echoes,
 * edits (Backspace, Ctrl-U, Ctrl-C, Ctrl-Z), answers `?` and Tab at once
 * and pages long output with `<--- More --->`; without it the client sends
 * whole lines and nothing is echoed. Secret answers are never echoed.
 * Output newlines go out as CRLF. Asynchronous debug/syslog lines print on
 * their own lines and the prompt with the half-typed line comes back.
 */
import type { ShellSession } from '../session.js';
import { MORE, Pager } from '../ui/pager.js';

export interface TerminalIo {
  write(text: string): void;
  /** Resolves once what was written has gone to the connection (at once unless its buffer is over its mark). */
  drained?(): Promise<void>;
}

/** drained() of a Node stream: a shell that writes faster than its client reads waits here, not in the stream's buffer. */
export function drainedOf(stream: { writableNeedDrain: boolean; once(event: 'drain', fn: () => void): unknown }): () => Promise<void> {
  return () => (stream.writableNeedDrain ? new Promise((resolve) => stream.once('drain', resolve)) : Promise.resolve());
}

/**
 * A TerminalIo over a write that calls `done` once the stream took the
 * text: drained() waits for every write so far, then for `then` (the TCP
 * socket under it). An ssh2 channel calls back only when the client's
 * window let the text go out, and its drain event comes after 2 MB (its
 * high-water mark), far too late; ssh2 writes its socket without waiting,
 * so a client that reads slowly would fill that socket's queue (pending
 * writes the young-generation GC copied, 10-50 ms a scavenge).
 */
export function callbackIo(write: (text: string, done: () => void) => void, then: () => Promise<void> = () => Promise.resolve()): TerminalIo {
  let unfinished = 0;
  const waiters: (() => void)[] = [];
  return {
    write: (text) => {
      unfinished++;
      write(text, () => {
        if (--unfinished === 0) for (const w of waiters.splice(0)) w();
      });
    },
    drained: async () => {
      if (unfinished > 0) await new Promise<void>((resolve) => waiters.push(resolve));
      await then();
    },
  };
}

export interface TerminalOptions {
  echo: boolean;
  /** Newlines go out as CRLF (a terminal: Telnet, an SSH pty). */
  crlf?: boolean;
  /** Called for every input byte batch (idle timers). */
  onInput?: () => void;
}

const MAX_PENDING_INPUT = 64 * 1024;

/** Lines of command output written per turn of the event loop (a remote shell's share). */
const OUTPUT_SLICE = 500;

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export class RemoteTerminal {
  private line = '';
  private input = '';
  private busy = false;
  private lastWasCr = false;
  private cols = 80;
  private rows = 0;
  private session: ShellSession | undefined;
  private pager: Pager | undefined;
  private readonly waiters: { prompt: string; secret: boolean; resolve: (l: string | undefined) => void }[] = [];
  private ended = false;
  private closedResolve: (() => void) | undefined;
  private echo: boolean;

  constructor(private readonly io: TerminalIo, private readonly opts: TerminalOptions) {
    this.echo = opts.echo;
  }

  setEcho(on: boolean): void {
    this.echo = on;
  }

  setSize(cols: number, rows: number): void {
    if (cols > 0) this.cols = cols;
    if (rows > 0) this.rows = rows;
  }

  size(): { cols: number; rows: number } {
    return { cols: this.cols, rows: this.rows };
  }

  print(text: string): void {
    this.io.write(this.opts.crlf === false ? text : text.replace(/\r?\n/g, '\r\n'));
  }

  private printLines(lines: string[]): void {
    if (!lines.length) return;
    if (this.opts.crlf === false) {
      this.io.write(lines.join('\n') + '\n');
      return;
    }
    // joined with CR LF at once: a RegExp over 16,000 joined lines cost more than rendering them. A newline
    // inside a line shows as one more than the joins put in (a test of each line first flattened every one of
    // show vpdn's, which come as trees of string pieces, and join() copies the pieces anyway)
    const text = lines.join('\r\n') + '\r\n';
    if (newlines(text) === lines.length) this.io.write(text);
    else this.print(lines.join('\n') + '\n');
  }

  /** Login phase: show `prompt`, resolve with the next line (undefined at end of input). */
  readLine(prompt: string, secret: boolean): Promise<string | undefined> {
    if (this.ended && !this.input.includes('\r') && !this.input.includes('\n')) return Promise.resolve(undefined);
    this.print(prompt);
    return new Promise((resolve) => {
      this.waiters.push({ prompt, secret, resolve });
      this.pump();
    });
  }

  /** Run `session` here until it logs off or the input ends. */
  run(session: ShellSession, banner: string[]): Promise<void> {
    this.session = session;
    this.pager = new Pager(() => this.pageLength(), () => this.cols);
    session.setLogHandler((lines) => this.asyncLines(lines));
    this.printLines(banner);
    this.print(session.prompt());
    const done = new Promise<void>((r) => (this.closedResolve = r));
    this.pump();
    this.finishIfDrained();
    return done;
  }

  /** The client's input ended (EOF, connection gone). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pump();
    for (const w of this.waiters.splice(0)) w.resolve(undefined);
    this.finishIfDrained();
  }

  /** After the input ended, the lines already sent still run; then the shell closes. */
  private finishIfDrained(): void {
    if (this.ended && !this.busy && (this.session?.closed || !/[\r\n]/.test(this.input))) this.finish();
  }

  feed(data: string): void {
    this.opts.onInput?.();
    if (this.input.length + data.length > MAX_PENDING_INPUT) return;
    this.input += data;
    this.pump();
  }

  private finish(): void {
    if (this.session && !this.session.closed) this.session.close();
    this.closedResolve?.();
    this.closedResolve = undefined;
  }

  private pageLength(): number {
    const n = this.session?.pageLength() ?? 0;
    if (n <= 0 || !this.echo) return 0;
    return this.rows > 1 ? Math.min(n, this.rows - 1) : n;
  }

  private secret(): boolean {
    return this.waiters[0]?.secret ?? this.session?.wantsSecret() ?? false;
  }

  private currentPrompt(): string {
    return this.waiters[0]?.prompt ?? this.session?.prompt() ?? '';
  }

  private pump(): void {
    while (!this.busy && this.input.length > 0) {
      if (!this.waiters.length && !this.session) return;
      const ch = this.input[0];
      this.input = this.input.slice(1);
      // a Telnet client ends a line with CR LF or CR NUL: one Enter
      const wasCr = this.lastWasCr;
      this.lastWasCr = ch === '\r';
      if ((ch === '\n' || ch === '\0') && wasCr) continue;
      if (this.pager?.waiting) {
        this.pagerKey(ch);
        continue;
      }
      this.key(ch);
    }
  }

  private pagerKey(ch: string): void {
    const p = this.pager!;
    this.print('\r' + ' '.repeat(MORE.length) + '\r');
    const lines = ch === ' ' ? p.key('space') : ch === '\r' || ch === '\n' ? p.key('enter') : p.key('quit');
    this.printLines(lines);
    if (p.waiting) this.print(MORE);
    else this.print(this.currentPrompt());
  }

  private key(ch: string): void {
    const code = ch.charCodeAt(0);
    if (ch === '\r' || ch === '\n') return this.submit();
    if (code === 0x7f || code === 0x08) {
      if (this.line === '') return;
      this.line = this.line.slice(0, -1);
      if (this.echo && !this.secret()) this.io.write('\b \b');
      return;
    }
    if (code === 0x15) {
      if (this.echo && !this.secret()) this.io.write('\b \b'.repeat(this.line.length));
      this.line = '';
      return;
    }
    if (code === 0x03) {
      this.line = '';
      this.session?.cancelPending();
      if (this.echo) this.print('^C\n' + this.currentPrompt());
      return;
    }
    if (code === 0x1a && this.session && !this.waiters.length) {
      this.line = '';
      this.session.end();
      if (this.echo) this.print('^Z\n' + this.currentPrompt());
      return;
    }
    if (ch === '?' && this.echo && this.session && !this.waiters.length && !this.secret()) {
      this.print('?\n');
      this.printLines(this.session.helpFor(this.line));
      this.print(this.session.prompt() + this.line);
      return;
    }
    if (ch === '\t' && this.echo && this.session && !this.waiters.length && !this.secret()) {
      const c = this.session.complete(this.line);
      if (c.candidates.length > 1) {
        this.print('\n' + c.candidates.join('  ') + '\n' + this.session.prompt() + c.line);
      } else if (c.line !== this.line) {
        this.print(c.line.slice(this.line.length));
      }
      this.line = c.line;
      return;
    }
    if (code < 0x20 || code === 0x1b) return;
    if (this.line.length >= 1024) return;
    this.line += ch;
    if (this.echo && !this.secret()) this.io.write(ch);
  }

  private submit(): void {
    const text = this.line;
    this.line = '';
    if (this.echo) this.print('\n');
    const w = this.waiters.shift();
    if (w) {
      w.resolve(text);
      return;
    }
    const s = this.session;
    if (!s || s.closed) return;
    this.busy = true;
    // with the pager off, long output comes a page per loop turn, written as it is made
    const stream = this.pageLength() <= 0 ? (lines: string[]) => this.streamPage(s, lines) : undefined;
    void s.execute(text, false, stream).then(async (out) => {
      const shown = this.pager!.start(out);
      // long output goes out a slice per loop turn, so the console is not held up behind it
      for (let i = 0; i < shown.length; i += OUTPUT_SLICE) {
        if (i > 0) await this.nextSlice(s);
        this.printLines(shown.slice(i, i + OUTPUT_SLICE));
      }
      this.busy = false;
      if (s.closed) return this.finish();
      if (this.pager!.waiting) this.print(MORE);
      else this.print(s.prompt());
      this.pump();
      this.finishIfDrained();
    });
  }

  private streamPage(s: ShellSession, lines: string[]): Promise<void> {
    this.printLines(lines);
    return this.nextSlice(s);
  }

  /**
   * Before the next slice of long output: the client has taken the last
   * one (ssh2 would otherwise hold megabytes and encrypt them all at once
   * when the client's window opens, outside any turn), then a turn.
   */
  private async nextSlice(s: ShellSession): Promise<void> {
    await this.io.drained?.();
    await s.takeTurn();
  }

  private asyncLines(lines: string[]): void {
    if (this.busy || this.pager?.waiting) {
      this.printLines(lines);
      return;
    }
    this.print('\r\n');
    this.printLines(lines);
    this.print(this.currentPrompt() + (this.secret() ? '' : this.line));
  }
}
