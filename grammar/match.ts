/**
 * The matcher: every declaration's automaton walked at once, word by word,
 * with Cisco ergonomics (codebases.md practice 12). At each word the live
 * declarations say what may come next; the word is
 *   1. that keyword, when it is spelled out;
 *   2. an argument, when an argument type there takes it (names beat
 *      keyword prefixes: `aaa-server RADIUS` is a tag, not an abbreviation
 *      of `radius-authport`);
 *   3. the keyword it is a unique prefix of (`sh` -> show, `encrypt` ->
 *      encryption); `sh` wins for show over shun, as on Cisco;
 *   4. ambiguous when it prefixes several keywords;
 *   5. otherwise invalid: the caret goes under it.
 * `?`, Tab and the usage of an incomplete line read the same live set.
 */
import type { Mode } from './command.js';
import type { Args, ConfigLine, Decl } from './declare.js';
import { compile, usageText, type Automaton, type Step } from './spec.js';
import { formatArg, type ArgValue, type NameKind } from './types.js';

export interface Word {
  text: string;
  start: number;
}

export function splitWords(line: string): Word[] {
  const out: Word[] = [];
  const re = /[^ \t]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push({ text: m[0], start: m.index });
  return out;
}

interface Compiled {
  decl: Decl;
  auto: Automaton;
  rank: number;
  usage: string[];
}

interface PathNode {
  prev: PathNode | undefined;
  step: Step;
  value: ArgValue;
}

interface Thread {
  c: Compiled;
  s: number;
  path: PathNode | undefined;
  neg: boolean;
  /** a `no` form may end here (past the declaration's noFrom) */
  noOk: boolean;
  /** a rest-of-line argument took the remaining words */
  done: boolean;
}

export type MatchResult =
  | { kind: 'ok'; decl: Decl; negated: boolean; args: Args; line: ConfigLine; /** the whole syntax was given (not a short `no`) */ whole: boolean }
  | { kind: 'unknown' }
  | { kind: 'invalid'; index: number }
  | { kind: 'ambiguous' }
  | { kind: 'incomplete'; usage: string[] };

/** What may come after the words typed so far. */
export interface NextItem {
  /** keyword text, argument label, or `<cr>` */
  label: string;
  help: string;
  keyword: boolean;
  names?: NameKind;
}

/** Commands that win a shared prefix of two or more letters, as on Cisco. */
const PREFERRED = new Set(['show', 'write', 'configure', 'terminal', 'interface']);

function stepName(st: Step): string {
  return st.t === 'arg' ? st.name : st.capture ?? '+' + st.text;
}

function usesName(p: PathNode | undefined, name: string): boolean {
  for (; p; p = p.prev) if (stepName(p.step) === name) return true;
  return false;
}

export class CommandSet {
  private readonly byMode = new Map<Mode, Compiled[]>();
  /** The declarations of a mode by the exact first word they start with. */
  private readonly byFirst = new Map<Mode, Map<string, Compiled[]>>();
  readonly decls: Decl[];

  constructor(decls: Decl[]) {
    this.decls = decls;
    const ids = new Set<string>();
    decls.forEach((decl, rank) => {
      if (ids.has(decl.id)) throw new Error(`duplicate declaration id ${decl.id}`);
      ids.add(decl.id);
      const auto = compile(decl.syntax);
      const usage = decl.usage ?? [usageLine(decl)];
      const c: Compiled = { decl, auto, rank, usage };
      for (const m of decl.modes) {
        let list = this.byMode.get(m);
        if (!list) this.byMode.set(m, (list = []));
        list.push(c);
        let index = this.byFirst.get(m);
        if (!index) this.byFirst.set(m, (index = new Map()));
        for (const f of new Set(auto.first)) {
          const at = index.get(f) ?? [];
          at.push(c);
          index.set(f, at);
        }
      }
    });
  }

  /** Threads at the start of every declaration that may take `first`
   *  (an exact keyword narrows them; a prefix keeps them all). */
  private starts(mode: Mode, negated: boolean, first?: Word): Thread[] {
    const exact = first && this.byFirst.get(mode)?.get(first.text.toLowerCase());
    const list = exact || (this.byMode.get(mode) ?? []);
    const out: Thread[] = [];
    for (const c of list) {
      const d = c.decl;
      if (negated ? d.kind !== 'config' || d.noNever : d.kind === 'config' && d.noOnly) continue;
      out.push({ c, s: c.auto.start, path: undefined, neg: negated, noOk: false, done: false });
    }
    return out;
  }

