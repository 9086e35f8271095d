/**
 * The running-config as a list of lines, kept the way each line's
 * declaration says (grammar/declare.ts):
 *   - a singleton (a declaration with `key`) replaces the line with the same
 *     key in place; a list member joins at the end (an identical line is
 *     kept once);
 *   - `no` removes exactly its line, or with `noFrom` every line of the
 *     declaration that agrees with what it gives, or (`noOnly`) every line
 *     whose text starts with its own;
 *   - a password the declaration `hashes` is stored as its PIX hash;
 *   - a secret equal to the mask `********` (what `show running-config`
 *     prints) never replaces a real one: the current secret is kept and the
 *     user told, or the line is refused when there is none to keep.
 * Each change is checked by deriving the typed view (project.ts): a line
 * that cannot apply, or that would leave another line without effect,
 * changes nothing; a removal that does so is applied and warned.
 */
import { configDeclaration, configDeclarations, parseLine, SLOTS, type ConfigDecl, type ConfigLine } from '../../grammar/index.js';
import { PIX_HASH_RE, pixHash } from './pix-hash.js';
import { project } from './project.js';
import type { Entry, Origin, RunningConfig } from './running.js';

export const MASK = '********';
const MAX_CLEAR_PASSWORD = 16;

export type ApplyResult = { ok: true; config: RunningConfig; messages: string[] } | { ok: false; lines: string[] };

export function lineText(l: ConfigLine): string {
  return l.words.join(' ');
}

export function entryText(e: Entry): string {
  return lineText(e.line);
}

function keyOf(d: ConfigDecl, l: ConfigLine): string {
  return d.key ? d.key(l.args) : 'line:' + lineText(l);
}

// ---- write order ------------------------------------------------------------------

interface Rank {
  slot: number;
  block: number;
  rank: number;
  /** keys of the declaration's defaults, in the order they are written */
  defaultKeys: string[];
}

let ranks: Map<string, Rank> | undefined;
/** A default line (parsed once), written where no entry has its key. */
export interface DefaultLine {
  cmd: string;
  key: string;
  text: string;
}
let defaultLines: DefaultLine[] | undefined;

function rankTable(): Map<string, Rank> {
  if (ranks) return ranks;
  ranks = new Map();
  const blocks = new Map<string, number>();
  const defaults: DefaultLine[] = [];
  for (const { decl, rank } of configDeclarations()) {
    const blockId = decl.groupBy ? `${decl.slot}/${decl.groupBy}` : `#${decl.id}`;
    if (!blocks.has(blockId)) blocks.set(blockId, rank);
    const defaultKeys: string[] = [];
    for (const text of decl.defaults ?? []) {
      const r = parseLine(text, 'config');
      if (r.kind !== 'ok' || r.command.kind !== 'config') throw new Error(`default line does not parse: ${text}`);
      const key = keyOf(decl, r.command.line);
      defaultKeys.push(key);
      defaults.push({ cmd: decl.id, key, text });
    }
    ranks.set(decl.id, { slot: SLOTS.indexOf(decl.slot), block: blocks.get(blockId)!, rank, defaultKeys });
  }
  defaultLines = defaults;
  return ranks;
}

export function defaults(): DefaultLine[] {
  rankTable();
  return defaultLines!;
}

type Sortable = { cmd: string; key: string; index: number; group?: string; before?: string };

/** Sort keys in write order: slot, block, group (first seen), declaration,
 *  then the defaults' order or entry order. Comments lead their slot. */
