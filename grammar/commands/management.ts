/**
 * Management and security lines of a PIX 6.3 config, in show-run order:
 * domain-name, clock, aaa, url-*, filter, auth-prompt, ntp, http,
 * snmp-server, tftp-server, floodguard, service, crypto, ca, isakmp,
 * vpngroup, telnet, ssh, management-access, console, dhcpd, dhcprelay,
 * username, privilege, banner. The server acts on none of them yet; they
 * are checked and kept so a PIX config pastes and writes back whole.
 */
import { CONFIG, SSH_HELP, type ConfigDecl, type Decl } from '../declare.js';

const IF = { '<if_name>': 'Interface name (nameif)' };
const NO = { no: 'Negate a command or set its defaults' };
const IP_MASK = { '<ip_address>': 'IP address', '<mask>': 'Network mask' };

function decl(id: string, slot: ConfigDecl['slot'], syntax: string, help: Record<string, string>, extra: Partial<ConfigDecl> = {}): ConfigDecl {
  return { id, kind: 'config', modes: CONFIG, slot, syntax, help, ...extra };
}

// ---- aaa ------------------------------------------------------------------------

const AAA = {
  aaa: 'Enable, disable, or view user authentication, authorization and accounting',
  authentication: 'Authenticate users',
  authorization: 'Authorize users',
  accounting: 'Account for users',
  serial: 'The serial console',
  enable: 'The enable command',
  telnet: 'Telnet shells',
  ssh: 'SSH shells',
  http: 'PDM (HTTP) access',
  console: 'Access to the PIX itself',
  '<tag>': 'AAA server group tag (LOCAL for the username lines)',
  include: 'Traffic that needs it',
  exclude: 'Traffic exempt from it',
  '<service>': 'any, ftp, http, telnet, tcp/PORT, udp/PORT ...',
  '<if_name>': 'Interface of the users',
  '<local_ip>': 'Local address',
  '<local_mask>': 'Local network mask',
  '<foreign_ip>': 'Foreign address',
  '<foreign_mask>': 'Foreign network mask',
  match: 'Traffic an access list permits',
  '<acl_id>': 'Access list name or number',
  command: 'Authorize each command typed (privilege levels)',
  'secure-http-client': 'Send HTTP cut-through credentials over SSL',
  LOCAL: 'The local user database',
};

const AAA_DECLS: Decl[] = [
  decl('aaa-console', 'aaa', 'aaa authentication where=(serial|enable|telnet|ssh|http) console <tag:aaa-tag>', AAA, {
    key: (a) => `aaa authentication ${a.where} console`,
    noFrom: 'where',
  }),
  decl('aaa-traffic', 'aaa',
    'aaa what=(authentication|authorization|accounting) rule=(include|exclude) <service:word> <if_name:ifname> <local_ip:ip> <local_mask:mask> <foreign_ip:ip> <foreign_mask:mask> [<tag:aaa-tag>]',
    AAA, { groupBy: 'what' }),
  decl('aaa-match', 'aaa', 'aaa what=(authentication|authorization|accounting) match <acl_id:acl-id> <if_name:ifname> <tag:aaa-tag>', AAA, {
    key: (a) => `aaa ${a.what} match ${a.acl_id} ${a.if_name}`,
  }),
  decl('aaa-command', 'aaa', 'aaa authorization command <tag:aaa-tag>', AAA, { key: () => 'aaa authorization command', noFrom: 'command' }),
  decl('aaa-secure-http', 'aaa', 'aaa authentication secure-http-client', AAA, { key: () => 'aaa authentication secure-http-client' }),
];

// ---- snmp-server -------------------------------------------------------------------

const SNMP = {
  'snmp-server': 'Provide SNMP and event information',
  host: 'A host that polls or receives traps',
  ...IF,
  '<ip_address>': 'Host address',
  trap: 'Traps only',
  poll: 'Polling only',
  location: 'Where the PIX is',
  contact: 'Who runs the PIX',
  '<text>': 'Text',
  community: 'The community (password) of SNMP requests',
  '<community>': 'Community string',
  enable: 'Turn on',
  traps: 'Send traps',
  ...NO,
};

