/**
 * The `vpdn` family (seed 003 + PIX 6.3 command reference) and
 * `ip local pool`. The `vpdn group` lines of one group are written
 * together, in PIX order: accept dialin, ppp authentication, ppp
 * encryption, client configuration (address, dns, wins, then the split
 * tunnelling extensions route and domain-name), client authentication/accounting,
 * pptp echo; then usernames, limits and `vpdn enable`.
 * PPPoE-client lines (`request dialout pppoe`, `localname`) and L2TP
 * lines are valid PIX 6.3 and kept; the server does not act on them.
 */
import { CONFIG, type ConfigDecl, type ConfigLine, type Decl } from '../declare.js';
import { ipToInt } from '../types.js';
import { unpaired } from './network.js';

const H = {
  vpdn: 'Configure VPDN (PPTP) features',
  group: 'VPDN group',
  '<group_name>': 'VPDN group name',
  accept: 'Accept incoming tunnels',
  dialin: 'Dial-in (client initiated)',
  pptp: 'Point-to-Point Tunneling Protocol',
  l2tp: 'Layer 2 Tunneling Protocol (kept, not served)',
  request: 'Request dial-out (PPPoE client)',
  dialout: 'Dial-out',
  pppoe: 'PPP over Ethernet',
  ppp: 'PPP settings of the group',
  authentication: 'PPP authentication protocol (one line each, offered in this order)',
  pap: 'Password Authentication Protocol',
  chap: 'Challenge Handshake Authentication Protocol (MD5)',
  mschap: 'Microsoft CHAP version 1',
  'mschap-v2': 'Microsoft CHAP version 2 (extension: every current Windows needs it)',
  encryption: 'PPP encryption',
  mppe: 'Microsoft Point-to-Point Encryption',
  '40': '40-bit session keys',
  '56': '56-bit session keys (extension)',
  '128': '128-bit session keys',
  auto: 'Negotiate 40, 56 or 128 bits, or none',
  required: 'Refuse clients that do not encrypt',
  stateful: 'Stateful MPPE (extension; default stateless)',
  stateless: 'Stateless MPPE, a new key every packet (default)',
  client: 'Settings handed to or required of the client',
  configuration: 'Addresses handed to the client',
  address: 'Client IP address',
  local: 'From a local pool',
  '<pool_name>': 'IP address pool name',
  dns: 'DNS servers for the client',
  wins: 'WINS servers for the client',
  '<server1>': 'Primary server address',
  '<server2>': 'Secondary server address',
  route: 'A route for Windows clients, sent in the DHCPACK to their DHCPINFORM (options 249, 121); one line per route (extension: split tunnelling)',
  '<network>': 'Destination network',
  '<mask>': 'Destination network mask',
  'domain-name': 'DNS suffix for Windows clients, sent in the DHCPACK to their DHCPINFORM (option 15; extension)',
  '<domain_name>': 'Domain name',
  aaa: 'Through an aaa-server group',
  '<aaa_group>': 'AAA server group tag',
  accounting: 'Send accounting to an aaa-server group',
  echo: 'PPTP echo (keepalive) interval',
  '<seconds>': 'Seconds',
  localname: 'User name the PPPoE client sends',
  '<local_name>': 'User name',
  tunnel: 'L2TP tunnel settings',
  hello: 'L2TP hello interval',
  username: 'Local user database',
  '<user_name>': 'User name (DOMAIN\\user allowed)',
  password: 'Password',
  '<password>': 'Password (MS-CHAP needs it in clear: write memory keeps it)',
  'store-local': 'Keep the user in flash for the PPPoE client (kept, no effect here)',
  enable: 'Accept PPTP on an interface',
  '<if_name>': 'Interface name (nameif)',
  limit: 'Session and abuse limits (extension)',
  sessions: 'Maximum concurrent PPTP sessions (403103 when reached)',
  'per-source': 'Maximum tunnels from one source address',
  'auth-failures': 'Refuse a source for a while after repeated failed logins',
  backoff: 'Seconds a source is refused',
  'setup-timeout': 'Seconds a tunnel may take from SCCRQ to PPP up',
  '<count>': 'Number',
  '<failures>': 'Failed authentications',
  '<backoff_seconds>': 'Seconds',
  '<setup_seconds>': 'Seconds',
};

const G = 'vpdn group <group_name:vpdn-group>';

/** A `vpdn group G ...` line: written with its group, one per group and key. */
function groupLine(id: string, rest: string, key?: (a: Record<string, unknown>) => string, extra: Partial<ConfigDecl> = {}): ConfigDecl {
  return {
    id,
    kind: 'config',
    modes: CONFIG,
    slot: 'vpdn',
    syntax: `${G} ${rest}`,
    help: H,
    groupBy: 'group_name',
    ...(key ? { key: (a) => `vpdn group ${a.group_name} ${key(a)}` } : {}),
    ...extra,
  };
}

function withWords(l: ConfigLine, words: string[]): ConfigLine {
  return { ...l, words };
}

