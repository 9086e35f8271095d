/**
 * Log lines for the systemd journal: the service writes them to stderr,
 * one message per line, behind the sd-daemon(3) priority prefix `<N>`
 * (journald strips and keeps it as PRIORITY when SyslogLevelPrefix=yes,
 * its default). N is the syslog level, 0 (emerg) to 7 (debug); a PIX
 * message's severity is already one, so `%PIX-6-603104: ...` goes out as
 * `<6>%PIX-6-603104: ...`.
 */
import type { LogLine } from '../../debug/bus.js';
import type { LoggingSettings } from '../../config/running.js';
import { renderSyslog } from '../../debug/pix-syslog.js';

export const LOG_ERR = 3;
export const LOG_WARNING = 4;
export const LOG_NOTICE = 5;
export const LOG_INFO = 6;

/** The level syslog goes to the journal at when the config names none (`logging console` unset). */
export const DEFAULT_JOURNAL_LEVEL = LOG_INFO;

/**
 * One journal line. Line breaks fold into spaces and other control
 * characters (a peer-chosen user name could carry them) are written as
 * `\xHH`, so no text can end the line early or forge a second prefix.
 */
export function journalLine(priority: number, text: string): string {
  const level = Math.min(7, Math.max(0, Math.trunc(priority)));
  const clean = text
    .replace(/\s*\r?\n\s*/g, ' ')
    .replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `<${level}>${clean}\n`;
}

/**
 * The level syslog messages reach the journal at, or undefined for none:
 * the journal stands in for the console a service does not have, so it
 * follows `logging on` and `logging console L`, informational when only
 * `logging on` is given.
 */
export function journalSyslogLevel(logging: LoggingSettings): number | undefined {
  if (!logging.on) return undefined;
  return logging.console ?? DEFAULT_JOURNAL_LEVEL;
}

/** The journal line of a bus message, or undefined when its level is filtered out (and for debug lines). */
export function journalSyslog(line: LogLine, logging: LoggingSettings): string | undefined {
  if (line.kind !== 'syslog') return undefined;
  const level = journalSyslogLevel(logging);
  if (level === undefined || line.severity > level) return undefined;
  return journalLine(line.severity, renderSyslog({ id: line.id, severity: line.severity, text: line.text }));
}
