/**
 * Addressing, translation, filtering and routing lines of a PIX 6.3
 * config, in show-run order: names/name, access-list, icmp, arp, global,
 * nat, static, conduit, outbound/apply, access-group, rip, route. The
 * server does not act on them (it forwards PPTP clients through its TUN
 * device); they are checked and kept so a PIX config pastes and writes
 * back whole. Inspection, failover and timeouts: inspection.ts.
 */
import { CONFIG, type Args, type ConfigLine, type Decl } from '../declare.js';
import { ipToInt, SERVICES } from '../types.js';

const IF_HELP = { '<if_name>': 'Interface name (nameif)' };

/** Address spec of access-list and conduit: `any`, `host IP` or `IP MASK`. */
const addr = (p: string) => `(any|host <${p}_host:ip>|<${p}_ip:ip> <${p}_mask:mask>)`;
/** Port spec after an address: `eq|lt|gt|neq PORT` or `range LO HI`. */
const ports = (p: string) => `[${p}_op=(eq|lt|gt|neq) <${p}_port:port>|range <${p}_lo:port> <${p}_hi:port>]`;

const ADDR_HELP = {
  any: 'Any address',
  host: 'A single host',
  eq: 'Port equal to',
  lt: 'Port lower than',
  gt: 'Port greater than',
  neq: 'Port not equal to',
  range: 'Port range',
  '<src_host>': 'Source host address',
  '<src_ip>': 'Source network',
  '<src_mask>': 'Source network mask',
  '<dst_host>': 'Destination host address',
  '<dst_ip>': 'Destination network',
  '<dst_mask>': 'Destination network mask',
  '<src_port>': 'Source port or service name',
  '<dst_port>': 'Destination port or service name',
  '<src_lo>': 'First port',
  '<src_hi>': 'Last port',
  '<dst_lo>': 'First port',
  '<dst_hi>': 'Last port',
  '<protocol>': 'ip, tcp, udp, icmp, gre, esp ... or a protocol number',
  '<icmp_type>': 'ICMP message type',
};


const PAIR_ERROR = (ip: unknown, mask: unknown) => `ERROR: address,mask doesn't pair (${ip} ${mask} has host bits set)`;

/** Host bits set under the mask: PIX refuses such a network. */
export function unpaired(a: Args, ip: string, mask: string): string | undefined {
  if (a[ip] === undefined || a[mask] === undefined) return undefined;
  const m = ipToInt(String(a[mask]));
  return (ipToInt(String(a[ip])) & ~m) >>> 0 ? PAIR_ERROR(a[ip], a[mask]) : undefined;
}

/** Port operators only on tcp and udp; a range runs upwards. */
function portChecks(a: Args): string | undefined {
  const ported = ['src', 'dst'].some((p) => a[`${p}_op`] !== undefined || a[`${p}_lo`] !== undefined);
  if (ported && !['tcp', 'udp', 'tcp-udp'].includes(String(a.protocol))) return `ERROR: port operators need protocol tcp or udp, not ${a.protocol}`;
  if (a.icmp_type !== undefined && a.protocol !== 'icmp') return 'ERROR: an ICMP type needs protocol icmp';
  for (const p of ['src', 'dst']) {
    const lo = a[`${p}_lo`];
    if (lo !== undefined && portNumber(lo) > portNumber(a[`${p}_hi`])) return `ERROR: port range ${lo}-${a[`${p}_hi`]} runs downwards`;
  }
  return unpaired(a, 'src_ip', 'src_mask') ?? unpaired(a, 'dst_ip', 'dst_mask');
}

function portNumber(v: unknown): number {
  return typeof v === 'number' ? v : SERVICES[String(v)] ?? Number(v);
}



/** PIX writes a static's netmask and connection limits: `netmask 255.255.255.255 0 0`. */
function staticWords(l: ConfigLine): ConfigLine {
  const a = { ...l.args };
  const w = l.words.filter((x) => x !== 'dns' && x !== 'norandomseq');
  const at = w.indexOf('netmask');
  let head = at >= 0 ? w.slice(0, at) : a.max_conns !== undefined ? w.slice(0, w.length - (a.emb_limit !== undefined ? 2 : 1)) : w;
  if (a.mask === undefined) a.mask = '255.255.255.255';
  head = [...head, 'netmask', String(a.mask)];
  if (a.dns) head.push('dns');
  if (a.norandomseq) head.push('norandomseq');
  a.max_conns ??= 0;
  a.emb_limit ??= 0;
  return { ...l, args: a, words: [...head, String(a.max_conns), String(a.emb_limit)] };
}

