/**
 * The linter's findings as the shell prints them (`show vpdn diagnostics`,
 * `pix-pptpd --check`): severity, code, the config lines, the explanation
 * and the fix, wrapped at 78 columns.
 */
import { WINDOWS_ERRORS, type Finding, type Severity } from './lint.js';

const LABEL: Record<Severity, string> = { error: 'ERROR', warning: 'Warning', info: 'Info' };
const WIDTH = 78;

function wrap(text: string, indent: string, first: string): string[] {
  const out: string[] = [];
  let cur = first;
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (cur.length > first.length && cur.length + 1 + w.length > WIDTH) {
      out.push(cur);
      cur = indent + w;
    } else {
      cur += (cur.length > first.length ? ' ' : '') + w;
    }
  }
  out.push(cur);
  return out;
}

/** The text `show vpdn diagnostics` and `pix-pptpd --check FILE` print. */
export function renderFindings(findings: Finding[]): string[] {
  if (findings.length === 0) return ['No problems found: PPTP clients should connect with this configuration.'];
  const out: string[] = [];
  for (const f of findings) {
    let head = `${LABEL[f.severity]} ${f.code}`;
    if (f.windowsError !== undefined) head += `: clients see Windows error ${f.windowsError}`;
    out.push(head);
    if (f.windowsError !== undefined && WINDOWS_ERRORS[f.windowsError]) out.push(`  ("${WINDOWS_ERRORS[f.windowsError]}")`);
    for (const l of f.lines) out.push(`    ${l}`);
    out.push(...wrap(f.explanation, '       ', '  Why: '));
    out.push(...wrap(f.fix, '       ', '  Fix: '));
    out.push('');
  }
  const n = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const plural = (k: number, w: string) => `${k} ${w}${k === 1 ? '' : 's'}`;
  out.push(`${plural(n('error'), 'error')}, ${plural(n('warning'), 'warning')}, ${plural(n('info'), 'note')}`);
  return out;
}
