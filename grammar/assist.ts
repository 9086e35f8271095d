/**
 * Cisco ergonomics over the grammar, in one place (codebases.md practice
 * 12): unique-prefix abbreviation, ambiguity, `?` help and Tab completion.
 *
 * At each word the parser's content assist (`computeContentAssist`) says
 * which token types may come next; the word is then
 *   1. kept when it is exactly an allowed keyword,
 *   2. kept when a name/number/address placeholder accepts it (names beat
 *      keyword prefixes: `aaa-server RADIUS ...` is a tag, not an
 *      abbreviation of `radius-authport`),
 *   3. retagged to the keyword when it is a unique prefix of one allowed
 *      keyword (`sh` -> show, `encrypt` -> encryption),
 *   4. ambiguous when it prefixes several,
 *   5. kept as a verbatim tail word when only a tail is allowed,
 *   6. otherwise invalid (the caret points at it).
 */
import { tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import type { Mode } from './command.js';
import { KEYWORD_HELP, PLACEHOLDER_HELP, USAGE } from './help.js';
import { eolToken, lexWords, makeToken } from './lexer.js';
import { pixParser } from './parser.js';
import * as T from './tokens.js';

export interface LiveNames {
  groups: string[];
  pools: string[];
  aaaGroups: string[];
  users: string[];
  interfaces: string[];
  /** Capture names (`show capture`, `no capture`); optional for older callers. */
  captures?: string[];
}

export type Resolution =
  | { ok: true; tokens: IToken[] }
  | { ok: false; error: 'invalid'; index: number; token: IToken }
  | { ok: false; error: 'ambiguous' };

type TokenTypeX = TokenType & { tokenTypeIdx: number; categoryMatchesMap?: Record<number, boolean> };

function isCategoryWithWords(t: TokenType): boolean {
  const m = (t as TokenTypeX).categoryMatchesMap;
  return !!m && m[(T.Word as TokenTypeX).tokenTypeIdx] === true;
}

const keywordMembersCache = new Map<TokenType, TokenType[]>();
/** Concrete keywords an allowed type stands for: itself, or the keyword
 *  members of a closed category (Level -> debugging ..., MppeBits -> auto). */
function keywordMembers(t: TokenType): TokenType[] {
  if (T.keywordOf(t) !== undefined) return [t];
  let r = keywordMembersCache.get(t);
  if (r) return r;
  const m = (t as TokenTypeX).categoryMatchesMap ?? {};
  r = isCategoryWithWords(t) ? [] : T.KEYWORD_TYPES.filter((k) => m[(k as TokenTypeX).tokenTypeIdx] === true);
  keywordMembersCache.set(t, r);
  return r;
}

/** Allowed keyword types whose text starts with `prefix` (lower case). */
function prefixMatches(allowed: TokenType[], prefix: string): TokenType[] {
  const out: TokenType[] = [];
  for (const t of allowed) {
    for (const k of keywordMembers(t)) {
      if (T.keywordOf(k)!.startsWith(prefix) && !out.includes(k)) out.push(k);
    }
  }
  return out;
}

/** Commands that win a shared prefix of two or more letters, as on Cisco
 *  (`sh` is show even though `shun` exists). */
const PREFERRED = new Set(['show', 'write', 'configure', 'terminal', 'interface']);

/** Resolve abbreviations of `words` (no Eol) against `mode`'s grammar. */
export function resolveWords(words: IToken[], mode: Mode): Resolution {
  const parser = pixParser();
  const out: IToken[] = [];
  for (let i = 0; i < words.length; i++) {
    const tok = words[i];
    const allowed = parser.nextTokenTypes(mode, out).types;
    const r = classify(tok, allowed);
    if (r === 'ambiguous') return { ok: false, error: 'ambiguous' };
    if (r === undefined) return { ok: false, error: 'invalid', index: i, token: tok };
    out.push(r);
  }
  return { ok: true, tokens: out };
}

function classify(tok: IToken, allowed: TokenType[]): IToken | 'ambiguous' | undefined {
  if (allowed.length === 0) return undefined;
  let tailAllowed = false;
  for (const t of allowed) {
    if (t === T.Tail) {
      tailAllowed = true;
      continue;
    }
    if (t === T.Eol) continue;
    if (tokenMatcher(tok, t)) {
      // exact keyword, or a value some placeholder accepts
      if (T.keywordOf(t) !== undefined || !isCategoryWithWords(t) || T.keywordOf(tok.tokenType) === undefined) return tok;
    }
  }
  // a keyword word standing in a name position
  for (const t of allowed) if (t !== T.Tail && isCategoryWithWords(t) && tokenMatcher(tok, t)) return tok;
  let cands = prefixMatches(allowed, tok.image.toLowerCase());
  if (cands.length > 1) {
    // `ev` -> event: singular/plural spellings of one keyword are not ambiguous
    const shortest = cands.find((c) => cands.every((o) => o === c || T.keywordOf(o) === T.keywordOf(c) + 's'));
    if (shortest) cands = [shortest];
  }
  if (cands.length > 1 && tok.image.length >= 2) {
    const preferred = cands.filter((c) => PREFERRED.has(T.keywordOf(c)!));
    if (preferred.length === 1) cands = preferred;
  }
  if (cands.length === 1) return makeToken(cands[0], tok.image, tok.startOffset);
  if (cands.length > 1) return 'ambiguous';
  if (tailAllowed) return tok;
  return undefined;
}

/** Usage of the innermost rule every continuation passes through (so
 *  `show` gives show's usage, `vpdn group 1 ppp` the ppp lines). */
export function usageFor(stacks: string[][]): string[] | undefined {
  if (stacks.length === 0) return undefined;
  let common = stacks[0].length;
  for (const s of stacks) {
    let i = 0;
    while (i < common && i < s.length && s[i] === stacks[0][i]) i++;
    common = i;
  }
  for (let d = common - 1; d >= 0; d--) {
    const u = USAGE[stacks[0][d]];
    if (u) return u;
  }
  return undefined;
}

export function formatUsage(u: string[]): string[] {
  return u.map((l, i) => (i === 0 ? 'Usage: ' : '       ') + l);
}

type Entry = [string, string];

function entriesFor(t: TokenType, names: LiveNames | undefined, partial: string | undefined): Entry[] {
  if (t === T.Eol) return partial === undefined ? [['<cr>', '']] : [];
  const kwText = T.keywordOf(t);
  if (kwText !== undefined) {
    return partial === undefined || kwText.startsWith(partial.toLowerCase()) ? [[kwText, KEYWORD_HELP[kwText] ?? '']] : [];
  }
  const out: Entry[] = [];
  for (const k of keywordMembers(t)) out.push(...entriesFor(k, names, partial));
  const ph = PLACEHOLDER_HELP[t.name];
  if (partial === undefined) {
    if (ph) out.push(ph);
  } else if (names) {
    for (const n of liveNamesFor(t, names)) if (n.toLowerCase().startsWith(partial.toLowerCase())) out.push([n, ph?.[1] ?? '']);
  }
  return out;
}

function liveNamesFor(t: TokenType, names: LiveNames): string[] {
  switch (t) {
    case T.GroupName: return names.groups;
    case T.PoolName: return names.pools;
    case T.AaaTag: return names.aaaGroups;
    case T.UserName: return names.users;
    case T.IfName: return names.interfaces;
    case T.ParenIf: return names.interfaces.map((n) => `(${n})`);
    case T.CaptureName: return names.captures ?? [];
    case T.CaptureRef: return (names.captures ?? []).map((n) => `capture:${n}`);
    default: return [];
  }
}

type Prepared =
  | { ok: true; allowed: TokenType[]; partial: string | undefined; head: string }
  | { ok: false; lines: string[] };

/** Longest line help/Tab look at (parseLine has the same limit). */
const MAX_ASSIST_LINE = 1024;

function prepare(line: string, mode: Mode): Prepared {
  if (line.length > MAX_ASSIST_LINE) return { ok: false, lines: [`% Line too long (more than ${MAX_ASSIST_LINE} characters)`] };
  const endsOpen = line.length === 0 || line.endsWith(' ') || line.endsWith('\t');
  const words = lexWords(line);
  let partial: string | undefined;
  let head = line;
  if (!endsOpen && words.length > 0) {
    const last = words.pop()!;
    partial = last.image;
    head = line.slice(0, last.startOffset);
  }
  const r = resolveWords(words, mode);
  if (!r.ok) {
    if (r.error === 'ambiguous') return { ok: false, lines: [`% Ambiguous command: "${line.trim()}"`] };
    return { ok: false, lines: [' '.repeat(r.token.startOffset) + '^', "% Invalid input detected at '^' marker."] };
  }
  return { ok: true, allowed: pixParser().nextTokenTypes(mode, r.tokens).types, partial, head };
}

/** `?`: the possible next words with one-line help. */
export function help(line: string, mode: Mode, names: LiveNames): string[] {
  const p = prepare(line, mode);
  if (!p.ok) return p.lines;
  const entries: Entry[] = [];
  for (const t of p.allowed) for (const e of entriesFor(t, names, p.partial)) if (!entries.some((x) => x[0] === e[0])) entries.push(e);
  if (entries.length === 0) return ["% Unrecognized command"];
  const keywords = entries.filter((e) => /^[a-z]/i.test(e[0]) && !PLACEHOLDER_LABELS.has(e[0]));
  const others = entries.filter((e) => !keywords.includes(e) && e[0] !== '<cr>');
  keywords.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const cr = entries.filter((e) => e[0] === '<cr>');
  const all = [...keywords, ...others, ...cr];
  const w = Math.max(...all.map((e) => e[0].length));
  return all.map(([n, h]) => (h ? `  ${n.padEnd(w)}  ${h}` : `  ${n}`));
}

const PLACEHOLDER_LABELS = new Set(Object.values(PLACEHOLDER_HELP).map((p) => p[0]));

/** Tab: complete a unique prefix (keyword or live name), else list candidates. */
export function complete(line: string, mode: Mode, names: LiveNames): { line: string; candidates: string[] } {
  const p = prepare(line, mode);
  if (!p.ok) return { line, candidates: [] };
  const cands: string[] = [];
  const add = (s: string) => {
    if (!cands.includes(s)) cands.push(s);
  };
  const partial = p.partial;
  for (const t of p.allowed) {
    for (const k of keywordMembers(t)) {
      const kt = T.keywordOf(k)!;
      if (partial === undefined || kt.startsWith(partial.toLowerCase())) add(kt);
    }
    for (const n of liveNamesFor(t, names)) {
      if (partial === undefined || n.toLowerCase().startsWith(partial.toLowerCase())) add(n);
    }
  }
  cands.sort();
  if (partial === undefined) return { line, candidates: cands };
  if (cands.length === 1) return { line: p.head + cands[0] + ' ', candidates: [] };
  if (cands.length === 0) return { line, candidates: [] };
  // extend to the longest common prefix
  let lcp = cands[0];
  for (const c of cands) {
    let i = 0;
    while (i < lcp.length && i < c.length && lcp[i].toLowerCase() === c[i].toLowerCase()) i++;
    lcp = lcp.slice(0, i);
  }
  const extended = lcp.length > partial.length ? p.head + lcp : line;
  return { line: extended, candidates: cands };
}

export { eolToken };
