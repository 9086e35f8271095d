/**
 * The config linter (`pix-pptpd --check FILE`, `show vpdn diagnostics`):
 * reads a running-config and explains, with the seeds' own reasoning, why
 * PPTP clients will fail against it and which Windows error they will see.
 *
 * Seeds quoted: 003 = "Configuring the Cisco Secure PIX Firewall to Use
 * PPTP" (doc 14096), 000 = the PPTP FAQ (doc 18761). Windows error texts:
 * reference/pix-behaviour.md A9.
 *
 * Pure: no I/O, never mutates its input. Passwords and keys never appear
 * in a finding (user lines are shown masked, as `show running-config` does).
 *
 * Why ~600 lines: one small check per failure the seeds explain, all
 * reading the same running-config through the same few helpers; split by
 * topic they would each import the lot.
 */
import type { AaaServerGroup, AuthProtocol, InterfaceAddress, IpLocalPool, VpdnGroup } from './model.js';
import type { RunningConfig } from './running.js';
import { ipToInt } from '../../grammar/types.js';
import { RADIUS_DEFAULT_ACCT_PORT, RADIUS_DEFAULT_AUTH_PORT } from './project.js';
import { permitsOn } from './permits.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** Stable identifier (kebab-case), e.g. `mschap-v1-only`. */
  code: string;
  /** The config lines involved, as `show running-config` prints them (masked). */
  lines: string[];
  /** The Windows client error this produces, where one applies. */
  windowsError?: number;
  explanation: string;
  /** What to type (config lines) or do. */
  fix: string;
}

/** What the Windows client prints for each error number we cite. */
export const WINDOWS_ERRORS: Readonly<Record<number, string>> = {
  619: 'A connection to the remote computer could not be established, so the port used for this connection was closed.',
  691: 'Access was denied because the username and/or password was invalid on the domain.',
  721: 'The remote computer is not responding.',
  732: 'Your computer and the remote computer could not agree on PPP control protocols.',
  734: 'The PPP link control protocol was terminated.',
  742: 'The remote computer does not support the required data encryption type.',
  800: 'Unable to establish the VPN connection. The VPN server may be unreachable.',
  806: 'A connection between your computer and the VPN server has been established, but the VPN connection cannot be completed (GRE blocked).',
};

const MASK = '********';

// ---- the config lines a finding points at (writer format) -----------------

const gl = (g: VpdnGroup, rest: string) => `vpdn group ${g.name} ${rest}`;

function authLines(g: VpdnGroup): string[] {
  return g.authentication.map((a) => gl(g, `ppp authentication ${a}`));
}
function mppeLine(g: VpdnGroup): string {
  const m = g.mppe!;
  return gl(g, `ppp encryption mppe ${m.strength}${m.required ? ' required' : ''}${m.stateful ? ' stateful' : ''}`);
}
function clientAuthLine(g: VpdnGroup): string | undefined {
  const a = g.clientAuthentication;
  if (!a) return undefined;
  return gl(g, a.kind === 'local' ? 'client authentication local' : `client authentication aaa ${a.group}`);
}
function poolLines(p: IpLocalPool): string[] {
  return p.ranges.map((r) => `ip local pool ${p.name} ${r.start}-${r.end}${p.mask ? ` mask ${p.mask}` : ''}`);
}
function ifLine(i: InterfaceAddress): string {
  return i.address !== undefined ? `ip address ${i.name} ${i.address} ${i.mask}` : `no ip address ${i.name}`;
}
function hostLine(g: AaaServerGroup, h: AaaServerGroup['hosts'][number]): string {
  let l = `aaa-server ${g.tag}${h.interfaceName !== undefined ? ` (${h.interfaceName})` : ''} host ${h.address}`;
  if (h.key !== undefined) l += ` ${MASK}`;
  if (h.timeout !== undefined) l += ` timeout ${h.timeout}`;
  return l;
}

// ---- address helpers ---------------------------------------------------------

function poolSize(p: IpLocalPool): number {
  return p.ranges.reduce((n, r) => n + Math.max(0, ipToInt(r.end) - ipToInt(r.start) + 1), 0);
}