export const VPDN: Decl[] = [
  {
    id: 'vpdn-group',
    kind: 'config',
    modes: CONFIG,
    slot: 'vpdn',
    syntax: G,
    help: H,
    noOnly: true,
  },
  groupLine('vpdn-accept-dialin', 'accept dialin protocol=(pptp|l2tp)', undefined),
  groupLine('vpdn-request-dialout', 'request dialout pppoe', () => 'request dialout'),
  groupLine('vpdn-ppp-auth', 'ppp authentication protocol=(pap|chap|mschap|mschap-v2)'),
  groupLine('vpdn-ppp-mppe', 'ppp encryption mppe strength=(40|56|128|auto) {required|stateful|stateless}', () => 'ppp encryption', {
    noFrom: 'mppe',
    // canonical order; stateless is the default and not written
    normalize: (l) => {
      const w = l.words.slice(0, 7);
      if (l.args.required) w.push('required');
      if (l.args.stateful) w.push('stateful');
      return withWords(l, w);
    },
    check: (a) => (a.stateful && a.stateless ? 'ERROR: stateful and stateless exclude each other' : undefined),
  }),
  groupLine('vpdn-client-pool', 'client configuration address local <pool_name:pool>', () => 'client configuration address', { noFrom: 'local' }),
  groupLine('vpdn-client-dns', 'client configuration dns <server1:ip> [<server2:ip>]', () => 'client configuration dns', { noFrom: 'dns' }),
  groupLine('vpdn-client-wins', 'client configuration wins <server1:ip> [<server2:ip>]', () => 'client configuration wins', { noFrom: 'wins' }),
  // list lines: `no ... route` alone removes every route of the group
  groupLine('vpdn-client-route', 'client configuration route <network:ip> <mask:mask>', undefined, {
    noFrom: 'route',
    extension: true,
    check: (a) => unpaired(a, 'network', 'mask'),
  }),
  groupLine('vpdn-client-domain', 'client configuration domain-name <domain_name:domain>', () => 'client configuration domain-name', {
    noFrom: 'domain-name',
    extension: true,
  }),
  groupLine('vpdn-client-auth', 'client authentication (local|aaa <aaa_group:aaa-tag>)', () => 'client authentication', { noFrom: 'authentication' }),
  groupLine('vpdn-client-accounting', 'client accounting <aaa_group:aaa-tag>', () => 'client accounting', { noFrom: 'accounting' }),
  groupLine('vpdn-pptp-echo', 'pptp echo <seconds:1-3600>', () => 'pptp echo', { noFrom: 'echo' }),
  groupLine('vpdn-localname', 'localname <local_name:user>', () => 'localname', { noFrom: 'localname' }),
  groupLine('vpdn-l2tp-hello', 'l2tp tunnel hello <seconds:10-300>', () => 'l2tp tunnel hello', { noFrom: 'hello' }),
  {
    id: 'vpdn-username',
    kind: 'config',
    modes: CONFIG,
    slot: 'vpdn',
    syntax: 'vpdn username <user_name:user> password <password:secret> [store-local]',
    help: H,
    key: (a) => `vpdn username ${a.user_name}`,
    noFrom: 'user_name',
  },
  // one declaration per limit, so they are written in this order
  ...([
    ['sessions', 'sessions <count:1-65535>'],
    ['per-source', 'per-source <count:1-65535>'],
    ['auth-failures', 'auth-failures <failures:1-1000> backoff <backoff_seconds:1-86400>'],
    ['setup-timeout', 'setup-timeout <setup_seconds:1-3600>'],
  ] as const).map(([kind, rest]): ConfigDecl => ({
    help: { ...H, '<count>': kind === 'sessions' ? 'Number of sessions' : 'Tunnels from one source address' },
    id: `vpdn-limit-${kind}`,
    kind: 'config',
    modes: CONFIG,
    slot: 'vpdn',
    syntax: `vpdn limit ${rest}`,
    extension: true,
    key: () => `vpdn limit ${kind}`,
    noFrom: kind,
  })),
  {
    id: 'vpdn-enable',
    kind: 'config',
    modes: CONFIG,
    slot: 'vpdn',
    syntax: 'vpdn enable <if_name:ifname>',
    help: H,
  },
];

export const POOL: Decl[] = [
  {
    id: 'ip-local-pool',
    kind: 'config',
    modes: CONFIG,
    slot: 'ip local pool',
    syntax: 'ip local pool <pool_name:pool> <range:ip-range> [mask <mask:mask>]',
    help: {
      ip: 'Configure IP address pools, interfaces and IP options',
      local: 'Local (on the firewall)',
      pool: 'Define an IP address pool (several lines add ranges)',
      '<pool_name>': 'IP address pool name',
      '<range>': 'First and last address of the range',
      mask: 'Network mask of the pool',
      '<mask>': 'Network mask',
    },
    noFrom: 'pool_name',
    check: (a) => {
      const [s, e] = String(a.range).split('-');
      if (ipToInt(s) > ipToInt(e)) return `ERROR: Invalid address range ${a.range}: begin address is above end address`;
      if (ipToInt(e) - ipToInt(s) + 1 > 65536) return `ERROR: Address range ${a.range} is larger than 65536 addresses`;
      return undefined;
    },
  },
];
