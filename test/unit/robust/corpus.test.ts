/**
 * Regression corpus: the nastiest inputs found for each decoder and engine
 * (test/fixtures/fuzz-corpus/*.hex, layout in targets.ts) are replayed on
 * every run. Each must be rejected the way its file says (the named
 * counter is > 0), nothing may throw, no engine may keep a timer after
 * it is closed, no PPP session may come up from it, and the command parser
 * may never hit an internal error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCorpusFile, TARGETS } from './targets.js';

/** The corpus sits in the sources; compiled tests (dist/test/...) read it from there too. */
function corpusDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of [['..', '..', 'fixtures'], ['..', '..', '..', '..', 'test', 'fixtures']]) {
    const d = join(here, ...up, 'fuzz-corpus');
    if (existsSync(d)) return d;
  }
  throw new Error(`fuzz corpus not found from ${here}`);
}

const dir = corpusDir();
const files = readdirSync(dir).filter((f) => f.endsWith('.hex')).sort();

test('the corpus covers every target', () => {
  const seen = new Set(files.map((f) => parseCorpusFile(f, readFileSync(join(dir, f), 'utf8')).target));
  for (const t of Object.keys(TARGETS)) assert.ok(seen.has(t), `no corpus entry for ${t}`);
  assert.ok(files.length >= 40, `corpus has ${files.length} entries`);
});

for (const f of files) {
  test(`corpus ${f}`, async () => {
    const e = parseCorpusFile(f, readFileSync(join(dir, f), 'utf8'));
    const run = TARGETS[e.target];
    assert.ok(run, `unknown target ${e.target}`);
    const r = await run(e.chunks);
    assert.ok((r.counters[e.expect] ?? 0) > 0, `${e.why}: expected '${e.expect}' counted, got ${JSON.stringify(r.counters)}`);
    assert.equal(r.pendingTimers, 0, 'no timer left after close');
    assert.equal(r.counters.up, undefined, 'no PPP link came up');
    assert.equal(r.counters.ok, undefined, 'nothing in the corpus decodes as valid');
    assert.equal(r.counters['internal-error'], undefined, 'no internal parser error');
  });
}
