/**
 * The input line of the interactive console: text + cursor + history
 * browsing (Emacs-style keys as on a PIX/IOS console). Pure; the blessed
 * console maps keys onto these methods.
 */
export class LineEditor {
  text = '';
  cursor = 0;
  /** Index into history while browsing (history.length = the new line). */
  private browse = -1;
  private draft = '';

  constructor(private readonly history: () => string[], private readonly maxLength = 1024) {}

  insert(s: string): void {
    // eslint-disable-next-line no-control-regex
    const clean = s.replace(/[\u0000-\u001f\u007f]/g, '');
    const room = this.maxLength - this.text.length;
    if (room <= 0 || clean === '') return;
    const add = clean.slice(0, room);
    this.text = this.text.slice(0, this.cursor) + add + this.text.slice(this.cursor);
    this.cursor += add.length;
  }

  backspace(): void {
    if (this.cursor === 0) return;
    this.text = this.text.slice(0, this.cursor - 1) + this.text.slice(this.cursor);
    this.cursor--;
  }

  deleteForward(): void {
    this.text = this.text.slice(0, this.cursor) + this.text.slice(this.cursor + 1);
  }

  left(): void {
    this.cursor = Math.max(0, this.cursor - 1);
  }

  right(): void {
    this.cursor = Math.min(this.text.length, this.cursor + 1);
  }

  home(): void {
    this.cursor = 0;
  }

  end(): void {
    this.cursor = this.text.length;
  }

  /** Ctrl-U: kill the whole line. */
  kill(): void {
    this.set('');
  }

  /** Ctrl-W: delete the word before the cursor. */
  killWord(): void {
    const before = this.text.slice(0, this.cursor).replace(/\S+\s*$/, '');
    this.text = before + this.text.slice(this.cursor);
    this.cursor = before.length;
  }

  set(text: string): void {
    this.text = text;
    this.cursor = text.length;
    this.browse = -1;
  }

  /** Take the line (Enter) and reset. */
  take(): string {
    const t = this.text;
    this.set('');
    return t;
  }

  /** Up arrow: older history entry. */
  up(): void {
    const h = this.history();
    if (h.length === 0) return;
    if (this.browse === -1) {
      this.draft = this.text;
      this.browse = h.length;
    }
    if (this.browse > 0) this.browse--;
    this.text = h[this.browse];
    this.cursor = this.text.length;
  }

  /** Down arrow: newer entry, then back to the draft. */
  down(): void {
    const h = this.history();
    if (this.browse === -1) return;
    this.browse++;
    if (this.browse >= h.length) {
      const d = this.draft;
      this.set(d);
      return;
    }
    this.text = h[this.browse];
    this.cursor = this.text.length;
  }
}
