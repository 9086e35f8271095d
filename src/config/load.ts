/**
 * Startup-config text -> RunningConfig. Every line is parsed in config
 * mode and applied; bad lines are reported with their line numbers and the
 * rest is kept (a PIX loading a config does the same; the service refuses
 * to start on any, see bin/).
 */
import { configDeclaration, parseLine } from '../../grammar/index.js';
import { applyLine, emptyRunningConfig } from './store.js';
import type { Origin, RunningConfig } from './running.js';

export interface LoadError {
  lineNo: number;
  text: string;
  lines: string[];
}

export interface LoadResult {
  config: RunningConfig;
  errors: LoadError[];
  /** Warnings of lines that were applied, with their line numbers. */
  warnings: string[];
}

export function loadConfigText(text: string, base: RunningConfig = emptyRunningConfig(), origin: Origin = 'user'): LoadResult {
  let rc = base;
  const errors: LoadError[] = [];
  const warnings: string[] = [];
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
    const before = c.line.cmd === 'comment' ? slotOfNext(rows, i + 1) : undefined;
    const a = applyLine(rc, c.line, c.negate, origin, before);
    if (!a.ok) {
      errors.push({ lineNo: i + 1, text: raw, lines: a.lines });
      continue;
    }
    rc = a.config;
    for (const w of a.messages) warnings.push(`line ${i + 1}: ${w}`);
  }
  return { config: rc, errors, warnings };
}

/** The slot of the next configuration line (where a comment is written). */
function slotOfNext(rows: string[], from: number): string | undefined {
  for (let j = from; j < rows.length; j++) {
    const r = parseLine(rows[j], 'config');
    if (r.kind === 'empty') continue;
    if (r.kind !== 'ok' || r.command.kind !== 'config' || r.command.line.cmd === 'comment') continue;
    return configDeclaration(r.command.line.cmd)?.slot;
  }
  return undefined;
}
