/**
 * The application object: one RunningConfig, its committer, the log
 * router, the optional VPN server, and a factory for shell sessions.
 * Consoles attach sessions to it; bin/pix-pptpd.ts builds it.
 *
 * Every config line goes: grammar -> ConfigOps.apply (candidate) ->
 * committer (validate -> server.reconfigure -> swap). A rejected line or a
 * failed reconfigure leaves the running-config exactly as it was.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ConfigLine } from '../../grammar/config-line.js';
import type { Origin, RunningConfig } from '../config/running.js';
import type { DebugBus } from '../debug/bus.js';
import { vpdnBlocksOf, type AaaGroupStats, type PoolStatus, type ServerCensus, type ServerStatus, type VpdnBlocks, type VpnServerApi } from '../server/api.js';
import { emptyCensus } from '../server/totals.js';
import { AddressPools } from '../server/pool.js';
import { createCommitter, validate, type Committer, type LoadError } from '../config/index.js';
import type { CaptureControl } from './capture-commands.js';
import type { ManagementControl, ShellHost, ShellInfo, ShellLanguage, ShellService } from './shell-host.js';
import { ManagementPlane, type PlaneOptions } from './remote/plane.js';
import { pingFromNamespace, readArpTable, readLinks, readRouteTable } from './namespace-tables.js';
import { debugSummary, type LinkStats } from './render/misc.js';
import type { StatusInfo } from './ui/blessed-console.js';
import { configOps, grammarLanguage } from './wiring.js';
import { LogRouter } from './logging.js';
import { SyslogHosts, type SyslogHostStatus } from './remote/syslog-hosts.js';
import { MetricsEndpoint } from './metrics/endpoint.js';
import { checkLogin, type LoginResult } from './remote/login.js';
import { TurnQueue } from './remote/turns.js';
import { ShellSession } from './session.js';

/** The config layer as the App uses it (bound in wiring.ts). */
export interface ConfigOps {
  /** Factory-default running-config (what a PIX boots with). */
  defaultRunningConfig(): RunningConfig;
  /** Nothing configured (the base a saved config file loads onto). */
  emptyRunningConfig(): RunningConfig;
  /** Apply one line to a copy; never mutates `rc`. */
  apply(rc: RunningConfig, line: ConfigLine, negate: boolean, origin?: Origin): ApplyOutcome;
  /** A whole config text applied onto `base`; bad lines listed, the rest kept. */
  load(text: string, base: RunningConfig, origin?: Origin): { config: RunningConfig; errors: LoadError[]; warnings: string[] };
  /** Every line under `prefix` removed (`clear vpdn`). */
  remove(rc: RunningConfig, prefix: string): { config: RunningConfig; removed: number };
  /** show running-config / write terminal text (secrets masked unless `secrets`). */
  write(rc: RunningConfig, secrets: boolean): string[];
  /** Atomic save (write memory). */
  save(path: string, text: string): Promise<void>;
}

export interface ApplyOutcome {
  config?: RunningConfig;
  errors: string[];
  warnings: string[];
}

export interface AppOptions {
  server?: VpnServerApi;
  bus: DebugBus;
  /** `--config FILE`: where write memory saves. */
  configPath?: string;
  initialConfig?: RunningConfig;
  /** Defaults: the real grammar and config layer (integration.ts). */
  lang?: ShellLanguage;
  ops?: ConfigOps;
  version?: string;
  now?: () => number;
  /** SSH and Telnet shells on the `ssh` / `telnet` hosts (started by startManagement()). */
  management?: PlaneOptions;
  /** Send syslog to the `logging host` lines (off in tests that must not touch the network). */
  remoteSyslog?: boolean;
  /** Serve `metrics http` when configured (off in tests that must not listen). */
  metrics?: boolean;
}

