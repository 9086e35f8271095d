/**
 * Every declaration gives help for every keyword and argument of its
 * syntax, and a first keyword says the same thing wherever it is declared
 * (`?` shows one line per word, whichever declaration it comes from).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from '../../../grammar/spec.js';
import { commandSet } from '../../../grammar/index.js';

test('every keyword and argument of every declaration has help', () => {
  const missing: string[] = [];
  for (const d of commandSet().decls) {
    const a = compile(d.syntax);
    for (const k of a.keywords) if (!d.help[k]) missing.push(`${d.id}: ${k}`);
    for (const arg of a.args) {
      const isCapture = a.steps.some((ss) => ss.some((st) => st.t === 'kw' && st.capture === arg));
      if (isCapture) {
        // a captured keyword's alternatives each need their help
        for (const ss of a.steps) for (const st of ss) if (st.t === 'kw' && st.capture === arg && !d.help[st.text]) missing.push(`${d.id}: ${st.text}`);
      } else if (!d.help[`<${arg}>`]) missing.push(`${d.id}: <${arg}>`);
    }
  }
  assert.deepEqual([...new Set(missing)], []);
});

test('a first keyword has one help text in each mode, whichever declaration gives it', () => {
  const clashes: string[] = [];
  for (const mode of ['exec', 'enable', 'config'] as const) {
    const seen = new Map<string, { text: string; id: string }>();
    for (const d of commandSet().decls.filter((x) => x.modes.includes(mode))) {
      for (const first of compile(d.syntax).first) {
        if (first === 'no') continue;
        const text = d.help[first];
        const prev = seen.get(first);
        if (prev && prev.text !== text) clashes.push(`${mode} ${first}: "${prev.text}" (${prev.id}) vs "${text}" (${d.id})`);
        else if (!prev) seen.set(first, { text, id: d.id });
      }
    }
  }
  assert.deepEqual(clashes, []);
});