const SNMP_DECLS: Decl[] = [
  decl('snmp-host', 'snmp-server', 'snmp-server host <if_name:ifname> <ip_address:ip> [kind=(trap|poll)]', SNMP, {
    key: (a) => `snmp-server host ${a.if_name} ${a.ip_address}`,
    noFrom: 'ip_address',
  }),
  decl('snmp-location', 'snmp-server', 'snmp-server location <text:line>', SNMP, {
    key: () => 'snmp-server location',
    defaults: ['no snmp-server location'],
    noFrom: 'location',
  }),
  decl('snmp-contact', 'snmp-server', 'snmp-server contact <text:line>', SNMP, {
    key: () => 'snmp-server contact',
    defaults: ['no snmp-server contact'],
    noFrom: 'contact',
  }),
  // stored as the line it unsets, so it keeps that line's place
  decl('snmp-unset', 'snmp-server', 'no snmp-server what=(location|contact)', SNMP, {
    key: (a) => `snmp-server ${a.what}`,
    noNever: true,
    normalize: (l) => ({ ...l, cmd: `snmp-${l.args.what}` }),
  }),
  // PIX prints the community in clear (seed 003)
  decl('snmp-community', 'snmp-server', 'snmp-server community <community:word>', SNMP, {
    key: () => 'snmp-server community',
    defaults: ['snmp-server community public'],
    noFrom: 'community',
  }),
  decl('snmp-traps', 'snmp-server', 'snmp-server enable traps', SNMP, {
    key: () => 'snmp-server enable traps',
    defaults: ['no snmp-server enable traps'],
    noFrom: 'traps',
  }),
  decl('snmp-no-traps', 'snmp-server', 'no snmp-server enable traps', SNMP, {
    key: () => 'snmp-server enable traps',
    noNever: true,
    normalize: (l) => ({ ...l, cmd: 'snmp-traps' }),
  }),
];

// ---- crypto, ca, isakmp, vpngroup ---------------------------------------------------

const CRYPTO = {
  crypto: 'Configure IPSec, IKE and CA',
  ipsec: 'IPSec settings',
  'transform-set': 'A named set of IPSec transforms',
  '<set_name>': 'Transform set name',
  '<transform1>': 'esp-des, esp-3des, esp-aes, esp-aes-192, esp-aes-256, esp-md5-hmac, esp-sha-hmac, esp-null, ah-md5-hmac, ah-sha-hmac',
  '<transform2>': 'A second transform',
  '<transform3>': 'A third transform',
  'security-association': 'Security association settings',
  lifetime: 'How long a security association lives',
  seconds: 'In seconds',
  kilobytes: 'In kilobytes',
  '<lifetime>': 'Seconds or kilobytes',
  map: 'A crypto map',
  '<map_name>': 'Crypto map name',
  '<seq>': 'Sequence number of the entry',
  'ipsec-isakmp': 'IKE negotiates the security associations',
  'ipsec-manual': 'Security associations set by hand',
  dynamic: 'Use a dynamic map for this entry',
  '<dyn_name>': 'Dynamic map name',
  match: 'Traffic to protect',
  address: 'An access list',
  '<acl_id>': 'Access list name or number',
  set: 'Set a parameter of the entry',
  peer: 'The IPSec peer',
  '<peer>': 'Peer address',
  pfs: 'Perfect forward secrecy',
  group1: 'Diffie-Hellman group 1 (768 bits)',
  group2: 'Diffie-Hellman group 2 (1024 bits)',
  group5: 'Diffie-Hellman group 5 (1536 bits)',
  client: 'IKE Mode Config and Xauth',
  authentication: 'Xauth through an aaa-server group',
  '<tag>': 'AAA server group tag',
  configuration: 'Mode Config',
  initiate: 'The PIX offers the address',
  respond: 'The PIX answers address requests',
  interface: 'Apply the map to an interface',
  ...IF,
  'dynamic-map': 'A dynamic crypto map (peers not known in advance)',
};

