/**
 * The syntax language of command declarations (FRR's DEFPY idea): one
 * string says which words a command takes, and it is compiled once into a
 * small automaton that the matcher (match.ts) walks word by word.
 *
 *   keyword            a literal word, matched case-insensitively, abbreviable
 *   <name:type>        an argument of an argument type (types.ts), kept as args[name]
 *   name=(a|b|c)       one of several keywords, kept as args[name] = the keyword
 *   (x y|z)            one of several sequences
 *   [x y]              an optional sequence
 *   {x|y z}            any of the alternatives, any number, in any order
 *                      (each argument at most once: a repeat is an error)
 *
 * A plain keyword also sets args[keyword] = true, so `[required]` reads
 * as `args.required`, unless an argument of the syntax has that name
 * (`password <password:secret>`): the argument's value wins.
 */
import { argType, type ArgType } from './types.js';

export type SpecNode =
  | { t: 'kw'; text: string; capture?: string }
  | { t: 'arg'; name: string; type: ArgType }
  | { t: 'seq'; items: SpecNode[] }
  | { t: 'alt'; options: SpecNode[] }
  | { t: 'opt'; body: SpecNode }
  | { t: 'rep'; body: SpecNode };

/** One word-consuming step of the automaton. */
export type Step =
  | { t: 'kw'; text: string; capture?: string; to: number }
  | { t: 'arg'; name: string; type: ArgType; to: number };

export interface Automaton {
  /** steps[s]: what may be consumed from state s (epsilon closure applied). */
  steps: Step[][];
  /** accept[s]: a line may end in state s. */
  accept: boolean[];
  start: number;
  /** The first keywords of the syntax (what a line must start with). */
  first: string[];
  keywords: string[];
  args: string[];
}

// ---- parsing the syntax string ----------------------------------------------

function tokenize(s: string): string[] {
  const out: string[] = [];
  const re = /\s*(<[^>]+>|[a-z_][a-z0-9_]*=\(|[()[\]{}|]|[^\s()[\]{}|<]+)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(s)) !== null) {
    out.push(m[1]);
    last = re.lastIndex;
  }
  if (s.slice(last).trim() !== '') throw new Error(`syntax: cannot read "${s.slice(last)}" in "${s}"`);
  return out;
}

export function parseSpec(syntax: string): SpecNode {
  const toks = tokenize(syntax);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`syntax "${syntax}": ${why} at token ${i} (${toks[i] ?? 'end'})`);
  };
  const alternatives = (close: string): SpecNode[] => {
    const options: SpecNode[] = [sequence(close)];
    while (toks[i] === '|') {
      i++;
      options.push(sequence(close));
    }
    if (toks[i] !== close) fail(`expected ${close}`);
    i++;
    return options;
  };
  const sequence = (close: string | undefined): SpecNode => {
    const items: SpecNode[] = [];
    while (i < toks.length && toks[i] !== '|' && toks[i] !== close) {
      const tk = toks[i++];
      if (tk === '[') {
        const o = alternatives(']');
        items.push({ t: 'opt', body: o.length === 1 ? o[0] : { t: 'alt', options: o } });
      } else if (tk === '(') {
        items.push({ t: 'alt', options: alternatives(')') });
      } else if (tk === '{') {
        items.push({ t: 'rep', body: { t: 'alt', options: alternatives('}') } });
      } else if (tk.endsWith('=(')) {
        const capture = tk.slice(0, -2);
        const o = alternatives(')');
        const kws = o.map((n) => (n.t === 'seq' && n.items.length === 1 && n.items[0].t === 'kw' ? n.items[0].text : fail('name=(...) takes single keywords')));
        items.push({ t: 'alt', options: kws.map((text) => ({ t: 'kw', text, capture })) });
      } else if (tk.startsWith('<')) {
        const m = /^<([a-z_][a-z0-9_]*):([^>]+)>$/.exec(tk);
        if (!m) fail('argument must be <name:type>');
        items.push({ t: 'arg', name: m![1], type: argType(m![2]) });
      } else if (/^[)\]}]$/.test(tk)) {
        fail('unbalanced bracket');
      } else {
        items.push({ t: 'kw', text: tk.toLowerCase() });
      }
    }
    return { t: 'seq', items };
  };
  const root = sequence(undefined);
  if (i !== toks.length) fail('trailing tokens');
  return root;
}

// ---- compiling to an automaton (Thompson construction) ------------------------

interface RawState {
  eps: number[];
  steps: Step[];
}

export function compile(syntax: string): Automaton {
  const root = parseSpec(syntax);
  const states: RawState[] = [];
  const add = (): number => states.push({ eps: [], steps: [] }) - 1;
  const keywords = new Set<string>();
  const args = new Set<string>();
  // build(node, from) -> the state after the node
  const build = (n: SpecNode, from: number): number => {
    switch (n.t) {
      case 'kw': {
        const to = add();
        states[from].steps.push({ t: 'kw', text: n.text, capture: n.capture, to });
        if (n.capture) args.add(n.capture);
        else keywords.add(n.text);
        return to;
      }
      case 'arg': {
        const to = add();
        states[from].steps.push({ t: 'arg', name: n.name, type: n.type, to });
        args.add(n.name);
        return to;
      }
      case 'seq':
        return n.items.reduce((s, item) => build(item, s), from);
      case 'alt': {
        const end = add();
        for (const o of n.options) states[build(o, from)].eps.push(end);
        return end;
      }
      case 'opt': {
        const end = build(n.body, from);
        states[from].eps.push(end);
        return end;
      }
      case 'rep': {
        const loop = add();
        states[from].eps.push(loop);
        states[build(n.body, loop)].eps.push(loop);
        return loop;
      }
    }
  };
  const start = add();
  const final = build(root, start);

  const closure = (s: number): number[] => {
    const seen = new Set<number>([s]);
    const stack = [s];
    while (stack.length) for (const e of states[stack.pop()!].eps) if (!seen.has(e)) seen.add(e), stack.push(e);
    return [...seen];
  };
  const steps: Step[][] = [];
  const accept: boolean[] = [];
  states.forEach((_, s) => {
    const c = closure(s);
    steps.push(c.flatMap((x) => states[x].steps));
    accept.push(c.includes(final));
  });
  const first = steps[start].map((st) => (st.t === 'kw' ? st.text : ''));
  if (first.length === 0 || first.includes('')) throw new Error(`syntax "${syntax}": must start with a keyword`);
  return { steps, accept, start, first, keywords: [...keywords], args: [...args] };
}

// ---- the usage line ---------------------------------------------------------------

/** `vpdn group <group_name> ppp authentication pap|chap|mschap|mschap-v2` */
export function usageText(syntax: string): string {
  const show = (n: SpecNode, top: boolean): string => {
    switch (n.t) {
      case 'kw': return n.text;
      case 'arg': return n.type.usage ?? `<${n.name}>`;
      case 'seq': return n.items.map((x) => show(x, false)).join(' ');
      case 'alt': {
        const s = n.options.map((x) => show(x, false)).join('|');
        return top || n.options.every((o) => o.t === 'kw') ? s : `(${s})`;
      }
      case 'opt': return `[${show(n.body, true)}]`;
      case 'rep': return `[${show(n.body, true)}]...`;
    }
  };
  return show(parseSpec(syntax), true);
}
