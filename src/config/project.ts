/**
 * The typed view of a running-config, derived from its entries: one fold
 * over the lines in the order `show running-config` writes them (so
 * `nameif` comes before `ip address`, `aaa-server G protocol` before its
 * hosts, as on a PIX reading its saved config).
 *
 * A line whose reference is missing (an `ip address` for an interface no
 * `nameif` names) fails: that is an error when it is the line being added,
 * and a warning otherwise (a `no nameif` leaves the line in place, with no
 * effect, and says so).
 */
import type { Args } from '../../grammar/config-line.js';
import type { AaaServerGroup, AuthProtocol, InterfaceAddress, VpdnGroup, VpdnLimits } from './model.js';
import { emptyVpnConfig } from './model.js';
import type { Entry, RunningConfig } from './running.js';
import { DEFAULT_ENABLE_HASH, DEFAULT_PASSWD_HASH } from './pix-hash.js';

export const DEFAULT_HOSTNAME = 'pixfirewall';
export const RADIUS_DEFAULT_AUTH_PORT = 1645;
export const RADIUS_DEFAULT_ACCT_PORT = 1646;
/** RFC 5176 Dynamic Authorization server port. */
export const DYNAUTH_DEFAULT_PORT = 3799;
const MAX_AAA_GROUPS = 14;
const MAX_AAA_HOSTS = 14;

export type Derived = Omit<RunningConfig, 'entries'>;

export interface Projection {
  config: Derived;
  /** Lines that failed, with why (the caller decides: error or warning). */
  failures: { entry: Entry; why: string }[];
}

const s = (a: Args, k: string): string => String(a[k]);
const n = (a: Args, k: string): number => Number(a[k]);

function blank(): Derived {
  return {
    vpn: emptyVpnConfig(),
    enablePassword: { value: DEFAULT_ENABLE_HASH, encrypted: true },
    passwd: { value: DEFAULT_PASSWD_HASH, encrypted: true },
    logging: { on: false, timestamp: false, standby: false, hosts: [], facility: 20, queue: 512 },
    pagerLines: 24,
    nameifs: [],
    hardware: [],
    terminalWidth: 80,
    accessLists: [],
  };
}

/** Fold `ordered` (write order) into the typed view. */
export function project(ordered: Entry[]): Projection {
  const rc = blank();
  const failures: Projection['failures'] = [];
  for (const e of ordered) {
    const why = applyEntry(rc, e.line.cmd, e.line.args);
    if (why) failures.push({ entry: e, why });
  }
  return { config: rc, failures };
}

function group(rc: Derived, name: string): VpdnGroup {
  let g = rc.vpn.vpdnGroups.find((x) => x.name === name);
  if (!g) {
    g = { name, acceptDialinPptp: false, authentication: [], dns: [], wins: [] };
    rc.vpn.vpdnGroups.push(g);
  }
  return g;
}

function iface(rc: Derived, name: string): InterfaceAddress | undefined {
  return rc.vpn.interfaces.find((i) => i.name === name);
}

const noIface = (name: string) => `ERROR: interface ${name} not found (configure it with nameif first)`;
const noAaa = (tag: string) => `ERROR: aaa-server ${tag} does not exist; configure "aaa-server ${tag} protocol" first`;

