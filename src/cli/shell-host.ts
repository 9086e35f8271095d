/**
 * What a ShellSession needs from the rest of the program. The App
 * (app.ts) implements ShellHost over the grammar, the config layer, the
 * committer and the server; session tests use small fakes.
 */
import type { Command, Mode } from '../../grammar/command.js';
import type { ConfigLine } from '../../grammar/config-line.js';
import type { RunningConfig } from '../config/running.js';
import type { AaaGroupStats, PoolStatus, ServerStatus, VpdnBlocks } from '../server/api.js';
import type { CaptureControl } from './capture-commands.js';
import type { DebugBus } from '../debug/bus.js';
import type { LogRouter } from './logging.js';
import type { LinkStats } from './render/misc.js';
import type { SyslogHostStatus } from './remote/syslog-hosts.js';
import type { LoginResult } from './remote/login.js';

/** Live names the grammar offers for `?` and Tab. */
export interface NameTable {
  groups: string[];
  pools: string[];
  aaaGroups: string[];
  interfaces: string[];
  users: string[];
  captures?: string[];
  acls?: string[];
}

/** One shell on the box (`who`, `show who`). */
export interface ShellInfo {
  id: number;
  /** `console`, or the remote address of a Telnet/SSH shell */
  from: string;
  since: number;
  service: ShellService;
  /** The login name (remote shells). */
  user?: string;
}

export type ShellService = 'console' | 'telnet' | 'ssh';

/** The remote shells and the SSH host key, as the shell commands drive them. */
export interface ManagementControl {
  /** `kill N` / `ssh disconnect N`: false when no such shell. */
  disconnect(service: 'telnet' | 'ssh', id: number): boolean;
  /** `show ssh sessions`. */
  sshSessions(): string[];
  /** `ca generate rsa key N`, `ca save all`, `ca zeroize rsa`. */
  hostKey(action: 'generate' | 'save' | 'zeroize', modulus?: number): Promise<string[]>;
  /** `show ca mypubkey rsa`. */
  publicKey(): string[];
  /** The listeners open now (ports chosen by the kernel when configured as 0). */
  listening(): { service: string; address: string; port: number }[];
}

export type ParseOutcome = { ok: true; command: Command } | { ok: false; message: string[] };

export interface Completion {
  /** The line after completion (unchanged when nothing unique). */
  line: string;
  /** Candidates when ambiguous (shown to the user). */
  candidates: string[];
}

/** The grammar, as the shell sees it. */
export interface ShellLanguage {
  parse(line: string, mode: Mode): ParseOutcome;
  help(line: string, mode: Mode, names: NameTable): string[];
  complete(line: string, mode: Mode, names: NameTable): Completion;
  /** `help CMD`: the usage lines of CMD, undefined when CMD is unknown. */
  usage(topic: string, mode: Mode): string[] | undefined;
}

export interface ShellHost {
  readonly lang: ShellLanguage;
  readonly router: LogRouter;
  /** Where the shell's own syslog messages go (502103, 111008, ...). */
  readonly bus: DebugBus;
  readonly version: string;
  /** ms epoch when the app started (show version uptime). */
  readonly startedAt: number;
  /** Wall clock (injectable for tests). */
  now(): number;
  config(): RunningConfig;
  /** Apply one parsed config line through the committer. Returns the
   *  lines to print (errors and warnings); on error nothing changed. With
   *  `more` (a pasted block goes on) whole-config warnings wait for endBlock(). */
  applyConfig(line: ConfigLine, negate: boolean, text: string, more?: boolean): Promise<string[]>;
  /** The end of a pasted block: the whole-config warnings still true, once. */
  endBlock(): string[];
  /** `clear vpdn [group|username|all]`: remove the configuration lines under `prefix`. */
  removeConfig(prefix: string): Promise<string[]>;
  /** `reload`: the running-config replaced by the startup config. */
  reload(): Promise<string[]>;
  /** The box's clock (ms epoch) and `clock set` (an offset of this product, not the host's). */
  clock(): number;
  setClock(ms: number): void;
  /** `ping [IF] IP`: three ICMP echoes from the product's network namespace. */
  ping(address: string, interfaceName?: string): Promise<string[]>;
  /** `show route`, `show arp`: the kernel tables of the product's namespace. */
  routes(): Promise<string[]>;
  arp(): Promise<string[]>;
  /** The kernel devices of the product's namespace, with counters (show interface). */
  links(): Promise<LinkStats[]>;
  /** Every shell attached to the box. */
  shells(): ShellInfo[];
  /** `show running-config` / `write terminal` (secrets masked). */
  runningConfigText(): string[];
  startupConfigText(): Promise<string[] | undefined>;
  /** `write memory` / `copy running-config startup-config`. */
  writeMemory(): Promise<string[]>;
  /** `write erase` (after confirmation). */
  eraseStartup(): Promise<string[]>;
  /** `copy startup-config running-config` (merge, as on a PIX). */
  mergeStartup(): Promise<string[]>;
  /** Server status, or an empty one with --no-server. */
  status(): ServerStatus;
  /** Data-plane workers: the status mirror brought up to date before it is shown. */
  refreshStatus?(): Promise<void>;
  /** `show vpdn` read block by block as it streams (remote shells); status() when absent. */
  vpdnBlocks?(): VpdnBlocks;
  /** Pools from the server, or computed from the config with --no-server. */
  pools(): PoolStatus[];
  hasServer(): boolean;
  clearTunnels(id: number | 'all'): number;
  /** `show aaa-server` statistics, undefined when the server keeps none. */
  aaaStatus?(): AaaGroupStats[] | undefined;
  /** The `logging host` senders' counters (undefined when this process sends no remote syslog). */
  syslogStatus?(): SyslogHostStatus[] | undefined;
  /** A console login or an AAA `enable` (`aaa authentication serial|enable console TAG`). */
  checkLogin?(where: 'serial' | 'enable', user: string, password: string): Promise<LoginResult>;
  /** The SSH/Telnet shells (absent when the box runs none). */
  management?(): ManagementControl | undefined;
  /** The server's capture methods (absent without a server). */
  captureControl?(): CaptureControl | undefined;
  /** Where the data plane runs, for `show version` (absent or undefined without a server). */
  dataPlane?(): string | undefined;
}
