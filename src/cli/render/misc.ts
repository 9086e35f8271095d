/** `show debug`, `show logging`, `show version`, `show clock`, `show interface`, `who` (pure renderers). */
import type { Command } from '../../../grammar/command.js';
import type { LoggingSettings, RunningConfig } from '../../config/running.js';
import type { ServerStatus } from '../../server/api.js';
import type { ShellInfo } from '../shell-host.js';
import type { DebugFlag, LogCounters } from '../logging.js';
import type { SyslogHostStatus } from '../remote/syslog-hosts.js';
import { severityName } from '../../debug/pix-syslog.js';

/** One `debug ...` line per active switch, as the user would type it. */
export function renderShowDebug(flags: DebugFlag[]): string[] {
  return flags.map((f) => {
    let s = `debug ${f.category}`;
    if (f.user !== undefined) s += ` user ${f.user}`;
    if (f.tunnel !== undefined) s += ` tunnel ${f.tunnel}`;
    return s;
  });
}

/** Short form for the status line: `vpdn event`, `ppp negotiation(user alice)`. */
export function debugSummary(flags: DebugFlag[]): string[] {
  return flags.map((f) => {
    const parts: string[] = [];
    if (f.user !== undefined) parts.push(`user ${f.user}`);
    if (f.tunnel !== undefined) parts.push(`tunnel ${f.tunnel}`);
    return parts.length ? `${f.category}(${parts.join(' ')})` : f.category;
  });
}

function dest(level: number | undefined, count: number): string {
  return level === undefined ? 'disabled' : `level ${severityName(level)}, ${count} messages logged`;
}

function hostLine(h: LoggingSettings['hosts'][number], st: SyslogHostStatus | undefined): string {
  const transport = h.protocol === 'udp' && h.port === 514 ? '' : ` ${h.protocol}/${h.port}`;
  const head = `        Logging to ${h.interfaceName} ${h.address}${transport}`;
  if (!st) return head;
  const state = st.connected === undefined ? '' : st.connected ? ' connected' : ' not connected';
  return `${head}${state}: ${st.sent} sent, ${st.queued} queued, ${st.dropped} dropped`;
}

/**
 * PIX 6.3-style `show logging`: settings, then the buffer. The counters
 * after each `Logging to` line (sent, queued, dropped) are this product's;
 * they are left out when this process sends no remote syslog.
 */
export function renderShowLogging(cfg: LoggingSettings, counters: LogCounters, buffer: string[], hosts?: SyslogHostStatus[]): string[] {
  const status = (h: LoggingSettings['hosts'][number]) => hosts?.find((s) => s.address === h.address && s.protocol === h.protocol && s.port === h.port);
  return [
    `Syslog logging: ${cfg.on ? 'enabled' : 'disabled'}`,
    `    Facility: ${cfg.facility ?? 20}`,
    `    Timestamp logging: ${cfg.timestamp ? 'enabled' : 'disabled'}`,
    `    Standby logging: ${cfg.standby ? 'enabled' : 'disabled'}`,
    `    Console logging: ${dest(cfg.console, counters.console)}`,
    `    Monitor logging: ${dest(cfg.monitor, counters.monitor)}`,
    `    Buffer logging: ${dest(cfg.buffered, counters.buffer)}`,
    `    Trap logging: ${dest(cfg.trap, counters.trap)}`,
    ...cfg.hosts.map((h) => hostLine(h, status(h))),
    `    History logging: ${cfg.history === undefined ? 'disabled' : `level ${severityName(cfg.history)}`}`,
    `    Device ID: ${deviceIdText(cfg.deviceId)}`,
    ...buffer,
  ];
}

function deviceIdText(d: LoggingSettings['deviceId']): string {
  if (!d) return 'disabled';
  if (d.kind === 'hostname') return 'hostname';
  if (d.kind === 'string') return `string "${d.text}"`;
  return `ipaddress ${d.interfaceName}`;
}

