/**
 * PIX syslog line rendering (pix-behaviour.md A8).
 *
 *   %PIX-<sev>-<id>: <text>                         standard form
 *   Nov 24 2026 12:00:00: %PIX-6-603104: <text>     with `logging timestamp`
 *   603104: <text>                                  PIX debug-console form (seed 003)
 *
 * Rule for the bare form: the seed's debug traces show messages on the
 * console as `603104: ...`; we print that form on the *console* when
 * `logging timestamp` is off. Every other destination (buffer, monitor
 * sessions) always gets the `%PIX-` form, and with `logging timestamp` the
 * console gets it too, behind the timestamp. Timestamps are UTC (the PIX
 * clock without `clock timezone`).
 */
export const SEVERITY_NAMES = [
  'emergencies',
  'alerts',
  'critical',
  'errors',
  'warnings',
  'notifications',
  'informational',
  'debugging',
] as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `Nov 24 2026 12:00:00` (UTC). */
export function pixTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  return `${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

export interface SyslogMessage {
  id: number;
  severity: number;
  text: string;
}

export function renderSyslog(m: SyslogMessage, opts: { timestamp?: number; bare?: boolean } = {}): string {
  if (opts.bare && opts.timestamp === undefined) return `${m.id}: ${m.text}`;
  const body = `%PIX-${m.severity}-${m.id}: ${m.text}`;
  return opts.timestamp === undefined ? body : `${pixTimestamp(opts.timestamp)}: ${body}`;
}

export function severityName(level: number): string {
  return SEVERITY_NAMES[level] ?? String(level);
}

/**
 * One syslog message as a PIX sends it to a `logging host`:
 *
 *   <PRI>%PIX-6-603104: text                                   plain
 *   <PRI>Dec 06 2026 14:03:22: %PIX-6-603104: text             logging timestamp
 *   <PRI>pixfw : %PIX-6-603104: text                           logging device-id
 *   <PRI>Dec 06 2026 14:03:22 pixfw : %PIX-6-603104: text      both
 *
 * PRI = facility x 8 + severity (RFC 3164 4.1.1): `logging facility 20`
 * (local4) and a level-6 message give <166>. No RFC 3164 HOSTNAME field:
 * the collector adds its own header, as for a real PIX. The header shapes
 * are the ones collectors parse Cisco firewall syslog with (Logstash's
 * CISCO_TAGGED_SYSLOG: `<PRI>TIMESTAMP( HOST)? ?: %TAG:`).
 */
export function renderSyslogDatagram(m: SyslogMessage, opts: { facility: number; timestamp?: number; deviceId?: string }): string {
  const ts = opts.timestamp === undefined ? undefined : pixTimestamp(opts.timestamp);
  const id = opts.deviceId;
  const head = ts !== undefined && id !== undefined ? `${ts} ${id} : ` : ts !== undefined ? `${ts}: ` : id !== undefined ? `${id} : ` : '';
  return `<${opts.facility * 8 + m.severity}>${head}%PIX-${m.severity}-${m.id}: ${m.text}`;
}
