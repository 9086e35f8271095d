/**
 * What the running-config says about the remote shells, read from its
 * entries: the `ssh` / `telnet` host lists, their idle timeouts, the
 * `aaa authentication ssh|telnet console TAG` lines and the `username`
 * database, read from the entries the grammar typed.
 */
import { ipToInt } from '../../../grammar/types.js';
import type { RunningConfig } from '../../config/running.js';

export type ShellService = 'ssh' | 'telnet';

export interface AllowedHost {
  address: string;
  mask: string;
  interfaceName: string;
}

export interface LocalUser {
  name: string;
  /** PIX hash salted with the user name; undefined = `nopassword`. */
  hash?: string;
  privilege: number;
}

/** Shells of each service at once (PIX 6.3: 5 Telnet and 5 SSH). */
export const DEFAULT_SHELL_LIMIT = 5;
/** PIX default for `ssh timeout` and `telnet timeout` (minutes). */
export const DEFAULT_IDLE_MINUTES = 5;
/** `username` without `privilege` (PIX 6.3 default, inferred). */
export const DEFAULT_USER_PRIVILEGE = 2;

export function allowedHosts(rc: RunningConfig, service: ShellService): AllowedHost[] {
  return rc.entries
    .filter((e) => e.line.cmd === service)
    .map((e) => ({ address: String(e.line.args.ip_address), mask: String(e.line.args.mask), interfaceName: String(e.line.args.if_name) }));
}

/** The host line that lets `source` in on `interfaceName`, if any. */
export function matchingHost(hosts: AllowedHost[], source: string, interfaceName: string): AllowedHost | undefined {
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(source)) return undefined;
  const src = ipToInt(source);
  return hosts.find((h) => h.interfaceName === interfaceName && ((src & ipToInt(h.mask)) >>> 0) === ((ipToInt(h.address) & ipToInt(h.mask)) >>> 0));
}

/** Interfaces (with their addresses) that have at least one host line. */
export function listenAddresses(rc: RunningConfig, service: ShellService): { interfaceName: string; address: string }[] {
  const names = [...new Set(allowedHosts(rc, service).map((h) => h.interfaceName))];
  const out: { interfaceName: string; address: string }[] = [];
  for (const name of names) {
    const address = rc.vpn.interfaces.find((i) => i.name === name)?.address;
    if (address) out.push({ interfaceName: name, address });
  }
  return out;
}

export function idleMinutes(rc: RunningConfig, service: ShellService): number {
  const e = rc.entries.find((x) => x.line.cmd === `${service}-timeout`);
  return e ? Number(e.line.args.minutes) : DEFAULT_IDLE_MINUTES;
}

/** What `aaa authentication WHERE console TAG` can guard (http is kept, not served). */
export type ConsoleAaaWhere = ShellService | 'serial' | 'enable';

/** `aaa authentication WHERE console TAG`: the tag, or undefined (no AAA). */
export function consoleAaa(rc: RunningConfig, where: ConsoleAaaWhere): string | undefined {
  const e = rc.entries.find((x) => x.line.cmd === 'aaa-console' && x.line.args.where === where);
  return e ? String(e.line.args.tag) : undefined;
}

export function localUsers(rc: RunningConfig): LocalUser[] {
  return rc.entries
    .filter((e) => e.line.cmd === 'username')
    .map((e) => {
      const a = e.line.args;
      const level = a.level === undefined ? DEFAULT_USER_PRIVILEGE : Number(a.level);
      return a.nopassword ? { name: String(a.user_name), privilege: level } : { name: String(a.user_name), hash: String(a.password), privilege: level };
    });
}