export interface LoadReport {
  /** `ERROR: line N: ...` / `Warning: line N: ...` lines to print. */
  messages: string[];
  applied: number;
  rejected: number;
  /** The bad lines, as the loader found them (the service words them for the journal). */
  errors: LoadError[];
  /** False when the commit refused the whole text (`commit` says why): nothing was applied. */
  committed: boolean;
  /** What the commit said: whole-config warnings, or why it refused. */
  commit: string[];
}

const EMPTY_STATUS: ServerStatus = { tunnels: [], sessions: [], pools: [], listening: [], errors: {} };

/** `Cryptochecksum: xxxxxxxx xxxxxxxx xxxxxxxx xxxxxxxx` over the saved text. */
export function cryptochecksum(lines: string[]): string {
  const embedded = lines.map((l) => /^Cryptochecksum:\s*([0-9a-f]{32})$/i.exec(l)).find((m) => m);
  const hex = embedded
    ? embedded[1].toLowerCase()
    : createHash('md5').update(lines.join('\n')).digest('hex');
  return hex.match(/.{8}/g)!.join(' ');
}

export class App implements ShellHost {
  readonly lang: ShellLanguage;
  readonly router: LogRouter;
  readonly version: string;
  readonly startedAt: number;
  readonly bus: DebugBus;
  readonly server: VpnServerApi | undefined;
  readonly configPath: string | undefined;
  private readonly ops: ConfigOps;
  private rc: RunningConfig;
  private startup: string[] | undefined;
  private readonly committer: Committer;
  private nextSessionId = 1;
  private readonly sessions = new Set<ShellSession>();
  private readonly nowFn: () => number;
  private readonly offlinePools = new AddressPools();
  /** `clock set`: this product's clock minus the host's. */
  private clockOffset = 0;
  /** The built-in default the shell started from without --config (reload returns to it). */
  private builtIn: string | undefined;
  /** `write erase` ran and nothing was saved since: reload gives the factory default. */
  private erased = false;
  /** Whole-config warnings when the pasted block under way began. */
  private blockKnown: Set<string> | undefined;
  /** Config changes from every shell, one at a time (each reads the last one's result). */
  private serial: Promise<unknown> = Promise.resolve();
  private readonly plane: ManagementPlane | undefined;
  private readonly syslogHosts: SyslogHosts | undefined;
  private readonly metricsEndpoint: MetricsEndpoint | undefined;
  /** Remote shells run one command per event-loop turn (the console never waits behind them all). */
  private readonly remoteTurns = new TurnQueue();

  constructor(opts: AppOptions & { lang: ShellLanguage; ops: ConfigOps }) {
    this.lang = opts.lang;
    this.ops = opts.ops;
    this.bus = opts.bus;
    this.server = opts.server;
    this.configPath = opts.configPath;
    this.version = opts.version ?? '0.0.0';
    this.nowFn = opts.now ?? Date.now;
    this.startedAt = this.nowFn();
    this.rc = opts.initialConfig ?? this.ops.defaultRunningConfig();
    this.router = new LogRouter(this.bus, () => this.rc.logging, this.nowFn);
    if (opts.remoteSyslog) {
      const hosts = (this.syslogHosts = new SyslogHosts());
      hosts.reconfigure(this.rc);
      this.router.toHosts = (m, t) => hosts.send(m, t);
    }
    if (opts.management) {
      const server = opts.server;
      this.plane = new ManagementPlane({
        config: () => this.rc,
        bus: this.bus,
        now: this.nowFn,
        openShell: (o) => this.createSession({ interactive: true, isConsole: false, ...o }),
        fullScreen: async (session, t) => {
          const { runBlessedConsole } = await import('./ui/blessed-console.js');
          await runBlessedConsole(session, {
            input: t.input,
            output: t.output,
            terminal: t.term,
            unicode: t.unicode,
            signal: t.signal,
            version: this.version,
            status: () => this.consoleStatus(),
          });
        },
        checkGroup: server?.authenticateConsole ? (tag, user, pw) => server.authenticateConsole!(tag, user, pw) : undefined,
      }, { configPath: opts.configPath, ...opts.management });
    }
    if (opts.metrics) {
      const endpoint = (this.metricsEndpoint = new MetricsEndpoint({ census: (perUser) => this.census(perUser), aaaStatus: () => this.aaaStatus() }, this.bus));
      if (this.server) this.server.onAaaResult = (o) => endpoint.metrics.aaaAnswered(o);
    }
    const server = this.server;
    if (server && 'onNotice' in server) server.onNotice = (line) => this.noticeAll(line);
    this.committer = createCommitter({
      get: () => this.rc,
      set: (rc) => {
        this.rc = rc;
      },
      prepare: server
        ? async (diff) => {
            const refusal = server.checkPoolChange?.(diff);
            if (refusal) throw new Error(refusal.replace(/^ERROR:\s*/, ''));
            await server.reconfigure(diff);
          }
        : undefined,
    });
  }

