/**
 * The grammar's public API (what src/cli/ and src/config/ call):
 *   parseLine(line, mode)        -> a Command, nothing, or PIX error lines
 *   help(line, mode, names)      -> what `?` prints for the text before the cursor
 *   complete(line, mode, names)  -> Tab completion
 *   usage(words, mode)           -> `help CMD`
 *
 * Error texts (pix-behaviour.md A1; our decision where PIX 6.3 sources are
 * silent):
 *   unknown first word   Type help or '?' for a list of available commands.
 *   bad later word       <spaces>^            (caret under the word, column
 *                        % Invalid input detected at '^' marker.   relative
 *                        to the start of the line; the shell adds its
 *                        prompt width: `column`)
 *   ambiguous prefix     % Ambiguous command: "<line>"
 *   incomplete command   Usage: <usage lines of the commands still possible>
 *   bad byte             caret, then % Invalid character 0x01 at position 7
 * Never throws: any string (binary, 100 kB) gives a result.
 */
import type { Command, Mode } from './command.js';
import type { ConfigDecl, ConfigLine, Decl } from './declare.js';
import { CommandSet, splitWords, type NextItem } from './match.js';
import { DECLARATIONS } from './commands/index.js';
import type { NameKind } from './types.js';

export type { Command, Mode } from './command.js';
export type { ConfigLine, Decl, ConfigDecl, Slot } from './declare.js';
export { SLOTS } from './declare.js';

export type ParseResult =
  | { kind: 'ok'; command: Command; decl?: Decl }
  | { kind: 'empty' }
  | { kind: 'error'; lines: string[]; column?: number };

export const UNKNOWN_COMMAND = "Type help or '?' for a list of available commands.";
export const INVALID_INPUT = "% Invalid input detected at '^' marker.";
/** Longest line accepted (PIX console lines are far shorter). */
export const MAX_LINE_LENGTH = 1024;
/** More usage lines than this: the line is too unfinished to list them. */
const MAX_USAGE_LINES = 16;

export type LiveNames = Partial<Record<NameKind, string[]>>;

let commands: CommandSet | undefined;
/** The one compiled command set of the process. */
export function commandSet(): CommandSet {
  commands ??= new CommandSet(DECLARATIONS);
  return commands;
}

export function configDeclaration(id: string): ConfigDecl | undefined {
  const d = commandSet().declaration(id);
  return d?.kind === 'config' ? d : undefined;
}

/** Every configuration declaration with its rank (its place in DECLARATIONS). */
export function configDeclarations(): { decl: ConfigDecl; rank: number }[] {
  return commandSet()
    .decls.map((decl, rank) => ({ decl, rank }))
    .filter((x): x is { decl: ConfigDecl; rank: number } => x.decl.kind === 'config');
}

/** The first control character or invalid UTF-8 (U+FFFD) of a line. */
export function badCharacter(line: string): { index: number; text: string } | undefined {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 9) continue;
    if (c === 0xfffd) return { index: i, text: 'invalid UTF-8' };
    if (c < 32 || (c >= 0x7f && c <= 0x9f)) return { index: i, text: `invalid character 0x${c.toString(16).padStart(2, '0')}` };
    if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && i + 1 < line.length && (line.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (!pair) return { index: i, text: 'invalid UTF-16 surrogate' };
      i++;
    }
  }
  return undefined;
}

function caret(column: number, message: string): ParseResult {
  return { kind: 'error', lines: [' '.repeat(column) + '^', message], column };
}

export function formatUsage(u: string[]): string[] {
  return u.map((l, i) => (i === 0 ? 'Usage: ' : '       ') + l);
}

export function parseLine(raw: string, mode: Mode): ParseResult {
  try {
    return parseUnsafe(raw, mode);
  } catch (e) {
    return { kind: 'error', lines: ['% Internal error: ' + (e instanceof Error ? e.message : String(e))] };
  }
}

function parseUnsafe(raw: string, mode: Mode): ParseResult {
  if (raw.length > MAX_LINE_LENGTH) return { kind: 'error', lines: [`% Line too long (more than ${MAX_LINE_LENGTH} characters)`] };
  const line = raw.replace(/\r?\n$/, '');
  const bad = badCharacter(line);
  if (bad) return caret(bad.index, `% Rejected: ${bad.text} at position ${bad.index + 1}; nothing of the line was applied`);
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (trimmed.startsWith('!')) {
    return mode === 'config' ? configOk({ cmd: 'comment', args: { text: trimmed }, words: [trimmed], secret: [] }) : { kind: 'empty' };
  }
  if (mode === 'config' && (trimmed.startsWith(':') || /^cryptochecksum:/i.test(trimmed))) {
    return configOk({ cmd: 'header', args: { text: trimmed }, words: [trimmed], secret: [] });
  }
  const m = commandSet().match(line, mode);
  const words = splitWords(line);
  switch (m.kind) {
    case 'unknown':
      return { kind: 'error', lines: [UNKNOWN_COMMAND] };
    case 'ambiguous':
      return { kind: 'error', lines: [`% Ambiguous command: "${trimmed}"`] };
    case 'invalid':
      return caret(words[m.index].start, INVALID_INPUT);
    case 'incomplete':
      return { kind: 'error', lines: m.usage.length && m.usage.length <= MAX_USAGE_LINES ? formatUsage(m.usage) : ['% Incomplete command.'] };
  }
  const d = m.decl;
  if (d.kind === 'exec') return { kind: 'ok', command: d.build(m.args), decl: d };
  if (!m.negated && d.check) {
    const why = d.check(m.args);
    if (why) return { kind: 'error', lines: [why] };
  }
  // a `no` line that repeats the whole line is normalised like it (6.2 spellings)
  const l = m.whole && d.normalize ? d.normalize(m.line) : m.line;
  return { kind: 'ok', command: { kind: 'config', negate: m.negated, line: l }, decl: d };
}

