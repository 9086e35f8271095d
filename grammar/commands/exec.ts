/**
 * Exec commands: modes, help, write, copy, terminal, clear, debug, capture,
 * clock set, ping, reload. Each builds the Command the shell runs.
 * (`show` is in show.ts.)
 */
import type { Command, DebugSwitch } from '../command.js';
import { ALL_MODES, CONFIG, PRIVILEGED, SSH_HELP, type Args, type Decl, type ExecDecl } from '../declare.js';

const exec = (d: Omit<ExecDecl, 'kind'>): ExecDecl => ({ kind: 'exec', ...d });
const num = (a: Args, k: string): number | undefined => (a[k] === undefined ? undefined : Number(a[k]));

const TERMINAL_HELP = {
  terminal: 'Set terminal line parameters',
  monitor: 'Send syslog (logging monitor) to this terminal',
  pager: 'Page length of this terminal (overrides pager lines)',
  '<lines>': 'Lines per page (0 = no paging)',
};

const DEBUG_HELP = {
  debug: "Debugging functions (see also 'undebug')",
  undebug: "Disable debugging functions (see also 'debug')",
  no: 'Negate a command or set its defaults',
  vpdn: 'PPTP tunnels and sessions',
  event: 'PPTP tunnel events',
  error: 'Protocol errors',
  packet: 'PPTP packets',
  ppp: 'Point-to-Point Protocol',
  io: 'PPP packets on the virtual interface',
  uauth: 'PPP AAA user authentication',
  negotiation: 'PPP LCP/IPCP/CCP negotiation (IOS-style)',
  authentication: 'Authentication exchanges',
  accounting: 'Accounting exchanges',
  mppe: 'Microsoft Point-to-Point Encryption',
  radius: 'RADIUS client',
  tacacs: 'TACACS+ client',
  aaa: 'AAA',
  all: 'All debugging',
  user: 'Only output for this user (extension)',
  '<user_name>': 'User name',
  tunnel: 'Only output for this tunnel (extension)',
  '<tunnel_id>': 'Tunnel id',
};
/** debug switches and their filters, shared by debug, undebug and no debug */
const SWITCHES = 'vpdn what=(event|error|packet)|ppp what=(error|io|uauth|negotiation|authentication|mppe)|radius|tacacs|aaa what=(authentication|accounting)';
const FILTERS = '[user <user_name:user>] [tunnel <tunnel_id:0-65535>]';

function debugSwitch(a: Args): DebugSwitch {
  const family = a.vpdn ? 'vpdn' : a.ppp ? 'ppp' : a.aaa ? 'aaa' : a.radius ? 'radius' : 'tacacs';
  return (a.what ? `${family} ${a.what}` : family) as DebugSwitch;
}

function debugCommand(on: boolean, a: Args): Command {
  const c: Command = { kind: 'debug', on, what: debugSwitch(a) };
  if (a.user_name !== undefined) c.user = String(a.user_name);
  if (a.tunnel_id !== undefined) c.tunnel = Number(a.tunnel_id);
  return c;
}

const CAPTURE_HELP = {
  capture: 'Capture PPTP sessions: control, GRE and decrypted PPP/IP (extension)',
  '<capture_name>': 'Capture name',
  interface: 'Only sessions arriving on this interface',
  '<if_name>': 'Interface name (nameif)',
  user: 'Only sessions of this user',
  '<user_name>': 'User name',
  tunnel: 'Only this tunnel',
  '<tunnel_id>': 'Tunnel id',
  no: 'Negate a command or set its defaults',
};

const CLEAR_HELP = {
  clear: 'Reset functions or remove configuration',
  logging: 'Clear the syslog message buffer',
  'aaa-server': 'Reset AAA server statistics',
  '<tag>': 'AAA server group tag',
  vpdn: 'Remove vpdn configuration, or end tunnels',
  tunnel: 'End PPTP tunnels (CDN then StopCCRQ)',
  all: 'All of them',
  id: 'Select by identifier',
  '<tunnel_id>': 'Tunnel id',
  group: 'Remove every vpdn group line',
  username: 'Remove every vpdn username line',
};

const COPY_HELP = {
  copy: 'Copy the running or startup configuration, or a capture',
  'running-config': 'Current operating configuration',
  'startup-config': 'Configuration stored in flash memory',
  '<capture>': 'A packet capture (see show capture)',
  '<file>': 'File to write (a plain path; pcap format)',
};