/** [first, last] of an interface's network; undefined for none or the PIX
 *  "unassigned" placeholder 127.0.0.1 255.255.255.255. */
function ifNetwork(i: InterfaceAddress): { a: number; b: number } | undefined {
  if (i.address === undefined || i.mask === undefined || isUnassigned(i)) return undefined;
  const m = ipToInt(i.mask);
  const a = (ipToInt(i.address) & m) >>> 0;
  return { a, b: (a | (~m >>> 0)) >>> 0 };
}
function isUnassigned(i: InterfaceAddress): boolean {
  return i.address === undefined || i.address === '0.0.0.0' || i.address.startsWith('127.');
}

const isProto = (p: string, ...names: string[]) => p === 'ip' || names.includes(p);

// ---- the checks --------------------------------------------------------------

/** Effective `ppp authentication` list: none configured = the PIX default (pap). */
function authOf(g: VpdnGroup): AuthProtocol[] {
  return g.authentication.length ? g.authentication : ['pap'];
}
const hasMschap = (a: AuthProtocol[]) => a.includes('mschap') || a.includes('mschap-v2');

export function lintConfig(rc: RunningConfig): Finding[] {
  const out: Finding[] = [];
  const vpn = rc.vpn;
  const dialin = vpn.vpdnGroups.filter((g) => g.acceptDialinPptp);

  if (dialin.length === 0 && vpn.vpdnEnable.length === 0) {
    out.push({
      severity: 'info',
      code: 'pptp-not-configured',
      lines: vpn.vpdnGroups.map((g) => `vpdn group ${g.name} ...`),
      explanation: 'No vpdn group accepts dialin pptp and no interface has vpdn enable: this config terminates no PPTP tunnels.',
      fix: 'vpdn group 1 accept dialin pptp ... and vpdn enable outside (see seed 003, "PIX Configuration - Local Authentication").',
    });
    return sortFindings(out);
  }

  checkListeners(rc, dialin, out);
  if (dialin.length > 1) {
    out.push({
      severity: 'info',
      code: 'several-dialin-groups',
      lines: dialin.map((g) => gl(g, 'accept dialin pptp')),
      explanation:
        `${dialin.length} vpdn groups accept dialin pptp. A PPTP call carries nothing that selects a group, so every client ` +
        `uses the first one (vpdn group ${dialin[0].name}); the settings of the others are never used.`,
      fix: `Merge the settings into vpdn group ${dialin[0].name}, or remove accept dialin pptp from the others.`,
    });
  }
  for (const g of vpn.vpdnGroups) {
    if (!g.acceptDialinPptp) {
      out.push({
        severity: 'info',
        code: 'group-not-accepting',
        lines: [`vpdn group ${g.name} ...`],
        explanation: `vpdn group ${g.name} has settings but no accept dialin pptp, so no tunnel ever uses it.`,
        fix: gl(g, 'accept dialin pptp'),
      });
    }
  }
  const g = dialin[0];
  if (g) {
    checkPool(rc, g, out);
    checkAaa(rc, g, out);
    checkAuthProtocols(rc, g, out);
    checkMppe(rc, g, out);
  }
  checkPermit(rc, out);
  if (g) checkSplitRoutes(g, out);
  return sortFindings(out);
}

/**
 * Windows asks for its routes and DNS suffix with a DHCPINFORM through the
 * tunnel once IPCP is up; whatever stops its call before then (the
 * findings with a Windows error already made) keeps them from it.
 */
function checkSplitRoutes(g: VpdnGroup, out: Finding[]): void {
  const routes = g.routes ?? [];
  if (routes.length === 0 && g.domainName === undefined) return;
  // radius-mppe-keys only says what the server must do; it does not stop a call by itself
  const blockers = out
    .filter((f) => f.windowsError !== undefined && f.severity !== 'info' && f.code !== 'radius-mppe-keys')
    .map((f) => `${f.code} (error ${f.windowsError})`);
  if (!g.mppe) blockers.push('no ppp encryption line: Windows requires encryption by default (error 742)');
  if (blockers.length === 0) return;
  const what = routes.length ? `the ${routes.length} route${routes.length === 1 ? '' : 's'}${g.domainName ? ' and the DNS suffix' : ''}` : 'the DNS suffix';
  out.push({
    severity: 'warning',
    code: 'split-routes-never-sent',
    lines: [
      ...routes.map((r) => gl(g, `client configuration route ${r.network} ${r.mask}`)),
      ...(g.domainName ? [gl(g, `client configuration domain-name ${g.domainName}`)] : []),
    ],
    explanation:
      `Windows asks for ${what} with a DHCPINFORM through the tunnel, only once IPCP is up. With these settings its ` +
      `call ends before that (${blockers.join('; ')}), so it never gets them.`,
    fix: g.mppe ? 'Fix the findings named above; the routes need nothing else.' : `${gl(g, 'ppp encryption mppe auto')}, and fix any finding named above.`,
  });
}

