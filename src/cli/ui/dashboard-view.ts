/**
 * The live dashboard over the output pane (`show vpdn live` or F2).
 *
 * It covers the output pane: the table on top, and below it the newest
 * debug/syslog lines (the console hands them over with `log()` while the
 * dashboard is up; they also stay in the output pane's scrollback), so
 * the lines a `d` turns on scroll by live under the table. Keys: Up/Down (k/j) select, PageUp/PageDown, Home/End; `c` clears
 * the selected row's tunnel after a `[confirm]` (Enter or y); `d` toggles
 * `debug vpdn event` + `debug ppp negotiation` for the selected user;
 * q, Esc or F2 leave. A one-second timer runs only while it is shown.
 */
import blessed from 'blessed';
import { Chalk } from 'chalk';
import type { Dashboard } from '../dashboard/model.js';
import { renderHeader, renderTable } from '../dashboard/render.js';

export const DASHBOARD_KEYS = 'Up/Down select  c clear tunnel  d debug user  q/Esc back';
const chalk = new Chalk({ level: 1 });
/** header, blank, column titles, message, log separator */
const FIXED_LINES = 5;

export interface DashboardViewOptions {
  /** Re-render the whole screen (the console's render()). */
  render: () => void;
  /** Called when the dashboard is left (q/Esc). */
  onClose: () => void;
  unicode: boolean;
  intervalMs?: number;
  windowMs?: number;
}

interface Key {
  name?: string;
  full?: string;
}

/** Does the terminal take UTF-8 (sparkline blocks) or only ASCII? */
export function utf8Locale(env: NodeJS.ProcessEnv = process.env): boolean {
  const l = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  return /utf-?8/i.test(l);
}

export class DashboardView {
  private readonly box: blessed.Widgets.BoxElement;
  private timer: NodeJS.Timeout | undefined;
  private message = '';
  private confirming = false;
  private top = 0;
  private recent: string[] = [];

  constructor(
    screen: blessed.Widgets.Screen,
    private readonly model: Dashboard,
    private readonly options: DashboardViewOptions,
  ) {
    this.box = blessed.box({
      parent: screen,
      top: 0,
      left: 0,
      width: '100%',
      height: '100%-2',
      tags: false,
      hidden: true,
      border: { type: 'line' },
      label: ' show vpdn live ',
      style: { border: { fg: 'cyan' } },
    });
  }

  get visible(): boolean {
    return this.timer !== undefined;
  }

  /** What the input line shows while the dashboard is up. */
  inputLine(): string {
    return this.confirming ? this.message : DASHBOARD_KEYS;
  }

  /** Asynchronous output that arrived while shown (already coloured). */
  log(lines: string[]): void {
    if (!this.visible) return;
    this.recent.push(...lines);
    if (this.recent.length > 200) this.recent.splice(0, this.recent.length - 200);
  }

  open(): void {
    if (this.visible) return;
    this.recent = [];
    this.message = '';
    this.confirming = false;
    this.model.refresh();
    this.box.show();
    this.box.setFront();
    this.draw();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  close(): void {
    if (!this.visible) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.box.hide();
    this.model.reset();
    this.options.onClose();
  }

  /** A key while shown; returns after the screen is redrawn. */
  key(ch: string | undefined, key: Key): void {
    const name = key.full ?? key.name ?? '';
    if (name === 'return') return; // blessed sends CR as 'return' then 'enter'
    if (this.confirming) {
      this.confirming = false;
      this.message = name === 'enter' || ch === 'y' || ch === 'Y' ? this.model.clearSelected() : '';
      this.draw();
      return;
    }
    const page = Math.max(1, this.rowsShown() - 1);
    switch (name) {
      case 'up':
        this.model.move(-1);
        break;
      case 'down':
        this.model.move(1);
        break;
      case 'pageup':
        this.model.move(-page);
        break;
      case 'pagedown':
        this.model.move(page);
        break;
      case 'home':
        this.model.move(-1e9);
        break;
      case 'end':
        this.model.move(1e9);
        break;
      case 'escape':
      case 'f2':
      case 'C-c':
        this.close();
        return;
      default:
        if (ch === 'q' || ch === 'Q') {
          this.close();
          return;
        }
        if (ch === 'k') this.model.move(-1);
        else if (ch === 'j') this.model.move(1);
        else if (ch === 'c') {
          const r = this.model.selected();
          if (r) {
            this.confirming = true;
            this.message = `Clear tunnel ${r.tunnelId}${r.user ? ` (${r.user})` : ''}? [confirm]`;
          } else this.message = '% No active PPTP tunnels';
        } else if (ch === 'd') this.message = this.model.toggleDebugSelected();
    }
    this.draw();
  }

  /** Redraw after a resize. */
  resize(): void {
    if (this.visible) this.draw();
  }

  private tick(): void {
    this.model.refresh();
    this.draw();
  }

  private inner(): number {
    return Math.max(6, (this.box.height as number) - 2);
  }

  /** Table rows on screen: up to 60% of the box, the rest is the log. */
  private rowsShown(): number {
    const free = this.inner() - FIXED_LINES;
    return Math.max(1, Math.min(Math.max(1, this.model.rows.length), Math.floor(free * 0.6)));
  }

  private draw(): void {
    const width = Math.max(20, (this.box.width as number) - 2);
    const rows = this.model.rows;
    const sel = this.model.selectedIndex();
    const n = this.rowsShown();
    if (sel >= 0 && sel < this.top) this.top = sel;
    if (sel >= this.top + n) this.top = sel - n + 1;
    this.top = Math.max(0, Math.min(this.top, Math.max(0, rows.length - n)));
    const table = renderTable(rows.slice(this.top, this.top + n), sel - this.top, {
      width,
      live: true,
      unicode: this.options.unicode,
      now: this.model.sampledAt,
      windowMs: this.options.windowMs,
    });
    const lines = [renderHeader(this.model.totals(), true), ''];
    lines.push(chalk.bold(table[0]));
    if (rows.length === 0) lines.push(' % No active PPTP tunnels');
    for (let i = 1; i < table.length; i++) lines.push(i - 1 === sel - this.top ? chalk.inverse(table[i].padEnd(width)) : table[i]);
    while (lines.length < n + 3) lines.push('');
    const more = rows.length > n ? `rows ${this.top + 1}-${Math.min(rows.length, this.top + n)} of ${rows.length}  ` : '';
    lines.push(more + (this.confirming ? '' : this.message));
    lines.push(chalk.cyan('-- debug and syslog, newest last '.padEnd(width, '-')));
    const room = this.inner() - lines.length;
    const tail = room > 0 ? this.recent.slice(-room) : [];
    lines.push(...tail.map((l) => (l.length > width * 2 ? l.slice(0, width * 2) : l)));
    this.box.setContent(lines.join('\n'));
    this.options.render();
  }
}
