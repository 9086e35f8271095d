/**
 * The `figure:` lines of an `npm run bench` log as the Markdown table at
 * the top of bench/RESULTS.md: scripts/bench.sh prints it after the last
 * bench, so the summary is regenerated from the run it describes.
 *
 *   node dist/bench/summary.js LOG
 *
 * A figure line (bench/harness/report.ts):
 *   figure: NAME  VALUE UNIT  | baseline B UNIT (WHAT)  ratio R  | target OP T  PASS|MISS|REPORTED  [N runs min/median/max a / b / c; ...]
 *   figure: NAME  SKIPPED (WHY)
 */
import { readFileSync } from 'node:fs';

export interface FigureRow {
  name: string;
  measured: string;
  spread: string;
  baseline: string;
  target: string;
  verdict: string;
}

const FIGURE = /^figure: (.+?)  (\S.*?)  \| baseline (.+?)  ratio (\S+)  \| target (.+?)  (PASS|MISS|REPORTED)(?:  \[(.*)\])?$/;
const SKIPPED = /^figure: (.+?)  SKIPPED \((.*)\)$/;
const SPREAD = /(\d+) runs min\/median\/max ([^;]+)/;

export function figureRows(log: string): FigureRow[] {
  const rows: FigureRow[] = [];
  for (const line of log.split('\n')) {
    const skipped = SKIPPED.exec(line);
    if (skipped) {
      rows.push({ name: skipped[1], measured: 'skipped', spread: '', baseline: '', target: '', verdict: skipped[2] });
      continue;
    }
    const m = FIGURE.exec(line);
    if (!m) continue;
    const spread = m[7] ? SPREAD.exec(m[7]) : null;
    rows.push({
      name: m[1],
      measured: m[2],
      spread: spread ? `${spread[2]} (${spread[1]} runs)` : '',
      baseline: `${m[3]}, ratio ${m[4]}`,
      target: m[5],
      verdict: m[6],
    });
  }
  return rows;
}

export function markdownTable(rows: FigureRow[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  return [
    '| figure | median | min / median / max | baseline (same run) | target | |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${[r.name, r.measured, r.spread, r.baseline, r.target, r.verdict].map(cell).join(' | ')} |`),
  ].join('\n');
}

if (process.argv[1]?.endsWith('summary.js')) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node dist/bench/summary.js LOG');
    process.exit(2);
  }
  console.log(markdownTable(figureRows(readFileSync(file, 'utf8'))));
}
