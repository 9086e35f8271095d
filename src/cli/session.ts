/**
 * One shell session: the PIX line discipline above the grammar.
 *
 * Modes and prompts as on a PIX 6.3: `<hostname>>` (unprivileged),
 * `<hostname>#` (enable), `<hostname>(config)#`. The hostname is read from
 * the running-config at every prompt, so `hostname X` changes it at once.
 * Interactive steps (the enable `Password:` and `[confirm]` questions) are
 * states of the session: the next line typed answers them.
 *
 * Consoles call `prompt()`, `execute(line)`, `helpFor(text)` (`?`),
 * `complete(text)` (Tab) and `end()` (Ctrl-Z); asynchronous log output
 * reaches them through the LogSink they attach.
 */
import type { Command, Mode, ShowTarget } from '../../grammar/command.js';
import { lintConfig, renderFindings } from '../config/index.js';
import { DEBUG_CATEGORIES, type DebugCategory } from '../debug/bus.js';
import type { Completion, NameTable, ShellHost } from './host.js';
import type { LineKind, LogSink } from './logging.js';
import { renderShowCapture, runCaptureCommand } from './capture-commands.js';
import { checkEnablePassword } from './pix-password.js';
import { outputFilterHelp, parseOutputFilter, splitAtPipe } from './output-filter.js';
import { INVALID_INPUT } from '../../grammar/index.js';
import { renderAaaServerConfigLines, renderShowAaaServer } from './render/aaa.js';
import { renderShowIpLocalPool } from './render/pool.js';
import { renderShowDebug, renderShowLogging, renderShowVersion } from './render/misc.js';
import { Dashboard, type DashboardSource } from './dashboard/model.js';
import { renderHeader, renderTable } from './dashboard/render.js';
import {
  NO_TUNNELS,
  renderShowVpdn,
  renderShowVpdnPppInterface,
  renderShowVpdnSession,
  renderShowVpdnTunnel,
} from './render/vpdn.js';

export const UNKNOWN_COMMAND = "Type help or '?' for a list of available commands.";
/** Longest line the shell accepts (a PIX console line is far shorter). */
export const MAX_LINE = 1024;
const HISTORY_MAX = 20;
const ERASE_CONFIRM = 'Erase PIX configuration in flash memory? [confirm]';

type Pending =
  | { kind: 'password'; tries: number }
  | { kind: 'confirm'; question: string; action: () => Promise<string[]> };

export interface SessionOptions {
  id: number;
  /** The local console (gets `logging console` output). */
  isConsole?: boolean;
  /** Ask `[confirm]` questions (only on a TTY; --plain accepts). */
  interactive?: boolean;
  /** Receives asynchronous debug/syslog lines. */
  onLog?: (lines: string[], kind: LineKind) => void;
  /** The console can show full-screen views (`show vpdn live`). */
  liveViews?: boolean;
}

/** Full-screen views a console may be asked to open. */
export type LiveView = 'dashboard';

/**
 * `show vpdn live` (extension; abbreviations as the grammar allows:
 * `sh vp l`). Matched before the grammar, which does not know it.
 */
export function isShowVpdnLive(line: string): boolean {
  const w = line.trim().toLowerCase().split(/\s+/);
  return w.length === 3 && w[0].length >= 2 && 'show'.startsWith(w[0]) && w[1].length >= 2 && 'vpdn'.startsWith(w[1]) && 'live'.startsWith(w[2]);
}

const LIVE_NEEDS_TERMINAL = '% show vpdn live needs the full-screen console; a snapshot:';

/** Replace control characters; keep printable text (incl. non-ASCII). */
export function sanitizeLine(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '');
}

export class ShellSession implements LogSink {
  readonly id: number;
  readonly isConsole: boolean;
  monitor = false;
  private mode: Mode = 'exec';
  private pending: Pending | undefined;
  private readonly hist: string[] = [];
  private pagerOverride: number | undefined;
  private readonly interactive: boolean;
  private closedFlag = false;
  private readonly liveViews: boolean;
  private viewRequest: LiveView | undefined;
  private readonly detachLog: () => void;
  private onLog: ((lines: string[], kind: LineKind) => void) | undefined;