  /** Threads after the words; `no` opens the negated forms in config mode. */
  private run(words: Word[], mode: Mode, line: string):
    | { ok: true; threads: Thread[] }
    | { ok: false; kind: 'invalid'; index: number }
    | { ok: false; kind: 'ambiguous' } {
    let threads = this.starts(mode, false, words[0]);
    let i = 0;
    if (mode === 'config' && words.length > 0 && words[0].text.toLowerCase() === 'no') {
      const plain = this.step(threads, words[0], line);
      threads = [...(Array.isArray(plain) ? plain : []), ...this.starts(mode, true, words[1])];
      i = 1;
    }
    for (; i < words.length; i++) {
      const r = this.step(threads, words[i], line);
      if (r === 'ambiguous') return { ok: false, kind: 'ambiguous' };
      if (r === undefined) return { ok: false, kind: 'invalid', index: i };
      threads = r;
    }
    return { ok: true, threads };
  }

  /** A thread whose rest-of-line argument took the words stays as it is. */
  private step(threads: Thread[], w: Word, line: string): Thread[] | 'ambiguous' | undefined {
    const carried = threads.filter((t) => t.done);
    const r = this.stepLive(threads, w, line);
    if (carried.length === 0) return r;
    return Array.isArray(r) ? [...r, ...carried] : carried;
  }

  private stepLive(threads: Thread[], w: Word, line: string): Thread[] | 'ambiguous' | undefined {
    const lw = w.text.toLowerCase();
    const out: Thread[] = [];
    const take = (t: Thread, st: Step, value: ArgValue, done = false) => {
      const name = stepName(st);
      // an argument is given once; a plain keyword may repeat (`permit ip any any`)
      if ((st.t === 'arg' || st.capture !== undefined) && usesName(t.path, name)) return;
      const d = t.c.decl;
      const noOk = t.noOk || (t.neg && d.kind === 'config' && (d.noFrom === name || '+' + d.noFrom === name));
      out.push({ c: t.c, s: st.to, path: { prev: t.path, step: st, value }, neg: t.neg, noOk, done });
    };
    for (const t of threads) {
      if (t.done) continue;
      for (const st of t.c.auto.steps[t.s]) if (st.t === 'kw' && st.text === lw) take(t, st, st.text);
    }
    if (out.length) return out;
    for (const t of threads) {
      if (t.done) continue;
      for (const st of t.c.auto.steps[t.s]) {
        if (st.t !== 'arg') continue;
        if (st.type.rest) {
          const rest = st.type.accept(line.slice(w.start).trim());
          if (rest !== undefined) take(t, st, rest, true);
          continue;
        }
        const v = st.type.accept(w.text);
        if (v !== undefined) take(t, st, v);
      }
    }
    if (out.length) return out;
    let cands: string[] = [];
    for (const t of threads) {
      if (t.done) continue;
      for (const st of t.c.auto.steps[t.s]) if (st.t === 'kw' && st.text.startsWith(lw) && !cands.includes(st.text)) cands.push(st.text);
    }
    if (cands.length > 1) {
      // `ev` -> event: singular and plural of one keyword are not ambiguous
      const shortest = cands.find((c) => cands.every((o) => o === c || o === c + 's'));
      if (shortest) cands = [shortest];
    }
    if (cands.length > 1 && lw.length >= 2) {
      const preferred = cands.filter((c) => PREFERRED.has(c));
      if (preferred.length === 1) cands = preferred;
    }
    if (cands.length > 1) return 'ambiguous';
    if (cands.length === 0) return undefined;
    for (const t of threads) {
      if (t.done) continue;
      for (const st of t.c.auto.steps[t.s]) if (st.t === 'kw' && st.text === cands[0]) take(t, st, st.text);
    }
    return out;
  }

  private accepts(t: Thread): boolean {
    if (t.neg) return t.c.auto.accept[t.s] || t.noOk;
    return t.c.auto.accept[t.s];
  }