function checkListeners(rc: RunningConfig, dialin: VpdnGroup[], out: Finding[]): void {
  const vpn = rc.vpn;
  if (vpn.vpdnEnable.length === 0) {
    const outside = vpn.interfaces.find((i) => i.name === 'outside') ?? vpn.interfaces[0];
    out.push({
      severity: 'error',
      code: 'no-vpdn-enable',
      lines: dialin.map((g) => gl(g, 'accept dialin pptp')),
      windowsError: 800,
      explanation:
        'No "vpdn enable IF": no interface listens on TCP 1723, so every client\'s connection is refused before PPTP ' +
        'starts (Windows 800; 678 on Windows XP). Seed 003 ends every working config with "vpdn enable outside".',
      fix: `vpdn enable ${outside?.name ?? 'outside'}`,
    });
  }
  if (vpn.vpdnEnable.length > 0 && dialin.length === 0) {
    out.push({
      severity: 'error',
      code: 'no-accept-dialin',
      lines: vpn.vpdnEnable.map((i) => `vpdn enable ${i}`),
      windowsError: 800,
      explanation:
        'vpdn is enabled but no vpdn group has "accept dialin pptp": with no group to take the call, no PPTP tunnel is ' +
        'accepted (pix-pptpd does not even listen on TCP 1723), and clients get Windows error 800.',
      fix: `vpdn group ${vpn.vpdnGroups[0]?.name ?? '1'} accept dialin pptp`,
    });
  }
  for (const name of vpn.vpdnEnable) {
    const i = vpn.interfaces.find((x) => x.name === name);
    if (!i) continue; // rejected by the config layer already
    if (i.address === undefined || i.address === '0.0.0.0') {
      out.push({
        severity: 'error',
        code: 'vpdn-enable-no-address',
        lines: [ifLine(i), `vpdn enable ${name}`],
        windowsError: 800,
        explanation:
          `vpdn enable ${name}: interface ${name} has no ip address, so there is no tunnel endpoint for clients to ` +
          'dial: TCP 1723 cannot be reached and Windows reports error 800.',
        fix: `ip address ${name} A.B.C.D MASK (the public address clients dial), then vpdn enable ${name}`,
      });
    } else if (i.address.startsWith('127.')) {
      out.push({
        severity: 'info',
        code: 'vpdn-enable-loopback',
        lines: [ifLine(i), `vpdn enable ${name}`],
        explanation:
          `Interface ${name} has ${i.address}: on a PIX that is the placeholder for "no address", and pix-pptpd ` +
          'listens on this loopback address, so only clients on this host (or a --listen override) can dial in.',
        fix: `ip address ${name} A.B.C.D MASK with the address clients dial, or start pix-pptpd with --listen ADDR`,
      });
    }
  }
}

