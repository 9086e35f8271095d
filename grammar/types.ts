/**
 * Argument types of the syntax language (`<name:type>` in spec.ts). Each
 * says what `?` shows for it, which words it takes and how its value is
 * written back. A word a type does not take is not an error by itself: a
 * keyword may take it instead; the matcher reports the caret when nothing
 * does.
 */

/** Live names the shell offers for Tab (and `?` after a partial word). */
export type NameKind = 'interfaces' | 'pools' | 'aaaGroups' | 'groups' | 'users' | 'captures' | 'acls';

export type ArgValue = string | number | boolean;

export interface ArgType {
  id: string;
  /** What `?` prints for it (`A.B.C.D`, `<1-65535>`, `WORD`). */
  label: string;
  /** One-line help when the declaration gives none. */
  help: string;
  /** The value of a word this type takes, or undefined. */
  accept(word: string): ArgValue | undefined;
  /** How the value is written back (default: String(value)). */
  format?(v: ArgValue): string;
  /** Masked by `show running-config` and never printed by debug. */
  secret?: boolean;
  /** Takes the rest of the line (value: the text from this word on). */
  rest?: boolean;
  /** Live names for Tab completion. */
  names?: NameKind;
  /** Usage text instead of `<name>`. */
  usage?: string;
}

const IPV4_RE = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function isIpv4(w: string): boolean {
  return IPV4_RE.test(w);
}

export function ipToInt(ip: string): number {
  const p = ip.split('.');
  return ((+p[0] << 24) | (+p[1] << 16) | (+p[2] << 8) | +p[3]) >>> 0;
}

/** A contiguous netmask (ones then zeros): 255.255.255.0 yes, 255.0.255.0 no. */
export function isContiguousMask(w: string): boolean {
  if (!isIpv4(w)) return false;
  const n = ipToInt(w);
  const inv = ~n >>> 0;
  return (inv & (inv + 1)) === 0;
}

