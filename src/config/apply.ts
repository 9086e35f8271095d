/**
 * One parsed config line -> a new RunningConfig (never mutates its input;
 * a rejected line changes nothing).
 *
 * `applyInPlace` does the work on a draft the caller owns: every case
 * checks first and mutates after, so a rejected line leaves the draft as
 * it was (loadConfigText relies on that to avoid a copy per line).
 */
import type { ConfigLine } from '../../grammar/config-line.js';
import type { AaaServerGroup, InterfaceAddress, VpdnGroup, VpdnLimits, VpdnUser } from './model.js';
import type { RunningConfig } from './running.js';
import { DEFAULT_ENABLE_HASH, DEFAULT_PASSWD_HASH, PIX_HASH_RE, pixHash } from './pix-hash.js';
import { ipToInt } from './ip.js';
import { slotOfFamily } from './slots.js';

export type ApplyResult = { ok: true; config: RunningConfig; messages: string[] } | { ok: false; lines: string[] };
type InPlace = { ok: true; messages: string[] } | { ok: false; lines: string[] };

export const DEFAULT_HOSTNAME = 'pixfirewall';
export const RADIUS_DEFAULT_AUTH_PORT = 1645;
export const RADIUS_DEFAULT_ACCT_PORT = 1646;
/** RFC 5176 Dynamic Authorization server port. */
export const DYNAUTH_DEFAULT_PORT = 3799;

export function applyConfigLine(rc: RunningConfig, line: ConfigLine, negate: boolean): ApplyResult {
  const draft = structuredClone(rc);
  const r = applyInPlace(draft, line, negate);
  return r.ok ? { ok: true, config: draft, messages: r.messages } : r;
}

const OK: InPlace = { ok: true, messages: [] };
const err = (...lines: string[]): InPlace => ({ ok: false, lines });

function group(rc: RunningConfig, name: string): VpdnGroup {
  let g = rc.vpn.vpdnGroups.find((x) => x.name === name);
  if (!g) {
    g = { name, acceptDialinPptp: false, authentication: [], dns: [], wins: [] };
    rc.vpn.vpdnGroups.push(g);
  }
  return g;
}

function aaaGroup(rc: RunningConfig, tag: string): AaaServerGroup | undefined {
  return rc.vpn.aaaServerGroups.find((g) => g.tag === tag);
}

function iface(rc: RunningConfig, name: string): InterfaceAddress | undefined {
  return rc.vpn.interfaces.find((i) => i.name === name);
}

const noIface = (name: string) => err(`ERROR: interface ${name} not found (configure it with nameif first)`);
const noAaa = (tag: string) => err(`ERROR: aaa-server ${tag} does not exist; configure "aaa-server ${tag} protocol" first`);