const ISAKMP = {
  isakmp: 'Configure the Internet Key Exchange (IKE)',
  enable: 'Run IKE on an interface',
  ...IF,
  key: 'A pre-shared key',
  '<key>': 'Pre-shared key (no spaces)',
  address: 'Peer address the key is for',
  '<peer>': 'Peer address',
  netmask: 'Peers of a network',
  '<mask>': 'Network mask',
  'no-xauth': 'No Xauth for this peer',
  'no-config-mode': 'No Mode Config for this peer',
  identity: 'How the PIX identifies itself',
  hostname: 'By host name',
  'key-id': 'By a key id',
  '<key_id>': 'Key id',
  policy: 'An IKE policy',
  '<priority>': 'Priority (1 first)',
  authentication: 'Authentication of the peers',
  'pre-share': 'Pre-shared keys',
  'rsa-sig': 'RSA signatures',
  encryption: 'Encryption of IKE',
  des: 'DES',
  '3des': 'Triple DES',
  aes: 'AES 128',
  'aes-192': 'AES 192',
  'aes-256': 'AES 256',
  hash: 'Hash of IKE',
  md5: 'MD5',
  sha: 'SHA-1',
  group: 'Diffie-Hellman group',
  '1': 'Group 1 (768 bits)',
  '2': 'Group 2 (1024 bits)',
  '5': 'Group 5 (1536 bits)',
  lifetime: 'Seconds an IKE security association lives',
  '<seconds>': 'Seconds',
  'nat-traversal': 'IKE and ESP through NAT (UDP 4500)',
  '<natt_seconds>': 'Keepalive seconds',
  keepalive: 'Dead peer detection',
  '<keepalive_seconds>': 'Seconds between keepalives',
  '<retry_seconds>': 'Seconds between retries',
};

const VPNGROUP = {
  vpngroup: 'Configure Cisco VPN Client (Easy VPN) groups',
  '<group_name>': 'VPN group name',
  'address-pool': 'Addresses handed to the clients',
  '<pool_name>': 'IP address pool name',
  'dns-server': 'DNS servers for the clients',
  'wins-server': 'WINS servers for the clients',
  '<server1>': 'Primary server',
  '<server2>': 'Secondary server',
  'default-domain': 'Domain name for the clients',
  '<domain>': 'Domain name',
  'split-tunnel': 'Only what an access list permits goes through the tunnel',
  '<acl_id>': 'Access list name or number',
  'idle-time': 'Seconds idle before the tunnel drops',
  'max-time': 'Longest a tunnel may stay up',
  '<seconds>': 'Seconds',
  password: 'The group password',
  '<password>': 'Group password (no spaces)',
};

const CA_HELP = {
  ca: 'Certificates and RSA keys',
  generate: 'Generate a key pair (the SSH host key)',
  rsa: 'RSA keys',
  key: 'The key pair',
  '<modulus>': 'Modulus in bits (512-2048)',
  save: 'Save the keys beside the startup configuration',
  all: 'All of them',
  zeroize: 'Remove the keys',
  identity: 'The CA the PIX enrols with',
  '<ca_name>': 'CA nickname',
  '<ca_ip>': 'CA address',
  authenticate: 'Fetch the CA certificate',
  enroll: 'Request a certificate',
  '<challenge>': 'Challenge password',
};

