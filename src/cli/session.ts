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
 *
 * Why ~730 lines: `run()` is the one table from every Command kind to its
 * action and `show()` the one table of show targets; both read the
 * session's mode, privilege and pending question (login, enable,
 * [confirm]), which is this object's state. What they call is already
 * elsewhere (render/, capture-commands.ts, output-filter.ts, the app's
 * ConfigOps); splitting the tables would split one dispatch in two.
 */
import type { Command, Mode, ShowTarget } from '../../grammar/command.js';
import { lintConfig, renderFindings } from '../config/index.js';
import { DEBUG_CATEGORIES, type DebugCategory } from '../debug/bus.js';
import type { Completion, NameTable, ShellHost, ShellInfo, ShellService } from './shell-host.js';
import type { LineKind, LogSink } from './logging.js';
import { renderShowCapture, runCaptureCommand } from './capture-commands.js';
import { checkEnablePassword } from './pix-password.js';
import { outputFilterHelp, parseOutputFilter, splitAtPipe } from './output-filter.js';
import { INVALID_INPUT } from '../../grammar/index.js';
import { renderAaaServerConfigLines, renderShowAaaServer } from './render/aaa.js';
import { renderShowIpLocalPool } from './render/pool.js';
import { renderShowClock, renderShowDebug, renderShowInterfaces, renderShowLogging, renderShowVersion, renderWho, parseClockSet } from './render/misc.js';
import { MASK, PIX_VERSION } from '../config/index.js';
import { vpdnBlocksOf } from '../server/api.js';
import type { Entry } from '../config/running.js';
import { Dashboard, type DashboardSource } from './dashboard/model.js';
import { renderHeader, renderTable } from './dashboard/render.js';
import {
  NO_TUNNELS,
  renderShowVpdnBlocks,
  showVpdnPages,
  renderShowVpdnPppInterface,
  renderShowVpdnSession,
  renderShowVpdnTunnel,
} from './render/vpdn.js';

export const UNKNOWN_COMMAND = "Type help or '?' for a list of available commands.";
/** Longest line the shell accepts (a PIX console line is far shorter). */
export const MAX_LINE = 1024;
const HISTORY_MAX = 20;
/** Said once by `show vpdn diagnostics` when PPTP is on (README, Security). */
const PPTP_SECURITY_NOTE = [
  'Note: what PPTP protects against. MS-CHAPv2 and MPPE fall to an offline attack on',
  '  one captured handshake (the exchange reduces to one DES key), so PPTP hides',
  '  traffic from casual eavesdroppers, not from a determined one. Use long random',
  '  vpdn passwords, mppe 128 required, RADIUS with lockout, vpdn limit',
  '  auth-failures, and short ssh/telnet access lists; carry what must stay secret',
  '  inside TLS or SSH through the tunnel.',
];

/** Default lines `show vpdn diagnostics` names: those the server acts on. */
const SERVER_LINES = /^(vpdn-|ip-local-pool|ip-address|aaa-|sysopt|logging-)/;

function maskedText(e: Entry): string {
  const w = e.line.words.slice();
  for (const s of e.line.secret) w[s.at] = MASK;
  return w.join(' ');
}

/** Commands that change the box: each logs 111008. */
const AUDITED = new Set<Command['kind']>([
  'config', 'write', 'copy', 'clear-vpdn-tunnel', 'clear-vpdn-config', 'clear-logging', 'clear-aaa-server',
  'reload', 'clock-set', 'kill-shell', 'ca-key', 'capture', 'no-capture', 'copy-capture',
]);

const ERASE_CONFIRM = 'Erase PIX configuration in flash memory? [confirm]';
const RELOAD_CONFIRM = 'Proceed with reload? [confirm]';

/**
 * A question the next line answers. `login` is the console's login with
 * `aaa authentication serial console`, `aaa-enable` an `enable` with
 * `aaa authentication enable console` (a user name, then its password).
 */
type Pending =
  | { kind: 'password'; tries: number }
  | { kind: 'username'; purpose: 'login' | 'aaa-enable'; tries: number }
  | { kind: 'secret'; purpose: 'login' | 'aaa-enable'; tries: number; user: string }
  | { kind: 'confirm'; question: string; action: () => Promise<string[]> };

