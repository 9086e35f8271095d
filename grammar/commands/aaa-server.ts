/**
 * The `aaa-server` family (PIX 6.3, plus two extensions):
 *   aaa-server TAG protocol radius|tacacs+|local
 *   aaa-server TAG [(IF)] host IP [KEY] [timeout N] [authentication-port N] [accounting-port N]
 *   aaa-server TAG max-failed-attempts N | deadtime MINUTES
 *   aaa-server radius-authport|radius-acctport PORT
 *   aaa-server TAG dynamic-authorization [port N]        (extension: RFC 5176)
 *   aaa-server TAG accounting interim SECONDS             (extension)
 * Group tags may look like keywords (`aaa-server RADIUS protocol radius`):
 * a tag wins over a keyword prefix.
 */
import { CONFIG, type ConfigDecl, type ConfigLine, type Decl } from '../declare.js';

const H = {
  'aaa-server': 'Define AAA server group',
  '<tag>': 'AAA server group tag',
  protocol: 'AAA protocol of the group',
  radius: 'RADIUS',
  'tacacs+': 'TACACS+',
  local: 'The local user database (vpdn username)',
  '<if_name>': 'Interface the server is reached on',
  host: 'Server address, key and timeout',
  '<server_ip>': 'Server IP address',
  '<key>': 'Shared secret (no spaces)',
  key: 'Shared secret follows',
  timeout: 'Seconds to wait for an answer (default 5)',
  '<timeout_seconds>': 'Seconds',
  'authentication-port': 'RADIUS authentication port of this host',
  'accounting-port': 'RADIUS accounting port of this host',
  '<auth_port>': 'Port number',
  '<acct_port>': 'Port number',
  'max-failed-attempts': 'Failures before a server is marked dead',
  '<attempts>': 'Attempts',
  deadtime: 'Minutes a dead server is skipped',
  '<minutes>': 'Minutes',
  'radius-authport': 'Default RADIUS authentication port (1645)',
  'radius-acctport': 'Default RADIUS accounting port (1646)',
  '<port>': 'Port number',
  'dynamic-authorization': "Accept RFC 5176 Disconnect/CoA from this group's hosts (extension)",
  port: 'UDP port (default 3799)',
  accounting: 'Accounting options (extension)',
  interim: 'Interim-Update interval',
  '<interim_seconds>': 'Seconds between Interim-Updates',
};

const T = 'aaa-server <tag:aaa-tag>';

function line(id: string, rest: string, key: string | undefined, extra: Partial<ConfigDecl> = {}): ConfigDecl {
  return {
    id,
    kind: 'config',
    modes: CONFIG,
    slot: 'aaa-server',
    syntax: `${T} ${rest}`,
    help: H,
    groupBy: 'tag',
    ...(key !== undefined ? { key: (a) => `aaa-server ${a.tag} ${key}` } : {}),
    ...extra,
  };
}

/** Host words in PIX order: tag, (if), host, ip, key, timeout, ports. */
function hostWords(l: ConfigLine): ConfigLine {
  const a = l.args;
  const w = ['aaa-server', String(a.tag)];
  if (a.if_name !== undefined) w.push(`(${a.if_name})`);
  w.push('host', String(a.server_ip));
  const secret: ConfigLine['secret'] = [];
  if (a.key !== undefined) secret.push({ arg: 'key', at: w.push(String(a.key)) - 1 });
  if (a.timeout_seconds !== undefined) w.push('timeout', String(a.timeout_seconds));
  if (a.auth_port !== undefined) w.push('authentication-port', String(a.auth_port));
  if (a.acct_port !== undefined) w.push('accounting-port', String(a.acct_port));
  return { ...l, words: w, secret };
}

export const AAA_SERVER: Decl[] = [
  {
    id: 'aaa-radius-port',
    kind: 'config',
    modes: CONFIG,
    slot: 'aaa-server',
    syntax: 'aaa-server which=(radius-authport|radius-acctport) <port:1-65535>',
    help: H,
    key: (a) => `aaa-server ${a.which}`,
    noFrom: 'which',
  },
  { id: 'aaa-group', kind: 'config', modes: CONFIG, slot: 'aaa-server', syntax: T, help: H, noOnly: true },
  line('aaa-protocol', 'protocol protocol=(radius|tacacs+|local)', 'protocol', { noFrom: 'protocol' }),
  line('aaa-max-failed', 'max-failed-attempts <attempts:1-5>', 'max-failed-attempts', { noFrom: 'max-failed-attempts' }),
  line('aaa-deadtime', 'deadtime <minutes:0-1440>', 'deadtime', { noFrom: 'deadtime' }),
  line('aaa-interim', 'accounting interim <interim_seconds:60-86400>', 'accounting interim', { noFrom: 'interim', extension: true }),
  line('aaa-dynamic-authorization', 'dynamic-authorization [port <port:1-65535>]', 'dynamic-authorization', { noFrom: 'dynamic-authorization', extension: true }),
  {
    ...line(
      'aaa-host',
      '[<if_name:pif>] host <server_ip:ip> {<key:secret>|key <key:secret>|timeout <timeout_seconds:1-30>|authentication-port <auth_port:1-65535>|accounting-port <acct_port:1-65535>}',
      undefined,
      { noFrom: 'server_ip' },
    ),
    key: (a) => `aaa-server ${a.tag} host ${a.server_ip}`,
    merge: true,
    normalize: hostWords,
  },
];
