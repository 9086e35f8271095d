/**
 * Inspection, IDS, failover and timeout lines of a PIX 6.3 config: fixup,
 * ip audit, ip verify, failover, pdm, every timeout kind; and the lines
 * of a PIX 6.3 config that no declaration types (object-group and its
 * sub-commands, multicast, shun ...), kept as typed when their words pass
 * a generic check (`verbatim` below). Checked and kept; the server does
 * not act on them.
 */
import { CONFIG, type Args, type ConfigDecl, type ConfigLine, type Decl } from '../declare.js';

const IF_HELP = { '<if_name>': 'Interface name (nameif)' };
const NO_HELP = { no: 'Negate a command or set its defaults' };

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


const FIXUP_PORT_PROTOCOLS = 'http|rsh|rtsp|skinny|smtp|sqlnet|tftp|ils|mgcp|pptp|ctiqbe|snmp|esp-ike|h323-ras';

function words(l: ConfigLine, w: string[]): ConfigLine {
  return { ...l, words: w };
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

export const INSPECTION: Decl[] = [
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
  timeoutDecl(),
  verbatim(),
];