/** Tries of an AAA `enable` (a PIX gives three). */
const ENABLE_TRIES = 3;

export interface SessionOptions {
  id: number;
  /** The local console (gets `logging console` output). */
  isConsole?: boolean;
  /** On a TTY (the console may edit lines, show full-screen views). */
  interactive?: boolean;
  /** Where the shell is used from (`console`, or the client address). */
  from?: string;
  service?: ShellService;
  /** The login name of a remote shell. */
  user?: string;
  /** Login privilege: 2-15 start at the `#` prompt (PIX 6.2+), 0-1 at `>`. */
  privilege?: number;
  /** Receives asynchronous debug/syslog lines. */
  onLog?: (lines: string[], kind: LineKind) => void;
  /** The console can show full-screen views (`show vpdn live`). */
  liveViews?: boolean;
  /** The local console: with `aaa authentication serial console TAG` it asks a login first. */
  consoleLogin?: boolean;
  /** Waited for before each command (remote shells take turns, remote/turns.ts). */
  turn?: () => Promise<void>;
}

/** Takes long output a page at a time (a remote shell with its pager off); resolves when the next page may come. */
export type OutputStream = (lines: string[]) => Promise<void>;

/** Full-screen views a console may be asked to open. */
export type LiveView = 'dashboard';

const LIVE_NEEDS_TERMINAL = '% show vpdn live needs the full-screen console; a snapshot:';

/** Tabs become blanks; any other control character or invalid UTF-8 stays,
 *  so the grammar can name its position and refuse the line. */
