/**
 * Output modifiers after a show command, as PIX 6.3 and IOS take them:
 *
 *   show ... | include REGEX    lines that match        (i, in, inc ...)
 *   show ... | exclude REGEX    lines that do not match (e, ex, exc ...)
 *   show ... | begin REGEX      from the first match on (b, be, beg ...)
 *   show ... | grep [-v] REGEX  PIX's own: include, or exclude with -v
 *
 * The regular expression is the rest of the line, spaces included (as on
 * a PIX), and matches anywhere in a line.
 */

export type OutputFilter = (lines: string[]) => string[];

const MODIFIERS = [
  { name: 'begin', help: 'Begin with the line that matches' },
  { name: 'exclude', help: 'Exclude lines that match' },
  { name: 'grep', help: 'Include (or with -v exclude) lines that match' },
  { name: 'include', help: 'Include lines that match' },
] as const;

/** The command before ` | ` and the modifier text after it, or undefined without one. */
export function splitAtPipe(line: string): { command: string; modifier: string; modifierAt: number } | undefined {
  const at = line.indexOf(' | ');
  if (at < 0) return undefined;
  const rest = line.slice(at + 3);
  return { command: line.slice(0, at), modifier: rest.trimStart(), modifierAt: at + 3 + (rest.length - rest.trimStart().length) };
}

/**
 * Parse `include REGEX` (etc.). On failure `at` is the offset in `text`
 * of what is wrong, for the PIX's `^` marker.
 */
export function parseOutputFilter(text: string): { ok: true; filter: OutputFilter } | { ok: false; at: number } {
  const word = /^\S+/.exec(text)?.[0] ?? '';
  const matches = MODIFIERS.filter((m) => word !== '' && m.name.startsWith(word.toLowerCase()));
  if (matches.length !== 1) return { ok: false, at: 0 };
  let kind: string = matches[0].name;
  let at = word.length;
  let pattern = text.slice(at).trim();
  if (kind === 'grep' && /^-v(\s|$)/.test(pattern)) {
    kind = 'exclude';
    at = text.indexOf('-v') + 2;
    pattern = text.slice(at).trim();
  } else if (kind === 'grep') kind = 'include';
  const patternAt = pattern === '' ? text.length : text.indexOf(pattern, at);
  if (pattern === '') return { ok: false, at: patternAt };
  let re: RegExp;
  try {
    re = new RegExp(pattern);
  } catch {
    return { ok: false, at: patternAt };
  }
  switch (kind) {
    case 'include':
      return { ok: true, filter: (lines) => lines.filter((l) => re.test(l)) };
    case 'exclude':
      return { ok: true, filter: (lines) => lines.filter((l) => !re.test(l)) };
    default: {
      return {
        ok: true,
        filter: (lines) => {
          const first = lines.findIndex((l) => re.test(l));
          return first < 0 ? [] : lines.slice(first);
        },
      };
    }
  }
}

/** `?` after the pipe: the modifiers that start with what was typed. */
export function outputFilterHelp(typed: string): string[] {
  const [, word, space] = /^(\S*)(\s?)/.exec(typed)!;
  if (space) return ['  LINE  Regular expression'];
  return MODIFIERS.filter((m) => m.name.startsWith(word.toLowerCase())).map((m) => `  ${m.name.padEnd(9)}${m.help}`);
}
