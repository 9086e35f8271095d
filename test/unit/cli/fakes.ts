/**
 * Small fakes for session tests: a toy grammar (exact words only) and a
 * host keeping a RunningConfig in memory.
 */
import type { Command, Mode } from '../../../grammar/command.js';
import type { ConfigLine } from '../../../grammar/config-line.js';
import type { RunningConfig } from '../../../src/config/running.js';
import { emptyVpnConfig } from '../../../src/config/model.js';
import { DebugBus } from '../../../src/debug/bus.js';
import type { PoolStatus, ServerStatus } from '../../../src/server/api.js';
import type { Completion, NameTable, ParseOutcome, ShellHost, ShellInfo, ShellLanguage } from '../../../src/cli/shell-host.js';
import type { LinkStats } from '../../../src/cli/render/misc.js';
import { LogRouter } from '../../../src/cli/logging.js';
import { emptyStatus } from './fixtures.js';
import type { ConfigOps } from '../../../src/cli/app.js';

const FIXED: Record<string, Command> = {
  enable: { kind: 'enable' },
  disable: { kind: 'disable' },
  'configure terminal': { kind: 'configure-terminal' },
  'conf t': { kind: 'configure-terminal' },
  exit: { kind: 'exit' },
  end: { kind: 'end' },
  'show vpdn': { kind: 'show', target: { kind: 'vpdn' } },
  'show vpdn live': { kind: 'show', target: { kind: 'vpdn', sub: 'live' } },
  'sh vp l': { kind: 'show', target: { kind: 'vpdn', sub: 'live' } },
  reload: { kind: 'reload', noconfirm: false },
  'reload noconfirm': { kind: 'reload', noconfirm: true },
  'show vpdn tunnel': { kind: 'show', target: { kind: 'vpdn', sub: 'tunnel' } },
  'show vpdn username': { kind: 'show', target: { kind: 'vpdn', sub: 'username' } },
  'show history': { kind: 'show', target: { kind: 'history' } },
  'show aaa-server': { kind: 'show', target: { kind: 'aaa-server' } },
  'show debug': { kind: 'show', target: { kind: 'debug' } },
  'show logging': { kind: 'show', target: { kind: 'logging' } },
  'show version': { kind: 'show', target: { kind: 'version' } },
  'show running-config': { kind: 'show', target: { kind: 'running-config' } },
  'show startup-config': { kind: 'show', target: { kind: 'startup-config' } },
  'write terminal': { kind: 'write', target: 'terminal' },
  'write memory': { kind: 'write', target: 'memory' },
  'write erase': { kind: 'write', target: 'erase' },
  'debug vpdn event': { kind: 'debug', on: true, what: 'vpdn event' },
  'debug ppp io user john': { kind: 'debug', on: true, what: 'ppp io', user: 'john' },
  'undebug all': { kind: 'undebug-all' },
  'terminal monitor': { kind: 'terminal-monitor', on: true },
  'clear vpdn tunnel all': { kind: 'clear-vpdn-tunnel', id: 'all' },
  'clear logging': { kind: 'clear-logging' },
};

export class FakeLanguage implements ShellLanguage {
  parse(line: string, _mode: Mode): ParseOutcome {
    const l = line.trim().replace(/\s+/g, ' ');
    if (FIXED[l]) return { ok: true, command: FIXED[l] };
    const neg = l.startsWith('no ');
    const body = neg ? l.slice(3) : l;
    const w = body.split(' ');
    if (w[0] === 'hostname' && w.length === 2) return cfg(neg, 'hostname', { name: w[1] }, w);
    if (w[0] === 'enable' && w[1] === 'password' && w[2]) return cfg(neg, 'enable-password', { password: w[2] }, w);
    if (w[0] === 'vpdn' && w[1] === 'enable' && w[2]) return cfg(neg, 'vpdn-enable', { if_name: w[2] }, w);
    if (w[0] === 'bad') return cfg(neg, 'bad', {}, w);
    return { ok: false, message: ["Type help or '?' for a list of available commands."] };
  }
  help(line: string, mode: Mode, names: NameTable): string[] {
    return [`help(${line}|${mode}|${names.groups.join(',')})`];
  }
  usage(topic: string): string[] | undefined {
    return topic === 'hostname' ? ['Usage: hostname <name>'] : undefined;
  }
  complete(line: string): Completion {
    if ('show'.startsWith(line) && line.length > 0) return { line: 'show ', candidates: [] };
    return { line, candidates: ['a', 'b'] };
  }
}

function cfg(negate: boolean, cmd: string, args: ConfigLine['args'], words: string[]): ParseOutcome {
  return { ok: true, command: { kind: 'config', negate, line: { cmd, args, words, secret: [] } } };
}

const str = (l: ConfigLine, k: string): string => String(l.args[k] ?? '');

export function baseRunning(): RunningConfig {
  return { entries: [], vpn: emptyVpnConfig(), logging: { on: true, timestamp: false, hosts: [], console: 7 }, pagerLines: 24 };
}

