/**
 * Addressing, translation, filtering and routing lines of a PIX 6.3
 * config, in show-run order: fixup, names/name, access-list, icmp,
 * ip audit, ip verify, failover, pdm, arp, global, nat, static, conduit,
 * outbound/apply, access-group, rip, route, timeout. The server does not
 * act on them (it forwards PPTP clients through its TUN device); they are
 * checked and kept so a PIX config pastes and writes back whole.
 *
 * Lines of a PIX 6.3 config that no declaration types (object-group and
 * its sub-commands, multicast, shun ...) are kept as typed when their
 * words pass a generic check (`verbatim` below).
 */
import { CONFIG, type Args, type ConfigDecl, type ConfigLine, type Decl } from '../declare.js';
import { ipToInt, SERVICES } from '../types.js';

const IF_HELP = { '<if_name>': 'Interface name (nameif)' };
const NO_HELP = { no: 'Negate a command or set its defaults' };

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

const AUDIT_HELP = {
  ip: 'Configure IP address pools, interfaces and IP options',
  audit: 'Intrusion detection (IDS signatures)',
  info: 'Informational signatures',
  attack: 'Attack signatures',
  action: 'What matching packets cause',
  alarm: 'Send a syslog alarm',
  drop: 'Drop the packet',
  reset: 'Drop the packet and reset the connection',
};

const PAIR_ERROR = (ip: unknown, mask: unknown) => `ERROR: address,mask doesn't pair (${ip} ${mask} has host bits set)`;

