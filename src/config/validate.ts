/**
 * Whole-candidate validation before a commit. Errors block the commit;
 * warnings are printed and the config is accepted. Forward references
 * (a group naming a pool or aaa-server defined later) are warnings, since
 * a PIX accepts lines in any order and a pasted config is valid only once
 * complete; they mirror the runtime syslog a client would cause (403107,
 * 403108, 403110 ...).
 */
import type { RunningConfig } from './running.js';
import type { VpdnGroup } from './model.js';
import { ipToInt } from '../../grammar/types.js';

export interface Validation {
  errors: string[];
  warnings: string[];
}

export function validate(rc: RunningConfig): Validation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const vpn = rc.vpn;

  // pools: ranges valid and disjoint (one address must never serve two sessions)
  const ranges: { pool: string; a: number; b: number; text: string }[] = [];
  for (const p of vpn.pools) {
    for (const r of p.ranges) {
      const a = ipToInt(r.start);
      const b = ipToInt(r.end);
      const text = `${r.start}-${r.end}`;
      if (a > b) errors.push(`ERROR: ip local pool ${p.name}: invalid range ${text}`);
      ranges.push({ pool: p.name, a, b, text });
    }
  }
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const x = ranges[i];
      const y = ranges[j];
      if (x.a <= y.b && y.a <= x.b) {
        errors.push(
          x.pool === y.pool
            ? `ERROR: ip local pool ${x.pool}: range ${y.text} overlaps ${x.text}`
            : `ERROR: ip local pool ${y.pool} (${y.text}) overlaps ip local pool ${x.pool} (${x.text})`,
        );
      }
    }
  }

  const aaa = new Map(vpn.aaaServerGroups.map((g) => [g.tag, g]));
  const ifNames = new Set(vpn.interfaces.map((i) => i.name));
  for (const i of vpn.vpdnEnable) if (!ifNames.has(i)) errors.push(`ERROR: vpdn enable ${i}: interface ${i} not found`);
  for (const g of vpn.aaaServerGroups) {
    for (const h of g.hosts) {
      if (h.interfaceName !== undefined && !ifNames.has(h.interfaceName)) {
        errors.push(`ERROR: aaa-server ${g.tag} host ${h.address}: interface ${h.interfaceName} not found`);
      }
    }
    if (g.protocol !== 'local' && g.hosts.length === 0) {
      const used = vpn.vpdnGroups.some(
        (v) => (v.clientAuthentication?.kind === 'aaa' && v.clientAuthentication.group === g.tag) || v.clientAccounting === g.tag,
      );
      if (used) warnings.push(`Warning: aaa-server ${g.tag} has no servers; vpdn authentication through it will fail`);
    }
  }

  for (const g of vpn.aaaServerGroups) {
    if (g.dynamicAuthorization && g.hosts.length === 0) {
      warnings.push(`Warning: aaa-server ${g.tag} dynamic-authorization: the group has no hosts, so no Disconnect/CoA request is accepted`);
    }
    if (g.interimSeconds !== undefined && !vpn.vpdnGroups.some((v) => v.clientAccounting === g.tag)) {
      warnings.push(`Warning: aaa-server ${g.tag} accounting interim: no vpdn group sends accounting to ${g.tag}`);
    }
  }
  const lim = vpn.limits;
  if (lim?.maxPerSource !== undefined && lim.maxSessions !== undefined && lim.maxPerSource > lim.maxSessions) {
    warnings.push(`Warning: vpdn limit per-source ${lim.maxPerSource} is above vpdn limit sessions ${lim.maxSessions}; it never applies`);
  }

  for (const g of vpn.vpdnGroups) groupChecks(g, rc, aaa, warnings);
  for (const g of vpn.vpdnGroups) {
    const octets = dhcpAckOctets(g);
    if (octets > DHCP_REPLY_MAX_OCTETS) {
      errors.push(
        `ERROR: vpdn group ${g.name}: the DHCP reply with ${g.routes?.length ?? 0} client configuration routes would be ${octets} octets, ` +
          `over the ${DHCP_REPLY_MAX_OCTETS} a client must accept; summarise or remove routes`,
      );
    }
  }
  if (vpn.vpdnEnable.length > 0 && !vpn.vpdnGroups.some((g) => g.acceptDialinPptp)) {
    warnings.push('Warning: vpdn is enabled but no vpdn group accepts dialin pptp');
  }
  return { errors, warnings };
}

