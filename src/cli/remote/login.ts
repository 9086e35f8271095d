/**
 * Who may log in to a remote shell, as PIX 6.3 decides it.
 *  - No `aaa authentication SERVICE console`: the `passwd` password; SSH
 *    takes only the user `pix`, Telnet asks no user name. Such a login is
 *    privilege 1 (the `>` prompt; `enable` goes on).
 *  - `... console LOCAL`: the `username` lines (hash salted with the user
 *    name), at their `privilege` level (2-15 start at `#`).
 *  - `... console GROUP`: the RADIUS/TACACS+ group the VPN server already
 *    uses (a PAP request); privilege 15. When every server of the group is
 *    unreachable, the PIX fallback: user `pix` with the `passwd` password.
 * The same for `aaa authentication serial console` (the local console's
 * login) and `aaa authentication enable console` (`enable` asks a user
 * name; its fallback is the `enable password`, any user name).
 */
import { pixHash } from '../../config/index.js';
import type { RunningConfig } from '../../config/running.js';
import { checkEnablePassword } from '../pix-password.js';
import { consoleAaa, localUsers, type ConsoleAaaWhere, type ShellService } from './access.js';

export type LoginResult =
  | { ok: true; user: string; privilege: number; viaAaa: boolean }
  | { ok: false; user: string; viaAaa: boolean };

/** A PAP check against an aaa-server group; `unreachable` when no server answered. */
export type GroupCheck = (tag: string, user: string, password: string) => Promise<'accept' | 'reject' | 'unreachable'>;

/** User name of a login without AAA. */
export const PIX_USER = 'pix';
/** Privilege of a RADIUS/TACACS+ login (no authorization attributes read). */
const GROUP_PRIVILEGE = 15;

/** Does this service ask for a user name before the password? */
export function asksUsername(rc: RunningConfig, service: ShellService): boolean {
  return service === 'ssh' || consoleAaa(rc, service) !== undefined;
}

function passwdMatches(rc: RunningConfig, typed: string): boolean {
  const p = rc.passwd;
  if (!p) return typed === 'cisco';
  return p.encrypted ? pixHash(typed) === p.value : p.value === typed;
}

function withPasswd(rc: RunningConfig, user: string, password: string, viaAaa: boolean): LoginResult {
  return user === PIX_USER && passwdMatches(rc, password) ? { ok: true, user, privilege: 1, viaAaa } : { ok: false, user, viaAaa };
}

/** When no AAA server answers: `passwd` as user pix, or for enable the enable password. */
function fallback(rc: RunningConfig, where: ConsoleAaaWhere, user: string, password: string): LoginResult {
  if (where !== 'enable') return withPasswd(rc, user, password, true);
  const ok = checkEnablePassword(rc.enablePassword ?? { value: '', encrypted: false }, password);
  return ok ? { ok: true, user, privilege: GROUP_PRIVILEGE, viaAaa: true } : { ok: false, user, viaAaa: true };
}

export async function checkLogin(rc: RunningConfig, where: ConsoleAaaWhere, user: string, password: string, group?: GroupCheck): Promise<LoginResult> {
  const tag = consoleAaa(rc, where);
  if (tag === undefined) return withPasswd(rc, where === 'ssh' ? user : PIX_USER, password, false);
  if (tag === 'LOCAL') {
    const u = localUsers(rc).find((x) => x.name === user);
    const good = u !== undefined && (u.hash === undefined ? password === '' : pixHash(password, u.name) === u.hash);
    return good ? { ok: true, user: u.name, privilege: u.privilege, viaAaa: true } : { ok: false, user, viaAaa: true };
  }
  const verdict = group ? await group(tag, user, password) : 'unreachable';
  if (verdict === 'accept') return { ok: true, user, privilege: GROUP_PRIVILEGE, viaAaa: true };
  if (verdict === 'reject') return { ok: false, user, viaAaa: true };
  return fallback(rc, where, user, password);
}
