/**
 * `--More--` paging of long command output (`pager lines N` /
 * `terminal pager N`; 0 = no paging). Pure state machine: feed it the
 * output, it says what to show now; keys release more.
 *   space = next page, Enter = next line, q (or Ctrl-C) = drop the rest.
 */
export const MORE = '<--- More --->';

export class Pager {
  private rest: string[] = [];

  /** `width`: the terminal's columns (`terminal width`); a longer line takes several rows of the page. */
  constructor(
    private readonly pageLength: () => number,
    private readonly width: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

  private rows(line: string): number {
    return Math.max(1, Math.ceil(line.length / Math.max(1, this.width())));
  }

  /** How many of `lines` fill `n` rows (at least one). */
  private fit(lines: string[], n: number): number {
    let rows = 0;
    let i = 0;
    while (i < lines.length && rows + this.rows(lines[i]) <= n) rows += this.rows(lines[i++]);
    return Math.max(1, i);
  }

  /** Is output held back waiting for a key? */
  get waiting(): boolean {
    return this.rest.length > 0;
  }

  /** Start paging `lines`; returns the lines to show at once. */
  start(lines: string[]): string[] {
    const n = this.pageLength();
    const k = n <= 0 ? lines.length : this.fit(lines, n);
    this.rest = lines.slice(k);
    return lines.slice(0, k);
  }

  /** A key while waiting; returns lines to show (empty on quit). */
  key(name: 'space' | 'enter' | 'quit'): string[] {
    if (name === 'quit') {
      this.rest = [];
      return [];
    }
    const take = name === 'space' ? this.fit(this.rest, Math.max(1, this.pageLength())) : 1;
    const out = this.rest.slice(0, take);
    this.rest = this.rest.slice(take);
    return out;
  }
}