export const EXEC: Decl[] = [
  exec({ id: 'enable', syntax: 'enable', modes: ['exec', 'enable'], help: { enable: 'Turn on privileged commands' }, build: () => ({ kind: 'enable' }) }),
  exec({ id: 'disable', syntax: 'disable', modes: PRIVILEGED, help: { disable: 'Exit from privileged mode' }, build: () => ({ kind: 'disable' }) }),
  exec({
    id: 'configure',
    syntax: 'configure terminal',
    modes: ['enable'],
    help: { configure: 'Configure from the terminal', terminal: 'Configure from the terminal' },
    build: () => ({ kind: 'configure-terminal' }),
  }),
  exec({
    id: 'exit',
    syntax: '(exit|quit|logout)',
    modes: ALL_MODES,
    help: { exit: 'Exit from the EXEC (or configuration mode)', quit: 'Exit from the EXEC (or configuration mode)', logout: 'Exit from the EXEC' },
    build: () => ({ kind: 'exit' }),
  }),
  exec({ id: 'end', syntax: 'end', modes: ['config'], help: { end: 'Exit from configure mode' }, build: () => ({ kind: 'end' }) }),
  exec({
    id: 'help',
    syntax: 'help [<topic:word>]',
    modes: ALL_MODES,
    help: { help: 'Interactive help for commands', '<topic>': 'Command to describe' },
    build: (a) => (a.topic === undefined ? { kind: 'help' } : { kind: 'help', topic: String(a.topic) }),
  }),
  exec({
    id: 'write',
    syntax: 'write target=(terminal|memory|erase)',
    modes: PRIVILEGED,
    help: {
      write: 'Write config to flash or terminal, or erase flash',
      terminal: 'Show the running configuration',
      memory: 'Save the running configuration to flash (startup configuration)',
      erase: 'Erase the startup configuration in flash',
    },
    build: (a) => ({ kind: 'write', target: a.target as 'terminal' | 'memory' | 'erase' }),
  }),
  exec({
    id: 'copy',
    syntax: 'copy (from=(running-config) to=(startup-config)|from=(startup-config) to=(running-config)|<capture:capture-ref> <file:path>)',
    modes: PRIVILEGED,
    help: COPY_HELP,
    usage: ['copy running-config startup-config', 'copy startup-config running-config', 'copy capture:<name> <file>'],
    build: (a) => {
      if (a.capture !== undefined) return { kind: 'copy-capture', name: String(a.capture).slice('capture:'.length), path: String(a.file) };
      return a.from === 'running-config'
        ? { kind: 'copy', from: 'running-config', to: 'startup-config' }
        : { kind: 'copy', from: 'startup-config', to: 'running-config' };
    },
  }),
  exec({
    id: 'terminal',
    syntax: 'terminal (monitor|pager <lines:0-512>)',
    modes: ALL_MODES,
    help: TERMINAL_HELP,
    build: (a) => (a.monitor ? { kind: 'terminal-monitor', on: true } : { kind: 'terminal-pager', lines: Number(a.lines) }),
  }),
  exec({
    id: 'no-terminal',
    syntax: 'no terminal monitor',
    modes: PRIVILEGED,
    help: { no: 'Negate a command or set its defaults', ...TERMINAL_HELP, monitor: 'Stop sending syslog to this terminal' },
    build: () => ({ kind: 'terminal-monitor', on: false }),
  }),
  exec({
    id: 'debug',
    syntax: `debug (${SWITCHES}) ${FILTERS}`,
    modes: PRIVILEGED,
    help: DEBUG_HELP,
    build: (a) => debugCommand(true, a),
  }),
  exec({
    id: 'undebug',
    syntax: `(undebug|no debug) (all|(${SWITCHES}) ${FILTERS})`,
    modes: PRIVILEGED,
    help: DEBUG_HELP,
    usage: ['undebug all | no debug all', 'undebug <what> [user <user_name>] [tunnel <tunnel_id>]'],
    build: (a) => (a.all ? { kind: 'undebug-all' } : debugCommand(false, a)),
  }),
  exec({
    id: 'clear',
    syntax: 'clear (logging|aaa-server [<tag:aaa-tag>])',
    modes: PRIVILEGED,
    help: CLEAR_HELP,
    build: (a): Command => {
      if (a.logging) return { kind: 'clear-logging' };
      return a.tag === undefined ? { kind: 'clear-aaa-server' } : { kind: 'clear-aaa-server', tag: String(a.tag) };
    },
  }),
  // a configuration command on a PIX (seed 003): config mode only
  exec({
    id: 'clear-vpdn',
    syntax: 'clear vpdn [tunnel (all|id <tunnel_id:0-65535>)|group|username|all]',
    modes: CONFIG,
    help: CLEAR_HELP,
    usage: ['clear vpdn tunnel all | id <tunnel_id>', 'clear vpdn [group | username | all]   (removes configuration)'],
    build: (a): Command => {
      if (a.tunnel) return { kind: 'clear-vpdn-tunnel', id: a.all ? 'all' : Number(a.tunnel_id) };
      return { kind: 'clear-vpdn-config', what: a.group ? 'group' : a.username ? 'username' : 'all' };
    },
  }),
  exec({
    id: 'capture',
    syntax: 'capture <capture_name:capture> {interface <if_name:ifname>|user <user_name:user>|tunnel <tunnel_id:0-65535>}',
    modes: PRIVILEGED,
    help: CAPTURE_HELP,
    extension: true,
    build: (a) => {
      const c: Command = { kind: 'capture', name: String(a.capture_name) };
      if (a.if_name !== undefined) c.interfaceName = String(a.if_name);
      if (a.user_name !== undefined) c.user = String(a.user_name);
      if (a.tunnel_id !== undefined) c.tunnel = num(a, 'tunnel_id');
      return c;
    },
  }),
  exec({
    id: 'no-capture',
    syntax: 'no capture <capture_name:capture>',
    modes: PRIVILEGED,
    help: CAPTURE_HELP,
    extension: true,
    build: (a) => ({ kind: 'no-capture', name: String(a.capture_name) }),
  }),
  exec({
    id: 'clock-set',
    syntax: 'clock set <time:clock> (<month:month> <day:1-31>|<day:1-31> <month:month>) <year:1998-2097>',
    modes: PRIVILEGED,
    help: {
      clock: 'Manage the system clock',
      set: "Set this shell's clock (the host's clock is left alone)",
      '<time>': 'Current time, hh:mm:ss',
      '<month>': 'Month (Jan ... Dec)',
      '<day>': 'Day of the month',
      '<year>': 'Year',
    },
    build: (a) => ({ kind: 'clock-set', time: String(a.time), day: Number(a.day), month: String(a.month), year: Number(a.year) }),
  }),
  exec({
    id: 'ping',
    syntax: 'ping [<if_name:ifname>] <address:ip>',
    modes: PRIVILEGED,
    help: { ping: 'Send ICMP echo requests (three)', '<if_name>': 'Interface to send from (nameif)', '<address>': 'Address to ping' },
    build: (a) => (a.if_name === undefined ? { kind: 'ping', address: String(a.address) } : { kind: 'ping', interfaceName: String(a.if_name), address: String(a.address) }),
  }),
  exec({
    id: 'reload',
    syntax: 'reload [noconfirm]',
    modes: PRIVILEGED,
    help: { reload: 'Reload from the startup configuration (asks [confirm])', noconfirm: 'Do not ask for confirmation' },
    build: (a) => ({ kind: 'reload', noconfirm: a.noconfirm === true }),
  }),
  exec({
    id: 'kill',
    syntax: 'kill <telnet_id:0-1000>',
    modes: PRIVILEGED,
    help: { kill: 'End a Telnet shell (who lists them)', '<telnet_id>': 'Shell id from who' },
    build: (a) => ({ kind: 'kill-shell', service: 'telnet', id: Number(a.telnet_id) }),
  }),
  exec({
    id: 'ssh-disconnect',
    syntax: 'ssh disconnect <session_id:0-1000>',
    modes: PRIVILEGED,
    help: { ssh: SSH_HELP, disconnect: 'End an SSH shell (show ssh sessions lists them)', '<session_id>': 'Session id' },
    build: (a) => ({ kind: 'kill-shell', service: 'ssh', id: Number(a.session_id) }),
  }),
  exec({
    id: 'who',
    syntax: 'who',
    modes: ALL_MODES,
    help: { who: 'Show the active shells: console, Telnet and SSH' },
    build: () => ({ kind: 'show', target: { kind: 'who' } }),
  }),
];