function checkPool(rc: RunningConfig, g: VpdnGroup, out: Finding[]): void {
  const vpn = rc.vpn;
  const ca = g.clientAuthentication;
  const radius = ca?.kind === 'aaa' && vpn.aaaServerGroups.find((x) => x.tag === ca.group)?.protocol === 'radius';
  if (g.addressPool === undefined && radius) {
    out.push({
      severity: 'info',
      code: 'group-no-pool',
      lines: [gl(g, 'accept dialin pptp')],
      explanation:
        `vpdn group ${g.name} has no "client configuration address local POOL": every address comes from RADIUS, ` +
        'the Access-Accept\'s Framed-IP-Address (a central pool such as FreeRADIUS sqlippool). An Access-Accept without one ' +
        'refuses that call (syslog 403108 "PPP virtual interface N missing client ip address option").',
      fix: 'Nothing, when RADIUS assigns every address; otherwise add an ip local pool and ' + gl(g, 'client configuration address local POOL'),
    });
    return;
  }
  if (g.addressPool === undefined) {
    out.push({
      severity: 'error',
      code: 'group-no-pool',
      lines: [gl(g, 'accept dialin pptp')],
      explanation:
        `vpdn group ${g.name} has no "client configuration address local POOL": clients authenticate and are then dropped ` +
        'because IPCP has no address to give them (syslog 403108 "PPP virtual interface N missing client ip address option").',
      fix: `ip local pool pptp-pool A.B.C.D-A.B.C.D and ${gl(g, 'client configuration address local pptp-pool')}`,
    });
    return;
  }
  const pool = vpn.pools.find((p) => p.name === g.addressPool);
  const poolRef = gl(g, `client configuration address local ${g.addressPool}`);
  if (!pool) {
    out.push({
      severity: 'error',
      code: 'pool-undefined',
      lines: [poolRef],
      explanation:
        `ip local pool ${g.addressPool} is not defined: clients authenticate and are then dropped without an address ` +
        '(syslog 403108 "missing client ip address option").',
      fix: `ip local pool ${g.addressPool} A.B.C.D-A.B.C.D`,
    });
    return;
  }
  const size = poolSize(pool);
  const max = vpn.limits?.maxSessions;
  const localUsers = g.clientAuthentication?.kind === 'aaa' ? undefined : vpn.vpdnUsers.length;
  const expected = max ?? localUsers;
  if (expected !== undefined && size < expected) {
    const why = max !== undefined
      ? `vpdn limit sessions ${max} allows ${max} sessions`
      : `${expected} local users (vpdn username) may connect at once`;
    out.push({
      severity: 'warning',
      code: 'pool-too-small',
      lines: [...poolLines(pool), poolRef, ...(max !== undefined ? [`vpdn limit sessions ${max}`] : [])],
      explanation:
        `ip local pool ${pool.name} has ${size} address${size === 1 ? '' : 'es'} but ${why}: client ${size + 1} and later ` +
        'authenticate and are then dropped without an address (syslog 403108).',
      fix: `Widen the pool (another "ip local pool ${pool.name} A.B.C.D-A.B.C.D" line adds a range)` +
        (max !== undefined ? ` or lower vpdn limit sessions to ${size}` : ''),
    });
  }
  const enabled = new Set(vpn.vpdnEnable);
  for (const i of vpn.interfaces) {
    const net = ifNetwork(i);
    if (!net) continue;
    const own = ipToInt(i.address!);
    for (const r of pool.ranges) {
      const a = ipToInt(r.start);
      const b = ipToInt(r.end);
      if (a > net.b || b < net.a) continue;
      const tunnelIf = enabled.has(i.name);
      const hasOwn = own >= a && own <= b;
      out.push({
        severity: tunnelIf || hasOwn ? 'error' : 'warning',
        code: tunnelIf ? 'pool-overlaps-vpdn-interface' : 'pool-overlaps-interface',
        lines: [`ip local pool ${pool.name} ${r.start}-${r.end}`, ifLine(i), ...(tunnelIf ? [`vpdn enable ${i.name}`] : [])],
        explanation:
          `ip local pool ${pool.name} ${r.start}-${r.end} lies in the network of interface ${i.name} (${i.address} ${i.mask})` +
          (hasOwn ? `, and even contains the firewall's own address ${i.address}` : '') +
          (tunnelIf
            ? '. That is the network the tunnel itself runs over: a client given such an address routes that network into ' +
              'the tunnel, its GRE and TCP 1723 packets to the firewall follow, and the connection stalls right after IPCP; ' +
              'the addresses may also belong to real hosts on that segment.'
            : '. Clients would get addresses that belong to hosts on that LAN: duplicate addresses, and replies for them ' +
              'go to the LAN instead of into the tunnel.'),
        fix: `Give the pool a network of its own, as seed 003 does (inside 10.1.1.0/24, pool 192.168.1.1-192.168.1.50): ` +
          `no ip local pool ${pool.name}, then ip local pool ${pool.name} A.B.C.D-A.B.C.D`,
      });
    }
  }
}

