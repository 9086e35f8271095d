/**
 * The interactive console on a TTY: output pane with scrollback, one input
 * line with history and Emacs-style editing, a status line, colour.
 *
 * Keys: Enter runs the line; `?` shows help at once (no Enter) and keeps
 * the text; Tab completes; Up/Down browse history; Left/Right, Home/End,
 * Ctrl-A/Ctrl-E move; Backspace/Delete; Ctrl-U kills the line, Ctrl-W a
 * word; Ctrl-C abandons the line (or a question, or paging); Ctrl-Z = end;
 * Ctrl-D on an empty line = exit; PageUp/PageDown scroll the output.
 * Long output pages with `<--- More --->` (space, Enter, q).
 * `show vpdn live` or F2 (privileged) opens the live dashboard
 * (dashboard-view.ts); while it is up it takes every key.
 *
 * Every keypress goes through one queue, so a pasted block of lines runs
 * line by line, each after the previous one finished.
 *
 * Only files under src/cli/ui may import blessed and chalk.
 */
import blessed from 'blessed';
import { Chalk } from 'chalk';
import type { ShellSession } from '../session.js';
import type { LineKind } from '../logging.js';
import { classifyLine, type LineClass } from './classify.js';
import { Dashboard } from '../dashboard/model.js';
import { DashboardView, utf8Locale } from './dashboard-view.js';
import { LineEditor } from './line-editor.js';
import { MORE, Pager } from './pager.js';

export interface StatusInfo {
  tunnels: number;
  sessions: number;
  debug: string[];
  server: boolean;
}

export interface BlessedConsoleOptions {
  status: () => StatusInfo;
  version: string;
  /** Lines printed first (startup-config load messages). */
  initialLines?: string[];
  /** Streams (default: process.stdin/stdout). */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** The terminal type (default $TERM): an SSH client's pty request names its own. */
  terminal?: string;
  /** Does the terminal take UTF-8 (default: from the locale, utf8Locale())? */
  unicode?: boolean;
  /** Aborted from outside (kill, idle timeout, the connection gone): the console ends. */
  signal?: AbortSignal;
}

interface Key {
  name?: string;
  full?: string;
  ctrl?: boolean;
  meta?: boolean;
}

const chalk = new Chalk({ level: 1 });
const COLOURS: Record<LineClass, (s: string) => string> = {
  error: (s) => chalk.red(s),
  warning: (s) => chalk.yellow(s),
  debug: (s) => chalk.cyan(s),
  syslog: (s) => chalk.magenta(s),
  echo: (s) => chalk.bold(s),
  plain: (s) => s,
};

const MODE_NAMES = { exec: 'user', enable: 'privileged', config: 'config' } as const;