  constructor(private readonly host: ShellHost, opts: SessionOptions) {
    this.id = opts.id;
    this.isConsole = opts.isConsole ?? true;
    this.interactive = opts.interactive ?? false;
    this.onLog = opts.onLog;
    this.liveViews = opts.liveViews ?? false;
    this.detachLog = host.router.attach(this);
  }

  /** LogSink: forwarded to the console that owns this session. */
  write(lines: string[], kind: LineKind): void {
    this.onLog?.(lines, kind);
  }

  setLogHandler(fn: (lines: string[], kind: LineKind) => void): void {
    this.onLog = fn;
  }

  /** A view the last command asked the console to open (taken once). */
  takeView(): LiveView | undefined {
    const v = this.viewRequest;
    this.viewRequest = undefined;
    return v;
  }

  /** Open the live dashboard as `show vpdn live` would (F2). Lines to print if it cannot. */
  requestDashboard(): string[] {
    if (this.mode === 'exec') return [UNKNOWN_COMMAND];
    if (!this.liveViews) return [LIVE_NEEDS_TERMINAL, ...this.dashboardSnapshot()];
    this.viewRequest = 'dashboard';
    return [];
  }

  /** What the dashboard reads and drives, bound to this session. */
  dashboardSource(): DashboardSource {
    const host = this.host;
    return {
      status: () => host.status(),
      clearTunnels: (id) => host.clearTunnels(id),
      router: host.router,
      owner: this.id,
      now: () => host.now(),
    };
  }