function checkAaa(rc: RunningConfig, g: VpdnGroup, out: Finding[]): void {
  const vpn = rc.vpn;
  const a = g.clientAuthentication;
  if (a?.kind === 'aaa') {
    const grp = vpn.aaaServerGroups.find((x) => x.tag === a.group);
    const line = clientAuthLine(g)!;
    if (!grp) {
      out.push({
        severity: 'error',
        code: 'aaa-group-undefined',
        lines: [line],
        windowsError: 691,
        explanation:
          `aaa-server ${a.group} is not defined: every authentication fails (syslog 403107 "PPP virtual interface N missing ` +
          `aaa server group info") and the client reports error 691.`,
        fix: `aaa-server ${a.group} protocol radius and aaa-server ${a.group} (inside) host A.B.C.D KEY timeout 5`,
      });
    } else if (grp.protocol === 'local') {
      if (vpn.vpdnUsers.length === 0) out.push(noUsers(g, [line, `aaa-server ${grp.tag} protocol local`]));
    } else if (grp.hosts.length === 0) {
      out.push({
        severity: 'error',
        code: 'aaa-group-no-hosts',
        lines: [line, `aaa-server ${grp.tag} protocol ${grp.protocol}`],
        windowsError: 691,
        explanation: `aaa-server ${grp.tag} has no host: there is no server to ask, every authentication fails and the client reports error 691.`,
        fix: `aaa-server ${grp.tag} (inside) host A.B.C.D KEY timeout 5`,
      });
    } else {
      checkAaaHosts(rc, grp, 'authentication', out);
    }
  } else if (vpn.vpdnUsers.length === 0) {
    out.push(noUsers(g, [clientAuthLine(g) ?? gl(g, 'accept dialin pptp')]));
  }
  if (g.clientAccounting !== undefined) {
    const acct = vpn.aaaServerGroups.find((x) => x.tag === g.clientAccounting);
    if (!acct) {
      out.push({
        severity: 'warning',
        code: 'accounting-group-undefined',
        lines: [gl(g, `client accounting ${g.clientAccounting}`)],
        explanation: `aaa-server ${g.clientAccounting} is not defined: sessions connect, but no accounting records are sent.`,
        fix: `aaa-server ${g.clientAccounting} protocol radius and a host line for it`,
      });
    } else if (acct.protocol === 'radius' && acct.hosts.length > 0) {
      const keysChecked = a?.kind === 'aaa' && a.group === acct.tag;
      checkAaaHosts(rc, acct, 'accounting', out, !keysChecked);
    }
  }
}

function noUsers(g: VpdnGroup, lines: string[]): Finding {
  return {
    severity: 'error',
    code: 'no-local-users',
    lines,
    windowsError: 691,
    explanation:
      `vpdn group ${g.name} authenticates against the local database but no "vpdn username" is configured: every login ` +
      'fails with error 691. Seed 003: "try to set up local (username and password on the PIX) authentication first".',
    fix: 'vpdn username NAME password PASSWORD',
  };
}

/** `windowsError` only when there is one (keeps findings free of undefined keys). */
function withError(f: Omit<Finding, 'windowsError'>, windowsError: number | undefined): Finding {
  return windowsError === undefined ? f : { ...f, windowsError };
}