  /** A line from the server for every open shell (a data-plane worker died or came back). */
  private noticeAll(line: string): void {
    for (const s of this.sessions) if (!s.closed) s.write([line], 'syslog');
  }

  /** Push the initial config into the server (the first reconfigure). */
  async start(): Promise<string[]> {
    if (!this.server) return [];
    const base = this.ops.defaultRunningConfig();
    try {
      await this.server.reconfigure({ before: base.vpn, after: this.rc.vpn });
      return [];
    } catch (e) {
      return [`ERROR: server: ${(e as Error).message}`];
    }
  }

  createSession(opts: {
    interactive?: boolean;
    isConsole?: boolean;
    liveViews?: boolean;
    from?: string;
    service?: ShellService;
    user?: string;
    privilege?: number;
    consoleLogin?: boolean;
  } = {}): ShellSession {
    const isConsole = opts.isConsole ?? true;
    const turn = opts.service === 'ssh' || opts.service === 'telnet' ? () => this.remoteTurns.take() : undefined;
    const s = new ShellSession(this, { ...opts, id: this.nextSessionId++, isConsole, turn });
    this.sessions.add(s);
    return s;
  }

  /** Open the SSH/Telnet listeners the running-config asks for; lines to print. */
  startManagement(): Promise<string[]> {
    return this.plane ? this.plane.reconfigure() : Promise.resolve([]);
  }

  management(): ManagementControl | undefined {
    return this.plane;
  }

  /** The status line of the full-screen console. */
  consoleStatus(): StatusInfo {
    const st = this.status();
    return { tunnels: st.tunnels.length, sessions: st.sessions.length, debug: debugSummary(this.router.activeDebug()), server: this.hasServer() };
  }

  checkLogin(where: 'serial' | 'enable', user: string, password: string): Promise<LoginResult> {
    const server = this.server;
    return checkLogin(this.rc, where, user, password, server?.authenticateConsole ? (tag, u, pw) => server.authenticateConsole!(tag, u, pw) : undefined);
  }

  /** Where `metrics http` listens now, if it does. */
  metricsAddress(): { address: string; port: number } | undefined {
    return this.metricsEndpoint?.address();
  }

  syslogStatus(): SyslogHostStatus[] | undefined {
    return this.syslogHosts?.status();
  }

  /** One config change at a time, across every shell. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.serial.then(fn, fn);
    this.serial = run.catch(() => undefined);
    return run;
  }

  sessionCount(): number {
    return [...this.sessions].filter((s) => !s.closed).length;
  }

  now(): number {
    return this.nowFn();
  }

  config(): RunningConfig {
    return this.rc;
  }

  /**
   * validate -> prepare (server.reconfigure) -> swap; all or nothing.
   * Whole-config warnings already true before this change are not
   * repeated (they were printed when they arose); inside a pasted block
   * they wait for endBlock().
   */
  private async commit(candidate: RunningConfig): Promise<string[]> {
    const known = this.blockKnown ?? new Set(validate(this.rc).warnings);
    const r = await this.committer.commit(candidate);
    if (!r.ok) return r.lines;
    this.syslogHosts?.reconfigure(this.rc);
    const listeners = [...(this.plane ? await this.plane.reconfigure() : []), ...((await this.metricsEndpoint?.reconfigure(this.rc)) ?? [])];
    return [...(this.blockKnown ? [] : r.warnings.filter((w) => !known.has(w))), ...listeners];
  }