/** One entry into the typed view; an error text when it cannot apply. */
function applyEntry(rc: Derived, cmd: string, a: Args): string | undefined {
  const vpn = rc.vpn;
  switch (cmd) {
    // ---- interfaces and system ------------------------------------------------
    case 'interface':
      rc.hardware!.push({ hardware: s(a, 'hardware_id'), settings: [s(a, 'speed'), ...(a.shutdown ? ['shutdown'] : [])] });
      return;
    case 'nameif': {
      const name = s(a, 'if_name');
      const clash = rc.nameifs!.find((x) => x.name === name);
      if (clash) return `ERROR: Name ${name} is already used by ${clash.hardware}`;
      rc.nameifs!.push({ hardware: s(a, 'hardware_id'), name, security: n(a, 'security') });
      vpn.interfaces.push({ name });
      return;
    }
    case 'ip-address': {
      const i = iface(rc, s(a, 'if_name'));
      if (!i) return noIface(s(a, 'if_name'));
      if (a.ip_address !== undefined) {
        i.address = s(a, 'ip_address');
        i.mask = s(a, 'mask');
      }
      return;
    }
    case 'mtu': {
      const i = iface(rc, s(a, 'if_name'));
      if (!i) return noIface(s(a, 'if_name'));
      i.mtu = n(a, 'bytes');
      return;
    }
    case 'hostname':
      vpn.hostname = s(a, 'name');
      return;
    case 'enable-password':
      rc.enablePassword = { value: s(a, 'password'), encrypted: true };
      return;
    case 'passwd':
      rc.passwd = { value: s(a, 'password'), encrypted: true };
      return;
    case 'pager':
      rc.pagerLines = n(a, 'lines');
      return;
    case 'terminal-width':
      rc.terminalWidth = n(a, 'columns');
      return;
    case 'sysopt':
      if (a['permit-pptp']) vpn.sysoptPermitPptp = true;
      return;

    // ---- logging --------------------------------------------------------------
    case 'logging-on':
      rc.logging.on = true;
      return;
    case 'logging-timestamp':
      rc.logging.timestamp = true;
      return;
    case 'logging-standby':
      rc.logging.standby = true;
      return;
    case 'logging-level':
      rc.logging[s(a, 'dest') as 'console' | 'monitor' | 'buffered' | 'trap' | 'history'] = n(a, 'level');
      return;
    case 'logging-facility':
      rc.logging.facility = n(a, 'facility');
      return;
    case 'logging-queue':
      rc.logging.queue = n(a, 'size');
      return;
    case 'logging-device-id':
      rc.logging.deviceId = a.hostname ? { kind: 'hostname' } : a.ipaddress ? { kind: 'ipaddress', interfaceName: s(a, 'if_name') } : { kind: 'string', text: s(a, 'device_text') };
      return;
    case 'logging-message':
      rc.logging.messages = { ...rc.logging.messages, [n(a, 'syslog_id')]: a.level === undefined ? false : n(a, 'level') };
      return;
    case 'logging-host': {
      if (!iface(rc, s(a, 'if_name'))) return noIface(s(a, 'if_name'));
      const [proto, port] = a.transport === undefined ? ['udp', '514'] : s(a, 'transport').toLowerCase().split('/');
      rc.logging.hosts.push({ interfaceName: s(a, 'if_name'), address: s(a, 'address'), protocol: proto === 'tcp' ? 'tcp' : 'udp', port: Number(port) });
      return;
    }

    case 'metrics-http':
      if (!iface(rc, s(a, 'if_name'))) return noIface(s(a, 'if_name'));
      rc.metrics = { interfaceName: s(a, 'if_name'), port: n(a, 'port'), perUser: a['per-user'] !== undefined };
      return;

    // ---- pools ----------------------------------------------------------------
    case 'ip-local-pool': {
      const [start, end] = s(a, 'range').split('-');
      let p = vpn.pools.find((x) => x.name === s(a, 'pool_name'));
      if (!p) vpn.pools.push((p = { name: s(a, 'pool_name'), ranges: [] }));
      p.ranges.push({ start, end });
      if (a.mask !== undefined) p.mask = s(a, 'mask');
      return;
    }

    // ---- aaa-server -----------------------------------------------------------
    case 'aaa-radius-port': {
      if (a.which === 'radius-authport') rc.radiusPorts = { ...rc.radiusPorts, authentication: n(a, 'port') };
      else rc.radiusPorts = { ...rc.radiusPorts, accounting: n(a, 'port') };
      return;
    }
    case 'aaa-protocol': {
      if (vpn.aaaServerGroups.length >= MAX_AAA_GROUPS) return `ERROR: Maximum of ${MAX_AAA_GROUPS} aaa-server groups reached`;
      vpn.aaaServerGroups.push({ tag: s(a, 'tag'), protocol: s(a, 'protocol') as AaaServerGroup['protocol'], hosts: [] });
      return;
    }
    case 'aaa-host': {
      const g = vpn.aaaServerGroups.find((x) => x.tag === s(a, 'tag'));
      if (!g) return noAaa(s(a, 'tag'));
      if (g.protocol === 'local') return `ERROR: aaa-server ${g.tag} uses protocol local and takes no hosts`;
      if (a.if_name !== undefined && !iface(rc, s(a, 'if_name'))) return noIface(s(a, 'if_name'));
      if (g.hosts.length >= MAX_AAA_HOSTS) return `ERROR: Maximum of ${MAX_AAA_HOSTS} servers in aaa-server ${g.tag} reached`;
      const h: AaaServerGroup['hosts'][number] = { address: s(a, 'server_ip') };
      if (a.if_name !== undefined) h.interfaceName = s(a, 'if_name');
      if (a.key !== undefined) h.key = s(a, 'key');
      if (a.timeout_seconds !== undefined) h.timeout = n(a, 'timeout_seconds');
      const auth = a.auth_port !== undefined ? n(a, 'auth_port') : g.protocol === 'radius' ? rc.radiusPorts?.authentication : undefined;
      const acct = a.acct_port !== undefined ? n(a, 'acct_port') : g.protocol === 'radius' ? rc.radiusPorts?.accounting : undefined;
      if (auth !== undefined) h.authenticationPort = auth;
      if (acct !== undefined) h.accountingPort = acct;
      g.hosts.push(h);
      return;
    }
    case 'aaa-max-failed':
    case 'aaa-deadtime':
    case 'aaa-interim':
    case 'aaa-dynamic-authorization': {
      const g = vpn.aaaServerGroups.find((x) => x.tag === s(a, 'tag'));
      if (!g) return noAaa(s(a, 'tag'));
      if (cmd === 'aaa-max-failed') g.maxFailedAttempts = n(a, 'attempts');
      else if (cmd === 'aaa-deadtime') g.deadtime = n(a, 'minutes');
      else if (g.protocol !== 'radius') {
        return `ERROR: aaa-server ${g.tag} is not a RADIUS group; ${cmd === 'aaa-interim' ? 'interim accounting' : 'dynamic-authorization'} needs RADIUS`;
      } else if (cmd === 'aaa-interim') g.interimSeconds = n(a, 'interim_seconds');
      else g.dynamicAuthorization = { port: a.port === undefined ? DYNAUTH_DEFAULT_PORT : n(a, 'port') };
      return;
    }

    // ---- vpdn -----------------------------------------------------------------
    case 'vpdn-accept-dialin':
      if (a.protocol === 'pptp') group(rc, s(a, 'group_name')).acceptDialinPptp = true;
      else group(rc, s(a, 'group_name'));
      return;
    case 'vpdn-ppp-auth': {
      const g = group(rc, s(a, 'group_name'));
      const p = s(a, 'protocol') as AuthProtocol;
      if (!g.authentication.includes(p)) g.authentication.push(p);
      return;
    }
    case 'vpdn-ppp-mppe': {
      const st = s(a, 'strength');
      group(rc, s(a, 'group_name')).mppe = {
        strength: st === 'auto' ? 'auto' : (Number(st) as 40 | 56 | 128),
        required: a.required === true,
        stateful: a.stateful === true,
      };
      return;
    }
    case 'vpdn-client-pool':
      group(rc, s(a, 'group_name')).addressPool = s(a, 'pool_name');
      return;
    case 'vpdn-client-dns':
    case 'vpdn-client-wins': {
      const servers = [a.server1, a.server2].filter((x) => x !== undefined).map(String);
      const g = group(rc, s(a, 'group_name'));
      if (cmd === 'vpdn-client-dns') g.dns = servers;
      else g.wins = servers;
      return;
    }
    case 'vpdn-client-route': {
      const g = group(rc, s(a, 'group_name'));
      g.routes = [...(g.routes ?? []), { network: s(a, 'network'), mask: s(a, 'mask') }];
      return;
    }
    case 'vpdn-client-domain':
      group(rc, s(a, 'group_name')).domainName = s(a, 'domain_name');
      return;
    case 'vpdn-client-auth':
      group(rc, s(a, 'group_name')).clientAuthentication = a.aaa ? { kind: 'aaa', group: s(a, 'aaa_group') } : { kind: 'local' };
      return;
    case 'vpdn-client-accounting':
      group(rc, s(a, 'group_name')).clientAccounting = s(a, 'aaa_group');
      return;
    case 'vpdn-pptp-echo':
      group(rc, s(a, 'group_name')).pptpEcho = n(a, 'seconds');
      return;
    case 'vpdn-request-dialout':
    case 'vpdn-localname':
    case 'vpdn-l2tp-hello':
      group(rc, s(a, 'group_name'));
      return;
    case 'vpdn-username':
      vpn.vpdnUsers.push({ name: s(a, 'user_name'), password: s(a, 'password'), ...(a['store-local'] ? { storeLocal: true as const } : {}) });
      return;
    case 'vpdn-limit-sessions':
    case 'vpdn-limit-per-source':
    case 'vpdn-limit-auth-failures':
    case 'vpdn-limit-setup-timeout': {
      const l: VpdnLimits = { ...(vpn.limits ?? {}) };
      if (a.sessions) l.maxSessions = n(a, 'count');
      else if (a['per-source']) l.maxPerSource = n(a, 'count');
      else if (a['auth-failures']) l.authFailures = { count: n(a, 'failures'), backoffSeconds: n(a, 'backoff_seconds') };
      else l.setupTimeoutSeconds = n(a, 'setup_seconds');
      vpn.limits = l;
      return;
    }
    case 'vpdn-enable': {
      const i = s(a, 'if_name');
      if (!iface(rc, i)) return noIface(i);
      if (!vpn.vpdnEnable.includes(i)) vpn.vpdnEnable.push(i);
      return;
    }
    // ---- access lists and what names them -------------------------------------
    case 'access-list':
    case 'access-list-remark':
      if (!rc.accessLists!.includes(s(a, 'acl_id'))) rc.accessLists!.push(s(a, 'acl_id'));
      return;
    case 'access-group':
    case 'nat':
    case 'static':
      if (a.acl_id !== undefined && !rc.accessLists!.includes(s(a, 'acl_id'))) return `ERROR: access-list ${a.acl_id} does not exist`;
      return missingInterface(rc, cmd, a);
    default:
      // every other line is kept and written back; the server does not act on it
      return cmd === 'comment' ? undefined : missingInterface(rc, cmd, a);
  }
}

/** Interfaces a kept line names (`if_name`, `(real,mapped)`, `(if)` in a
 *  verbatim line) must be configured with nameif. */
function missingInterface(rc: Derived, cmd: string, a: Args): string | undefined {
  const names: string[] = [];
  if (typeof a.if_name === 'string') names.push(a.if_name);
  if (typeof a.ifs === 'string') names.push(...a.ifs.split(','));
  if (cmd === 'verbatim') for (const m of String(a.text).matchAll(/\(([^()\s]+)\)/g)) names.push(...m[1].split(','));
  const missing = names.find((x) => !iface(rc, x));
  return missing === undefined ? undefined : noIface(missing);
}
