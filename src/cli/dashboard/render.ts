/**
 * Text layout of the live `show vpdn` table (pure): a header with the
 * seed's totals line, column titles, one line per row, cut to the width.
 * Columns that do not fit are dropped, least useful first (the sparkline
 * shrinks before anything goes); the tunnel id always stays.
 */
import type { DashboardRow, RateSample } from './model.js';

const UNICODE_BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII_BARS = ['.', ':', '-', '=', '+', '*', '#', '@'];
const SPARK_MIN = 8;
const SPARK_MAX = 60;

/**
 * Throughput history as one character per time slot over `windowMs`
 * ending at `now`: the highest rate in each slot, scaled to the highest
 * of the window; a slot without traffic (or without samples) is blank.
 */
export function sparkline(history: RateSample[], now: number, width: number, windowMs = 60_000, unicode = true): string {
  if (width <= 0) return '';
  const bars = unicode ? UNICODE_BARS : ASCII_BARS;
  const slots = new Array<number>(width).fill(0);
  const from = now - windowMs;
  for (const h of history) {
    if (h.t <= from || h.t > now) continue;
    const i = Math.min(width - 1, Math.floor(((h.t - from) / windowMs) * width));
    slots[i] = Math.max(slots[i], h.rate);
  }
  const max = Math.max(...slots);
  if (max <= 0) return ' '.repeat(width);
  return slots.map((v) => (v <= 0 ? ' ' : bars[Math.min(bars.length - 1, Math.floor((v / max) * bars.length - 1e-9))])).join('');
}

/** 3469, 12345678 -> 12.3M (fits 8 columns). */
export function compactBytes(n: number): string {
  if (n < 100_000_000) return String(n);
  const units = ['K', 'M', 'G', 'T'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(1)}${units[u]}`;
}

export function rateText(bytesPerSecond: number | undefined): string {
  if (bytesPerSecond === undefined) return '-';
  if (bytesPerSecond < 1000) return `${Math.round(bytesPerSecond)}B/s`;
  if (bytesPerSecond < 1_000_000) return `${(bytesPerSecond / 1000).toFixed(1)}K/s`;
  return `${(bytesPerSecond / 1_000_000).toFixed(1)}M/s`;
}

/** hh:mm:ss, or NdHHh past a day (IOS `Last Chg` style). */
export function uptimeText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d${two(h)}h`;
  return `${two(h)}:${two(m)}:${two(s % 60)}`;
}

interface Column {
  id: string;
  title: string;
  width: number;
  right?: boolean;
  /** lower = dropped later */
  keep: number;
  get(r: DashboardRow): string;
}

const COLUMNS: Column[] = [
  { id: 'tnl', title: 'Tnl', width: 5, keep: 0, get: (r) => String(r.tunnelId) },
  { id: 'user', title: 'User', width: 10, keep: 1, get: (r) => (r.user === '' ? '-' : r.user) + (r.debug ? '*' : '') },
  { id: 'client', title: 'Client', width: 15, keep: 2, get: (r) => r.clientAddress || '-' },
  { id: 'in', title: 'Rx bytes', width: 8, right: true, keep: 3, get: (r) => compactBytes(r.bytesIn) },
  { id: 'out', title: 'Tx bytes', width: 8, right: true, keep: 3, get: (r) => compactBytes(r.bytesOut) },
  { id: 'uptime', title: 'Uptime', width: 8, keep: 4, get: (r) => (r.state === 'estabd' ? uptimeText(r.uptimeMs) : r.state) },
  { id: 'encr', title: 'MPPE', width: 13, keep: 5, get: (r) => r.encryption },
  { id: 'peer', title: 'Peer', width: 15, keep: 6, get: (r) => r.peer },
  { id: 'call', title: 'Call', width: 5, keep: 8, get: (r) => (r.callId === undefined ? '-' : String(r.callId)) },
  { id: 'rate', title: 'Rate', width: 8, right: true, keep: 7, get: (r) => rateText(r.rate) },
];
const ORDER = ['tnl', 'call', 'peer', 'user', 'client', 'uptime', 'encr', 'in', 'out', 'rate'];

export interface DashboardLayoutOptions {
  width: number;
  /** include the rate column and the sparkline (off for a one-shot snapshot) */
  live: boolean;
  unicode?: boolean;
  now: number;
  windowMs?: number;
}

function cell(c: Column, text: string): string {
  const t = text.length > c.width ? text.slice(0, c.width - 1) + '~' : text;
  return c.right ? t.padStart(c.width) : t.padEnd(c.width);
}

/** The columns that fit `width` (1 column of marker, 1 space between columns). */
function fit(width: number, live: boolean): { cols: Column[]; spark: number } {
  let cols = COLUMNS.filter((c) => live || c.id !== 'rate');
  const used = () => 1 + cols.reduce((a, c) => a + c.width + 1, 0);
  const sparkMin = live ? SPARK_MIN + 1 : 0;
  while (used() + sparkMin > width && cols.length > 1) {
    const drop = cols.reduce((a, c) => (c.keep > a.keep ? c : a));
    cols = cols.filter((c) => c !== drop);
  }
  cols.sort((a, b) => ORDER.indexOf(a.id) - ORDER.indexOf(b.id));
  const spark = live ? Math.max(0, Math.min(SPARK_MAX, width - used() - 1)) : 0;
  return { cols, spark };
}

/** Column titles and one line per row; `selected` marks a row with `>`. */
export function renderTable(rows: readonly DashboardRow[], selected: number, o: DashboardLayoutOptions): string[] {
  const { cols, spark } = fit(o.width, o.live);
  const head = ' ' + cols.map((c) => cell(c, c.title)).join(' ') + (spark >= SPARK_MIN ? ' ' + `Last ${Math.round((o.windowMs ?? 60_000) / 1000)} s`.padEnd(spark) : '');
  const lines = [head.trimEnd()];
  rows.forEach((r, i) => {
    let l = (i === selected ? '>' : ' ') + cols.map((c) => cell(c, c.get(r))).join(' ');
    if (spark >= SPARK_MIN) l += ' ' + sparkline(r.history, o.now, spark, o.windowMs, o.unicode ?? true);
    lines.push(l.trimEnd());
  });
  return lines.map((l) => (l.length > o.width ? l.slice(0, o.width) : l));
}

/** `PPTP Tunnel and Session Information (Total tunnels=N sessions=M)` plus the total rate. */
export function renderHeader(t: { tunnels: number; sessions: number; rate: number }, live: boolean): string {
  const base = `PPTP Tunnel and Session Information (Total tunnels=${t.tunnels} sessions=${t.sessions})`;
  return live ? `${base}  ${rateText(t.rate)}` : base;
}