  applyConfig(line: ConfigLine, negate: boolean, _text?: string, more = false): Promise<string[]> {
    return this.exclusive(() => this.applyNow(line, negate, more));
  }

  private async applyNow(line: ConfigLine, negate: boolean, more: boolean): Promise<string[]> {
    if (more) this.blockKnown ??= new Set(validate(this.rc).warnings);
    const r = this.ops.apply(this.rc, line, negate);
    if (r.errors.length || !r.config) return r.errors.length ? r.errors : ['ERROR: command not applied'];
    const out = await this.commit(r.config);
    return [...r.warnings, ...out];
  }

  endBlock(): string[] {
    const known = this.blockKnown;
    if (!known) return [];
    this.blockKnown = undefined;
    return validate(this.rc).warnings.filter((w) => !known.has(w));
  }

  removeConfig(prefix: string): Promise<string[]> {
    return this.exclusive(() => this.removeNow(prefix));
  }

  private async removeNow(prefix: string): Promise<string[]> {
    const r = this.ops.remove(this.rc, prefix);
    if (r.removed === 0) return [`% No ${prefix} configuration to remove`];
    const out = await this.commit(r.config);
    return [...out, `% Removed ${r.removed} ${prefix} configuration line${r.removed === 1 ? '' : 's'} (write memory makes it permanent)`];
  }

  /**
   * `reload`: every tunnel cleared, the running-config replaced by the
   * startup config (the factory default when none is saved; an empty
   * startup file gives an empty config). Says which unsaved lines went.
   */
  reload(): Promise<string[]> {
    return this.exclusive(() => this.reloadNow());
  }

  private async reloadNow(): Promise<string[]> {
    const raw = await this.startupRaw();
    const builtIn = raw === undefined && !this.erased ? this.builtIn : undefined;
    const base = raw === undefined ? this.ops.defaultRunningConfig() : this.ops.emptyRunningConfig();
    const text = raw ?? builtIn ?? '';
    const loaded = text.trim() === '' ? { config: base, errors: [], warnings: [] } : this.ops.load(text, base, builtIn ? 'default' : 'user');
    const oldLines = this.ops.write(this.rc, false);
    const newLines = new Set(this.ops.write(loaded.config, false));
    const dropped = oldLines.filter((l) => !newLines.has(l) && !/^(:|Cryptochecksum:)/.test(l));
    this.clearTunnels('all');
    const out = await this.commit(loaded.config);
    if (this.rc !== loaded.config) return ['ERROR: reload failed; the running configuration is unchanged', ...out];
    const from = raw !== undefined ? this.configPath ?? 'the saved startup configuration'
      : builtIn ? 'the built-in default configuration (nothing saved yet)' : 'the factory default (the startup configuration was erased)';
    const report = [`Reloaded from ${from}.`];
    if (dropped.length === 0) report.push('Nothing unsaved was dropped.');
    else report.push(`Unsaved lines dropped (${dropped.length}):`, ...dropped.map((l) => `  ${l}`));
    return [...report, ...loaded.errors.map((e) => `ERROR: line ${e.lineNo}: ${e.text.trim()}`), ...out];
  }

  clock(): number {
    return this.nowFn() + this.clockOffset;
  }

  setClock(ms: number): void {
    this.clockOffset = ms - this.nowFn();
  }

  ping(address: string, interfaceName?: string): Promise<string[]> {
    const source = interfaceName === undefined ? undefined : this.rc.vpn.interfaces.find((i) => i.name === interfaceName)?.address;
    if (interfaceName !== undefined && source === undefined) return Promise.resolve([`ERROR: interface ${interfaceName} has no address`]);
    return pingFromNamespace(address, source);
  }

