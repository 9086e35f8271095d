/**
 * What a command declaration says, in one place: its syntax (spec.ts),
 * the help of every keyword and argument, the modes it runs in, and, for
 * configuration lines, where `show running-config` writes it, whether a
 * second line replaces the first (singleton) or joins it (list member),
 * what its `no` form takes and which checks its arguments pass. The
 * matcher, `?`, Tab, usage, the writer and the config store all read it.
 */
import type { Command, Mode } from './command.js';
import type { ArgValue } from './types.js';

export type Args = Record<string, ArgValue>;

/** A parsed configuration line. `words` are its canonical words (keywords
 *  spelled out, values normalised), so `words.join(' ')` is the line as
 *  `show running-config` writes it; `secret` says which words are secrets
 *  (the argument each holds, and its index in `words`). */
export interface ConfigLine {
  cmd: string;
  args: Args;
  words: string[];
  secret: { arg: string; at: number }[];
}

/** PIX 6.3 `write terminal` order (pix-behaviour.md A7). */
export const SLOTS = [
  'interface', 'nameif', 'enable', 'passwd', 'hostname', 'domain-name', 'clock',
  'fixup', 'names', 'name', 'object-group', 'access-list', 'pager', 'logging', 'icmp',
  'mtu', 'ip address', 'ip audit', 'ip verify', 'ip local pool', 'failover', 'pdm', 'arp',
  'global', 'nat', 'static', 'conduit', 'outbound', 'apply', 'access-group', 'rip', 'route', 'timeout',
  'aaa-server', 'aaa', 'url-server', 'url-cache', 'url-block', 'filter', 'auth-prompt', 'ntp', 'http',
  'snmp-server', 'tftp-server', 'floodguard', 'sysopt', 'service', 'crypto', 'ca', 'isakmp', 'vpngroup',
  'telnet', 'ssh', 'management-access', 'console', 'vpdn', 'dhcpd', 'dhcprelay', 'username', 'privilege',
  'banner', 'metrics', 'other', 'terminal',
] as const;
export type Slot = (typeof SLOTS)[number];

interface DeclBase {
  /** Unique; a config line's `cmd`. */
  id: string;
  syntax: string;
  /** Help of each keyword (by its text) and argument (`<name>`) of the syntax. */
  help: Record<string, string>;
  modes: readonly Mode[];
  /** Beyond PIX 6.3: `?` says so. */
  extension?: boolean;
  /** Usage lines instead of the one derived from the syntax. */
  usage?: string[];
}

export interface ExecDecl extends DeclBase {
  kind: 'exec';
  /** The command the shell runs. */
  build(a: Args): Command;
}

export interface ConfigDecl extends DeclBase {
  kind: 'config';
  slot: Slot;
  /** Singleton identity: a second line with the same key replaces the first
   *  in place. Without it the line is a list member, identified by its text. */
  key?(a: Args): string;
  /** Written when no line of this declaration is configured (PIX prints its
   *  defaults: `pager lines 24`, `no logging console`). */
  defaults?: string[];
  /** `no` may stop after this keyword or argument and removes every line of
   *  the declaration that agrees with what it gives. Without it `no` takes
   *  the whole line and removes exactly that line. */
  noFrom?: string;
  /** Only a `no` form (`no vpdn group G`): removes every configuration line
   *  whose text starts with its own. */
  noOnly?: boolean;
  /** No `no` form (`PIX Version`). */
  noNever?: boolean;
  /** Checks beyond the argument types: an error text, or undefined. */
  check?(a: Args): string | undefined;
  /** A password argument stored as its PIX hash: a clear one is hashed and
   *  the line written `... HASH encrypted` (the config layer does it). */
  hashes?: string;
  /** The argument whose first four characters salt that hash (`username`). */
  hashSalt?: string;
  /** Rewrites a line before it is stored (6.2 spellings, canonical forms). */
  normalize?(l: ConfigLine): ConfigLine;
  /** A second line with the same key amends the first: the arguments it
   *  gives replace, the others are kept (normalize rewrites the words). */
  merge?: boolean;
  /** One typed line may set several singletons (`timeout xlate .. conn ..`). */
  split?(l: ConfigLine): ConfigLine[];
  /** Consecutive lines of this declaration as show running-config joins
   *  them (`timeout conn 1:00:00 half-closed 0:10:00 ...`); each is kept
   *  and replaced on its own. */
  join?(lines: string[][]): string[][];
  /** Lines of one block of declarations are written grouped by this argument
   *  (`vpdn group 1 ...` lines together, in first-seen order). */
  groupBy?: string;
}

export type Decl = ExecDecl | ConfigDecl;

export const CONFIG: readonly Mode[] = ['config'];
/** `ssh` is a configuration command and `ssh disconnect` an exec one: one help text. */
export const SSH_HELP = 'SSH access to the PIX console: hosts, idle timeout, disconnect';
export const PRIVILEGED: readonly Mode[] = ['enable', 'config'];
export const ALL_MODES: readonly Mode[] = ['exec', 'enable', 'config'];

/** The typed words of a config line's argument, for the store and checks. */
export function str(a: Args, name: string): string | undefined {
  const v = a[name];
  return v === undefined ? undefined : String(v);
}