/** RFC 2131 section 2: a client need not accept a DHCP message over 576 octets of IP. */
const DHCP_REPLY_MAX_OCTETS = 576;

/**
 * The IP size of the DHCPACK the server sends a Windows client for this
 * group (src/proto/dhcp/inform.ts builds it; a unit test checks the two
 * agree): IP + UDP 28, BOOTP + cookie 240, options 53 and 54, the routes
 * twice (249 and 121, each route a width octet, ceil(width/8) network
 * octets and a 4-octet router, split every 255 octets by RFC 3396),
 * domain, DNS, WINS, end.
 */
export function dhcpAckOctets(g: VpdnGroup): number {
  const routeData = (g.routes ?? []).reduce((n, r) => n + 1 + Math.ceil(maskBits(r.mask) / 8) + 4, 0);
  const option = (len: number) => (len === 0 ? 0 : len + 2 * Math.ceil(len / 255));
  const options = 3 + 6 + 2 * option(routeData) + option(g.domainName?.length ?? 0) + option(4 * g.dns.length) + option(4 * g.wins.length) + 1;
  return 28 + Math.max(300, 240 + options);
}

function maskBits(mask: string): number {
  let m = ipToInt(mask);
  let bits = 0;
  while (m & 0x80000000) {
    bits++;
    m = (m << 1) >>> 0;
  }
  return bits;
}

function groupChecks(g: VpdnGroup, rc: RunningConfig, aaa: Map<string, RunningConfig['vpn']['aaaServerGroups'][number]>, warnings: string[]): void {
  const vpn = rc.vpn;
  const name = `vpdn group ${g.name}`;
  if (!g.acceptDialinPptp) warnings.push(`Warning: ${name} does not accept dialin pptp; it is not used`);
  const auth = g.clientAuthentication;
  const authGroup = auth?.kind === 'aaa' ? aaa.get(auth.group) : undefined;
  if (g.addressPool !== undefined && !vpn.pools.some((p) => p.name === g.addressPool)) {
    warnings.push(`Warning: ${name}: ip local pool ${g.addressPool} is not defined; clients get no address (403108)`);
  } else if (g.addressPool === undefined && g.acceptDialinPptp && authGroup?.protocol !== 'radius') {
    // with RADIUS the address may come from the Access-Accept (Framed-IP-Address): a fleet's central pool
    warnings.push(`Warning: ${name} has no client configuration address local; clients get no address (403108)`);
  }
  if (auth?.kind === 'aaa' && !authGroup) {
    warnings.push(`Warning: ${name}: aaa-server ${auth.group} is not defined (403107)`);
  }
  if (g.clientAccounting !== undefined && !aaa.has(g.clientAccounting)) {
    warnings.push(`Warning: ${name}: accounting aaa-server ${g.clientAccounting} is not defined`);
  }
  if (g.mppe) {
    const msChap = g.authentication.includes('mschap') || g.authentication.includes('mschap-v2');
    const tacacs = authGroup?.protocol === 'tacacs+';
    if (!msChap) warnings.push(`Warning: ${name}: MPPE needs ppp authentication mschap or mschap-v2`);
    if (tacacs) warnings.push(`Warning: ${name}: MPPE with TACACS+ authentication: TACACS+ cannot return MPPE keys`);
    if (g.mppe.required && (!msChap || tacacs)) {
      warnings.push(`Warning: ${name}: encryption is required but no MPPE-capable authentication is configured; no client can connect`);
    }
  }
  if (auth?.kind !== 'aaa' && g.acceptDialinPptp && vpn.vpdnUsers.length === 0) {
    warnings.push(`Warning: ${name} authenticates locally but no vpdn username is configured`);
  }
}