/** Host bits set under the mask: PIX refuses such a network. */
function unpaired(a: Args, ip: string, mask: string): string | undefined {
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

function words(l: ConfigLine, w: string[]): ConfigLine {
  return { ...l, words: w };
}

const FIXUP_PORT_PROTOCOLS = 'http|rsh|rtsp|skinny|smtp|sqlnet|tftp|ils|mgcp|pptp|ctiqbe|snmp|esp-ike|h323-ras';


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

// ---- timeout ---------------------------------------------------------------------

/** Every `timeout` kind with its PIX 6.3 default; one line may set several
 *  (`timeout xlate 3:00:00 conn 1:00:00 ...`): each kind is its own
 *  singleton, so a pasted line replaces exactly the kinds it names. */
const TIMEOUTS: [kind: string, dflt: string, help: string][] = [
  ['xlate', '3:00:00', 'Idle time of a translation slot'],
  ['conn', '1:00:00', 'Idle time of a connection'],
  ['half-closed', '0:10:00', 'Idle time of a half-closed TCP connection'],
  ['udp', '0:02:00', 'Idle time of a UDP slot'],
  ['rpc', '0:10:00', 'Idle time of an RPC slot'],
  ['h225', '1:00:00', 'Idle time of an H.225 signalling connection'],
  ['h323', '0:05:00', 'Idle time of H.245 and media connections'],
  ['mgcp', '0:05:00', 'Idle time of MGCP media'],
  ['sip', '0:30:00', 'Idle time of SIP signalling'],
  ['sip_media', '0:02:00', 'Idle time of SIP media'],
  ['uauth', '0:05:00', 'How long a cut-through user stays authenticated'],
];
const timeoutArg = (kind: string) => kind.replace(/-/g, '_');
/** How PIX 6.3 groups the kinds on its show-run lines. */
const TIMEOUT_LINES = [['xlate'], ['conn', 'half-closed', 'udp', 'rpc', 'h225'], ['h323', 'mgcp', 'sip', 'sip_media'], ['uauth']];

function timeoutDecl(): ConfigDecl {
  const alts = TIMEOUTS.map(([k]) => (k === 'uauth' ? `uauth <uauth:time> [uauth_kind=(absolute|inactivity)]` : `${k} <${timeoutArg(k)}:time>`));
  const help: Record<string, string> = {
    timeout: 'Set the idle timeouts of translation and connection slots',
    absolute: 'Re-authenticate after the time whatever the activity (default)',
    inactivity: 'Re-authenticate after the time idle',
  };
  for (const [k, , h] of TIMEOUTS) {
    help[k] = h;
    help[`<${timeoutArg(k)}>`] = 'hh:mm:ss (0:00:00 = never)';
  }
  const kindOf = (a: Args) => TIMEOUTS.find(([k]) => a[timeoutArg(k)] !== undefined && typeof a[timeoutArg(k)] === 'string')![0];
  return {
    id: 'timeout',
    kind: 'config',
    modes: CONFIG,
    slot: 'timeout',
    syntax: `timeout {${alts.join('|')}}`,
    help,
    key: (a) => `timeout ${kindOf(a)}`,
    defaults: TIMEOUTS.map(([k, d]) => `timeout ${k} ${d}${k === 'uauth' ? ' absolute' : ''}`),
    // `timeout KIND VALUE` lines joined into PIX's four lines (written in TIMEOUTS order)
    join: (lines) => {
      const out: string[][] = [];
      let group = -1;
      for (const w of lines) {
        const g = TIMEOUT_LINES.findIndex((kinds) => kinds.includes(w[1]));
        if (g === group && out.length) out[out.length - 1].push(...w.slice(1));
        else out.push(w.slice());
        group = g;
      }
      return out;
    },
    split: (l) =>
      TIMEOUTS.filter(([k]) => typeof l.args[timeoutArg(k)] === 'string').map(([k]) => {
        const v = String(l.args[timeoutArg(k)]);
        const w = ['timeout', k, v];
        const args: Args = { timeout: true, [timeoutArg(k)]: v };
        if (k === 'uauth') {
          const kind = String(l.args.uauth_kind ?? 'absolute');
          w.push(kind);
          args.uauth_kind = kind;
        }
        return { ...l, args, words: w };
      }),
  };
}

// ---- lines kept as typed ------------------------------------------------------------

/** PIX 6.3 commands we do not type; kept as typed after a generic check. */
const KEPT = [
  'object-group', 'network-object', 'port-object', 'protocol-object', 'icmp-object', 'group-object', 'description',
  'established', 'virtual', 'shun', 'fragment', 'mroute', 'multicast', 'igmp', 'vpnclient', 'smtp', 'alias',
  'route-map', 'router', 'prefix-list', 'ospf',
];

function verbatim(): ConfigDecl {
  return {
    id: 'verbatim',
    kind: 'config',
    modes: CONFIG,
    slot: 'other',
    syntax: `command=(${KEPT.join('|')}) <text:verbatim>`,
    help: {
      'object-group': 'Define an object group (kept as typed)',
      'network-object': 'Object group member (kept as typed)',
      'port-object': 'Object group member (kept as typed)',
      'protocol-object': 'Object group member (kept as typed)',
      'icmp-object': 'Object group member (kept as typed)',
      'group-object': 'Object group member (kept as typed)',
      description: 'Object group description (kept as typed)',
      established: 'Permit return connections on established ports (kept as typed)',
      virtual: 'Virtual HTTP and Telnet servers for cut-through proxy (kept as typed)',
      shun: 'Block a host (kept as typed)',
      fragment: 'IP fragment database settings (kept as typed)',
      mroute: 'Static multicast route (kept as typed)',
      multicast: 'Multicast interface settings (kept as typed)',
      igmp: 'IGMP settings (kept as typed)',
      vpnclient: 'Easy VPN remote settings (kept as typed)',
      smtp: 'SMTP settings (kept as typed)',
      alias: 'DNS doctoring alias (kept as typed)',
      'route-map': 'Route map (kept as typed)',
      router: 'Routing process (kept as typed)',
      'prefix-list': 'Prefix list (kept as typed)',
      ospf: 'OSPF settings (kept as typed)',
      '<text>': 'The rest of the line (addresses must be valid, interfaces named)',
    },
  };
}

export const NETWORK: Decl[] = [
  {
    id: 'fixup',
    kind: 'config',
    modes: CONFIG,
    slot: 'fixup',
    syntax:
      'fixup protocol (proto=(dns) [maximum-length <max_length:512-65535>]|proto=(ftp) [strict] <ports:port-range>' +
      '|proto=(h323) [kind=(h225|ras)] <ports:port-range>|proto=(sip) [udp] <ports:port-range>' +
      `|proto=(${FIXUP_PORT_PROTOCOLS}) <ports:port-range>|proto=(icmp) error)`,
    help: {
      fixup: 'Add or delete PIX service inspection (fixup) of a protocol',
      protocol: 'Inspected protocol',
      dns: 'DNS inspection',
      'maximum-length': 'Largest DNS reply accepted',
      '<max_length>': 'Bytes',
      ftp: 'FTP inspection',
      strict: 'Refuse embedded commands in FTP requests',
      h323: 'H.323 inspection',
      h225: 'H.225 call signalling',
      ras: 'H.225 RAS',
      sip: 'SIP inspection',
      udp: 'SIP over UDP',
      http: 'HTTP inspection',
      rsh: 'RSH inspection',
      rtsp: 'RTSP inspection',
      skinny: 'SCCP (Skinny) inspection',
      smtp: 'SMTP inspection (mailguard)',
      sqlnet: 'SQL*Net inspection',
      tftp: 'TFTP inspection',
      ils: 'ILS (LDAP) inspection',
      mgcp: 'MGCP inspection',
      pptp: 'PPTP inspection',
      ctiqbe: 'CTIQBE inspection',
      snmp: 'SNMP inspection',
      'esp-ike': 'ESP and IKE port address translation',
      'h323-ras': 'H.225 RAS (6.2 spelling)',
      icmp: 'ICMP inspection',
      error: 'Translate ICMP error messages',
      '<ports>': 'Port or range of ports (e.g. 21, 1718-1719)',
    },
    noFrom: 'proto',
    // 6.2's `fixup protocol h323 1720` is 6.3's `fixup protocol h323 h225 1720`
    normalize: (l) => {
      if (l.args.proto !== 'h323' || l.args.kind !== undefined) return l;
      return { ...l, args: { ...l.args, kind: 'h225' }, words: ['fixup', 'protocol', 'h323', 'h225', String(l.args.ports)] };
    },
  },
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
    id: 'ip-audit-action',
    kind: 'config',
    modes: CONFIG,
    slot: 'ip audit',
    syntax: 'ip audit class=(info|attack) action {alarm|drop|reset}',
    help: AUDIT_HELP,
    key: (a) => `ip audit ${a.class} action`,
    defaults: ['ip audit info action alarm', 'ip audit attack action alarm'],
    noFrom: 'class',
  },
  {
    id: 'ip-audit-name',
    kind: 'config',
    modes: CONFIG,
    slot: 'ip audit',
    syntax: 'ip audit name <audit_name:name> class=(info|attack) [action {alarm|drop|reset}]',
    help: { ...AUDIT_HELP, name: 'A named audit policy', '<audit_name>': 'Policy name' },
    key: (a) => `ip audit name ${a.audit_name} ${a.class}`,
    noFrom: 'audit_name',
  },
  {
    id: 'ip-audit-interface',
    kind: 'config',
    modes: CONFIG,
    slot: 'ip audit',
    syntax: 'ip audit interface <if_name:ifname> <audit_name:name>',
    help: { ip: 'Configure IP address pools, interfaces and IP options', audit: 'Intrusion detection (IDS signatures)', interface: 'Apply an audit policy to an interface', ...IF_HELP, '<audit_name>': 'Policy name' },
    key: (a) => `ip audit interface ${a.if_name} ${a.audit_name}`,
    noFrom: 'if_name',
  },
  {
    id: 'ip-audit-signature',
    kind: 'config',
    modes: CONFIG,
    slot: 'ip audit',
    syntax: 'ip audit signature <signature:1000-6199> disable',
    help: { ip: 'Configure IP address pools, interfaces and IP options', audit: 'Intrusion detection (IDS signatures)', signature: 'One IDS signature', '<signature>': 'Signature number', disable: 'Turn the signature off' },
    key: (a) => `ip audit signature ${a.signature}`,
    noFrom: 'signature',
  },
  {
    id: 'ip-verify',
    kind: 'config',
    modes: CONFIG,
    slot: 'ip verify',
    syntax: 'ip verify reverse-path interface <if_name:ifname>',
    help: {
      ip: 'Configure IP address pools, interfaces and IP options',
      verify: 'Verify packet sources',
      'reverse-path': 'Drop packets whose source is not routed back through their interface (unicast RPF)',
      interface: 'On an interface',
      ...IF_HELP,
    },
    key: (a) => `ip verify reverse-path ${a.if_name}`,
  },
  {
    id: 'failover',
    kind: 'config',
    modes: CONFIG,
    slot: 'failover',
    syntax: 'failover [active]',
    help: { failover: 'Enable or configure failover', active: 'Make this unit the active one' },
    key: () => 'failover',
    defaults: ['no failover'],
    noFrom: 'failover',
    normalize: (l) => words(l, ['failover']),
  },
  {
    id: 'failover-setting',
    kind: 'config',
    modes: CONFIG,
    slot: 'failover',
    syntax:
      'failover (timeout <hold:time>|poll <poll_seconds:3-15>|ip address <if_name:ifname> <ip_address:ip>|link <if_name:ifname>' +
      '|mac address <if_name:ifname> <active_mac:mac> <standby_mac:mac>|replication http|lan (unit unit=(primary|secondary)|interface <if_name:ifname>|key <key:secret>|enable))',
    help: {
      failover: 'Enable or configure failover',
      timeout: 'How long an unreachable peer is waited for',
      '<hold>': 'hh:mm:ss',
      poll: 'Seconds between failover hellos',
      '<poll_seconds>': 'Seconds',
      ip: 'Standby unit addresses',
      address: 'Standby address of an interface',
      ...IF_HELP,
      '<ip_address>': 'Standby IP address',
      link: 'Stateful failover link',
      mac: 'Virtual MAC addresses',
      '<active_mac>': 'Active unit MAC address',
      '<standby_mac>': 'Standby unit MAC address',
      replication: 'State replication',
      http: 'Replicate HTTP connections',
      lan: 'LAN-based failover',
      unit: 'Role of this unit',
      primary: 'Primary unit',
      secondary: 'Secondary unit',
      interface: 'Failover LAN interface',
      key: 'Shared secret of the failover LAN',
      '<key>': 'Secret (no spaces)',
      enable: 'Use LAN-based failover',
    },
    key: (a) =>
      a.ip ? `failover ip address ${a.if_name}` : a.mac ? `failover mac address ${a.if_name}` : a.lan ? `failover lan ${a.unit ? 'unit' : a.interface ? 'interface' : a.key ? 'key' : 'enable'}`
        : `failover ${a.timeout ? 'timeout' : a.poll ? 'poll' : a.link ? 'link' : 'replication'}`,
    defaults: ['failover timeout 0:00:00', 'failover poll 15'],
  },
  {
    id: 'no-failover',
    kind: 'config',
    modes: CONFIG,
    slot: 'failover',
    syntax: 'no failover',
    help: { ...NO_HELP, failover: 'Turn failover off' },
    key: () => 'failover',
    noNever: true,
    // stored as a `failover` line, so it keeps that line's place
    normalize: (l) => ({ ...l, cmd: 'failover' }),
  },
  {
    id: 'pdm',
    kind: 'config',
    modes: CONFIG,
    slot: 'pdm',
    syntax: 'pdm (location <ip_address:ip> <mask:mask> <if_name:ifname>|logging <level:level> [<messages:1-10000>]|history enable|group <group:name> <if_name:ifname> [reference <ref:name>])',
    help: {
      pdm: 'Configure the PIX Device Manager (kept, not served)',
      location: 'A host or network PDM knows of',
      '<ip_address>': 'IP address',
      '<mask>': 'Network mask',
      ...IF_HELP,
      logging: 'Level and size of the PDM log buffer',
      '<level>': 'Severity 0-7, or its name',
      '<messages>': 'Messages kept',
      history: 'PDM history metrics',
      enable: 'Collect history',
      group: 'A PDM object group',
      '<group>': 'Group name',
      reference: 'Referenced group',
      '<ref>': 'Group name',
    },
    key: (a) => (a.logging ? 'pdm logging' : a.history ? 'pdm history' : a.location ? `pdm location ${a.ip_address} ${a.mask} ${a.if_name}` : `pdm group ${a.group}`),
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
  timeoutDecl(),
  verbatim(),
];