function checkAaaHosts(rc: RunningConfig, grp: AaaServerGroup, use: 'authentication' | 'accounting', out: Finding[], checkKeys = true): void {
  if (grp.protocol !== 'radius') return;
  const defAuth = rc.radiusPorts?.authentication ?? RADIUS_DEFAULT_AUTH_PORT;
  const defAcct = rc.radiusPorts?.accounting ?? RADIUS_DEFAULT_ACCT_PORT;
  const missingKey = checkKeys ? grp.hosts.filter((h) => h.key === undefined) : [];
  if (missingKey.length) {
    out.push(withError({
      severity: 'error',
      code: 'radius-no-key',
      lines: missingKey.map((h) => hostLine(grp, h)),
      explanation:
        `RADIUS host${missingKey.length > 1 ? 's' : ''} in aaa-server ${grp.tag} ha${missingKey.length > 1 ? 've' : 's'} no key: ` +
        'RADIUS signs every packet with the shared secret, so the server drops our requests' +
        (use === 'authentication' ? ' and every login fails with error 691.' : ' and no accounting is recorded.'),
      fix: missingKey.map((h) => `aaa-server ${grp.tag}${h.interfaceName ? ` (${h.interfaceName})` : ''} host ${h.address} KEY`).join('; '),
    }, use === 'authentication' ? 691 : undefined));
  }
  const port = (h: AaaServerGroup['hosts'][number]) =>
    use === 'authentication' ? h.authenticationPort ?? defAuth : h.accountingPort ?? defAcct;
  const old = use === 'authentication' ? 1645 : 1646;
  const modern = use === 'authentication' ? 1812 : 1813;
  const onOld = grp.hosts.filter((h) => port(h) === old);
  if (onOld.length) {
    out.push(withError({
      severity: 'warning',
      code: use === 'authentication' ? 'radius-old-auth-port' : 'radius-old-acct-port',
      lines: onOld.map((h) => hostLine(grp, h)),
      explanation:
        `aaa-server ${grp.tag} sends RADIUS ${use} to UDP ${old}, the PIX default (pix-behaviour A4: "default port number ` +
        `used for RADIUS authentication is 1645", accounting 1646). FreeRADIUS and most current servers listen only on ` +
        `${modern}: requests time out` +
        (use === 'authentication' ? ' and every login fails with error 691.' : ' and no accounting is recorded.'),
      fix: `aaa-server radius-${use === 'authentication' ? 'authport' : 'acctport'} ${modern} (every host on the default ` +
        `port follows it), or per host: aaa-server ${grp.tag}${onOld[0].interfaceName ? ` (${onOld[0].interfaceName})` : ''} ` +
        `host ${onOld[0].address} KEY ${use}-port ${modern}`,
    }, use === 'authentication' ? 691 : undefined));
  }
}

function checkAuthProtocols(rc: RunningConfig, g: VpdnGroup, out: Finding[]): void {
  const auth = authOf(g);
  const lines = g.authentication.length ? authLines(g) : [gl(g, 'accept dialin pptp')];
  if (auth.length === 1 && auth[0] === 'pap') {
    out.push({
      severity: 'warning',
      code: 'pap-only',
      lines,
      windowsError: 732,
      explanation:
        (g.authentication.length ? 'Only PAP is offered' : 'No "ppp authentication" line: the PIX default is PAP only') +
        '. Windows does not offer PAP by default (seed 003, Windows 2000: "The default is MS-CHAP and MS-CHAP v2 (not CHAP ' +
        'or PAP)"), and "if the PC is configured for only MS-CHAP and the router for only PAP, there is never any ' +
        'agreement": Windows reports error 732. PAP also sends the password in clear and yields no MPPE keys.',
      fix: `${gl(g, 'ppp authentication mschap-v2')} (and ${gl(g, 'ppp authentication mschap')} for old clients)`,
    });
  } else if (!auth.includes('mschap-v2')) {
    const v1 = auth.includes('mschap');
    out.push({
      severity: 'warning',
      code: v1 ? 'mschap-v1-only' : 'no-mschap-v2',
      lines,
      windowsError: 732,
      explanation:
        (v1
          ? 'This is PIX 6.3\'s MS-CHAPv1-only setup. '
          : `Only ${auth.map((a) => a.toUpperCase()).join('/')} is offered. `) +
        'Every Windows since Vista (Microsoft removed MS-CHAP v1, KB926170) and current Linux pppd/NetworkManager ' +
        'clients use MS-CHAPv2, which a PIX cannot do. Seed 003, "PIX and PC Cannot Negotiate Authentication": the PC ' +
        'offers "Microsoft CHAP Version 2 (MS-CHAP v.2) instead of version 1 ... The PC and PIX are unable to agree on ' +
        'authentication", and Windows shows "Error 732: Your computer and the remote computer could not agree on PPP ' +
        'control protocols".',
      fix: `${gl(g, 'ppp authentication mschap-v2')} (pix-pptpd extension; keep the other lines for old clients)`,
    });
  }
  const local = g.clientAuthentication?.kind !== 'aaa';
  if (local && auth.includes('mschap')) {
    const users = rc.vpn.vpdnUsers;
    const plain = users.filter((u) => !u.name.includes('\\') && !users.some((d) => d.name.toLowerCase().endsWith('\\' + u.name.toLowerCase())));
    if (plain.length) {
      out.push({
        severity: 'info',
        code: 'mschap-domain-username',
        lines: plain.map((u) => `vpdn username ${u.name} password ${MASK}`),
        explanation:
          'Seed 003: "when you use MS-CHAP, the domain name can be appended to the front of the username" - a Windows ' +
          '98 PC in domain DOMAIN sends "DOMAIN\\cisco", which does not match "vpdn username cisco" (Result: "Invalid ' +
          'username/password", Windows error 691). Names match exactly, as on the PIX.',
        fix: `If such clients exist, add "vpdn username DOMAIN\\${plain[0].name} password ..." beside the plain name (seed 003).`,
      });
    }
  }
}