const CRYPTO_DECLS: Decl[] = [
  decl('crypto-transform-set', 'crypto', 'crypto ipsec transform-set <set_name:name> <transform1:transform> [<transform2:transform> [<transform3:transform>]]', CRYPTO, {
    key: (a) => `crypto ipsec transform-set ${a.set_name}`,
    noFrom: 'set_name',
  }),
  decl('crypto-sa-lifetime', 'crypto', 'crypto ipsec security-association lifetime unit=(seconds|kilobytes) <lifetime:120-2147483647>', CRYPTO, {
    key: (a) => `crypto ipsec security-association lifetime ${a.unit}`,
    noFrom: 'unit',
  }),
  decl('crypto-map', 'crypto',
    'crypto map <map_name:name> <seq:1-65535> (kind=(ipsec-isakmp|ipsec-manual) [dynamic <dyn_name:name>]|match address <acl_id:acl-id>|set peer <peer:ip>' +
    '|set transform-set <set_name:name>|set pfs pfs=(group1|group2|group5)|set security-association lifetime unit=(seconds|kilobytes) <lifetime:120-2147483647>' +
    '|client authentication <tag:aaa-tag>|client configuration address mode=(initiate|respond))',
    CRYPTO, { groupBy: 'map_name', noFrom: 'seq' }),
  decl('crypto-map-interface', 'crypto', 'crypto map <map_name:name> interface <if_name:ifname>', CRYPTO, {
    groupBy: 'map_name',
    key: (a) => `crypto map interface ${a.if_name}`,
  }),
  decl('crypto-dynamic-map', 'crypto',
    'crypto dynamic-map <dyn_name:name> <seq:1-65535> (set transform-set <set_name:name>|match address <acl_id:acl-id>|set pfs pfs=(group1|group2|group5))',
    CRYPTO, { groupBy: 'dyn_name', noFrom: 'seq' }),
  decl('ca', 'ca', 'ca (identity <ca_name:name> [<ca_ip:ip>]|authenticate <ca_name:name>|enroll <ca_name:name> <challenge:secret>)', CA_HELP,
    { key: (a) => (a.identity ? `ca identity ${a.ca_name}` : `ca ${Object.keys(a).filter((k) => k !== 'ca')[0]}`) }),
  {
    // acts on the SSH host key at once; a PIX keeps no configuration line for it
    kind: 'exec',
    id: 'ca-key',
    syntax: 'ca (generate rsa key <modulus:512-2048>|save all|zeroize rsa)',
    modes: CONFIG,
    help: CA_HELP,
    build: (a) => (a.generate ? { kind: 'ca-key', action: 'generate', modulus: Number(a.modulus) } : { kind: 'ca-key', action: a.save ? 'save' : 'zeroize' }),
  },
  decl('isakmp-enable', 'isakmp', 'isakmp enable <if_name:ifname>', ISAKMP, { key: (a) => `isakmp enable ${a.if_name}` }),
  decl('isakmp-key', 'isakmp', 'isakmp key <key:secret> address <peer:ip> [netmask <mask:mask>] {no-xauth|no-config-mode}', ISAKMP, {
    key: (a) => `isakmp key address ${a.peer} ${a.mask ?? '255.255.255.255'}`,
    noFrom: 'key',
  }),
  decl('isakmp-identity', 'isakmp', 'isakmp identity (kind=(address|hostname)|key-id <key_id:name>)', ISAKMP, {
    key: () => 'isakmp identity',
    noFrom: 'identity',
  }),
  decl('isakmp-policy', 'isakmp',
    'isakmp policy <priority:1-65534> (authentication auth=(pre-share|rsa-sig)|encryption enc=(des|3des|aes|aes-192|aes-256)|hash hash_alg=(md5|sha)|group dh=(1|2|5)|lifetime <seconds:60-86400>)',
    ISAKMP, {
      groupBy: 'priority',
      key: (a) => `isakmp policy ${a.priority} ${['authentication', 'encryption', 'hash', 'group', 'lifetime'].find((k) => a[k])}`,
      noFrom: 'priority',
    }),
  decl('isakmp-nat-traversal', 'isakmp', 'isakmp nat-traversal [<natt_seconds:10-3600>]', ISAKMP, { key: () => 'isakmp nat-traversal', noFrom: 'nat-traversal' }),
  decl('isakmp-keepalive', 'isakmp', 'isakmp keepalive <keepalive_seconds:10-3600> [<retry_seconds:2-10>]', ISAKMP, { key: () => 'isakmp keepalive', noFrom: 'keepalive' }),
  decl('vpngroup', 'vpngroup',
    'vpngroup <group_name:name> (address-pool <pool_name:pool>|dns-server <server1:ip> [<server2:ip>]|wins-server <server1:ip> [<server2:ip>]|default-domain <domain:domain>' +
    '|split-tunnel <acl_id:acl-id>|idle-time <seconds:60-86400>|max-time <seconds:60-31536000>|password <password:secret>)',
    VPNGROUP, {
      groupBy: 'group_name',
      key: (a) => `vpngroup ${a.group_name} ${['address-pool', 'dns-server', 'wins-server', 'default-domain', 'split-tunnel', 'idle-time', 'max-time', 'password'].find((k) => a[k] !== undefined)}`,
      noFrom: 'group_name',
    }),
];

