/**
 * `show ...`. Besides the status commands, every configuration command
 * family without a show of its own gets `show FAMILY [WORD]`, which lists
 * its running-config lines (PIX 6.3: `show fixup`, `show access-list 101`).
 */
import type { ShowTarget, VpdnShowDetail } from '../command.js';
import { PRIVILEGED, type Args, type ConfigDecl, type Decl, type ExecDecl } from '../declare.js';

const show = (id: string, syntax: string, help: Record<string, string>, target: (a: Args) => ShowTarget, modes = PRIVILEGED): ExecDecl => ({
  kind: 'exec',
  id,
  syntax: `show ${syntax}`,
  modes,
  help: { show: 'Show running system information', ...help },
  build: (a) => ({ kind: 'show', target: target(a) }),
});

const VPDN_HELP = {
  vpdn: 'PPTP tunnels and sessions',
  tunnel: 'PPTP tunnel information',
  session: 'PPTP session (call) information',
  pppinterface: 'PPP virtual interface information',
  pptp: 'PPTP only',
  l2tp: 'L2TP only (none: L2TP is not supported)',
  id: 'Select by identifier',
  '<id>': 'Identifier',
  packets: 'Packet and byte counters',
  state: 'State and time since the last state change',
  summary: 'One line per tunnel',
  transport: 'Local and remote addresses and ports',
  window: 'GRE sequence numbers and windows',
  username: 'Local vpdn users (passwords masked)',
  '<user_name>': 'User name',
  group: 'VPDN group configuration',
  '<group_name>': 'VPDN group name',
  diagnostics: 'Why clients would fail against this configuration, and the error counters',
  live: 'Live table of tunnels and sessions (extension)',
};

const opt = <T>(a: Args, k: string, f: (v: unknown) => T): T | undefined => (a[k] === undefined ? undefined : f(a[k]));

function vpdnTarget(a: Args): ShowTarget {
  const sub = (['tunnel', 'session', 'pppinterface', 'username', 'group', 'diagnostics', 'live'] as const).find((k) => a[k] === true);
  const t: Extract<ShowTarget, { kind: 'vpdn' }> = { kind: 'vpdn' };
  if (sub) t.sub = sub;
  const id = opt(a, 'id_value', Number);
  if (id !== undefined) t.id = id;
  const name = opt(a, 'user_name', String) ?? opt(a, 'group_name', String);
  if (name !== undefined) t.name = name;
  if (a.protocol) t.protocol = a.protocol as 'pptp' | 'l2tp';
  if (a.detail) t.detail = a.detail as VpdnShowDetail;
  return t;
}