function checkMppe(rc: RunningConfig, g: VpdnGroup, out: Finding[]): void {
  const m = g.mppe;
  if (!m) return;
  const auth = authOf(g);
  const ms = hasMschap(auth);
  const a = g.clientAuthentication;
  const grp = a?.kind === 'aaa' ? rc.vpn.aaaServerGroups.find((x) => x.tag === a.group) : undefined;
  const tacacs = grp?.protocol === 'tacacs+';
  const mLine = mppeLine(g);
  const authTxt = g.authentication.length ? authLines(g) : [];

  if (!ms || tacacs) {
    const reasons: string[] = [];
    if (!ms) {
      reasons.push(
        'MPPE keys are derived from the MS-CHAP exchange, and no MS-CHAP is configured. Seed 003: "MS-CHAP must be ' +
        'configured"; "The PC and the PIX must be configured for MS-CHAP authentication in conjunction with MPPE". ' +
        'A PIX logs 403104 "PPP virtual interface N requires mschap for MPPE".',
      );
    }
    if (tacacs) {
      reasons.push(
        `client authentication uses aaa-server ${grp!.tag}, a TACACS+ group. Seed 003: "TACACS+ authentication does not ` +
        'work with encryption because TACACS+ servers are not capable of returning special MPPE keys"; seed 000: "MPPE ' +
        'is not supported with TACACS+". A PIX logs 403106 "requires RADIUS aaa server for MPPE".',
      );
    }
    const lines = [mLine, ...(!ms ? authTxt : []), ...(tacacs ? [clientAuthLine(g)!, `aaa-server ${grp!.tag} protocol tacacs+`] : [])];
    const fix = [
      ...(!ms ? [gl(g, 'ppp authentication mschap-v2'), gl(g, 'ppp authentication mschap')] : []),
      ...(tacacs ? ['use a RADIUS server that returns MS-MPPE keys, or local authentication'] : []),
    ].join('; ');
    if (m.required) {
      out.push({
        severity: 'error',
        code: 'mppe-required-unusable',
        lines,
        windowsError: tacacs ? 691 : 734,
        explanation:
          'Encryption is required but no authentication here can produce MPPE keys, so no client can ever connect: ' +
          reasons.join(' ') +
          (tacacs
            ? ' With MS-CHAP the login is refused for the missing keys (403110 "missing MPPE key from aaa server") and ' +
              'Windows shows error 691, as in seed 003 "PIX MPPE RADIUS Problem".'
            : ' Each client authenticates and is then disconnected: seed 003 "PIX and PC Cannot Negotiate Encryption" shows ' +
              '"reason: mppe required but not active, tunnel terminated"; seed 000 gives Windows error 734 for it.'),
        fix,
      });
    } else {
      out.push({
        severity: 'warning',
        code: tacacs ? 'mppe-with-tacacs' : 'mppe-without-mschap',
        lines,
        windowsError: 742,
        explanation:
          reasons.join(' ') +
          ' So the ppp encryption line has no effect: clients that require encryption (the Windows default for VPN ' +
          'connections) get "Error 742: The remote computer does not support the required data encryption type"; the ' +
          'others connect unencrypted.',
        fix,
      });
    }
  } else if (grp?.protocol === 'radius') {
    out.push({
      severity: m.required ? 'warning' : 'info',
      code: 'radius-mppe-keys',
      lines: [mLine, clientAuthLine(g)!],
      windowsError: m.required ? 691 : 742,
      explanation:
        `aaa-server ${grp.tag} must return the MS-MPPE-Send-Key/Recv-Key attributes (RFC 2548, vendor 311). Seed 000: ` +
        '"the RADIUS server must support the MPPE-Keys attribute value" (Cisco Secure ACS for Windows, Funk, Windows IAS: ' +
        'yes; Cisco Secure ACS for UNIX, Access Registrar: no). Without them ' +
        (m.required
          ? 'the login is refused: 403110 "missing MPPE key from aaa server" and Windows error 691 (seed 003, "PIX MPPE ' +
            'RADIUS Problem").'
          : 'clients that require encryption get error 742 and the others connect unencrypted.'),
      fix: 'Make the RADIUS server send MS-MPPE keys (FreeRADIUS mschap does by default; ACS: enable the RADIUS (Microsoft) MPPE attributes).',
    });
  }
  if (ms && !tacacs && (m.strength === 128 || m.strength === 'auto')) {
    out.push({
      severity: 'info',
      code: 'mppe-128-licence',
      lines: [mLine],
      explanation:
        (m.strength === 'auto'
          ? 'On a PIX, "mppe auto" negotiates "40-bit encryption or none" (seed 003); pix-pptpd\'s auto prefers 128, then 56, then 40. '
          : '') +
        'A PIX without the 3DES/AES licence refuses 128-bit MPPE ("Warning: VPN-3DES-AES license is required for 128 ' +
        'bits MPPE encryption", seed 003). pix-pptpd has no licence limit: 128-bit keys are negotiated.',
      fix: 'Nothing to do here; on a real PIX check show version for "VPN-3DES-AES: Enabled".',
    });
  }
}