// ---- shells: telnet, ssh, console, http ----------------------------------------------

const SHELL_HOST = (what: string) => ({
  [what]: what === 'telnet' ? 'Add Telnet access to the PIX console and set the idle timeout' : SSH_HELP,
  ...IP_MASK,
  '<ip_address>': 'Host or network allowed to connect',
  ...IF,
  timeout: 'Minutes a shell may stay idle',
});

const SHELL_DECLS: Decl[] = [
  decl('telnet', 'telnet', 'telnet <ip_address:ip> <mask:mask> <if_name:ifname>', SHELL_HOST('telnet'), {
    key: (a) => `telnet ${a.ip_address} ${a.mask} ${a.if_name}`,
    noFrom: 'ip_address',
  }),
  decl('telnet-timeout', 'telnet', 'telnet timeout <minutes:1-1440>', { ...SHELL_HOST('telnet'), '<minutes>': 'Minutes (default 5)' }, {
    key: () => 'telnet timeout',
    defaults: ['telnet timeout 5'],
    noFrom: 'timeout',
  }),
  decl('ssh', 'ssh', 'ssh <ip_address:ip> <mask:mask> <if_name:ifname>', SHELL_HOST('ssh'), {
    key: (a) => `ssh ${a.ip_address} ${a.mask} ${a.if_name}`,
    noFrom: 'ip_address',
  }),
  decl('ssh-timeout', 'ssh', 'ssh timeout <minutes:1-60>', { ...SHELL_HOST('ssh'), '<minutes>': 'Minutes (default 5)' }, {
    key: () => 'ssh timeout',
    defaults: ['ssh timeout 5'],
    noFrom: 'timeout',
  }),
  decl('management-access', 'management-access', 'management-access <if_name:ifname>', {
    'management-access': 'Reach the management services on an interface through a VPN tunnel',
    ...IF,
  }, { key: () => 'management-access', noFrom: 'management-access' }),
  decl('console-timeout', 'console', 'console timeout <minutes:0-60>', {
    console: 'Serial console settings',
    timeout: 'Minutes the console may stay idle',
    '<minutes>': 'Minutes (0 = never, the default)',
  }, { key: () => 'console timeout', defaults: ['console timeout 0'], noFrom: 'timeout' }),
  decl('http-server', 'http', 'http server enable', {
    http: 'Control HTTP (PDM) access to the PIX',
    server: 'The HTTP server',
    enable: 'Turn it on',
  }, { key: () => 'http server', noFrom: 'server' }),
  decl('http', 'http', 'http <ip_address:ip> <mask:mask> <if_name:ifname>', {
    http: 'Control HTTP (PDM) access to the PIX',
    ...IP_MASK,
    '<ip_address>': 'Host or network allowed to connect',
    ...IF,
  }, { key: (a) => `http ${a.ip_address} ${a.mask} ${a.if_name}`, noFrom: 'ip_address' }),
];

// ---- dhcpd, dhcprelay ---------------------------------------------------------------

const DHCPD = {
  dhcpd: 'Configure the DHCP server',
  address: 'Addresses handed out',
  '<range>': 'First and last address (A.B.C.D-A.B.C.D)',
  ...IF,
  dns: 'DNS servers handed out',
  wins: 'WINS servers handed out',
  '<server1>': 'Primary server',
  '<server2>': 'Secondary server',
  lease: 'Lease time',
  '<lease_seconds>': 'Seconds (default 3600)',
  ping_timeout: 'Milliseconds to wait for a ping before handing out an address',
  '<ping_ms>': 'Milliseconds',
  domain: 'Domain name handed out',
  '<domain>': 'Domain name',
  enable: 'Serve DHCP on an interface',
  auto_config: 'Take DNS, WINS and domain from the DHCP client of an interface',
  option: 'A DHCP option',
  '66': 'TFTP server name',
  '150': 'TFTP server addresses',
  ip: 'Option value is an address',
  ascii: 'Option value is text',
  '<option_ip>': 'Address',
  '<option_text>': 'Text',
};