function uptime(ms: number): string {
  let s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const parts: string[] = [];
  if (d) parts.push(`${d} day${d === 1 ? '' : 's'}`);
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (d === 0) parts.push(`${m} min${m === 1 ? '' : 's'}`);
  if (d === 0 && h === 0) parts.push(`${s} sec${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

export interface VersionInfo {
  version: string;
  /** The PIX version the product speaks (also in show running-config). */
  pixVersion: string;
  hostname: string;
  uptimeMs: number;
  /** Where the data plane runs ("2 worker processes (2 CPU cores)"); no line without a server. */
  dataPlane?: string;
}

/** A PIX 6.3-style banner naming pix-pptpd (licence lines per seed 003 / A7b). */
export function renderShowVersion(v: VersionInfo): string[] {
  return [
    '',
    `Cisco PIX Firewall Version ${v.pixVersion} compatible`,
    `pix-pptpd Version ${v.version} (PPTP/PPP/MPPE server in TypeScript)`,
    '',
    `Running on Node ${process.version} (${process.platform} ${process.arch})`,
    ...(v.dataPlane ? [`Data plane: ${v.dataPlane}`] : []),
    `${v.hostname} up ${uptime(v.uptimeMs)}`,
    '',
    'Licensed Features:',
    'Failover:                    Disabled',
    'VPN-DES:                     Enabled',
    'VPN-3DES-AES:                Enabled',
    'Maximum Physical Interfaces: Unlimited',
    'Inside Hosts:                Unlimited',
    'Throughput:                  Unlimited',
    '',
    'Extensions: MS-CHAPv2, MPPE 56-bit, stateful/stateless MPPE',
  ];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `show clock` (6.3): `14:03:22.517 UTC Sun Dec 6 2026`. */
export function renderShowClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} UTC ` +
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

/** `clock set hh:mm:ss MONTH DAY YEAR` -> ms epoch (UTC), undefined for a date that does not exist. */
export function parseClockSet(c: Extract<Command, { kind: 'clock-set' }>): number | undefined {
  const month = MONTHS.indexOf(c.month);
  const [h, m, s] = c.time.split(':').map(Number);
  const ms = Date.UTC(c.year, month, c.day, h, m, s);
  return new Date(ms).getUTCDate() === c.day ? ms : undefined;
}

/** `who`: one line per shell, `*` on the one asking. */
export function renderWho(shells: ShellInfo[], self: number, now: number): string[] {
  return shells.map((s) => {
    const idle = Math.floor((now - s.since) / 1000);
    return `${s.id === self ? '*' : ' '}${s.id - 1}: ${s.from}${s.service === 'console' ? '' : ` ${s.service}${s.user ? ` ${s.user}` : ''}`} (up ${pad(Math.floor(idle / 3600))}:${pad(Math.floor(idle / 60) % 60)}:${pad(idle % 60)})`;
  });
}

export interface LinkStats {
  name: string;
  up: boolean;
  mtu: number;
  rxPackets: number;
  rxBytes: number;
  txPackets: number;
  txBytes: number;
  rxErrors: number;
  txErrors: number;
  drops: number;
}

/**
 * `show interface`: each nameif interface with its address and what the
 * PPTP listener on it carries, then the kernel devices of the product's
 * namespace (the TUN device among them) with their real counters.
 */
export function renderShowInterfaces(rc: RunningConfig, st: ServerStatus, links: LinkStats[]): string[] {
  const out: string[] = [];
  for (const n of rc.nameifs ?? []) {
    const i = rc.vpn.interfaces.find((x) => x.name === n.name);
    const hw = rc.hardware?.find((h) => h.hardware === n.hardware);
    const down = hw?.settings.includes('shutdown');
    out.push(`interface ${n.hardware} "${n.name}" is ${down ? 'administratively down' : 'up'}, line protocol is ${down ? 'down' : 'up'}`);
    out.push(`        IP address ${i?.address ?? 'unassigned'}, subnet mask ${i?.mask ?? 'unassigned'}`);
    out.push(`        MTU ${i?.mtu ?? 1500} bytes, security level ${n.security}`);
    for (const l of st.listening.filter((x) => x.interfaceName === n.name)) {
      const tunnels = st.tunnels.filter((t) => t.localAddress === l.address);
      const sessions = tunnels.reduce((a, t) => a + t.activeSessions, 0);
      const rx = tunnels.reduce((a, t) => a + t.packetsReceived, 0);
      const tx = tunnels.reduce((a, t) => a + t.packetsSent, 0);
      out.push(`        PPTP listening on ${l.address} port ${l.port}: ${tunnels.length} tunnels, ${sessions} sessions, ${rx} packets input, ${tx} packets output`);
    }
  }
  for (const l of links) {
    out.push(`interface ${l.name} (kernel device) is ${l.up ? 'up' : 'down'}, line protocol is ${l.up ? 'up' : 'down'}`);
    out.push(`        MTU ${l.mtu} bytes`);
    out.push(`        ${l.rxPackets} packets input, ${l.rxBytes} bytes`);
    out.push(`        ${l.txPackets} packets output, ${l.txBytes} bytes`);
    out.push(`        ${l.rxErrors} input errors, ${l.txErrors} output errors, ${l.drops} drops`);
  }
  return out.length ? out : ['% No interfaces configured'];
}
