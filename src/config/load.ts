/**
 * Startup-config text -> RunningConfig. Every line is parsed in config
 * mode and applied; bad lines are reported with their line numbers and the
 * rest is kept (a PIX loading a config does the same).
 */
import { parseLine } from '../../grammar/index.js';
import type { ConfigLine } from '../../grammar/config-line.js';
import { applyInPlace } from './apply.js';
import { emptyRunningConfig } from './defaults.js';
import type { RunningConfig } from './running.js';

export interface LoadError {
  lineNo: number;
  text: string;
  lines: string[];
}

export function loadConfigText(text: string, base: RunningConfig = emptyRunningConfig()): { config: RunningConfig; errors: LoadError[] } {
  const draft = structuredClone(base);
  const errors: LoadError[] = [];
  const rows = text.split(/\r?\n/);
  for (let i = 0; i < rows.length; i++) {
    const raw = rows[i];
    const r = parseLine(raw, 'config');
    if (r.kind === 'empty') continue;
    if (r.kind === 'error') {
      errors.push({ lineNo: i + 1, text: raw, lines: r.lines });
      continue;
    }
    const c = r.command;
    if (c.kind !== 'config') {
      errors.push({ lineNo: i + 1, text: raw, lines: ['ERROR: not a configuration command'] });
      continue;
    }
    let line: ConfigLine = c.line;
    if (line.kind === 'comment') {
      const before = familyOfNext(rows, i + 1);
      if (before !== undefined) line = { ...line, before };
    }
    const a = applyInPlace(draft, line, c.negate);
    if (!a.ok) errors.push({ lineNo: i + 1, text: raw, lines: a.lines });
  }
  return { config: draft, errors };
}

/** Family (first words) of the next non-comment, non-empty line. */
function familyOfNext(rows: string[], from: number): string | undefined {
  for (let j = from; j < rows.length; j++) {
    const t = rows[j].trim();
    if (t === '' || t.startsWith('!')) continue;
    const w = t.split(/\s+/);
    const first = w[0].toLowerCase() === 'no' ? w.slice(1) : w;
    if (first.length === 0) return undefined;
    const f = first[0].toLowerCase();
    if (f === 'ip' && first[1]) return first[1].toLowerCase() === 'local' ? 'ip local pool' : first[1].toLowerCase() === 'address' ? 'ip address' : 'ip ' + first[1].toLowerCase();
    if (f === 'enable') return 'enable';
    return f;
  }
  return undefined;
}
