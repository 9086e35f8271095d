/**
 * How every benchmark prints a figure: the measured value beside a
 * baseline measured in the same run, their ratio, the target and
 * PASS/MISS. One line per figure, `figure:` first so a reader (and
 * RESULTS.md) can grep them:
 *
 *   figure: setup rate, in process  1,234 sessions/s  | baseline 5,678 /s (...)  ratio 0.22  | target >= 1,000  PASS
 *
 * A figure the issues ask for without a target is REPORTED beside its
 * baseline (`| target none  REPORTED`).
 */
import { performance } from 'node:perf_hooks';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  baseline: { value: number; unit: string; what: string };
  /** value / baseline unless given (e.g. when the target is on the ratio). */
  ratio?: number;
  /** None: the figure is reported beside its baseline, not judged. */
  target?: { op: '>=' | '<=' | '<'; value: number; on?: 'value' | 'ratio' };
  note?: string;
}

export function fmt(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function passes(f: Figure): boolean {
  if (!f.target) return true;
  const x = f.target.on === 'ratio' ? (f.ratio ?? f.value / f.baseline.value) : f.value;
  switch (f.target.op) {
    case '>=':
      return x >= f.target.value;
    case '<=':
      return x <= f.target.value;
    case '<':
      return x < f.target.value;
  }
}

export const figures: Figure[] = [];

/** Print one figure line (and remember it for summaries). */
export function report(f: Figure): boolean {
  figures.push(f);
  const digits = Math.abs(f.value) < 10 ? 2 : 0;
  const bdigits = Math.abs(f.baseline.value) < 10 ? 2 : 0;
  const ratio = f.ratio ?? f.value / f.baseline.value;
  const ok = passes(f);
  const tgt = f.target ? `${f.target.on === 'ratio' ? 'ratio ' : ''}${f.target.op} ${fmt(f.target.value, f.target.value < 10 ? 2 : 0)}` : 'none';
  const verdict = !f.target ? 'REPORTED' : ok ? 'PASS' : 'MISS';
  console.log(
    `figure: ${f.name}  ${fmt(f.value, digits)} ${f.unit}` +
      `  | baseline ${fmt(f.baseline.value, bdigits)} ${f.baseline.unit} (${f.baseline.what})` +
      `  ratio ${ratio.toFixed(2)}  | target ${tgt}  ${verdict}` +
      (f.note ? `  [${f.note}]` : ''),
  );
  return ok;
}

/** How many times each forwarding, latency and set-up case runs (BENCH_RUNS, default 3). */
export const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

export interface RunsFigure extends Omit<Figure, 'value' | 'baseline'> {
  /** One value per run: the figure is their median. */
  runs: number[];
  baseline: { runs: number[]; unit: string; what: string };
}

/**
 * A figure from several runs of one case: value and baseline are the
 * medians of their runs (PASS/MISS is judged on the median) and the line
 * shows min / median / max of each, so one lucky or unlucky run can be
 * told from the figure.
 */
export function reportRuns(f: RunsFigure): boolean {
  const spread = (v: number[]) => {
    const d = Math.abs(pct(v, 50)) < 10 ? 2 : 0;
    return `${fmt(Math.min(...v), d)} / ${fmt(pct(v, 50), d)} / ${fmt(Math.max(...v), d)}`;
  };
  const runs = `${f.runs.length} runs min/median/max ${spread(f.runs)}; baseline ${spread(f.baseline.runs)}`;
  return report({
    ...f,
    value: pct(f.runs, 50),
    baseline: { value: pct(f.baseline.runs, 50), unit: f.baseline.unit, what: f.baseline.what },
    note: f.note ? `${runs}; ${f.note}` : runs,
  });
}

/** `fn` run RUNS times in turn; its results in order. */
export async function eachRun<T>(fn: (run: number) => Promise<T> | T): Promise<T[]> {
  const out: T[] = [];
  for (let k = 0; k < RUNS; k++) out.push(await fn(k));
  return out;
}

export function info(text: string): void {
  console.log(`  ${text}`);
}

export function skip(name: string, why: string): void {
  console.log(`figure: ${name}  SKIPPED (${why})`);
}

/** p-th percentile (0..100), nearest rank, of unsorted values. */
export function pct(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length))) - 1];
}

/** Calls fn in batches for about `ms` (after a warm-up) and returns calls per second. */
export function rate(fn: () => void, ms = 400, batch = 100): number {
  for (let i = 0; i < batch * 5; i++) fn();
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < batch; i++) fn();
    n += batch;
    t = performance.now();
  }
  return (n * 1000) / (t - t0);
}

/**
 * The best of `rounds` rate() measurements: a machine's speed is its
 * undisturbed rate, and a baseline measured low (a collection, the other
 * process on the core) would flatter every ratio against it.
 */
export function bestRate(fn: () => void, rounds = 5, ms = 200, batch = 100): number {
  let best = 0;
  for (let r = 0; r < rounds; r++) best = Math.max(best, rate(fn, ms, batch));
  return best;
}

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

export function hasGc(): boolean {
  return typeof (globalThis as { gc?: () => void }).gc === 'function';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resident set size in bytes after a full GC. */
export async function rssAfterGc(): Promise<number> {
  gc();
  await sleep(50);
  gc();
  return process.memoryUsage().rss;
}

/** Bound a promise in time: rejects with `what` after ms. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what}: not done after ${ms} ms`)), ms);
    }),
  ]);
}
