/**
 * Can this process run the tests that need root? Tests call these first and
 * `t.skip(reason)` when the answer is no, so a missing capability or tool is
 * always visible in the report, never a silent pass.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type Capability = { ok: true } | { ok: false; reason: string };

let rootCache: Capability | undefined;

/** Root, working `ip netns`, and /dev/net/tun. */
export function canRoot(): Capability {
  if (rootCache) return rootCache;
  rootCache = checkRoot();
  return rootCache;
}

function checkRoot(): Capability {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: 'needs root (network namespaces, TUN, raw sockets)' };
  }
  if (!hasTool('ip')) return { ok: false, reason: 'iproute2 `ip` not found in PATH' };
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) {
    return { ok: false, reason: `\`ip netns list\` failed: ${(r.stderr || r.error?.message || '').trim()}` };
  }
  if (!existsSync('/dev/net/tun')) return { ok: false, reason: '/dev/net/tun is missing' };
  return { ok: true };
}

/** Is `name` an executable in PATH (or an absolute path)? */
export function hasTool(name: string): boolean {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
        .split(delimiter)
        .concat(['/usr/sbin', '/sbin'])
        .map((d) => join(d, name));
  return candidates.some((p) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** canRoot() plus every tool named; the reason names what is missing. */
export function canRootWith(...tools: string[]): Capability {
  const r = canRoot();
  if (!r.ok) return r;
  const missing = tools.filter((t) => !hasTool(t));
  if (missing.length > 0) {
    return { ok: false, reason: `missing ${missing.join(', ')} (scripts/setup.sh --test installs it)` };
  }
  return { ok: true };
}