export class FakeHost implements ShellHost {
  readonly lang = new FakeLanguage();
  readonly bus = new DebugBus(() => 0);
  rc: RunningConfig = baseRunning();
  readonly router = new LogRouter(this.bus, () => this.rc.logging, () => 0);
  readonly version = '9.9.9';
  readonly startedAt = 0;
  nowMs = 65_000;
  clockOffset = 0;
  removed: string[] = [];
  blocks = 0;
  reloads = 0;
  st: ServerStatus = emptyStatus();
  startup: string[] | undefined;
  erased = 0;
  cleared: (number | 'all')[] = [];
  server = true;
  now(): number {
    return this.nowMs;
  }
  clock(): number {
    return this.nowMs + this.clockOffset;
  }
  setClock(ms: number): void {
    this.clockOffset = ms - this.nowMs;
  }
  endBlock(): string[] {
    this.blocks++;
    return [];
  }
  async removeConfig(prefix: string): Promise<string[]> {
    this.removed.push(prefix);
    return [];
  }
  async reload(): Promise<string[]> {
    this.reloads++;
    return [];
  }
  async ping(address: string): Promise<string[]> {
    return [`\t${address} response received -- 0ms`];
  }
  async routes(): Promise<string[]> {
    return ['        outside 0.0.0.0 0.0.0.0 127.0.0.1 1 OTHER static'];
  }
  async arp(): Promise<string[]> {
    return [];
  }
  async links(): Promise<LinkStats[]> {
    return [];
  }
  shells(): ShellInfo[] {
    return [{ id: 0, from: 'console', since: 0, service: 'console' }];
  }
  config(): RunningConfig {
    return this.rc;
  }
  async applyConfig(line: ConfigLine, negate: boolean): Promise<string[]> {
    if (line.cmd === 'hostname') {
      this.rc = { ...this.rc, vpn: { ...this.rc.vpn, hostname: negate ? 'pixfirewall' : str(line, 'name') } };
      return [];
    }
    if (line.cmd === 'enable-password') {
      this.rc = { ...this.rc, enablePassword: negate ? undefined : { value: str(line, 'password'), encrypted: false } };
      return [];
    }
    return ['ERROR: bad line'];
  }
  runningConfigText(): string[] {
    return [`hostname ${this.rc.vpn.hostname}`, 'aaa-server RADIUS protocol radius', 'vpdn group 1 accept dialin pptp'];
  }
  async startupConfigText(): Promise<string[] | undefined> {
    return this.startup;
  }
  async writeMemory(): Promise<string[]> {
    this.startup = this.runningConfigText();
    return ['Building configuration...', '[OK]'];
  }
  async eraseStartup(): Promise<string[]> {
    this.erased++;
    this.startup = undefined;
    return [];
  }
  async mergeStartup(): Promise<string[]> {
    return [];
  }
  status(): ServerStatus {
    return this.st;
  }
  pools(): PoolStatus[] {
    return this.st.pools;
  }
  hasServer(): boolean {
    return this.server;
  }
  clearTunnels(id: number | 'all'): number {
    this.cleared.push(id);
    return this.st.tunnels.length;
  }
}

/** Config ops over the toy grammar: hostname, enable password, vpdn enable; `bad` is refused. */
export const fakeOps: ConfigOps = {
  defaultRunningConfig: baseRunning,
  apply(rc, line, negate) {
    if (line.cmd === 'hostname' && line.args.name === 'invalid') {
      const range = { start: '10.0.0.1', end: '10.0.0.9' };
      const pools = [{ name: 'a', ranges: [range] }, { name: 'b', ranges: [range] }];
      return { config: { ...rc, vpn: { ...rc.vpn, pools } }, errors: [], warnings: [] };
    }
    if (line.cmd === 'hostname') return { config: { ...rc, vpn: { ...rc.vpn, hostname: negate ? 'pixfirewall' : str(line, 'name') } }, errors: [], warnings: [] };
    if (line.cmd === 'enable-password')
      return { config: { ...rc, enablePassword: negate ? undefined : { value: str(line, 'password'), encrypted: false } }, errors: [], warnings: [] };
    if (line.cmd === 'vpdn-enable') {
      const name = str(line, 'if_name');
      const list = rc.vpn.vpdnEnable.filter((i) => i !== name);
      if (!negate) list.push(name);
      const interfaces = rc.vpn.interfaces.some((i) => i.name === name)
        ? rc.vpn.interfaces
        : [...rc.vpn.interfaces, { name, address: '127.0.0.1', mask: '255.255.255.255' }];
      return { config: { ...rc, vpn: { ...rc.vpn, interfaces, vpdnEnable: list } }, errors: [], warnings: negate ? [] : ['Warning: toy warning'] };
    }
    return { errors: ['ERROR: bad line'], warnings: [] };
  },
  emptyRunningConfig: baseRunning,
  load(text, base) {
    const lang = new FakeLanguage();
    let rc = base;
    const errors: { lineNo: number; text: string; lines: string[] }[] = [];
    text.split('\n').forEach((raw, i) => {
      if (raw.trim() === '' || raw.startsWith('!')) return;
      const p = lang.parse(raw, 'config');
      if (!p.ok) return errors.push({ lineNo: i + 1, text: raw, lines: p.message });
      if (p.command.kind !== 'config') return;
      const r = fakeOps.apply(rc, p.command.line, p.command.negate);
      if (!r.config) return errors.push({ lineNo: i + 1, text: raw, lines: r.errors });
      rc = r.config;
    });
    return { config: rc, errors, warnings: [] };
  },
  remove: (rc) => ({ config: rc, removed: 0 }),
  write: (rc, secrets) => [
    `hostname ${rc.vpn.hostname}`,
    ...(rc.enablePassword ? [`enable password ${secrets ? rc.enablePassword.value : '********'}`] : []),
    ...rc.vpn.vpdnEnable.map((i) => `vpdn enable ${i}`),
  ],
  async save(path, text) {
    const { writeFileSync, renameSync } = await import('node:fs');
    writeFileSync(path + '.tmp', text);
    renameSync(path + '.tmp', path);
  },
};

/** `enable` and Enter at `Password:` (the default empty enable password). */
export async function enable(s: { execute(line: string): Promise<string[]> }): Promise<string[]> {
  const a = await s.execute('enable');
  const b = await s.execute('');
  return [...a, ...b];
}