  routes(): Promise<string[]> {
    return readRouteTable(this.rc.vpn.interfaces);
  }

  arp(): Promise<string[]> {
    return readArpTable(this.rc.vpn.interfaces);
  }

  links(): Promise<LinkStats[]> {
    return readLinks();
  }

  shells(): ShellInfo[] {
    return [...this.sessions].filter((s) => !s.closed).map((s) => s.info());
  }

  /**
   * Apply a whole config text onto `base` (default: the running-config):
   * the startup file, the working default, `copy startup-config
   * running-config`. Bad lines are reported with their line numbers and
   * skipped; the rest is committed at once.
   */
  loadText(text: string, base?: RunningConfig, origin: Origin = 'user'): Promise<LoadReport> {
    return this.exclusive(() => this.loadNow(text, base ?? this.rc, origin));
  }

  private async loadNow(text: string, base: RunningConfig, origin: Origin): Promise<LoadReport> {
    const r = this.ops.load(text, base, origin);
    const messages: string[] = r.warnings.map((w) => w.replace(/^(line \d+): (Warning: )?/, 'Warning: $1: '));
    for (const e of r.errors) {
      const head = `ERROR: line ${e.lineNo}: `;
      messages.push(head + e.text.trim());
      const lead = e.text.length - e.text.trimStart().length;
      const shift = ' '.repeat(head.length - lead);
      for (const l of e.lines) messages.push(/^ *\^$/.test(l) ? shift + l : l);
    }
    const out = await this.commit(r.config);
    messages.push(...out);
    const committed = this.rc === r.config;
    const total = text.split(/\r?\n/).filter((l) => l.trim() !== '').length;
    return {
      messages,
      applied: committed ? total - r.errors.length : 0,
      rejected: committed ? r.errors.length : total,
      errors: r.errors,
      committed,
      commit: out,
    };
  }

  /** Start from the built-in default config (no --config): its lines are of origin 'default'. */
  async loadBuiltInDefault(text: string): Promise<string[]> {
    this.builtIn = text;
    return (await this.loadText(text, undefined, 'default')).messages;
  }

  /** A config with nothing in it (the base a whole saved config loads onto). */
  emptyConfig(): RunningConfig {
    return this.ops.emptyRunningConfig();
  }

  /** Read `--config FILE` at startup; a missing file starts empty. */
  async loadStartupFile(): Promise<string[]> {
    if (!this.configPath) return [];
    let text: string;
    try {
      text = await fsp.readFile(this.configPath, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.startup = undefined;
        return [`Warning: ${this.configPath} does not exist yet; write memory will create it`];
      }
      return [`ERROR: cannot read ${this.configPath}: ${(e as Error).message}`];
    }
    this.startup = text.split(/\r?\n/).filter((l, i, a) => !(i === a.length - 1 && l === ''));
    const r = await this.loadText(text, this.ops.emptyRunningConfig());
    return r.messages;
  }

  runningConfigText(): string[] {
    return this.ops.write(this.rc, false);
  }

  /**
   * `show startup-config`: the saved config as it would load, rendered by
   * the writer with secrets masked (the file itself keeps them for reload).
   */
  async startupConfigText(): Promise<string[] | undefined> {
    let text: string | undefined;
    if (this.configPath) {
      try {
        text = await fsp.readFile(this.configPath, 'utf8');
      } catch {
        return undefined;
      }
    } else {
      text = this.startup?.join('\n');
    }
    if (text === undefined || text.trim() === '') return undefined;
    return this.ops.write(this.ops.load(text, this.ops.emptyRunningConfig()).config, false);
  }

  /** The raw saved text (copy startup-config running-config). */
  private async startupRaw(): Promise<string | undefined> {
    if (this.configPath) {
      try {
        return await fsp.readFile(this.configPath, 'utf8');
      } catch {
        return undefined;
      }
    }
    return this.startup?.join('\n');
  }