export function runBlessedConsole(session: ShellSession, opts: BlessedConsoleOptions): Promise<void> {
  const unicode = opts.unicode ?? utf8Locale();
  const screen = blessed.screen({
    smartCSR: true,
    fullUnicode: true,
    forceUnicode: unicode,
    terminal: opts.terminal,
    title: 'pix-pptpd',
    input: opts.input as NodeJS.ReadableStream | undefined,
    output: opts.output as NodeJS.WritableStream | undefined,
    warnings: false,
  } as blessed.Widgets.IScreenOptions);
  // On a UTF-8 terminal the frame is drawn with the Unicode box characters
  // themselves (as ncurses does with NCURSES_NO_UTF8_ACS). The terminfo
  // alternate character set (smacs + 'lqqk') is what tmux, screen and many
  // SSH clients show as letters.
  if (unicode) (screen.program as unknown as { tput: { brokenACS: boolean } }).tput.brokenACS = true;
  const out = blessed.log({
    parent: screen,
    top: 0,
    left: 0,
    width: '100%',
    height: '100%-2',
    scrollback: 5000,
    scrollable: true,
    alwaysScroll: true,
    tags: false,
  });
  const input = blessed.box({ parent: screen, bottom: 1, left: 0, width: '100%', height: 1, tags: false });
  const status = blessed.box({
    parent: screen,
    bottom: 0,
    left: 0,
    width: '100%',
    height: 1,
    tags: false,
    style: { fg: 'black', bg: 'cyan' },
  });
  screen.program.hideCursor();

  const editor = new LineEditor(() => session.history());
  const pager = new Pager(() => session.pageLength(), () => session.width());
  const queue: [string | undefined, Key][] = [];
  let draining = false;
  let finished = false;

  let dashboard: DashboardView | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));

  function print(lines: string[], kind?: LineKind | 'echo'): void {
    const coloured = lines.map((l) => COLOURS[classifyLine(l, kind)](l));
    for (const l of coloured) out.add(l);
    dashboard?.log(coloured);
  }

  function openDashboard(): void {
    dashboard ??= new DashboardView(screen, new Dashboard(session.dashboardSource()), {
      render,
      onClose: render,
      unicode,
    });
    dashboard.open();
  }

  function drawInput(): void {
    if (dashboard?.visible) {
      input.setContent(chalk.inverse(dashboard.inputLine()));
      return;
    }
    if (pager.waiting) {
      input.setContent(chalk.inverse(MORE));
      return;
    }
    const prompt = session.prompt();
    const shown = session.wantsSecret() ? '*'.repeat(editor.text.length) : editor.text;
    const cur = editor.cursor;
    const line = shown.slice(0, cur) + chalk.inverse(shown[cur] ?? ' ') + shown.slice(cur + 1);
    const width = Math.max(10, (screen.width as number) - 1);
    const plainLen = prompt.length + shown.length + 1;
    // keep the cursor visible on long lines: drop characters from the left
    const skip = Math.max(0, Math.min(prompt.length + cur + 1 - width, plainLen - width));
    input.setContent(skip > 0 ? '<' + (prompt + line).slice(skip + 1) : prompt + line);
  }

  function drawStatus(): void {
    let info: StatusInfo;
    try {
      info = opts.status();
    } catch {
      info = { tunnels: 0, sessions: 0, debug: [], server: false };
    }
    const head = [
      ` ${session.hostname()}`,
      `mode: ${MODE_NAMES[session.currentMode()]}`,
      info.server ? `tunnels: ${info.tunnels} sessions: ${info.sessions}` : 'no server',
    ];
    const tail = `pix-pptpd ${opts.version}`;
    const width = (screen.width as number) || 80;
    let debug = `debug: ${info.debug.length ? info.debug.join(', ') : 'off'}`;
    // too long for the line: count them instead (`show debug` lists them)
    if (info.debug.length > 0 && [...head, debug, tail].join(' | ').length > width) debug = `debug: ${info.debug.length} on`;
    status.setContent([...head, debug, tail].join(' | '));
  }

  function render(): void {
    if (finished) return;
    drawInput();
    drawStatus();
    screen.render();
  }

  function showOutput(lines: string[]): void {
    print(pager.start(lines));
  }

  session.setLogHandler((lines, kind) => {
    if (finished) return;
    print(lines, kind);
    render();
  });

  async function submit(): Promise<void> {
    const secret = session.wantsSecret();
    const text = editor.take();
    print([session.prompt() + (secret ? '*'.repeat(text.length) : text)], 'echo');
    // more Enter keys queued: a pasted block goes on, its whole-config warnings wait for its end
    const more = queue.some(([, k]) => k.name === 'enter' || k.name === 'return');
    const lines = await session.execute(text, more);
    showOutput(lines);
    if (session.closed) finish();
    else if (session.takeView() === 'dashboard') openDashboard();
  }

  function help(): void {
    const text = editor.text;
    print([session.prompt() + text + '?'], 'echo');
    // long lists (`show ?` has some 60 words) page as command output does
    showOutput(session.helpFor(text));
  }

  function complete(): void {
    const c = session.complete(editor.text);
    if (c.candidates.length > 1) {
      print([session.prompt() + editor.text], 'echo');
      print([c.candidates.join('  ')]);
    }
    editor.set(c.line);
  }

  async function handle(ch: string | undefined, key: Key): Promise<void> {
    const name = key.full ?? key.name ?? '';
    if (dashboard?.visible) return dashboard.key(ch, key);
    if (pager.waiting) {
      if (name === 'space' || ch === ' ') print(pager.key('space'));
      else if (name === 'enter') print(pager.key('enter'));
      else if (ch === 'q' || ch === 'Q' || name === 'C-c' || name === 'escape') pager.key('quit');
      return;
    }
    switch (name) {
      // blessed reports CR as 'return' and then again as 'enter': act once
      case 'return':
        return;
      case 'enter':
        return submit();
      case 'tab':
        if (!session.wantsSecret()) complete();
        return;
      case 'up':
        if (!session.wantsSecret()) editor.up();
        return;
      case 'down':
        if (!session.wantsSecret()) editor.down();
        return;
      case 'left':
      case 'C-b':
        return editor.left();
      case 'right':
      case 'C-f':
        return editor.right();
      case 'home':
      case 'C-a':
        return editor.home();
      case 'end':
      case 'C-e':
        return editor.end();
      case 'backspace':
      case 'C-h':
        return editor.backspace();
      case 'delete':
        return editor.deleteForward();
      case 'C-u':
        return editor.kill();
      case 'C-w':
        return editor.killWord();
      case 'C-c':
        print([session.prompt() + (session.wantsSecret() ? '' : editor.text) + '^C'], 'echo');
        session.cancelPending();
        editor.kill();
        return;
      case 'C-z':
        print([session.prompt() + editor.text + '^Z'], 'echo');
        editor.kill();
        session.end();
        return;
      case 'C-d':
        if (editor.text === '') {
          editor.set('exit');
          return submit();
        }
        return editor.deleteForward();
      case 'pageup':
        out.scroll(-Math.max(1, (out.height as number) - 1));
        return;
      case 'pagedown':
        out.scroll(Math.max(1, (out.height as number) - 1));
        return;
      case 'f2':
        print(session.requestDashboard());
        if (session.takeView() === 'dashboard') openDashboard();
        return;
    }
    if (ch === '?' && !session.wantsSecret()) return help();
    if (ch && !key.ctrl && !key.meta) editor.insert(ch);
  }

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (queue.length && !finished) {
        const [ch, key] = queue.shift()!;
        try {
          await handle(ch, key);
        } catch (e) {
          print([`ERROR: ${(e as Error).message}`]);
        }
        render();
      }
    } finally {
      draining = false;
    }
  }

  screen.on('keypress', (ch: string | undefined, key: Key | undefined) => {
    if (finished) return;
    queue.push([ch, key ?? {}]);
    void drain();
  });
  screen.on('resize', () => {
    dashboard?.resize();
    render();
  });

  const ticker = setInterval(render, 1000);
  ticker.unref();

  function finish(): void {
    if (finished) return;
    finished = true;
    clearInterval(ticker);
    dashboard?.close();
    screen.program.showCursor();
    screen.destroy();
    resolveDone();
  }

  if (opts.signal?.aborted) {
    finish();
    return done;
  }
  opts.signal?.addEventListener('abort', finish, { once: true });

  print(opts.initialLines ?? []);
  print(["Type help or '?' for a list of available commands."]);
  render();
  return done;
}