export function applyInPlace(rc: RunningConfig, line: ConfigLine, negate: boolean): InPlace {
  const vpn = rc.vpn;
  switch (line.kind) {
    // ---- vpdn ----------------------------------------------------------
    case 'vpdn-group':
      vpn.vpdnGroups = vpn.vpdnGroups.filter((g) => g.name !== line.group);
      return OK;
    case 'vpdn-accept-dialin':
      group(rc, line.group).acceptDialinPptp = !negate;
      return OK;
    case 'vpdn-ppp-auth': {
      const g = group(rc, line.group);
      if (negate) g.authentication = g.authentication.filter((p) => p !== line.protocol);
      else if (!g.authentication.includes(line.protocol)) g.authentication.push(line.protocol);
      return OK;
    }
    case 'vpdn-ppp-mppe': {
      const g = group(rc, line.group);
      if (negate) delete g.mppe;
      else g.mppe = { strength: line.strength!, required: line.required, stateful: line.stateful };
      return OK;
    }
    case 'vpdn-client-pool': {
      const g = group(rc, line.group);
      if (negate) delete g.addressPool;
      else g.addressPool = line.pool;
      return OK;
    }
    case 'vpdn-client-dns':
      group(rc, line.group).dns = negate ? [] : [...line.servers];
      return OK;
    case 'vpdn-client-wins':
      group(rc, line.group).wins = negate ? [] : [...line.servers];
      return OK;
    case 'vpdn-client-auth': {
      const g = group(rc, line.group);
      if (negate) delete g.clientAuthentication;
      else g.clientAuthentication = line.auth;
      return OK;
    }
    case 'vpdn-client-accounting': {
      const g = group(rc, line.group);
      if (negate) delete g.clientAccounting;
      else g.clientAccounting = line.aaaGroup;
      return OK;
    }
    case 'vpdn-pptp-echo': {
      const g = group(rc, line.group);
      if (negate) delete g.pptpEcho;
      else g.pptpEcho = line.seconds;
      return OK;
    }
    case 'vpdn-username': {
      const users = vpn.vpdnUsers.filter((u) => u.name !== line.user);
      if (!negate) {
        const at = vpn.vpdnUsers.findIndex((u) => u.name === line.user);
        const u: VpdnUser = { name: line.user, password: line.password!, ...(line.storeLocal ? { storeLocal: true as const } : {}) };
        if (at >= 0) users.splice(at, 0, u);
        else users.push(u);
      }
      vpn.vpdnUsers = users;
      return OK;
    }
    case 'vpdn-enable':
      if (negate) {
        vpn.vpdnEnable = vpn.vpdnEnable.filter((i) => i !== line.interfaceName);
        return OK;
      }
      if (!iface(rc, line.interfaceName)) return noIface(line.interfaceName);
      if (!vpn.vpdnEnable.includes(line.interfaceName)) vpn.vpdnEnable.push(line.interfaceName);
      return OK;
    case 'vpdn-limit': {
      const limits: VpdnLimits = { ...(vpn.limits ?? {}) };
      const field = ({ sessions: 'maxSessions', 'per-source': 'maxPerSource', 'auth-failures': 'authFailures', 'setup-timeout': 'setupTimeoutSeconds' } as const)[line.limit];
      if (negate) delete limits[field];
      else if (line.limit === 'auth-failures') limits.authFailures = { count: line.value!, backoffSeconds: line.backoffSeconds! };
      else limits[field as Exclude<typeof field, 'authFailures'>] = line.value!;
      if (Object.keys(limits).length) vpn.limits = limits;
      else delete vpn.limits;
      return OK;
    }

    // ---- pools ----------------------------------------------------------
    case 'ip-local-pool': {
      const pool = vpn.pools.find((p) => p.name === line.name);
      if (negate) {
        if (!pool) return OK;
        if (!line.range) {
          vpn.pools = vpn.pools.filter((p) => p !== pool);
          return OK;
        }
        pool.ranges = pool.ranges.filter((r) => !(r.start === line.range!.start && r.end === line.range!.end));
        if (pool.ranges.length === 0) vpn.pools = vpn.pools.filter((p) => p !== pool);
        return OK;
      }
      const r = line.range!;
      const a = ipToInt(r.start);
      const b = ipToInt(r.end);
      if (a > b) return err(`ERROR: Invalid address range ${r.start}-${r.end}: begin address is above end address`);
      if (b - a + 1 > 65536) return err(`ERROR: Address range ${r.start}-${r.end} is larger than 65536 addresses`);
      if (!pool) {
        const p: typeof vpn.pools[number] = { name: line.name, ranges: [{ start: r.start, end: r.end }] };
        if (line.mask) p.mask = line.mask;
        vpn.pools.push(p);
      } else {
        if (!pool.ranges.some((x) => x.start === r.start && x.end === r.end)) pool.ranges.push({ start: r.start, end: r.end });
        if (line.mask) pool.mask = line.mask;
      }
      return OK;
    }

    // ---- aaa-server -------------------------------------------------------
    case 'aaa-group':
      vpn.aaaServerGroups = vpn.aaaServerGroups.filter((g) => g.tag !== line.tag);
      return OK;
    case 'aaa-protocol': {
      const g = aaaGroup(rc, line.tag);
      if (negate) {
        if (g && (line.protocol === undefined || g.protocol === line.protocol)) {
          vpn.aaaServerGroups = vpn.aaaServerGroups.filter((x) => x !== g);
        }
        return OK;
      }
      if (!g) {
        if (vpn.aaaServerGroups.length >= 14) return err('ERROR: Maximum of 14 aaa-server groups reached');
        vpn.aaaServerGroups.push({ tag: line.tag, protocol: line.protocol!, hosts: [] });
      } else if (g.protocol !== line.protocol) {
        if (g.hosts.length > 0) return err(`ERROR: aaa-server ${line.tag} has servers; remove them before changing its protocol`);
        g.protocol = line.protocol!;
      }
      return OK;
    }
    case 'aaa-host': {
      const g = aaaGroup(rc, line.tag);
      if (!g) return negate ? OK : noAaa(line.tag);
      if (negate) {
        g.hosts = g.hosts.filter((h) => h.address !== line.address);
        return OK;
      }
      if (g.protocol === 'local') return err(`ERROR: aaa-server ${line.tag} uses protocol local and takes no hosts`);
      if (line.interfaceName !== undefined && !iface(rc, line.interfaceName)) return noIface(line.interfaceName);
      const at = g.hosts.findIndex((h) => h.address === line.address);
      if (at < 0 && g.hosts.length >= 14) return err(`ERROR: Maximum of 14 servers in aaa-server ${line.tag} reached`);
      // `aaa-server G host IP authentication-port N` (later 6.3 form, ports
      // only) amends an existing host; a full host line replaces it.
      const portsOnly = line.key === undefined && line.timeout === undefined && line.interfaceName === undefined;
      const h: typeof g.hosts[number] = at >= 0 && portsOnly ? { ...g.hosts[at] } : { address: line.address };
      if (line.interfaceName !== undefined) h.interfaceName = line.interfaceName;
      if (line.key !== undefined) h.key = line.key;
      if (line.timeout !== undefined) h.timeout = line.timeout;
      if (g.protocol === 'radius') {
        const auth = line.authenticationPort ?? h.authenticationPort ?? rc.radiusPorts?.authentication;
        const acct = line.accountingPort ?? h.accountingPort ?? rc.radiusPorts?.accounting;
        if (auth !== undefined) h.authenticationPort = auth;
        if (acct !== undefined) h.accountingPort = acct;
      } else if (line.authenticationPort !== undefined) {
        h.authenticationPort = line.authenticationPort;
      }
      if (at >= 0) g.hosts[at] = h;
      else g.hosts.push(h);
      return OK;
    }
    case 'aaa-max-failed': {
      const g = aaaGroup(rc, line.tag);
      if (!g) return negate ? OK : noAaa(line.tag);
      if (negate) delete g.maxFailedAttempts;
      else g.maxFailedAttempts = line.attempts;
      return OK;
    }
    case 'aaa-deadtime': {
      const g = aaaGroup(rc, line.tag);
      if (!g) return negate ? OK : noAaa(line.tag);
      if (negate) delete g.deadtime;
      else g.deadtime = line.minutes;
      return OK;
    }
    case 'aaa-dynamic-authorization': {
      const g = aaaGroup(rc, line.tag);
      if (!g) return negate ? OK : noAaa(line.tag);
      if (negate) {
        delete g.dynamicAuthorization;
        return OK;
      }
      if (g.protocol !== 'radius') return err(`ERROR: aaa-server ${line.tag} is not a RADIUS group; dynamic-authorization needs RADIUS`);
      g.dynamicAuthorization = { port: line.port ?? DYNAUTH_DEFAULT_PORT };
      return OK;
    }
    case 'aaa-interim': {
      const g = aaaGroup(rc, line.tag);
      if (!g) return negate ? OK : noAaa(line.tag);
      if (negate) {
        delete g.interimSeconds;
        return OK;
      }
      if (g.protocol !== 'radius') return err(`ERROR: aaa-server ${line.tag} is not a RADIUS group; interim accounting needs RADIUS`);
      g.interimSeconds = line.seconds;
      return OK;
    }
    case 'aaa-radius-port': {
      const which = line.which;
      const field = which === 'authentication' ? 'authenticationPort' : 'accountingPort';
      const old = rc.radiusPorts?.[which];
      const next = negate ? undefined : line.port;
      const ports = { ...(rc.radiusPorts ?? {}) };
      if (next === undefined) delete ports[which];
      else ports[which] = next;
      rc.radiusPorts = ports;
      // hosts that followed the global default follow it again
      for (const g of vpn.aaaServerGroups) {
        if (g.protocol !== 'radius') continue;
        for (const h of g.hosts) {
          if (h[field] === old) {
            if (next === undefined) delete h[field];
            else h[field] = next;
          }
        }
      }
      return OK;
    }

    // ---- system -------------------------------------------------------------
    case 'sysopt-permit-pptp':
      vpn.sysoptPermitPptp = !negate;
      return OK;
    case 'hostname':
      vpn.hostname = negate ? DEFAULT_HOSTNAME : line.name!;
      return OK;
    case 'enable-password':
    case 'passwd': {
      const def = line.kind === 'passwd' ? DEFAULT_PASSWD_HASH : DEFAULT_ENABLE_HASH;
      let value = def;
      if (!negate) {
        if (line.encrypted && !PIX_HASH_RE.test(line.value!)) return err('ERROR: Invalid encrypted password (16 characters of ./0-9A-Za-z expected)');
        if (!line.encrypted && line.value!.length > 16) return err('ERROR: Password must be 16 characters or less');
        value = line.encrypted ? line.value! : pixHash(line.value!);
      }
      const v = { value, encrypted: true };
      if (line.kind === 'passwd') rc.passwd = v;
      else rc.enablePassword = v;
      return OK;
    }
    case 'pager':
      rc.pagerLines = negate ? 0 : line.lines!;
      return OK;
    case 'logging-switch':
      if (line.what === 'on') rc.logging.on = !negate;
      else if (line.what === 'timestamp') rc.logging.timestamp = !negate;
      else rc.logging.standby = !negate;
      return OK;
    case 'logging-level':
      if (negate) delete rc.logging[line.dest];
      else rc.logging[line.dest] = line.level;
      return OK;
    case 'logging-facility':
      rc.logging.facility = negate ? 20 : line.facility;
      return OK;
    case 'logging-queue':
      rc.logging.queue = negate ? 512 : line.size;
      return OK;
    case 'logging-host': {
      const hosts = rc.logging.hosts.filter((h) => !(h.interfaceName === line.interfaceName && h.address === line.address));
      if (!negate) {
        if (!iface(rc, line.interfaceName)) return noIface(line.interfaceName);
        hosts.push({ interfaceName: line.interfaceName, address: line.address });
      }
      rc.logging.hosts = hosts;
      return OK;
    }
    case 'nameif': {
      const list = rc.nameifs ?? [];
      const at = list.findIndex((n) => n.hardware === line.hardware);
      if (negate) {
        if (at >= 0) {
          const name = list[at].name;
          rc.nameifs = list.filter((_, i) => i !== at);
          vpn.interfaces = vpn.interfaces.filter((i) => i.name !== name);
          vpn.vpdnEnable = vpn.vpdnEnable.filter((i) => i !== name);
        }
        return OK;
      }
      const clash = list.find((n) => n.name === line.name && n.hardware !== line.hardware);
      if (clash) return err(`ERROR: Name ${line.name} is already used by ${clash.hardware}`);
      const entry = { hardware: line.hardware, name: line.name!, security: line.security! };
      if (at >= 0) {
        const oldName = list[at].name;
        list[at] = entry;
        const ia = vpn.interfaces.find((i) => i.name === oldName);
        if (ia) ia.name = entry.name;
        else vpn.interfaces.push({ name: entry.name });
        vpn.vpdnEnable = vpn.vpdnEnable.map((i) => (i === oldName ? entry.name : i));
      } else {
        list.push(entry);
        if (!iface(rc, entry.name)) vpn.interfaces.push({ name: entry.name });
      }
      rc.nameifs = list;
      return OK;
    }
    case 'interface': {
      const list = rc.hardware ?? [];
      const at = list.findIndex((h) => h.hardware === line.hardware);
      if (negate) {
        rc.hardware = list.filter((_, i) => i !== at);
        return OK;
      }
      const entry = { hardware: line.hardware, settings: [...line.settings] };
      if (at >= 0) list[at] = entry;
      else list.push(entry);
      rc.hardware = list;
      return OK;
    }
    case 'ip-address': {
      const ia = iface(rc, line.interfaceName);
      if (!ia) return noIface(line.interfaceName);
      if (negate) {
        delete ia.address;
        delete ia.mask;
      } else {
        ia.address = line.address;
        ia.mask = line.mask;
      }
      return OK;
    }
    case 'mtu': {
      const ia = iface(rc, line.interfaceName);
      if (!ia) return noIface(line.interfaceName);
      if (negate) delete ia.mtu;
      else ia.mtu = line.bytes;
      return OK;
    }
    case 'terminal-width':
      rc.terminalWidth = negate ? 80 : line.columns;
      return OK;
    case 'pix-version':
      rc.pixVersion = line.version;
      return OK;

    // ---- verbatim -------------------------------------------------------------
    case 'opaque': {
      const list = rc.verbatim ?? [];
      const text = line.text;
      if (negate) {
        const at = list.findIndex((v) => v.text === text);
        if (at >= 0) {
          rc.verbatim = list.filter((_, i) => i !== at);
          return OK;
        }
        const noText = 'no ' + text;
        if (!list.some((v) => v.text === noText)) list.push({ family: line.family, text: noText });
      } else {
        const noAt = list.findIndex((v) => v.text === 'no ' + text);
        if (noAt >= 0) list.splice(noAt, 1);
        if (!list.some((v) => v.text === text)) list.push({ family: line.family, text });
      }
      rc.verbatim = list;
      return OK;
    }
    case 'comment': {
      const list = rc.verbatim ?? [];
      const v: { family: string; text: string; before?: string } = { family: 'comment', text: line.text };
      if (line.before !== undefined && slotOfFamily(line.before) !== undefined) v.before = line.before;
      list.push(v);
      rc.verbatim = list;
      return OK;
    }
    case 'header':
      return OK;
  }
}