const STATUS: Decl[] = [
  show('show-running-config', 'running-config', { 'running-config': 'Current operating configuration' }, () => ({ kind: 'running-config' })),
  show('show-startup-config', 'startup-config', { 'startup-config': 'Configuration stored in flash memory' }, () => ({ kind: 'startup-config' })),
  show(
    'show-vpdn',
    'vpdn [tunnel [protocol=(pptp|l2tp)] [id <id_value:0-65535>|detail=(packets|state|summary|transport)]' +
      '|session [protocol=(pptp|l2tp)] [id <id_value:0-65535>|detail=(packets|state|window)]' +
      '|pppinterface [id <id_value:0-65535>]|username [<user_name:user>]|group [<group_name:vpdn-group>]|diagnostics|live]',
    { ...VPDN_HELP, '<id_value>': 'Identifier' },
    vpdnTarget,
  ),
  show('show-ip-local-pool', 'ip local pool [<pool_name:pool>]', {
    ip: 'IP address pools and interface addresses',
    local: 'Local (on the firewall)',
    pool: 'IP address pools: free and in use',
    '<pool_name>': 'IP address pool name',
  }, (a) => (a.pool_name === undefined ? { kind: 'ip-local-pool' } : { kind: 'ip-local-pool', name: String(a.pool_name) })),
  show('show-aaa-server', 'aaa-server [<tag:aaa-tag>]', { 'aaa-server': 'AAA server groups and their statistics', '<tag>': 'AAA server group tag' },
    (a) => (a.tag === undefined ? { kind: 'aaa-server' } : { kind: 'aaa-server', tag: String(a.tag) })),
  show('show-debug', 'debug', { debug: 'Debugging switches that are on' }, () => ({ kind: 'debug' })),
  show('show-logging', 'logging', { logging: 'Syslog settings, counters and the message buffer' }, () => ({ kind: 'logging' })),
  show('show-interface', 'interface', { interface: 'Interfaces with their addresses and counters' }, () => ({ kind: 'interface' })),
  show('show-route', 'route', { route: 'The routing table of the product\'s network namespace' }, () => ({ kind: 'route' })),
  show('show-arp', 'arp', { arp: 'The ARP table of the product\'s network namespace' }, () => ({ kind: 'arp' })),
  show('show-capture', 'capture [<capture_name:capture>]', { capture: 'Packet captures (extension)', '<capture_name>': 'Capture name' },
    (a) => (a.capture_name === undefined ? { kind: 'capture' } : { kind: 'capture', name: String(a.capture_name) })),
  show('show-ssh', 'ssh [sessions]', { ssh: 'SSH hosts, and the SSH shells with sessions', sessions: 'The SSH shells open now' },
    (a) => ({ kind: 'ssh', sessions: a.sessions === true })),
  show('show-ca', 'ca mypubkey rsa', { ca: 'Certificates and RSA keys', mypubkey: 'This unit\'s public keys', rsa: 'The RSA key (the SSH host key)' },
    () => ({ kind: 'ca-mypubkey' })),
  show('show-curpriv', 'curpriv', { curpriv: 'The user and privilege level of this shell' }, () => ({ kind: 'curpriv' }), ['exec', 'enable', 'config']),
  show('show-who', 'who', { who: 'Active shells: console, Telnet and SSH' }, () => ({ kind: 'who' })),
  show('show-version', 'version', { version: 'System hardware and software status' }, () => ({ kind: 'version' }), ['exec', 'enable', 'config']),
  show('show-history', 'history', { history: 'Session command history' }, () => ({ kind: 'history' }), ['exec', 'enable', 'config']),
  show('show-terminal', 'terminal', { terminal: 'Terminal width, pager and monitor settings' }, () => ({ kind: 'terminal' }), ['exec', 'enable', 'config']),
  show('show-clock', 'clock', { clock: "This shell's clock" }, () => ({ kind: 'clock' }), ['exec', 'enable', 'config']),
];

/** First words whose show is a status command above, not a listing. */
const OWN_SHOW = new Set(['ssh', 'ca', 'vpdn', 'aaa-server', 'logging', 'interface', 'route', 'arp', 'terminal', 'clock', 'pix', 'no', 'ip']);

/** `show FAMILY [WORD]` for each configuration family without a show of its own. */
export function configShows(config: ConfigDecl[]): Decl[] {
  const families = new Set<string>();
  for (const d of config) {
    const first = d.syntax.split(/\s+/)[0].replace(/^\(/, '');
    if (/^[a-z][a-z0-9-]*$/.test(first) && !OWN_SHOW.has(first)) families.add(first);
  }
  const ipSubs = new Set<string>();
  for (const d of config) {
    const m = /^ip ([a-z][a-z-]*)/.exec(d.syntax);
    if (m && m[1] !== 'local') ipSubs.add(m[1]);
  }
  const help: Record<string, string> = { '<word>': 'Only the lines whose next word is this' };
  for (const f of families) help[f] = `The ${f} configuration lines`;
  for (const s of ipSubs) help[s] = `The ip ${s} configuration lines`;
  help.ip = 'IP address pools and interface addresses';
  const out: Decl[] = [];
  if (families.size) {
    out.push(show('show-config-family', `family=(${[...families].sort().join('|')}) [<word:word>]`, help,
      (a) => (a.word === undefined ? { kind: 'config-lines', family: String(a.family) } : { kind: 'config-lines', family: String(a.family), filter: String(a.word) })));
  }
  if (ipSubs.size) {
    out.push(show('show-config-ip', `ip sub=(${[...ipSubs].sort().join('|')})`, help, (a) => ({ kind: 'config-lines', family: `ip ${a.sub}` })));
  }
  return out;
}

export const SHOW: Decl[] = STATUS;
