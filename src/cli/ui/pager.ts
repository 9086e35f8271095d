/**
 * `--More--` paging of long command output (`pager lines N` /
 * `terminal pager N`; 0 = no paging). Pure state machine: feed it the
 * output, it says what to show now; keys release more.
 *   space = next page, Enter = next line, q (or Ctrl-C) = drop the rest.
 */
export const MORE = '<--- More --->';

export class Pager {
  private rest: string[] = [];

  constructor(private readonly pageLength: () => number) {}

  /** Is output held back waiting for a key? */
  get waiting(): boolean {
    return this.rest.length > 0;
  }

  /** Start paging `lines`; returns the lines to show at once. */
  start(lines: string[]): string[] {
    const n = this.pageLength();
    if (n <= 0 || lines.length <= n) {
      this.rest = [];
      return lines;
    }
    this.rest = lines.slice(n);
    return lines.slice(0, n);
  }

  /** A key while waiting; returns lines to show (empty on quit). */
  key(name: 'space' | 'enter' | 'quit'): string[] {
    if (name === 'quit') {
      this.rest = [];
      return [];
    }
    const take = name === 'space' ? Math.max(1, this.pageLength()) : 1;
    const out = this.rest.slice(0, take);
    this.rest = this.rest.slice(take);
    return out;
  }
}