function configOk(line: ConfigLine): ParseResult {
  return { kind: 'ok', command: { kind: 'config', negate: false, line } };
}

type Prepared = { ok: true; items: NextItem[]; partial: string | undefined; head: string } | { ok: false; lines: string[] };

function prepare(line: string, mode: Mode): Prepared {
  if (line.length > MAX_LINE_LENGTH) return { ok: false, lines: [`% Line too long (more than ${MAX_LINE_LENGTH} characters)`] };
  const bad = badCharacter(line);
  if (bad) return { ok: false, lines: [' '.repeat(bad.index) + '^', `% Rejected: ${bad.text} at position ${bad.index + 1}`] };
  const endsOpen = line.length === 0 || line.endsWith(' ') || line.endsWith('\t');
  let partial: string | undefined;
  let head = line;
  if (!endsOpen) {
    const words = splitWords(line);
    const last = words[words.length - 1];
    if (last) {
      partial = last.text;
      head = line.slice(0, last.start);
    }
  }
  const r = commandSet().next(head, mode);
  if (!r.ok) {
    if (r.kind === 'ambiguous') return { ok: false, lines: [`% Ambiguous command: "${line.trim()}"`] };
    const w = splitWords(head)[r.index];
    return { ok: false, lines: [' '.repeat(w.start) + '^', INVALID_INPUT] };
  }
  return { ok: true, items: r.items, partial, head };
}

/** `?`: the possible next words with one-line help. */
export function help(line: string, mode: Mode, names: LiveNames): string[] {
  const p = prepare(line, mode);
  if (!p.ok) return p.lines;
  let items = p.items;
  if (p.partial !== undefined) {
    const lp = p.partial.toLowerCase();
    const out: NextItem[] = [];
    for (const it of items) {
      if (it.keyword && it.label.startsWith(lp)) out.push(it);
      else if (!it.keyword && it.names) {
        for (const n of names[it.names] ?? []) if (n.toLowerCase().startsWith(lp)) out.push({ ...it, label: n, keyword: false });
      }
    }
    items = out;
  }
  if (items.length === 0) return ['% Unrecognized command'];
  // numbers in numeric order (40 56 128), words in code-point order (as PIX lists them)
  const byLabel = (a: NextItem, b: NextItem) =>
    /^\d+$/.test(a.label) && /^\d+$/.test(b.label) ? Number(a.label) - Number(b.label) : a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  const kws = items.filter((e) => e.keyword).sort(byLabel);
  const others = items.filter((e) => !e.keyword && e.label !== '<cr>');
  const cr = items.filter((e) => e.label === '<cr>');
  const all = [...kws, ...others, ...cr];
  const w = Math.max(...all.map((e) => e.label.length));
  return all.map((e) => (e.help ? `  ${e.label.padEnd(w)}  ${e.help}` : `  ${e.label}`));
}

/** Tab: complete a unique prefix (keyword or live name), else list candidates. */
export function complete(line: string, mode: Mode, names: LiveNames): { line: string; candidates: string[] } {
  const p = prepare(line, mode);
  if (!p.ok) return { line, candidates: [] };
  const cands: string[] = [];
  const lp = p.partial?.toLowerCase();
  const add = (s: string) => {
    if ((lp === undefined || s.toLowerCase().startsWith(lp)) && !cands.includes(s)) cands.push(s);
  };
  for (const it of p.items) {
    if (it.keyword) add(it.label);
    else if (it.names) for (const n of names[it.names] ?? []) add(it.names === 'captures' && it.label.startsWith('capture:') ? `capture:${n}` : n);
  }
  cands.sort();
  if (p.partial === undefined) return { line, candidates: cands };
  if (cands.length === 1) return { line: p.head + cands[0] + ' ', candidates: [] };
  if (cands.length === 0) return { line, candidates: [] };
  let lcp = cands[0];
  for (const c of cands) {
    let i = 0;
    while (i < lcp.length && i < c.length && lcp[i].toLowerCase() === c[i].toLowerCase()) i++;
    lcp = lcp.slice(0, i);
  }
  return { line: lcp.length > p.partial.length ? p.head + lcp : line, candidates: cands };
}

/** `help CMD`: the usage of the commands CMD names, or undefined. */
export function usage(command: string, mode: Mode): string[] | undefined {
  const u = commandSet().usageOf(command, mode);
  return u && u.length ? formatUsage(u) : undefined;
}