function checkPermit(rc: RunningConfig, out: Finding[]): void {
  const vpn = rc.vpn;
  if (vpn.sysoptPermitPptp || vpn.vpdnEnable.length === 0) return;
  for (const name of vpn.vpdnEnable) {
    const i = vpn.interfaces.find((x) => x.name === name);
    const own = i && !isUnassigned(i) ? ipToInt(i.address!) : undefined;
    const permits = permitsOn(rc, name).filter((p) => p.dst(own));
    const gre = permits.find((p) => isProto(p.proto, 'gre', '47'));
    const tcp = permits.find((p) => isProto(p.proto, 'tcp', '6') && p.dstPort(1723));
    if (gre && tcp) continue;
    const missing = !gre && !tcp ? 'GRE (IP protocol 47) and TCP 1723' : !gre ? 'GRE (IP protocol 47)' : 'TCP 1723';
    out.push({
      severity: 'warning',
      code: 'no-permit-pptp',
      lines: [`vpdn enable ${name}`, ...permits.map((p) => p.text)],
      windowsError: tcp ? 806 : 721,
      explanation:
        `No "sysopt connection permit-pptp", and no access-list (access-group ... in interface ${name}) or conduit permits ` +
        `${missing} to the tunnel endpoint. Seed 000: "Open these ports. TCP/1723, IP Protocol/47 GRE"; seed 003: "There ` +
        'must be connectivity for generic routing encapsulation (GRE) and TCP 1723 from the PC to the PIX tunnel ' +
        'endpoint". On a PIX the tunnel traffic is then checked against the interface access lists: with GRE dropped ' +
        'Windows reports 721 ("The remote computer is not responding"; 806 or 619 on Vista and later), with TCP 1723 ' +
        'dropped it cannot connect at all (800). pix-pptpd itself does not filter; a PIX loading this config would.',
      fix: 'sysopt connection permit-pptp',
    });
  }
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function sortFindings(f: Finding[]): Finding[] {
  return f.map((x, i) => [x, i] as const).sort((a, b) => RANK[a[0].severity] - RANK[b[0].severity] || a[1] - b[1]).map(([x]) => x);
}