  match(line: string, mode: Mode): MatchResult {
    const words = splitWords(line);
    const r = this.run(words, mode, line);
    if (!r.ok) {
      if (r.kind === 'ambiguous') return { kind: 'ambiguous' };
      const first = r.index === 0 || (r.index === 1 && words[0].text.toLowerCase() === 'no');
      return first ? { kind: 'unknown' } : { kind: 'invalid', index: r.index };
    }
    let best: Thread | undefined;
    // a positive declaration spelled `no ...` (`no pager`) wins over a negated form
    const better = (t: Thread, b: Thread) => (t.neg !== b.neg ? !t.neg : t.c.rank < b.c.rank);
    for (const t of r.threads) if (this.accepts(t) && (!best || better(t, best))) best = t;
    if (!best) {
      const usage: string[] = [];
      for (const t of r.threads) for (const u of t.c.usage) if (!usage.includes(u)) usage.push(u);
      return { kind: 'incomplete', usage };
    }
    const args: Args = {};
    const canon: string[] = [];
    const secret: ConfigLine['secret'] = [];
    const steps: PathNode[] = [];
    for (let p = best.path; p; p = p.prev) steps.unshift(p);
    for (const p of steps) {
      const st = p.step;
      if (st.t === 'kw') {
        if (st.capture) args[st.capture] = st.text;
        else if (!best.c.auto.args.includes(st.text)) args[st.text] = true;
        canon.push(st.text);
      } else {
        args[st.name] = p.value;
        if (st.type.secret) secret.push({ arg: st.name, at: canon.length });
        canon.push(formatArg(st.type, p.value));
      }
    }
    return { kind: 'ok', decl: best.c.decl, negated: best.neg, args, line: { cmd: best.c.decl.id, args, words: canon, secret }, whole: best.c.auto.accept[best.s] };
  }

  /** `?` and Tab: what may follow `words`. */
  next(line: string, mode: Mode): { ok: true; items: NextItem[] } | { ok: false; kind: 'invalid'; index: number } | { ok: false; kind: 'ambiguous' } {
    const words = splitWords(line);
    const negOpen = mode === 'config' && words.length === 1 && words[0].text.toLowerCase() === 'no';
    const r = this.run(words, mode, line);
    if (!r.ok) return r;
    const items: NextItem[] = [];
    const seen = new Set<string>();
    let cr = false;
    for (const t of r.threads) {
      if (this.accepts(t) && (words.length > 0 || t.done)) cr = true;
      if (t.done) continue;
      const d = t.c.decl;
      for (const st of t.c.auto.steps[t.s]) {
        if (st.t === 'kw') {
          if (seen.has('kw:' + st.text)) continue;
          seen.add('kw:' + st.text);
          items.push({ label: st.text, help: d.help[st.text] ?? '', keyword: true });
        } else {
          const help = d.help[`<${st.name}>`] ?? st.type.help;
          const k = `arg:${st.type.label}:${help}`;
          if (seen.has(k)) continue;
          seen.add(k);
          items.push({ label: st.type.label, help, keyword: false, names: st.type.names });
        }
      }
    }
    if (negOpen) cr = false;
    if (cr) items.push({ label: '<cr>', help: '', keyword: false });
    return { ok: true, items };
  }

  /** Usage lines of the declarations a first word names (`help vpdn`). */
  usageOf(first: string, mode: Mode): string[] | undefined {
    const lw = first.toLowerCase();
    const list = this.byMode.get(mode) ?? [];
    let hits = list.filter((c) => c.auto.first.includes(lw));
    if (hits.length === 0) {
      const kws = [...new Set(list.flatMap((c) => c.auto.first).filter((k) => k.startsWith(lw)))];
      if (kws.length !== 1) return undefined;
      hits = list.filter((c) => c.auto.first.includes(kws[0]));
    }
    return [...new Set(hits.flatMap((c) => c.usage))];
  }

  declaration(id: string): Decl | undefined {
    return this.decls.find((d) => d.id === id);
  }
}

function usageLine(d: Decl): string {
  const text = usageText(d.syntax);
  if (d.kind !== 'config') return text;
  if (d.noOnly) return `no ${text}`;
  return d.noNever ? text : `[no] ${text}`;
}