  async writeMemory(): Promise<string[]> {
    const lines = this.ops.write(this.rc, true);
    const out = ['Building configuration...', `Cryptochecksum: ${cryptochecksum(lines)}`];
    if (this.configPath) {
      try {
        await this.ops.save(this.configPath, lines.join('\n') + '\n');
      } catch (e) {
        return ['Building configuration...', `ERROR: cannot write ${this.configPath}: ${(e as Error).message}`];
      }
    } else {
      out.push('Warning: no --config file; the configuration is kept in memory only');
    }
    this.startup = lines;
    this.erased = false;
    out.push('[OK]');
    return out;
  }

  async eraseStartup(): Promise<string[]> {
    this.startup = undefined;
    this.erased = true;
    if (this.configPath) {
      try {
        await this.ops.save(this.configPath, '');
      } catch (e) {
        return [`ERROR: cannot write ${this.configPath}: ${(e as Error).message}`];
      }
    }
    return ['[OK]'];
  }

  async mergeStartup(): Promise<string[]> {
    const s = await this.startupRaw();
    if (s === undefined || s.trim() === '') return ['% No startup configuration saved'];
    return (await this.loadText(s)).messages;
  }

  hasServer(): boolean {
    return this.server !== undefined;
  }

  status(): ServerStatus {
    if (!this.server) return { ...EMPTY_STATUS, pools: this.pools() };
    try {
      return this.server.status();
    } catch {
      return EMPTY_STATUS;
    }
  }

  async refreshStatus(): Promise<void> {
    try {
      await this.server?.refresh?.();
    } catch {
      // as status(): the shell goes on with the mirror it has
    }
  }

  vpdnBlocks(): VpdnBlocks {
    return this.server?.vpdnBlocks?.() ?? vpdnBlocksOf(this.status());
  }

  /** What the metrics endpoint reads; an empty box without a server (or when it cannot answer). */
  async census(perUser: boolean): Promise<ServerCensus> {
    try {
      const c = await this.server?.census?.(perUser);
      if (c) return c;
    } catch {
      // as status(): the shell and the endpoint go on
    }
    return emptyCensus(this.pools());
  }

  pools(): PoolStatus[] {
    if (this.server) return this.status().pools;
    this.offlinePools.configure(this.rc.vpn.pools);
    return this.offlinePools.status();
  }

  clearTunnels(id: number | 'all'): number {
    return this.server ? this.server.clearTunnels(id) : 0;
  }

  aaaStatus(): AaaGroupStats[] | undefined {
    try {
      return this.server?.aaaStatus?.();
    } catch {
      return undefined;
    }
  }

  captureControl(): CaptureControl | undefined {
    return this.server;
  }

  /** `show version`: "2 worker processes (2 CPU cores)", or "this process (...)" when the server runs here. */
  dataPlane(): string | undefined {
    if (!this.server) return undefined;
    const n = this.server.dataPlaneWorkers?.();
    const c = availableParallelism();
    const cores = `${c} CPU core${c === 1 ? '' : 's'}`;
    return n === undefined ? `this process (${cores})` : `${n} worker process${n === 1 ? '' : 'es'} (${cores})`;
  }

  async close(): Promise<void> {
    this.plane?.close();
    for (const s of this.sessions) if (!s.closed) s.close();
    // after the server: the syslog of the calls it clears still goes out
    if (this.server) await this.server.close();
    this.router.close();
    await Promise.all([this.syslogHosts?.close(), this.metricsEndpoint?.close()]);
  }
}

/**
 * The App over the real grammar and config layer. Starts from
 * `initialConfig` or the PIX factory default; call `loadStartupFile()` /
 * `loadText()` to load more, or `start()` to push `initialConfig` into the
 * server when it was given directly.
 */
export function createApp(opts: AppOptions): App {
  return new App({ ...opts, lang: opts.lang ?? grammarLanguage, ops: opts.ops ?? configOps });
}