/** Printable, no blanks: what a name or secret word may hold. */
const NAME_RE = /^[^\s()?"]{1,64}$/;

function named(id: string, label: string, help: string, re: RegExp, extra: Partial<ArgType> = {}): ArgType {
  return { id, label, help, accept: (w) => (re.test(w) ? w : undefined), ...extra };
}

const LEVELS = ['emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** Service names PIX accepts for ports (access-list eq, static, fixup). */
export const SERVICES: Record<string, number> = {
  bgp: 179, chargen: 19, citrix: 1494, cmd: 514, daytime: 13, discard: 9, domain: 53, echo: 7, exec: 512,
  finger: 79, ftp: 21, 'ftp-data': 20, gopher: 70, h323: 1720, hostname: 101, http: 80, https: 443,
  ident: 113, irc: 194, kerberos: 750, klogin: 543, kshell: 544, ldap: 389, ldaps: 636, login: 513, lotusnotes: 1352,
  lpd: 515, netbios: 139, 'netbios-ns': 137, 'netbios-dgm': 138, nntp: 119, ntp: 123, pcanywhere: 5631, pop2: 109, pop3: 110,
  pptp: 1723, radius: 1645, 'radius-acct': 1646, rip: 520, rsh: 514, rtsp: 554, sip: 5060, smtp: 25, snmp: 161, snmptrap: 162,
  sqlnet: 1521, ssh: 22, sunrpc: 111, syslog: 514, tacacs: 49, talk: 517, telnet: 23, tftp: 69, time: 37, uucp: 540, who: 513,
  whois: 43, www: 80, xdmcp: 177,
};
const ICMP_TYPES = [
  'echo-reply', 'unreachable', 'source-quench', 'redirect', 'alternate-address', 'echo', 'router-advertisement',
  'router-solicitation', 'time-exceeded', 'parameter-problem', 'timestamp-request', 'timestamp-reply',
  'information-request', 'information-reply', 'mask-request', 'mask-reply', 'conversion-error', 'mobile-redirect',
];
const PROTOCOLS = ['ip', 'icmp', 'tcp', 'udp', 'gre', 'esp', 'ah', 'igmp', 'igrp', 'ipinip', 'nos', 'ospf', 'pcp', 'pim', 'eigrp', 'snp'];

function intRange(lo: number, hi: number): ArgType {
  return {
    id: `${lo}-${hi}`,
    label: `<${lo}-${hi}>`,
    help: 'Number',
    accept: (w) => {
      if (!/^\d{1,10}$/.test(w)) return undefined;
      const n = Number(w);
      return n >= lo && n <= hi ? n : undefined;
    },
  };
}

const TYPES: Record<string, ArgType> = {
  word: named('word', 'WORD', 'A word', NAME_RE),
  name: named('name', 'WORD', 'A name', NAME_RE),
  ifname: named('ifname', 'WORD', 'Interface name (nameif)', NAME_RE, { names: 'interfaces' }),
  pool: named('pool', 'WORD', 'IP address pool name', NAME_RE, { names: 'pools' }),
  'aaa-tag': named('aaa-tag', 'WORD', 'AAA server group tag', NAME_RE, { names: 'aaaGroups' }),
  'vpdn-group': named('vpdn-group', 'WORD', 'VPDN group name', NAME_RE, { names: 'groups' }),
  user: named('user', 'WORD', 'User name (DOMAIN\\user allowed)', /^[^\s()?"]{1,64}$/, { names: 'users' }),
  capture: named('capture', 'WORD', 'Capture name', /^[A-Za-z0-9_.-]{1,32}$/, { names: 'captures' }),
  secret: named('secret', 'WORD', 'Password or key (no spaces)', /^[^\s?]{1,64}$/, { secret: true }),
  hostname: named('hostname', 'WORD', 'Host name (up to 63 characters)', /^[A-Za-z][A-Za-z0-9-]{0,62}$/),
  domain: named('domain', 'WORD', 'Domain name', /^(?=.{1,63}$)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/),
  hwid: named('hwid', 'WORD', 'Hardware interface (ethernet0 ...)', /^[a-z][a-z-]*\d+(\/\d+)?(\.\d+)?$/i),
  version: named('version', 'WORD', 'Software version, e.g. 6.3(5)', /^\d+\.\d+\(\d+\)[\w.]*$/),
  time: named('time', 'hh:mm:ss', 'Duration in hours:minutes:seconds', /^\d{1,4}:[0-5]\d:[0-5]\d$/),
  clock: named('clock', 'hh:mm:ss', 'Current time', /^([01]?\d|2[0-3]):[0-5]\d:[0-5]\d$/),
  mac: named('mac', 'H.H.H', 'MAC address (0001.0203.0405)', /^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/i, { format: (v) => String(v).toLowerCase() }),
  path: named('path', 'WORD', 'File to write (a plain path)', /^(?![a-z][a-z0-9+.-]*:)[^\s?]{1,255}$/i),
  'capture-ref': named('capture-ref', 'capture:NAME', 'A packet capture (see show capture)', /^capture:[A-Za-z0-9_.-]{1,32}$/i, { names: 'captures' }),
  // PIX takes `0` for 0.0.0.0 (`nat (inside) 1 0 0`, `route outside 0 0 GW`) and writes it out
  ip: { id: 'ip', label: 'A.B.C.D', help: 'IP address', accept: (w) => (w === '0' ? '0.0.0.0' : isIpv4(w) ? w : undefined) },
  mask: { id: 'mask', label: 'A.B.C.D', help: 'Network mask', accept: (w) => (w === '0' ? '0.0.0.0' : isContiguousMask(w) ? w : undefined) },
  'port-range': {
    id: 'port-range',
    label: '<1-65535>[-<1-65535>]',
    help: 'Port or range of ports',
    accept: (w) => {
      const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(w);
      if (!m) return undefined;
      const lo = +m[1];
      const hi = m[2] === undefined ? lo : +m[2];
      return lo >= 1 && hi <= 65535 && lo <= hi ? w : undefined;
    },
  },
  'icmp-type': {
    id: 'icmp-type',
    label: 'ICMP-TYPE',
    help: 'ICMP message type (echo, echo-reply, unreachable ...) or 0-255',
    accept: (w) => {
      if (/^\d{1,3}$/.test(w)) return +w <= 255 ? +w : undefined;
      return ICMP_TYPES.includes(w.toLowerCase()) ? w.toLowerCase() : undefined;
    },
  },
  transform: named('transform', 'TRANSFORM', 'esp-des, esp-3des, esp-aes, esp-aes-192, esp-aes-256, esp-null, esp-md5-hmac, esp-sha-hmac, ah-md5-hmac, ah-sha-hmac',
    /^(esp-(des|3des|aes|aes-192|aes-256|null|md5-hmac|sha-hmac)|ah-(md5|sha)-hmac)$/),
  'utc-offset': {
    id: 'utc-offset',
    label: '<-23-23>',
    help: 'Hours from UTC',
    accept: (w) => (/^-?\d{1,2}$/.test(w) && Math.abs(+w) <= 23 ? +w : undefined),
  },
  'acl-id': named('acl-id', 'WORD', 'Access list name or number', /^[A-Za-z0-9_.-]{1,241}$/, { names: 'acls' }),
  /** Rest of a PIX line kept as typed: printable words, addresses valid where an address stands. */
  verbatim: {
    id: 'verbatim',
    label: 'LINE',
    help: 'The rest of the line, kept as typed',
    rest: true,
    accept: (w) => (w.split(/\s+/).every((x) => !/^\d+(\.\d+){1,}$/.test(x) || isIpv4(x) || /^\d+\.\d+\(\d+\)$/.test(x)) ? w : undefined),
  },
  'ip-range': {
    id: 'ip-range',
    label: 'A.B.C.D-A.B.C.D',
    help: 'First and last address of the range',
    accept: (w) => {
      const d = w.indexOf('-');
      if (d < 0) return undefined;
      const a = w.slice(0, d);
      const b = w.slice(d + 1);
      return isIpv4(a) && isIpv4(b) ? w : undefined;
    },
  },
  'ip-or-range': {
    id: 'ip-or-range',
    label: 'A.B.C.D[-A.B.C.D]',
    help: 'Address or range of addresses',
    accept: (w) => (isIpv4(w) || TYPES['ip-range'].accept(w) !== undefined ? w : undefined),
  },
  pif: {
    id: 'pif',
    label: '(if_name)',
    help: 'Interface, in parentheses',
    names: 'interfaces',
    accept: (w) => (/^\([^\s(),?"]{1,64}\)$/.test(w) ? w.slice(1, -1) : undefined),
    format: (v) => `(${v})`,
  },
  'pif-pair': {
    id: 'pif-pair',
    label: '(real_if,mapped_if)',
    help: 'Real and mapped interfaces, in parentheses',
    accept: (w) => (/^\([^\s(),?"]{1,64},[^\s(),?"]{1,64}\)$/.test(w) ? w.slice(1, -1) : undefined),
    format: (v) => `(${v})`,
  },
  security: {
    id: 'security',
    label: 'securityN',
    help: 'Security level 0-100 (outside 0, inside 100)',
    usage: 'security<0-100>',
    accept: (w) => {
      const m = /^security(\d{1,3})$/i.exec(w);
      return m && +m[1] <= 100 ? +m[1] : undefined;
    },
    format: (v) => `security${v}`,
  },
  level: {
    id: 'level',
    label: '<0-7>',
    help: 'Severity level, or its name (emergencies ... debugging)',
    accept: (w) => {
      if (/^[0-7]$/.test(w)) return +w;
      const l = w.toLowerCase();
      if (l.length < 2) return undefined;
      const hits = LEVELS.filter((n) => n.startsWith(l));
      return hits.length === 1 ? LEVELS.indexOf(hits[0]) : undefined;
    },
    format: (v) => LEVELS[Number(v)],
  },
  month: {
    id: 'month',
    label: 'MONTH',
    help: 'Month (first three letters or more)',
    accept: (w) => {
      const l = w.toLowerCase();
      if (l.length < 3) return undefined;
      const m = MONTHS.find((n) => n.startsWith(l));
      return m ? m[0].toUpperCase() + m.slice(1, 3) : undefined;
    },
  },
  port: {
    id: 'port',
    label: '<1-65535>',
    help: 'Port number or service name (www, ftp ...)',
    accept: (w) => {
      if (/^\d{1,5}$/.test(w)) return +w >= 1 && +w <= 65535 ? +w : undefined;
      return SERVICES[w.toLowerCase()] !== undefined ? w.toLowerCase() : undefined;
    },
  },
  protocol: {
    id: 'protocol',
    label: 'PROTOCOL',
    help: 'ip, tcp, udp, icmp, ... or a number 0-255',
    accept: (w) => {
      if (/^\d{1,3}$/.test(w)) return +w <= 255 ? +w : undefined;
      return PROTOCOLS.includes(w.toLowerCase()) ? w.toLowerCase() : undefined;
    },
  },
  line: { id: 'line', label: 'LINE', help: 'Text to the end of the line', rest: true, accept: (w) => w },
  transport: named('transport', 'udp/PORT', 'Transport and port (udp/514, tcp/1470)', /^(udp|tcp)\/\d{1,5}$/i, { format: (v) => String(v).toLowerCase() }),
};

/** `<name:TYPE>`: a named type, or a number range `LO-HI`. */
export function argType(spec: string): ArgType {
  const t = TYPES[spec];
  if (t) return t;
  const m = /^(\d+)-(\d+)$/.exec(spec);
  if (m) return intRange(Number(m[1]), Number(m[2]));
  throw new Error(`unknown argument type ${spec}`);
}

export function formatArg(t: ArgType, v: ArgValue): string {
  return t.format ? t.format(v) : String(v);
}

export { LEVELS };