const DHCP_DECLS: Decl[] = [
  decl('dhcpd', 'dhcpd',
    'dhcpd (address <range:ip-range> <if_name:ifname>|dns <server1:ip> [<server2:ip>]|wins <server1:ip> [<server2:ip>]|lease <lease_seconds:300-1048575>' +
    '|ping_timeout <ping_ms:100-10000>|domain <domain:domain>|enable <if_name:ifname>|auto_config <if_name:ifname>|option opt=(66|150) (ascii <option_text:word>|ip <option_ip:ip>))',
    DHCPD, {
      key: (a) => {
        const kind = ['address', 'dns', 'wins', 'lease', 'ping_timeout', 'domain', 'enable', 'auto_config', 'option'].find((k) => a[k] !== undefined)!;
        return kind === 'address' || kind === 'enable' ? `dhcpd ${kind} ${a.if_name}` : kind === 'option' ? `dhcpd option ${a.opt}` : `dhcpd ${kind}`;
      },
      defaults: ['dhcpd lease 3600', 'dhcpd ping_timeout 750'],
      noFrom: 'dhcpd',
    }),
  decl('dhcprelay', 'dhcprelay', 'dhcprelay (server <server:ip> <if_name:ifname>|enable <if_name:ifname>|timeout <relay_seconds:1-3600>|setroute <if_name:ifname>)', {
    dhcprelay: 'Relay DHCP requests to a server',
    server: 'The DHCP server',
    '<server>': 'Server address',
    ...IF,
    enable: 'Relay on an interface',
    timeout: 'Seconds to wait for the server',
    '<relay_seconds>': 'Seconds (default 60)',
    setroute: 'Hand out the PIX as default router',
  }, {
    key: (a) => (a.server ? `dhcprelay server ${a.server}` : a.enable ? `dhcprelay enable ${a.if_name}` : a.timeout ? 'dhcprelay timeout' : `dhcprelay setroute ${a.if_name}`),
    noFrom: 'dhcprelay',
  }),
];

// ---- users, privileges, banners --------------------------------------------------------

const USER_DECLS: Decl[] = [
  decl('username', 'username', 'username <user_name:user> (password <password:secret> [encrypted]|nopassword) [privilege <level:0-15>]', {
    username: 'Local user database of the shells (aaa ... console LOCAL)',
    '<user_name>': 'User name',
    password: 'Password',
    '<password>': 'Password (up to 16 characters), or its hash with encrypted',
    encrypted: 'The password is given as its PIX hash',
    nopassword: 'No password',
    privilege: 'Privilege level (default 2; 15 = enable)',
    '<level>': 'Level 0-15',
  }, {
    key: (a) => `username ${a.user_name}`,
    noFrom: 'user_name',
    hashes: 'password',
    hashSalt: 'user_name',
    // PIX writes the privilege level; the default is 2
    normalize: (l) => (l.args.level !== undefined ? l : { ...l, args: { ...l.args, level: 2 }, words: [...l.words, 'privilege', '2'] }),
  }),
  decl('privilege', 'privilege', 'privilege kind=(show|clear|configure) level <level:0-15> [mode mode=(enable|configure)] command <command:word>', {
    privilege: 'Privilege level needed by a command',
    show: 'The show form',
    clear: 'The clear form',
    configure: 'The configuration form',
    level: 'Level needed',
    '<level>': 'Level 0-15',
    mode: 'Only in this mode',
    enable: 'Privileged mode',
    command: 'The command',
    '<command>': 'Command name',
  }, { key: (a) => `privilege ${a.kind} ${a.mode ?? ''} ${a.command}`, noFrom: 'kind' }),
  decl('banner', 'banner', 'banner kind=(exec|login|motd) <text:line>', {
    banner: 'Text shown to those who connect',
    exec: 'After login, before the prompt',
    login: 'Before the login prompt',
    motd: 'Message of the day, first of all',
    '<text>': 'One line of the banner (several lines add up)',
  }, { groupBy: 'kind', noFrom: 'kind' }),
];

