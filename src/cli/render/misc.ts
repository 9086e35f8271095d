/** `show debug`, `show logging`, `show version` (pure renderers). */
import type { LoggingSettings } from '../../config/running.js';
import type { DebugFlag, LogCounters } from '../logging.js';
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

/** PIX 6.3-style `show logging`: settings, then the buffer. */
export function renderShowLogging(cfg: LoggingSettings, counters: LogCounters, buffer: string[]): string[] {
  return [
    `Syslog logging: ${cfg.on ? 'enabled' : 'disabled'}`,
    `    Timestamp logging: ${cfg.timestamp ? 'enabled' : 'disabled'}`,
    `    Console logging: ${dest(cfg.console, counters.console)}`,
    `    Monitor logging: ${dest(cfg.monitor, counters.monitor)}`,
    `    Buffer logging: ${dest(cfg.buffered, counters.buffer)}`,
    `    Trap logging: ${cfg.trap === undefined ? 'disabled' : `level ${severityName(cfg.trap)}`}`,
    ...cfg.hosts.map((h) => `        Logging to ${h.interfaceName} ${h.address}`),
    ...buffer,
  ];
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
  hostname: string;
  uptimeMs: number;
}

/** A PIX 6.3-style banner naming pix-pptpd (licence lines per seed 003 / A7b). */
export function renderShowVersion(v: VersionInfo): string[] {
  return [
    '',
    'Cisco PIX Firewall Version 6.3(5) compatible',
    `pix-pptpd Version ${v.version} (PPTP/PPP/MPPE server in TypeScript)`,
    '',
    `Running on Node ${process.version} (${process.platform} ${process.arch})`,
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