function sortKey(x: Sortable, groupIndex: Map<string, number>): number[] {
  const table = rankTable();
  if (x.cmd === 'comment') {
    const slot = SLOTS.indexOf((x.before ?? 'other') as (typeof SLOTS)[number]);
    return [slot < 0 ? SLOTS.indexOf('other') : slot, -1, 0, 0, x.index];
  }
  const r = table.get(x.cmd);
  if (!r) return [SLOTS.indexOf('other'), Number.MAX_SAFE_INTEGER, 0, 0, x.index];
  const d = r.defaultKeys.indexOf(x.key);
  const g = x.group === undefined ? 0 : groupIndex.get(`${r.block}/${x.group}`)!;
  return [r.slot, r.block, g, r.rank, d >= 0 ? d : r.defaultKeys.length + x.index];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function sortable(e: Entry, index: number): Sortable {
  const d = configDeclaration(e.line.cmd);
  const group = d?.groupBy !== undefined ? String(e.line.args[d.groupBy]) : undefined;
  return { cmd: e.line.cmd, key: e.key, index, group, before: e.before };
}

/** Entries and the defaults not overridden, in the order `show running-config` writes them. */
export function writeOrder(entries: Entry[]): ({ entry: Entry } | { default: DefaultLine })[] {
  const table = rankTable();
  const groupIndex = new Map<string, number>();
  const items: { s: Sortable; v: { entry: Entry } | { default: DefaultLine } }[] = [];
  entries.forEach((e, i) => {
    const s = sortable(e, i);
    const r = table.get(s.cmd);
    if (r && s.group !== undefined && !groupIndex.has(`${r.block}/${s.group}`)) groupIndex.set(`${r.block}/${s.group}`, groupIndex.size);
    items.push({ s, v: { entry: e } });
  });
  const keys = new Set(entries.map((e) => e.key));
  for (const d of defaults()) if (!keys.has(d.key)) items.push({ s: { cmd: d.cmd, key: d.key, index: -1 }, v: { default: d } });
  const keyed = items.map((x) => ({ k: sortKey(x.s, groupIndex), v: x.v }));
  keyed.sort((a, b) => compare(a.k, b.k));
  return keyed.map((x) => x.v);
}

/** The entries in write order (the fold order of project.ts). */
export function orderedEntries(entries: Entry[]): Entry[] {
  return writeOrder(entries).flatMap((x) => ('entry' in x ? [x.entry] : []));
}

// ---- deriving the typed view ----------------------------------------------------------

/** A running-config from entries; `focus` are the lines just added: their
 *  failures are errors, the others' new failures warnings. */
export function derive(entries: Entry[], focus: Entry[] = [], before?: RunningConfig): { config?: RunningConfig; errors: string[]; warnings: string[] } {
  const p = project(orderedEntries(entries));
  const errors: string[] = [];
  const warnings: string[] = [];
  const failing: string[] = [];
  const known = new Set(before?.failing ?? []);
  for (const f of p.failures) {
    if (focus.includes(f.entry)) errors.push(f.why);
    else if (known.has(f.entry.key)) failing.push(f.entry.key);
    // a new line may not break one already there (a removal may: it is warned)
    else if (focus.length) errors.push(`ERROR: "${entryText(f.entry)}" would lose its effect (${f.why.replace(/^ERROR:\s*/, '')}); change or remove it first`);
    else {
      failing.push(f.entry.key);
      warnings.push(`Warning: "${entryText(f.entry)}" has no effect: ${f.why.replace(/^ERROR:\s*/, '')}`);
    }
  }
  if (errors.length) return { errors, warnings: [] };
  return { config: { ...p.config, entries, ...(failing.length ? { failing } : {}) }, errors, warnings };
}

// ---- applying one line -------------------------------------------------------------------

/** The current value of secret `arg` in the entry with `key`, if any. */
function currentSecret(entries: Entry[], key: string, arg: string): string | undefined {
  const e = entries.find((x) => x.key === key);
  const v = e?.line.args[arg];
  return v === undefined ? undefined : String(v);
}

function setWord(l: ConfigLine, at: number, arg: string, value: string): ConfigLine {
  const words = l.words.slice();
  words[at] = value;
  return { ...l, words, args: { ...l.args, [arg]: value } };
}

/** Masked and hashed secrets of a line about to be stored. */
function settleSecrets(d: ConfigDecl, l: ConfigLine, key: string, entries: Entry[]): { line: ConfigLine; warnings: string[] } | { error: string } {
  const warnings: string[] = [];
  let line = l;
  for (const s of l.secret) {
    const value = String(line.args[s.arg]);
    const current = currentSecret(entries, key, s.arg);
    if (value === MASK) {
      if (current === undefined) {
        return { error: `ERROR: "${MASK}" is the mask show running-config prints, not a secret; type the real one (nothing changed)` };
      }
      warnings.push(`Warning: "${MASK}" is the mask show running-config prints; the current ${s.arg.replace(/_/g, ' ')} of "${key}" is kept`);
      line = setWord(line, s.at, s.arg, current);
    } else if (d.hashes !== s.arg && current !== undefined && value !== current && PIX_HASH_RE.test(value) && pixHash(current) === value) {
      warnings.push(`Warning: ${value} is the PIX hash of the current ${s.arg.replace(/_/g, ' ')}; the clear one is kept (MS-CHAP needs it)`);
      line = setWord(line, s.at, s.arg, current);
    }
  }
  if (d.hashes) {
    const s = line.secret.find((x) => x.arg === d.hashes);
    if (s) {
      const value = String(line.args[s.arg]);
      if (line.args.encrypted === true) {
        if (!PIX_HASH_RE.test(value)) return { error: 'ERROR: Invalid encrypted password (16 characters of ./0-9A-Za-z expected)' };
      } else {
        if (value.length > MAX_CLEAR_PASSWORD) return { error: `ERROR: Password must be ${MAX_CLEAR_PASSWORD} characters or less` };
        line = setWord(line, s.at, s.arg, pixHash(value, d.hashSalt === undefined ? '' : String(line.args[d.hashSalt])));
        line = { ...line, words: [...line.words.slice(0, s.at + 1), 'encrypted', ...line.words.slice(s.at + 1)], args: { ...line.args, encrypted: true } };
      }
      // a hash is shown as it is, as on a PIX
      line = { ...line, secret: line.secret.filter((x) => x !== s) };
    }
  }
  return { line, warnings };
}

/** Does entry `e` agree with every argument the `no` line gives? */
function agrees(e: Entry, no: ConfigLine): boolean {
  for (const [k, v] of Object.entries(no.args)) if (e.line.args[k] !== v) return false;
  return true;
}

function removeFor(entries: Entry[], d: ConfigDecl, no: ConfigLine): Entry[] {
  const text = lineText(no);
  if (d.noOnly) return entries.filter((e) => { const t = entryText(e); return t !== text && !t.startsWith(text + ' '); });
  if (d.noFrom !== undefined) return entries.filter((e) => !(e.line.cmd === no.cmd && agrees(e, no)));
  return entries.filter((e) => !(e.line.cmd === no.cmd && entryText(e) === text));
}

export function applyLine(rc: RunningConfig, line: ConfigLine, negate: boolean, origin: Origin = 'user', before?: string): ApplyResult {
  if (line.cmd === 'header' || line.cmd === 'pix-version') return { ok: true, config: rc, messages: [] };
  if (line.cmd === 'comment') {
    const e: Entry = { line, key: `comment:${rc.entries.length}:${lineText(line)}`, origin, ...(before !== undefined ? { before } : {}) };
    return { ok: true, config: { ...rc, entries: [...rc.entries, e] }, messages: [] };
  }
  const d = configDeclaration(line.cmd);
  if (!d) return { ok: false, lines: [`ERROR: ${line.cmd} is not a configuration command`] };
  let entries = rc.entries;
  const messages: string[] = [];
  const added: Entry[] = [];
  if (negate) {
    entries = removeFor(entries, d, line);
    if (entries.length === rc.entries.length) return { ok: true, config: rc, messages: [] };
  } else {
    entries = entries.slice();
    for (const typed of d.split ? d.split(line) : [line]) {
      const key = keyOf(d, typed);
      const old = d.merge ? entries.find((x) => x.key === key) : undefined;
      const piece = old && d.normalize ? d.normalize({ ...typed, args: { ...old.line.args, ...typed.args } }) : typed;
      const s = settleSecrets(d, piece, key, entries);
      if ('error' in s) return { ok: false, lines: [s.error] };
      messages.push(...s.warnings);
      const e: Entry = { line: s.line, key, origin };
      const at = entries.findIndex((x) => x.key === key);
      if (at >= 0) entries[at] = e;
      else entries.push(e);
      added.push(e);
    }
  }
  const r = derive(entries, added, rc);
  if (!r.config) return { ok: false, lines: r.errors };
  return { ok: true, config: r.config, messages: [...messages, ...r.warnings] };
}

/** Remove every entry whose text starts with `prefix` (`clear vpdn`). */
export function removeLines(rc: RunningConfig, prefix: string): { config: RunningConfig; removed: number } {
  const entries = rc.entries.filter((e) => { const t = entryText(e); return t !== prefix && !t.startsWith(prefix + ' '); });
  const r = derive(entries, [], rc);
  return { config: r.config ?? rc, removed: rc.entries.length - entries.length };
}

export function emptyRunningConfig(): RunningConfig {
  return derive([]).config!;
}
