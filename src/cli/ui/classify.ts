/** What colour a console line gets (the blessed console maps these to chalk). */
import type { LineKind } from '../logging.js';

export type LineClass = 'error' | 'warning' | 'debug' | 'syslog' | 'echo' | 'plain';

export function classifyLine(line: string, kind?: LineKind | 'echo'): LineClass {
  if (kind === 'echo') return 'echo';
  if (kind === 'debug') return 'debug';
  if (kind === 'syslog') return 'syslog';
  const t = line.trimStart();
  if (t.startsWith('%') || t.startsWith('ERROR:') || t === 'Invalid password') return 'error';
  if (/^(Warning|WARNING):/.test(t)) return 'warning';
  return 'plain';
}