  private dashboardSnapshot(): string[] {
    const d = new Dashboard(this.dashboardSource());
    d.refresh();
    if (d.rows.length === 0) return [NO_TUNNELS];
    return [renderHeader(d.totals(), false), ...renderTable(d.rows, -1, { width: 80, live: false, now: this.host.now() })];
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  currentMode(): Mode {
    return this.mode;
  }

  hostname(): string {
    return this.host.config().vpn.hostname || 'pixfirewall';
  }

  /** What to print before the next line. */
  prompt(): string {
    if (this.pending?.kind === 'password') return 'Password: ';
    if (this.pending?.kind === 'confirm') return this.pending.question;
    const h = this.hostname();
    if (this.mode === 'exec') return `${h}>`;
    if (this.mode === 'enable') return `${h}#`;
    return `${h}(config)#`;
  }

  /** True while the next line is a secret (consoles must not echo it). */
  wantsSecret(): boolean {
    return this.pending?.kind === 'password';
  }

  history(): string[] {
    return [...this.hist];
  }

  /** Lines per page for `--More--` (terminal pager overrides `pager lines`). */
  pageLength(): number {
    return this.pagerOverride ?? this.host.config().pagerLines;
  }

  names(): NameTable {
    const v = this.host.config().vpn;
    return {
      groups: v.vpdnGroups.map((g) => g.name),
      pools: v.pools.map((p) => p.name),
      aaaGroups: v.aaaServerGroups.map((g) => g.tag),
      interfaces: v.interfaces.map((i) => i.name),
      users: v.vpdnUsers.map((u) => u.name),
    };
  }

  /**
   * The grammar puts `^` under the offending word of the line it parsed;
   * on screen that line follows the prompt (and may have had leading
   * blanks trimmed), so shift the caret by both.
   */
  private alignCaret(lines: string[], typed: string | undefined): string[] {
    const clean = typed === undefined ? '' : sanitizeLine(typed);
    const lead = clean.length - clean.trimStart().length;
    const shift = ' '.repeat(this.prompt().length + lead);
    return lines.map((l) => (/^ *\^$/.test(l) ? shift + l : l));
  }

  /** `show ... | include REGEX` and the like: the show command and the modifier text, if the line is one. */
  private filteredShow(line: string): { command: Command; modifier: string; modifierAt: number } | undefined {
    const split = splitAtPipe(line);
    if (!split) return undefined;
    const base = this.host.lang.parse(split.command, this.mode);
    if (!base.ok) return undefined;
    const c = base.command;
    if (c.kind !== 'show' && !(c.kind === 'write' && c.target === 'terminal')) return undefined;
    return { command: c, modifier: split.modifier, modifierAt: split.modifierAt };
  }

  /** `?`: help for the text typed so far. */
  helpFor(text: string): string[] {
    if (this.pending) return [];
    const piped = this.filteredShow(sanitizeLine(text).trimStart());
    if (piped) return outputFilterHelp(piped.modifier);
    try {
      return this.alignCaret(this.host.lang.help(sanitizeLine(text), this.mode, this.names()), undefined);
    } catch (e) {
      return [`% Help unavailable: ${(e as Error).message}`];
    }
  }

  /** Tab: complete the current word. */
  complete(text: string): Completion {
    if (this.pending) return { line: text, candidates: [] };
    try {
      return this.host.lang.complete(sanitizeLine(text), this.mode, this.names());
    } catch {
      return { line: text, candidates: [] };
    }
  }

  /** Ctrl-Z: leave configuration mode (abandons a pending question). */
  end(): void {
    this.pending = undefined;
    if (this.mode === 'config') this.mode = 'enable';
  }

  /** Ctrl-C at a question: abandon it. */
  cancelPending(): boolean {
    const had = this.pending !== undefined;
    this.pending = undefined;
    return had;
  }

  close(): void {
    this.closedFlag = true;
    this.detachLog();
  }

  /** Run one line; resolves to the lines to print. Never rejects. */
  async execute(raw: string): Promise<string[]> {
    try {
      return await this.executeUnsafe(raw);
    } catch (e) {
      return [`ERROR: ${(e as Error).message ?? String(e)}`];
    }
  }

  private async executeUnsafe(raw: string): Promise<string[]> {
    if (this.closedFlag) return [];
    if (this.pending) return this.answer(raw);
    if (raw.length > MAX_LINE) return [`ERROR: Line too long (${raw.length} characters, limit ${MAX_LINE})`];
    const line = sanitizeLine(raw).trim();
    if (line === '' || line.startsWith('!') || line.startsWith(':')) return [];
    if (line.endsWith('?')) return this.helpFor(line.slice(0, -1));
    this.hist.push(line);
    if (this.hist.length > HISTORY_MAX) this.hist.shift();
    if (this.mode !== 'exec' && isShowVpdnLive(line)) return this.requestDashboard();
    const piped = this.filteredShow(line);
    if (piped) {
      const f = parseOutputFilter(piped.modifier);
      if (!f.ok) return this.alignCaret([' '.repeat(piped.modifierAt + f.at) + '^', INVALID_INPUT], raw);
      return f.filter(await this.run(piped.command, line));
    }
    const parsed = this.host.lang.parse(line, this.mode);
    if (!parsed.ok) return this.alignCaret(parsed.message, raw);
    return this.run(parsed.command, line);
  }

  private async answer(raw: string): Promise<string[]> {
    const p = this.pending!;
    if (p.kind === 'password') {
      const cfg = this.host.config().enablePassword ?? { value: '', encrypted: false };
      if (checkEnablePassword(cfg, raw.replace(/[\r\n]/g, ''))) {
        this.pending = undefined;
        this.mode = 'enable';
        return [];
      }
      if (p.tries + 1 >= 3) {
        this.pending = undefined;
        return ['Invalid password'];
      }
      this.pending = { kind: 'password', tries: p.tries + 1 };
      return ['Invalid password'];
    }
    this.pending = undefined;
    const a = sanitizeLine(raw).trim().toLowerCase();
    if (a === '' || a === 'y' || a === 'yes') return p.action();
    return [];
  }

  private requireEnable(): string[] | undefined {
    return this.mode === 'exec' ? [UNKNOWN_COMMAND] : undefined;
  }

  private async run(cmd: Command, text: string): Promise<string[]> {
    switch (cmd.kind) {
      case 'enable':
        // A PIX always asks, also with the factory-default empty password
        // (`enable password 8Ry2YjIyt7RRXU24 encrypted`): Enter alone then.
        if (this.mode !== 'exec') return [];
        this.pending = { kind: 'password', tries: 0 };
        return [];
      case 'disable':
        this.mode = 'exec';
        return [];
      case 'configure-terminal':
        if (this.mode === 'exec') return [UNKNOWN_COMMAND];
        this.mode = 'config';
        return [];
      case 'exit':
        if (this.mode === 'config') this.mode = 'enable';
        else if (this.mode === 'enable') this.mode = 'exec';
        else {
          this.close();
          return ['', 'Logoff', ''];
        }
        return [];
      case 'end':
        if (this.mode === 'config') this.mode = 'enable';
        return [];
      case 'help':
        return this.helpFor('');
      case 'show':
        return this.show(cmd.target);
      case 'write':
        return this.requireEnable() ?? this.writeCommand(cmd.target);
      case 'copy':
        if (this.requireEnable()) return [UNKNOWN_COMMAND];
        if (cmd.from === 'running-config' && cmd.to === 'startup-config') return this.host.writeMemory();
        if (cmd.from === 'startup-config' && cmd.to === 'running-config') return this.host.mergeStartup();
        return ['ERROR: copy: source and destination are the same'];
      case 'clear-vpdn-tunnel': {
        if (this.requireEnable()) return [UNKNOWN_COMMAND];
        if (!this.host.hasServer()) return ['% No active PPTP tunnels'];
        const n = this.host.clearTunnels(cmd.id);
        if (n === 0) return cmd.id === 'all' ? ['% No active PPTP tunnels'] : [`% No PPTP tunnel with id ${cmd.id}`];
        return [];
      }
      case 'clear-logging':
        if (this.requireEnable()) return [UNKNOWN_COMMAND];
        this.host.router.clearBuffer();
        return [];
      case 'clear-aaa-server':
        if (this.requireEnable()) return [UNKNOWN_COMMAND];
        return [];
      case 'debug':
        return this.requireEnable() ?? this.debug(cmd);
      case 'undebug-all':
        if (this.requireEnable()) return [UNKNOWN_COMMAND];
        this.host.router.debugAllOff();
        return [];
      case 'terminal-monitor':
        if (this.requireEnable()) return [UNKNOWN_COMMAND];
        this.monitor = cmd.on;
        return [];
      case 'terminal-pager':
        this.pagerOverride = cmd.lines;
        return [];
      case 'config':
        if (this.mode !== 'config') return [UNKNOWN_COMMAND];
        return this.host.applyConfig(cmd.line, cmd.negate, text);
      case 'capture':
      case 'no-capture':
      case 'copy-capture':
        return this.requireEnable() ?? runCaptureCommand(this.host.captureControl?.(), cmd);
      default: {
        const never: never = cmd;
        return [`ERROR: unsupported command ${(never as { kind: string }).kind}`];
      }
    }
  }

  private debug(cmd: Extract<Command, { kind: 'debug' }>): string[] {
    const cat = cmd.what as DebugCategory;
    if (!(DEBUG_CATEGORIES as readonly string[]).includes(cat)) return [`ERROR: unknown debug switch ${cmd.what}`];
    const filter = { user: cmd.user, tunnel: cmd.tunnel };
    if (cmd.on) this.host.router.debugOn(this.id, cat, filter);
    else this.host.router.debugOff(cat, filter);
    return [];
  }

  private async writeCommand(target: 'terminal' | 'memory' | 'erase'): Promise<string[]> {
    if (target === 'terminal') return this.host.runningConfigText();
    if (target === 'memory') return this.host.writeMemory();
    if (!this.interactive) return this.host.eraseStartup();
    this.pending = { kind: 'confirm', question: ERASE_CONFIRM, action: () => this.host.eraseStartup() };
    return [];
  }

  private async show(t: ShowTarget): Promise<string[]> {
    const privileged = this.mode !== 'exec';
    switch (t.kind) {
      case 'running-config':
        return privileged ? this.host.runningConfigText() : [UNKNOWN_COMMAND];
      case 'startup-config': {
        if (!privileged) return [UNKNOWN_COMMAND];
        const s = await this.host.startupConfigText();
        return s ?? ['% No startup configuration saved'];
      }
      case 'vpdn':
        return this.showVpdn(t);
      case 'ip-local-pool':
        return renderShowIpLocalPool(this.host.pools(), t.name);
      case 'aaa-server': {
        const stats = this.host.aaaStatus?.();
        return stats ? renderShowAaaServer(stats, t.tag) : renderAaaServerConfigLines(this.host.runningConfigText(), t.tag);
      }
      case 'debug':
        return renderShowDebug(this.host.router.activeDebug());
      case 'logging':
        return renderShowLogging(this.host.config().logging, this.host.router.counters, this.host.router.buffered());
      case 'version':
        return renderShowVersion({
          version: this.host.version,
          hostname: this.hostname(),
          uptimeMs: this.host.now() - this.host.startedAt,
        });
      case 'history':
        return this.hist.map((h) => `  ${h}`);
      case 'interface':
        return this.showInterfaces();
      case 'terminal':
        return [`Width = 80, Pager lines = ${this.pageLength()}, Monitor = ${this.monitor ? 'on' : 'off'}`];
      case 'capture':
        return privileged ? renderShowCapture(this.host.captureControl?.(), t.name) : [UNKNOWN_COMMAND];
      default: {
        const never: never = t;
        return [`ERROR: unsupported show ${(never as { kind: string }).kind}`];
      }
    }
  }

  private showVpdn(t: Extract<ShowTarget, { kind: 'vpdn' }>): string[] {
    const st = this.host.status();
    switch (t.sub) {
      case undefined:
        return renderShowVpdn(st);
      case 'tunnel':
        return renderShowVpdnTunnel(st, { id: t.id, protocol: t.protocol, detail: t.detail });
      case 'session':
        return renderShowVpdnSession(st, { id: t.id, protocol: t.protocol, detail: t.detail });
      case 'pppinterface':
        return renderShowVpdnPppInterface(st, t.id);
      case 'username': {
        const users = this.host.config().vpn.vpdnUsers.filter((u) => t.name === undefined || u.name === t.name);
        if (users.length === 0) return [t.name ? `% No vpdn username ${t.name}` : '% No vpdn usernames configured'];
        return users.map((u) => `vpdn username ${u.name} password ********`);
      }
      case 'group': {
        const lines = this.host.runningConfigText().filter((l) => l.startsWith('vpdn group '));
        const sel = t.name === undefined ? lines : lines.filter((l) => l.split(' ')[2] === t.name);
        return sel.length ? sel : [t.name ? `% No vpdn group ${t.name}` : '% No vpdn groups configured'];
      }
      case 'diagnostics': {
        // the linter's findings for the running-config, then what the server counted
        const e = Object.entries(st.errors);
        return [
          ...renderFindings(lintConfig(this.host.config())),
          '',
          'PPTP error counters:',
          ...(e.length ? e.map(([k, v]) => `  ${k}: ${v}`) : ['  none']),
        ];
      }
    }
  }

  private showInterfaces(): string[] {
    const v = this.host.config().vpn;
    const out: string[] = [];
    v.interfaces.forEach((i, n) => {
      out.push(`interface ethernet${n} "${i.name}" is up, line protocol is up`);
      out.push(`        IP address ${i.address ?? 'unassigned'}, subnet mask ${i.mask ?? 'unassigned'}`);
      out.push(`        MTU ${i.mtu ?? 1500} bytes`);
    });
    return out.length ? out : ['% No interfaces configured'];
  }
}