export function sanitizeLine(raw: string): string {
  return raw.replace(/\t/g, ' ').replace(/\r$/, '');
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
  private readonly from: string;
  private readonly since: number;
  readonly service: ShellService;
  private user: string | undefined;
  private loginPrivilege: number;
  /** An AAA `enable`: who, at what level (cleared by disable). */
  private enabledAs: { user: string; privilege: number } | undefined;
  private onClose: (() => void) | undefined;
  private readonly turn: (() => Promise<void>) | undefined;
  /** The running command's stream, if its caller gave one (never while piped through a filter). */
  private stream: OutputStream | undefined;

  constructor(private readonly host: ShellHost, opts: SessionOptions) {
    this.id = opts.id;
    this.from = opts.from ?? 'console';
    this.since = host.now();
    this.isConsole = opts.isConsole ?? true;
    this.interactive = opts.interactive ?? false;
    this.onLog = opts.onLog;
    this.liveViews = opts.liveViews ?? false;
    this.service = opts.service ?? 'console';
    this.user = opts.user;
    this.loginPrivilege = opts.privilege ?? 1;
    this.turn = opts.turn;
    if (this.loginPrivilege >= 2) this.mode = 'enable';
    if (opts.consoleLogin && this.aaaTag('serial') !== undefined) this.pending = { kind: 'username', purpose: 'login', tries: 0 };
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

  info(): ShellInfo {
    const i: ShellInfo = { id: this.id, from: this.from, since: this.since, service: this.service };
    if (this.user !== undefined) i.user = this.user;
    return i;
  }

  /** Called once when the shell closes (logout, kill, connection gone). */
  setCloseHandler(fn: () => void): void {
    this.onClose = fn;
  }

  /** The name 111008 and show curpriv give: the login user, or `enable_N`. */
  commandUser(): string {
    if (this.enabledAs && this.mode !== 'exec') return this.enabledAs.user;
    if (this.user !== undefined && this.loginPrivilege >= 2) return this.user;
    return this.mode === 'exec' ? this.user ?? 'enable_1' : 'enable_15';
  }

  /** The privilege level now: the login's, or 15 after `enable`. */
  privilegeLevel(): number {
    if (this.mode === 'exec') return Math.min(this.loginPrivilege, 1);
    if (this.enabledAs) return this.enabledAs.privilege;
    return this.loginPrivilege >= 2 ? this.loginPrivilege : 15;
  }

  currentMode(): Mode {
    return this.mode;
  }

  hostname(): string {
    return this.host.config().vpn.hostname || 'pixfirewall';
  }

  /** What to print before the next line. */
  prompt(): string {
    if (this.pending?.kind === 'password' || this.pending?.kind === 'secret') return 'Password: ';
    if (this.pending?.kind === 'username') return 'Username: ';
    if (this.pending?.kind === 'confirm') return this.pending.question;
    const h = this.hostname();
    if (this.mode === 'exec') return `${h}>`;
    if (this.mode === 'enable') return `${h}#`;
    return `${h}(config)#`;
  }

  /** True while the next line is a secret (consoles must not echo it). */
  wantsSecret(): boolean {
    return this.pending?.kind === 'password' || this.pending?.kind === 'secret';
  }

  history(): string[] {
    return [...this.hist];
  }

  /** Lines per page for `--More--` (terminal pager overrides `pager lines`). */
  pageLength(): number {
    return this.pagerOverride ?? this.host.config().pagerLines;
  }

  names(): NameTable {
    const rc = this.host.config();
    const v = rc.vpn;
    return {
      acls: rc.accessLists ?? [],
      groups: v.vpdnGroups.map((g) => g.name),
      pools: v.pools.map((p) => p.name),
      aaaGroups: v.aaaServerGroups.map((g) => g.tag),
      interfaces: v.interfaces.map((i) => i.name),
      users: v.vpdnUsers.map((u) => u.name),
      captures: this.host.captureControl?.()?.captureNames?.() ?? [],
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
    this.dropPending();
    if (this.mode === 'config') this.mode = 'enable';
  }

  /** Ctrl-C at a question: abandon it. */
  cancelPending(): boolean {
    const had = this.pending !== undefined;
    this.dropPending();
    return had;
  }

  /** A console login cannot be abandoned, only started again. */
  private dropPending(): void {
    const p = this.pending;
    const login = (p?.kind === 'username' || p?.kind === 'secret') && p.purpose === 'login';
    this.pending = login ? { kind: 'username', purpose: 'login', tries: 0 } : undefined;
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.detachLog();
    this.onClose?.();
  }

  /**
   * Run one line; resolves to the lines to print. Never rejects. `more`:
   * further lines of a pasted block follow at once, so whole-config
   * warnings wait for the block's end (the first line without `more`, or
   * endBlock()).
   */
  /** A remote shell's turn of the event loop (at once for the console): long output is written a slice per turn. */
  takeTurn(): Promise<void> {
    return this.turn ? this.turn() : Promise.resolve();
  }

  async execute(raw: string, more = false, stream?: OutputStream): Promise<string[]> {
    let out: string[];
    if (this.turn) await this.turn();
    this.stream = stream;
    try {
      out = await this.executeUnsafe(raw, more);
    } catch (e) {
      out = [`ERROR: ${(e as Error).message ?? String(e)}`];
    } finally {
      this.stream = undefined;
    }
    if (more) return out;
    // a copy only when the block ended with warnings (show vpdn over 1,000 calls is 16,002 lines)
    const warnings = this.host.endBlock();
    return warnings.length ? [...out, ...warnings] : out;
  }

  /** Written to the command's stream page by page; nothing is left to return. */
  private async streamed(stream: OutputStream, pages: Iterable<string[]>): Promise<string[]> {
    for (const page of pages) {
      if (this.closedFlag) break;
      await stream(page);
    }
    return [];
  }

  /** A pasted block ended without a last line (EOF): its warnings. */
  endBlock(): string[] {
    return this.host.endBlock();
  }

  private async executeUnsafe(raw: string, more: boolean): Promise<string[]> {
    if (this.closedFlag) return [];
    if (this.pending) return this.answer(raw);
    if (raw.length > MAX_LINE) return [`ERROR: Line too long (${raw.length} characters, limit ${MAX_LINE})`];
    const line = sanitizeLine(raw).trim();
    if (line === '' || line.startsWith(':')) return [];
    if (line.startsWith('!')) return [];
    if (line.endsWith('?')) return this.helpFor(line.slice(0, -1));
    this.hist.push(line);
    if (this.hist.length > HISTORY_MAX) this.hist.shift();
    const piped = this.filteredShow(line);
    if (piped) {
      const f = parseOutputFilter(piped.modifier);
      if (!f.ok) return this.alignCaret([' '.repeat(piped.modifierAt + f.at) + '^', INVALID_INPUT], raw);
      this.stream = undefined;
      return f.filter(await this.run(piped.command, line));
    }
    const parsed = this.host.lang.parse(line, this.mode);
    if (!parsed.ok) return this.alignCaret(parsed.message, raw);
    this.audit(parsed.command, line);
    return this.run(parsed.command, line, more);
  }

  /** 111008 for what changes the box, 111009 for show (secrets masked). */
  private audit(cmd: Command, line: string): void {
    if (cmd.kind === 'show') {
      this.host.bus.syslog(111009, 7, `User '${this.commandUser()}' executed cmd: ${line}`);
      return;
    }
    if (!AUDITED.has(cmd.kind)) return;
    let text = line;
    if (cmd.kind === 'config') {
      const w = cmd.line.words.slice();
      for (const s of cmd.line.secret) w[s.at] = MASK;
      text = (cmd.negate ? 'no ' : '') + w.join(' ');
    }
    this.host.bus.syslog(111008, 5, `User '${this.commandUser()}' executed the '${text}' command.`);
  }

  private aaaTag(where: 'serial' | 'enable'): string | undefined {
    const e = this.host.config().entries.find((x) => x.line.cmd === 'aaa-console' && x.line.args.where === where);
    return e && this.host.checkLogin ? String(e.line.args.tag) : undefined;
  }

  /** The user name and password of a console login or an AAA `enable`. */
  private async answerLogin(p: Extract<Pending, { kind: 'username' | 'secret' }>, raw: string): Promise<string[]> {
    const typed = raw.replace(/[\r\n]/g, '');
    if (p.kind === 'username') {
      this.pending = { kind: 'secret', purpose: p.purpose, tries: p.tries, user: typed.trim() };
      return [];
    }
    const r = await this.host.checkLogin!(p.purpose === 'login' ? 'serial' : 'enable', p.user, typed);
    if (r.ok) {
      this.pending = undefined;
      if (r.viaAaa) this.host.bus.syslog(611101, 6, `User authentication succeeded: Uname: ${r.user}`);
      if (p.purpose === 'login') {
        this.user = r.user;
        this.loginPrivilege = r.privilege;
        if (r.privilege >= 2) this.mode = 'enable';
        return [];
      }
      const from = this.privilegeLevel();
      this.enabledAs = { user: r.user, privilege: Math.max(2, r.privilege) };
      this.mode = 'enable';
      this.host.bus.syslog(502103, 5, `User priv level changed: Uname: ${this.commandUser()} From: ${from} To: ${this.privilegeLevel()}`);
      return [];
    }
    if (r.viaAaa) this.host.bus.syslog(611102, 6, `User authentication failed: Uname: ${r.user}`);
    // the console keeps asking, as a PIX serial console does; enable gives up after three
    if (p.purpose === 'aaa-enable' && p.tries + 1 >= ENABLE_TRIES) {
      this.pending = undefined;
      return ['Error: Authentication failed'];
    }
    this.pending = { kind: 'username', purpose: p.purpose, tries: p.tries + 1 };
    return ['Error: Authentication failed'];
  }

  private async answer(raw: string): Promise<string[]> {
    const p = this.pending!;
    if (p.kind === 'username' || p.kind === 'secret') return this.answerLogin(p, raw);
    if (p.kind === 'password') {
      const cfg = this.host.config().enablePassword ?? { value: '', encrypted: false };
      if (checkEnablePassword(cfg, raw.replace(/[\r\n]/g, ''))) {
        this.pending = undefined;
        const from = this.privilegeLevel();
        this.mode = 'enable';
        this.host.bus.syslog(502103, 5, `User priv level changed: Uname: ${this.commandUser()} From: ${from} To: ${this.privilegeLevel()}`);
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

  private confirm(question: string, action: () => Promise<string[]>): string[] {
    this.pending = { kind: 'confirm', question, action };
    return [];
  }

  private async run(cmd: Command, text: string, more = false): Promise<string[]> {
    switch (cmd.kind) {
      case 'enable':
        // A PIX always asks, also with the factory-default empty password
        // (`enable password 8Ry2YjIyt7RRXU24 encrypted`): Enter alone then.
        if (this.mode !== 'exec') return [];
        this.pending = this.aaaTag('enable') !== undefined ? { kind: 'username', purpose: 'aaa-enable', tries: 0 } : { kind: 'password', tries: 0 };
        return [];
      case 'disable': {
        const from = this.privilegeLevel();
        this.mode = 'exec';
        this.enabledAs = undefined;
        if (from !== this.privilegeLevel()) this.host.bus.syslog(502103, 5, `User priv level changed: Uname: ${this.commandUser()} From: ${from} To: ${this.privilegeLevel()}`);
        return [];
      }
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
      case 'help': {
        if (cmd.topic === undefined) return this.helpFor('');
        const here = this.host.lang.usage(cmd.topic, this.mode);
        if (here) return here;
        // `help vpdn` at the # prompt: the configuration command's usage, said to be one
        const config = this.mode === 'config' ? undefined : this.host.lang.usage(cmd.topic, 'config');
        return config ? [`${cmd.topic}: a configuration mode command (configure terminal)`, ...config] : [UNKNOWN_COMMAND];
      }
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
        await this.host.refreshStatus?.();
        const n = this.host.clearTunnels(cmd.id);
        if (n === 0) return cmd.id === 'all' ? ['% No active PPTP tunnels'] : [`% No PPTP tunnel with id ${cmd.id}`];
        return [];
      }
      case 'clear-vpdn-config':
        if (this.requireEnable()) return [UNKNOWN_COMMAND];
        return this.host.removeConfig(cmd.what === 'all' ? 'vpdn' : `vpdn ${cmd.what}`);
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
        return this.host.applyConfig(cmd.line, cmd.negate, text, more);
      case 'clock-set': {
        const ms = parseClockSet(cmd);
        if (ms === undefined) return [`ERROR: ${cmd.month} ${cmd.day} ${cmd.year} is not a date`];
        this.host.setClock(ms);
        return [];
      }
      case 'ping':
        return this.host.ping(cmd.address, cmd.interfaceName);
      case 'reload':
        if (cmd.noconfirm) return this.host.reload();
        return this.confirm(RELOAD_CONFIRM, () => this.host.reload());
      case 'capture':
      case 'no-capture':
      case 'copy-capture':
        return this.requireEnable() ?? runCaptureCommand(this.host.captureControl?.(), cmd);
      case 'kill-shell': {
        const m = this.host.management?.();
        if (!m || !m.disconnect(cmd.service, cmd.id)) return [cmd.service === 'ssh' ? `% No SSH session ${cmd.id}` : `% No Telnet session ${cmd.id}`];
        return [];
      }
      case 'ca-key': {
        const m = this.host.management?.();
        return m ? m.hostKey(cmd.action, cmd.modulus) : ['% SSH is not available in this shell (no management plane)'];
      }
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
    return this.confirm(ERASE_CONFIRM, () => this.host.eraseStartup());
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
        await this.host.refreshStatus?.();
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
        return renderShowLogging(this.host.config().logging, this.host.router.counters, this.host.router.buffered(), this.host.syslogStatus?.());
      case 'version':
        return renderShowVersion({
          version: this.host.version,
          pixVersion: PIX_VERSION,
          hostname: this.hostname(),
          uptimeMs: this.host.now() - this.host.startedAt,
          dataPlane: this.host.dataPlane?.(),
        });
      case 'history':
        return this.hist.map((h) => `  ${h}`);
      case 'interface':
        return renderShowInterfaces(this.host.config(), this.host.status(), await this.host.links());
      case 'terminal':
        return [`Width = ${this.width()}, Pager lines = ${this.pageLength()}, Monitor = ${this.monitor ? 'on' : 'off'}`];
      case 'clock':
        return [renderShowClock(this.host.clock())];
      case 'route':
        return this.host.routes();
      case 'arp':
        return this.host.arp();
      case 'who':
        return renderWho(this.host.shells(), this.id, this.host.now());
      case 'ssh':
        if (!t.sessions) return this.configLines('ssh');
        return this.host.management?.()?.sshSessions() ?? ['% No SSH sessions'];
      case 'ca-mypubkey':
        return this.host.management?.()?.publicKey() ?? ['% No RSA key pair'];
      case 'curpriv': {
        const modes = this.mode === 'exec' ? 'P_UNPR' : this.mode === 'enable' ? 'P_PRIV' : 'P_PRIV P_CONF';
        return [`Username : ${this.commandUser()}`, `Current privilege level : ${this.privilegeLevel()}`, `Current Mode/s : ${modes}`];
      }
      case 'config-lines':
        return this.configLines(t.family, t.filter);
      case 'capture':
        return privileged ? renderShowCapture(this.host.captureControl?.(), t.name) : [UNKNOWN_COMMAND];
      default: {
        const never: never = t;
        return [`ERROR: unsupported show ${(never as { kind: string }).kind}`];
      }
    }
  }

  private async showVpdn(t: Extract<ShowTarget, { kind: 'vpdn' }>): Promise<string[]> {
    if (t.sub === undefined) {
      // read from the live tables (no snapshot of every call), streamed page by page to a remote shell
      const blocks = this.host.vpdnBlocks?.() ?? vpdnBlocksOf(this.host.status());
      return this.stream ? this.streamed(this.stream, showVpdnPages(blocks)) : renderShowVpdnBlocks(blocks);
    }
    const st = this.host.status();
    switch (t.sub) {
      case 'live':
        return this.requestDashboard();
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
        // the linter's findings, the lines still in effect from the built-in
        // default, then what the server counted
        const rc = this.host.config();
        const e = Object.entries(st.errors);
        const fromDefault = rc.entries.filter((x) => x.origin === 'default' && SERVER_LINES.test(x.line.cmd));
        // only when the user's lines sit on top of it (a pasted seed)
        const mixed = fromDefault.length > 0 && rc.entries.some((x) => x.origin === 'user');
        return [
          ...renderFindings(lintConfig(rc)),
          ...(mixed
            ? ['', `Lines from the built-in default configuration still in effect (${fromDefault.length}):`, ...fromDefault.map((x) => `  ${maskedText(x)}`),
              '  (clear vpdn, write erase + reload, or an empty --config file give a clean slate)']
            : []),
          ...(rc.vpn.vpdnEnable.length ? ['', ...PPTP_SECURITY_NOTE] : []),
          '',
          'PPTP error counters:',
          ...(e.length ? e.map(([k, v]) => `  ${k}: ${v}`) : ['  none']),
          ...(st.dhcp && st.dhcp.informsAnswered + st.dhcp.dropped > 0
            ? ['', `Split tunnelling: ${st.dhcp.informsAnswered} DHCPINFORM answered, ${st.dhcp.dropped} DHCP packets dropped (dhcp-* above)`]
            : []),
          ...(st.fastPath
            ? ['', `Fast path: ${st.fastPath.calls} call${st.fastPath.calls === 1 ? '' : 's'} in it, ${st.fastPath.forwarded} packets forwarded, calls taken ${st.fastPath.engaged}, given back ${st.fastPath.released}`]
            : []),
        ];
      }
    }
  }

  /** Columns of this terminal (`terminal width`). */
  width(): number {
    return this.host.config().terminalWidth ?? 80;
  }

  /** `show fixup`, `show access-list 101`: the running-config lines of a command. */
  private configLines(family: string, filter?: string): string[] {
    const lines = this.host.runningConfigText().filter((l) => l === family || l.startsWith(family + ' ') || l.startsWith('no ' + family + ' '));
    const n = family.split(' ').length;
    const sel = filter === undefined ? lines : lines.filter((l) => l.replace(/^no /, '').split(' ')[n] === filter);
    return sel.length ? sel : [`% No ${family}${filter ? ' ' + filter : ''} configured`];
  }
}
