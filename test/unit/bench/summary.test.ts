import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureRows, markdownTable } from '../../../bench/summary.js';
import { report, reportRuns, skip } from '../../../bench/harness/report.js';

/** The lines report.ts prints, captured: the summary must read exactly them. */
function printed(fn: () => void): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => lines.push(s);
  try {
    fn();
  } finally {
    console.log = log;
  }
  return lines.join('\n');
}

test('the summary reads the figure lines report.ts prints, runs and skips included', () => {
  const log = printed(() => {
    reportRuns({
      name: 'setup rate, in process',
      runs: [1512, 1789, 2100],
      unit: 'sessions/s',
      baseline: { runs: [19305, 19305, 19305], unit: 'sessions/s', what: 'crypto only' },
      target: { op: '>=', value: 1000 },
    });
    report({ name: 'memory | per session', value: 19, unit: 'KB/session', baseline: { value: 63, unit: 'MB', what: 'empty' }, target: { op: '<=', value: 15 } });
    report({ name: 'fleet set-up rate', value: 112, unit: 'sessions/s', baseline: { value: 2022, unit: 'sessions/s', what: 'local pool' } });
    skip('forwarding in namespaces', 'not root');
    console.log('  an info line');
  });
  const rows = figureRows(log);
  assert.deepEqual(
    rows.map((r) => [r.name, r.measured, r.spread, r.target, r.verdict]),
    [
      ['setup rate, in process', '1,789 sessions/s', '1,512 / 1,789 / 2,100 (3 runs)', '>= 1,000', 'PASS'],
      ['memory | per session', '19 KB/session', '', '<= 15', 'MISS'],
      ['fleet set-up rate', '112 sessions/s', '', 'none', 'REPORTED'],
      ['forwarding in namespaces', 'skipped', '', '', 'not root'],
    ],
  );
  const table = markdownTable(rows).split('\n');
  assert.equal(table.length, 6);
  assert.match(table[3], /^\| memory \\\| per session \| 19 KB\/session \|/);
});