// ---- the rest ------------------------------------------------------------------------

const MISC_DECLS: Decl[] = [
  decl('domain-name', 'domain-name', 'domain-name <name:domain>', { 'domain-name': 'Change domain name', '<name>': 'Domain name' }, {
    key: () => 'domain-name',
    noFrom: 'domain-name',
  }),
  decl('clock-timezone', 'clock', 'clock timezone <zone:word> <hours:utc-offset> [<minutes:0-59>]', {
    clock: 'Manage the system clock',
    timezone: 'Time zone of the clock',
    '<zone>': 'Zone name (PST, CET ...)',
    '<hours>': 'Hours from UTC',
    '<minutes>': 'Minutes from UTC',
  }, { key: () => 'clock timezone', noFrom: 'timezone' }),
  decl('clock-summer-time', 'clock', 'clock summer-time <zone:word> (recurring [<rule:line>]|date <rule:line>)', {
    clock: 'Manage the system clock',
    'summer-time': 'Daylight saving time',
    '<zone>': 'Zone name (PDT, CEST ...)',
    recurring: 'Every year (default: the US rule)',
    date: 'Once, between two dates',
    '<rule>': 'Start and end: week day month hh:mm, as on the PIX',
  }, { key: () => 'clock summer-time', noFrom: 'summer-time' }),
  decl('url-server', 'url-server', 'url-server <if_name:pif> [vendor vendor=(websense|n2h2)] host <server:ip> [timeout <seconds:1-30>] [protocol proto=(tcp|udp)] [version v=(1|4)]', {
    'url-server': 'Web filtering server (Websense, N2H2)',
    '<if_name>': 'Interface of the server, in parentheses',
    vendor: 'Filtering product',
    websense: 'Websense',
    n2h2: 'N2H2',
    host: 'Server',
    '<server>': 'Server address',
    timeout: 'Seconds to wait for it',
    '<seconds>': 'Seconds',
    protocol: 'Transport',
    tcp: 'TCP',
    udp: 'UDP',
    version: 'Protocol version',
    '1': 'Version 1',
    '4': 'Version 4',
  }, { key: (a) => `url-server ${a.server}`, noFrom: 'if_name' }),
  decl('url-cache', 'url-cache', 'url-cache kind=(dst|src_dst) <kbytes:1-128>', {
    'url-cache': 'Cache web filtering answers',
    dst: 'By destination',
    src_dst: 'By source and destination',
    '<kbytes>': 'Cache size in KB',
  }, { key: () => 'url-cache', noFrom: 'url-cache' }),
  decl('url-block', 'url-block', 'url-block (block <blocks:1-128>|url-mempool <kbytes:2-10240>|url-size <url_kb:2-4>)', {
    'url-block': 'Buffer web server replies while the filter decides',
    block: 'Blocks of buffer',
    '<blocks>': 'Blocks',
    'url-mempool': 'Memory for long URLs',
    '<kbytes>': 'KB',
    'url-size': 'Longest URL kept',
    '<url_kb>': 'KB',
  }, { key: (a) => `url-block ${a.block ? 'block' : a['url-mempool'] ? 'url-mempool' : 'url-size'}`, noFrom: 'url-block' }),
  decl('filter', 'filter', 'filter kind=(url|ftp|https|activex|java) <port:port-range> <local_ip:ip> <local_mask:mask> <foreign_ip:ip> <foreign_mask:mask> {allow|proxy-block|longurl-truncate|longurl-deny|cgi-truncate|interact-block}', {
    filter: 'Filter web, FTP, ActiveX and Java traffic',
    url: 'Web requests (through the url-server)',
    ftp: 'FTP requests',
    https: 'HTTPS requests',
    activex: 'Block ActiveX',
    java: 'Block Java applets',
    '<port>': 'Port or range (http, 80, 8080-8090)',
    '<local_ip>': 'Local address',
    '<local_mask>': 'Local network mask',
    '<foreign_ip>': 'Foreign address',
    '<foreign_mask>': 'Foreign network mask',
    allow: 'Pass traffic when the url-server is down',
    'proxy-block': 'Block requests to proxy servers',
    'longurl-truncate': 'Send only the host name of a long URL',
    'longurl-deny': 'Deny long URLs',
    'cgi-truncate': 'Send CGI requests without their parameters',
    'interact-block': 'Block interactive FTP',
  }),
  decl('auth-prompt', 'auth-prompt', 'auth-prompt kind=(prompt|accept|reject) <text:line>', {
    'auth-prompt': 'Text of the cut-through proxy authentication prompts',
    prompt: 'The prompt',
    accept: 'After a successful login',
    reject: 'After a failed login',
    '<text>': 'Text',
  }, { key: (a) => `auth-prompt ${a.kind}`, noFrom: 'kind' }),
  decl('ntp', 'ntp', 'ntp (server <server:ip> [key <key_id:1-4294967295>] source <if_name:ifname> [prefer]|authenticate|authentication-key <key_id:1-4294967295> md5 <key:secret>|trusted-key <key_id:1-4294967295>)', {
    ntp: 'Configure NTP',
    server: 'An NTP server',
    '<server>': 'Server address',
    key: 'Authentication key of the server',
    '<key_id>': 'Key number',
    source: 'Interface the server is reached on',
    ...IF,
    prefer: 'Prefer this server',
    authenticate: 'Only use authenticated servers',
    'authentication-key': 'An authentication key',
    md5: 'MD5 key',
    '<key>': 'Key (no spaces)',
    'trusted-key': 'A key servers may use',
  }, {
    key: (a) => (a.server ? `ntp server ${a.server}` : a.authenticate ? 'ntp authenticate' : a['authentication-key'] ? `ntp authentication-key ${a.key_id}` : `ntp trusted-key ${a.key_id}`),
    noFrom: 'ntp',
  }),
  decl('tftp-server', 'tftp-server', 'tftp-server <if_name:ifname> <server:ip> <path:path>', {
    'tftp-server': 'TFTP server for configurations and images',
    ...IF,
    '<server>': 'Server address',
    '<path>': 'Path on the server',
  }, { key: () => 'tftp-server', noFrom: 'tftp-server' }),
  decl('floodguard', 'floodguard', 'floodguard state=(enable|disable)', {
    floodguard: 'Reclaim resources when AAA servers are slow (SYN flood)',
    enable: 'Turn it on (default)',
    disable: 'Turn it off',
  }, { key: () => 'floodguard', defaults: ['floodguard enable'], noFrom: 'floodguard' }),
  decl('service', 'service', 'service kind=(resetinbound|resetoutside)', {
    service: 'TCP reset behaviour',
    resetinbound: 'Send a reset to denied inbound TCP',
    resetoutside: 'Send a reset on the outside interface',
  }, { key: (a) => `service ${a.kind}`, noFrom: 'kind' }),
];

// ---- metrics (extension) ----------------------------------------------------------

const METRICS_DECLS: Decl[] = [
  decl('metrics-http', 'metrics', 'metrics http <if_name:ifname> <port:1-65535> [per-user]', {
    metrics: 'Prometheus metrics (extension)',
    http: 'Serve them over HTTP at /metrics',
    ...IF,
    '<port>': 'TCP port on that interface\'s address',
    'per-user': 'Also one series per logged-in user (many series on a busy box)',
  }, { key: () => 'metrics http', noFrom: 'http', extension: true }),
];

export const MANAGEMENT: Decl[] = [...METRICS_DECLS, ...MISC_DECLS, ...AAA_DECLS, ...SNMP_DECLS, ...CRYPTO_DECLS, ...SHELL_DECLS, ...DHCP_DECLS, ...USER_DECLS];
