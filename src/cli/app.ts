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
import type { Mode } from '../../grammar/command.js';
import type { ConfigLine } from '../../grammar/config-line.js';
import type { RunningConfig } from '../config/running.js';
import type { DebugBus } from '../debug/bus.js';
import type { PoolStatus, ServerStatus, VpnServerApi } from '../server/api.js';
import { AddressPools } from '../server/pool.js';
import type { ShellHost, ShellLanguage } from './host.js';
import { LogRouter } from './logging.js';
import { ShellSession } from './session.js';

/** The config layer as the App uses it (bound in integration.ts). */
export interface ConfigOps {
  /** Factory-default running-config. */
  defaultRunningConfig(): RunningConfig;
  /** Apply one line to a copy; never mutates `rc`. */
  apply(rc: RunningConfig, line: ConfigLine, negate: boolean): ApplyOutcome;
  /** Whole-candidate validation before commit (errors block it). */
  validate(rc: RunningConfig): { errors: string[]; warnings: string[] };
  /** show running-config / write terminal text. */
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
}

export interface LoadReport {
  /** `ERROR: line N: ...` / `Warning: line N: ...` lines to print. */
  messages: string[];
  applied: number;
  rejected: number;
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
  private queue: Promise<unknown> = Promise.resolve();
  private nextSessionId = 1;
  private readonly sessions = new Set<ShellSession>();
  private readonly nowFn: () => number;
  private readonly offlinePools = new AddressPools();

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

  createSession(opts: { interactive?: boolean; isConsole?: boolean } = {}): ShellSession {
    const s = new ShellSession(this, { id: this.nextSessionId++, interactive: opts.interactive, isConsole: opts.isConsole ?? true });
    this.sessions.add(s);
    return s;
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

  /** Serialize commits: each waits for the previous one. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** validate -> prepare (server.reconfigure) -> apply; all or nothing. */
  private commit(candidate: RunningConfig): Promise<string[]> {
    return this.serial(async () => {
      const v = this.ops.validate(candidate);
      if (v.errors.length) return v.errors;
      const before = this.rc;
      if (this.server && before.vpn !== candidate.vpn) {
        const diff = { before: before.vpn, after: candidate.vpn };
        const poolErr = this.server.checkPoolChange?.(diff);
        if (poolErr) return [poolErr];
        try {
          await this.server.reconfigure(diff);
        } catch (e) {
          return [`ERROR: ${(e as Error).message}`];
        }
      }
      this.rc = candidate;
      return v.warnings;
    });
  }

  async applyConfig(line: ConfigLine, negate: boolean): Promise<string[]> {
    const r = this.ops.apply(this.rc, line, negate);
    if (r.errors.length || !r.config) return r.errors.length ? r.errors : ['ERROR: command not applied'];
    const out = await this.commit(r.config);
    return [...r.warnings, ...out];
  }

  /**
   * Apply a whole config text (startup file, `copy startup-config
   * running-config`): bad lines are reported with their line numbers and
   * skipped; the rest is committed once.
   */
  async loadText(text: string): Promise<LoadReport> {
    const messages: string[] = [];
    let rc = this.rc;
    let known = new Set(this.ops.validate(rc).errors);
    let applied = 0;
    let rejected = 0;
    const lines = text.split(/\r?\n/);
    const reject = (n: number, raw: string, why: string[]) => {
      rejected++;
      messages.push(`ERROR: line ${n}: ${raw}`, ...why.map((m) => `  ${m}`));
    };
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i].trim();
      if (raw === '' || raw.startsWith('!') || raw.startsWith(':') || /^Cryptochecksum:/i.test(raw)) continue;
      const n = i + 1;
      const parsed = this.lang.parse(raw, 'config' as Mode);
      if (!parsed.ok) {
        reject(n, raw, parsed.message);
        continue;
      }
      if (parsed.command.kind !== 'config') continue; // exec words in a pasted file (`write mem` ...)
      const r = this.ops.apply(rc, parsed.command.line, parsed.command.negate);
      if (r.errors.length || !r.config) {
        reject(n, raw, r.errors);
        continue;
      }
      // a line is rejected only for validation errors it introduces
      const v = this.ops.validate(r.config);
      const fresh = v.errors.filter((e) => !known.has(e));
      if (fresh.length) {
        reject(n, raw, fresh);
        continue;
      }
      for (const w of r.warnings) messages.push(`Warning: line ${n}: ${w.replace(/^Warning:\s*/, '')}`);
      known = new Set(v.errors);
      rc = r.config;
      applied++;
    }
    messages.push(...(await this.commit(rc)));
    return { messages, applied, rejected };
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
    const r = await this.loadText(text);
    return r.messages;
  }

  runningConfigText(): string[] {
    return this.ops.write(this.rc, false);
  }

  async startupConfigText(): Promise<string[] | undefined> {
    if (this.configPath) {
      try {
        const t = await fsp.readFile(this.configPath, 'utf8');
        return t.split(/\r?\n/).filter((l, i, a) => !(i === a.length - 1 && l === ''));
      } catch {
        return undefined;
      }
    }
    return this.startup;
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
    out.push('[OK]');
    return out;
  }

  async eraseStartup(): Promise<string[]> {
    this.startup = undefined;
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
    const s = await this.startupConfigText();
    if (!s) return ['% No startup configuration saved'];
    return (await this.loadText(s.join('\n'))).messages;
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

  pools(): PoolStatus[] {
    if (this.server) return this.status().pools;
    this.offlinePools.configure(this.rc.vpn.pools);
    return this.offlinePools.status();
  }

  clearTunnels(id: number | 'all'): number {
    return this.server ? this.server.clearTunnels(id) : 0;
  }

  async close(): Promise<void> {
    for (const s of this.sessions) if (!s.closed) s.close();
    this.router.close();
    if (this.server) await this.server.close();
  }
}