export const NETWORK: Decl[] = [
  {
    id: 'names',
    kind: 'config',
    modes: CONFIG,
    slot: 'names',
    syntax: 'names',
    help: { names: 'Enable the use of names for IP addresses (name command)' },
    key: () => 'names',
    noFrom: 'names',
  },
  {
    id: 'name',
    kind: 'config',
    modes: CONFIG,
    slot: 'name',
    syntax: 'name <ip_address:ip> <name:name>',
    help: { name: 'Associate a name with an IP address', '<ip_address>': 'IP address', '<name>': 'Name (up to 63 characters)' },
    key: (a) => `name ${a.ip_address}`,
    noFrom: 'ip_address',
    check: (a) => (/^\d/.test(String(a.name)) || String(a.name).length > 63 ? 'ERROR: a name starts with a letter and has at most 63 characters' : undefined),
  },
  {
    id: 'access-list',
    kind: 'config',
    modes: CONFIG,
    slot: 'access-list',
    syntax: `access-list <acl_id:acl-id> action=(permit|deny) <protocol:protocol> ${addr('src')} ${ports('src')} ${addr('dst')} ${ports('dst')} [<icmp_type:icmp-type>] [log [<log_level:0-7>] [interval <log_interval:1-600>]]`,
    help: {
      'access-list': 'Add an access list',
      '<acl_id>': 'Access list name or number',
      permit: 'Specify packets to forward',
      deny: 'Specify packets to reject',
      ...ADDR_HELP,
      log: 'Log matches (syslog 106100)',
      '<log_level>': 'Severity 0-7 (default 6)',
      interval: 'Seconds between log messages of one flow',
      '<log_interval>': 'Seconds',
    },
    usage: [
      '[no] access-list <acl_id> deny|permit <protocol> <source> [<operator> <port>] <destination> [<operator> <port>] [<icmp_type>] [log [<level>] [interval <secs>]]',
      '  <source>, <destination>: any | host <ip> | <ip> <mask>    <operator>: eq|lt|gt|neq <port> | range <port> <port>',
    ],
    groupBy: 'acl_id',
    noFrom: 'acl_id',
    check: portChecks,
  },
  {
    id: 'access-list-remark',
    kind: 'config',
    modes: CONFIG,
    slot: 'access-list',
    syntax: 'access-list <acl_id:acl-id> remark <text:line>',
    help: { 'access-list': 'Add an access list', '<acl_id>': 'Access list name or number', remark: 'A comment in the access list', '<text>': 'Comment text' },
    groupBy: 'acl_id',
    noFrom: 'acl_id',
  },
  {
    id: 'icmp',
    kind: 'config',
    modes: CONFIG,
    slot: 'icmp',
    syntax: `icmp action=(permit|deny) ${addr('src')} [<icmp_type:icmp-type>] <if_name:ifname>`,
    help: { icmp: 'Specify access rules for ICMP traffic to the PIX interfaces', permit: 'Answer ICMP from these hosts', deny: 'Drop ICMP from these hosts', ...ADDR_HELP, ...IF_HELP },
    check: (a) => unpaired(a, 'src_ip', 'src_mask'),
  },
  {
    id: 'arp-timeout',
    kind: 'config',
    modes: CONFIG,
    slot: 'arp',
    syntax: 'arp timeout <seconds:1-1215752>',
    help: { arp: 'Change or view the ARP table and ARP timeout', timeout: 'Seconds an ARP entry is kept', '<seconds>': 'Seconds (default 14400)' },
    key: () => 'arp timeout',
    defaults: ['arp timeout 14400'],
    noFrom: 'timeout',
  },
  {
    id: 'arp',
    kind: 'config',
    modes: CONFIG,
    slot: 'arp',
    syntax: 'arp <if_name:ifname> <ip_address:ip> <mac:mac> [alias]',
    help: { arp: 'Change or view the ARP table and ARP timeout', ...IF_HELP, '<ip_address>': 'IP address', '<mac>': 'MAC address (0001.0203.0405)', alias: 'Answer ARP for this address (proxy ARP)' },
    key: (a) => `arp ${a.if_name} ${a.ip_address}`,
    noFrom: 'ip_address',
  },
  {
    id: 'global',
    kind: 'config',
    modes: CONFIG,
    slot: 'global',
    syntax: 'global <if_name:pif> <nat_id:1-2147483647> (<addresses:ip-or-range>|interface) [netmask <mask:mask>]',
    help: {
      global: 'Specify, delete or view global address pools (for nat)',
      '<if_name>': 'Interface the addresses are on, in parentheses: (outside)',
      '<nat_id>': 'NAT id the pool serves (nat lines with the same id)',
      '<addresses>': 'Global address or range (A.B.C.D-A.B.C.D)',
      interface: 'PAT to the interface address',
      netmask: 'Network mask of the global addresses',
      '<mask>': 'Network mask',
    },
    key: (a) => `global ${a.if_name} ${a.nat_id} ${a.addresses ?? 'interface'}`,
    noFrom: 'nat_id',
    check: (a) => {
      const r = String(a.addresses ?? '');
      if (!r.includes('-')) return undefined;
      const [s, e] = r.split('-');
      return ipToInt(s) > ipToInt(e) ? `ERROR: Invalid address range ${r}: begin address is above end address` : undefined;
    },
  },
  {
    id: 'nat',
    kind: 'config',
    modes: CONFIG,
    slot: 'nat',
    syntax:
      'nat <if_name:pif> <nat_id:0-2147483647> (access-list <acl_id:acl-id>|<local_ip:ip> <local_mask:mask>) [dns] [outside] [<max_conns:0-65535> [<emb_limit:0-65535>]] [norandomseq]',
    help: {
      nat: 'Associate a network with a pool of global IP addresses',
      '<if_name>': 'Interface of the real addresses, in parentheses: (inside)',
      '<nat_id>': 'NAT id (0 = no translation; others use the global lines with the same id)',
      'access-list': 'Translate what an access list permits',
      '<acl_id>': 'Access list name or number',
      '<local_ip>': 'Real network',
      '<local_mask>': 'Network mask',
      dns: 'Rewrite DNS replies',
      outside: 'Outside NAT (translate addresses of a lower-security interface)',
      '<max_conns>': 'Maximum connections (0 = no limit)',
      '<emb_limit>': 'Maximum embryonic connections (0 = no limit)',
      norandomseq: 'Do not randomise TCP sequence numbers',
    },
    key: (a) => `nat ${a.if_name} ${a.nat_id} ${a.acl_id ?? `${a.local_ip} ${a.local_mask}`}`,
    noFrom: 'nat_id',
    check: (a) => unpaired(a, 'local_ip', 'local_mask'),
    // PIX writes the connection limits of an address line (`... 0 0`)
    normalize: (l) => {
      if (l.args.local_ip === undefined || l.args.max_conns !== undefined) return l;
      const at = l.words.findIndex((w) => w === 'norandomseq');
      const w = l.words.slice();
      w.splice(at < 0 ? w.length : at, 0, '0', '0');
      return { ...l, words: w, args: { ...l.args, max_conns: 0, emb_limit: 0 } };
    },
  },
  {
    id: 'static',
    kind: 'config',
    modes: CONFIG,
    slot: 'static',
    syntax:
      'static <ifs:pif-pair> (<mapped_ip:ip>|interface) (<real_ip:ip>|access-list <acl_id:acl-id>) [netmask <mask:mask>] [dns] [norandomseq] [<max_conns:0-65535> [<emb_limit:0-65535>]]',
    help: {
      static: 'Configure a one-to-one address translation rule',
      '<ifs>': 'Real and mapped interfaces, in parentheses: (inside,outside)',
      '<mapped_ip>': 'Mapped (global) address',
      interface: 'The mapped interface address',
      '<real_ip>': 'Real (local) address',
      'access-list': 'Policy static: real addresses from an access list',
      '<acl_id>': 'Access list name or number',
      netmask: 'Network mask of both addresses',
      '<mask>': 'Network mask',
      dns: 'Rewrite DNS replies',
      norandomseq: 'Do not randomise TCP sequence numbers',
      '<max_conns>': 'Maximum connections (0 = no limit)',
      '<emb_limit>': 'Maximum embryonic connections (0 = no limit)',
    },
    key: (a) => `static ${a.ifs} ${a.mapped_ip ?? 'interface'}`,
    noFrom: 'ifs',
    normalize: staticWords,
  },
  {
    id: 'static-port',
    kind: 'config',
    modes: CONFIG,
    slot: 'static',
    syntax:
      'static <ifs:pif-pair> proto=(tcp|udp) (<mapped_ip:ip>|interface) <mapped_port:port> <real_ip:ip> <real_port:port> [netmask <mask:mask>] [dns] [norandomseq] [<max_conns:0-65535> [<emb_limit:0-65535>]]',
    help: {
      static: 'Configure a one-to-one address translation rule',
      '<ifs>': 'Real and mapped interfaces, in parentheses: (inside,outside)',
      tcp: 'Redirect a TCP port',
      udp: 'Redirect a UDP port',
      '<mapped_ip>': 'Mapped (global) address',
      interface: 'The mapped interface address',
      '<mapped_port>': 'Mapped port or service name',
      '<real_ip>': 'Real (local) address',
      '<real_port>': 'Real port or service name',
      netmask: 'Network mask of both addresses',
      '<mask>': 'Network mask',
      dns: 'Rewrite DNS replies',
      norandomseq: 'Do not randomise TCP sequence numbers',
      '<max_conns>': 'Maximum connections (0 = no limit)',
      '<emb_limit>': 'Maximum embryonic connections (0 = no limit)',
    },
    key: (a) => `static ${a.ifs} ${a.proto} ${a.mapped_ip ?? 'interface'} ${a.mapped_port}`,
    noFrom: 'ifs',
    normalize: staticWords,
  },
  {
    id: 'conduit',
    kind: 'config',
    modes: CONFIG,
    slot: 'conduit',
    syntax: `conduit action=(permit|deny) <protocol:protocol> ${addr('dst')} ${ports('dst')} ${addr('src')} ${ports('src')} [<icmp_type:icmp-type>]`,
    help: {
      conduit: 'Add conduit access to the PIX (6.x; access-list is preferred)',
      permit: 'Permit access',
      deny: 'Deny access',
      ...ADDR_HELP,
      '<dst_host>': 'Global (translated) host address',
      '<dst_ip>': 'Global network',
      '<dst_mask>': 'Global network mask',
      '<src_host>': 'Foreign host address',
      '<src_ip>': 'Foreign network',
      '<src_mask>': 'Foreign network mask',
    },
    check: portChecks,
  },
  {
    id: 'outbound',
    kind: 'config',
    modes: CONFIG,
    slot: 'outbound',
    syntax: 'outbound <list_id:acl-id> (action=(permit|deny|except) <ip_address:ip> [<mask:mask> [<ports:port-range> [<protocol:protocol>]]]|set action=(permit|deny) [<ip_address:ip> [<mask:mask> [<ports:port-range> [<protocol:protocol>]]]])',
    help: {
      outbound: 'Create an outbound access list (6.x; access-list is preferred)',
      '<list_id>': 'Outbound list id',
      permit: 'Permit access',
      deny: 'Deny access',
      except: 'An exception to the list',
      set: 'Set the default of the list',
      '<ip_address>': 'IP address',
      '<mask>': 'Network mask',
      '<ports>': 'Port or range of ports',
      '<protocol>': 'Protocol',
    },
    groupBy: 'list_id',
    noFrom: 'list_id',
  },
  {
    id: 'apply',
    kind: 'config',
    modes: CONFIG,
    slot: 'apply',
    syntax: 'apply <if_name:pif> <list_id:acl-id> direction=(outgoing_src|outgoing_dest)',
    help: {
      apply: 'Apply an outbound list to an interface',
      '<if_name>': 'Interface, in parentheses',
      '<list_id>': 'Outbound list id',
      outgoing_src: 'Match source addresses',
      outgoing_dest: 'Match destination addresses',
    },
    key: (a) => `apply ${a.if_name} ${a.list_id} ${a.direction}`,
    noFrom: 'if_name',
  },
  {
    id: 'access-group',
    kind: 'config',
    modes: CONFIG,
    slot: 'access-group',
    syntax: 'access-group <acl_id:acl-id> in interface <if_name:ifname>',
    help: { 'access-group': 'Bind an access list to an interface', '<acl_id>': 'Access list name or number', in: 'Inbound packets', interface: 'On an interface', ...IF_HELP },
    key: (a) => `access-group ${a.if_name}`,
    noFrom: 'acl_id',
  },
  {
    id: 'rip',
    kind: 'config',
    modes: CONFIG,
    slot: 'rip',
    syntax: 'rip <if_name:ifname> (mode=(default|passive) [version v=(1|2)] [authentication (text|md5) <rip_key:secret> <key_id:1-255>])',
    help: {
      rip: 'Configure RIP',
      ...IF_HELP,
      default: 'Advertise a default route',
      passive: 'Listen for RIP updates',
      version: 'RIP version',
      '1': 'RIP version 1',
      '2': 'RIP version 2',
      authentication: 'RIP version 2 authentication',
      text: 'Clear-text key',
      md5: 'MD5 key',
      '<rip_key>': 'Key (no spaces)',
      '<key_id>': 'Key id',
    },
    key: (a) => `rip ${a.if_name} ${a.mode}`,
    noFrom: 'if_name',
    check: (a) => (a.authentication && a.v !== '2' ? 'ERROR: RIP authentication needs version 2' : undefined),
  },
  {
    id: 'route',
    kind: 'config',
    modes: CONFIG,
    slot: 'route',
    syntax: 'route <if_name:ifname> <ip_address:ip> <mask:mask> <gateway:ip> [<metric:1-16>]',
    help: {
      route: 'Enter a static route for an interface',
      ...IF_HELP,
      '<ip_address>': 'Destination network (0.0.0.0 for the default route)',
      '<mask>': 'Destination network mask',
      '<gateway>': 'Next hop address',
      '<metric>': 'Hops to the destination (default 1)',
    },
    key: (a) => `route ${a.if_name} ${a.ip_address} ${a.mask}`,
    noFrom: 'if_name',
    check: (a) => unpaired(a, 'ip_address', 'mask'),
    normalize: (l) => (l.args.metric !== undefined ? l : { ...l, args: { ...l.args, metric: 1 }, words: [...l.words, '1'] }),
  },
];
