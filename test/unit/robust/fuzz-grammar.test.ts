/**
 * The command grammar under mutated real input (seeded, bounded): every
 * line of the sample configs, with tokens dropped, repeated, swapped or
 * replaced by hostile ones, is parsed in every mode. parseLine turns an
 * exception inside the parser into '% Internal error: ...': that must
 * never happen, and rejected lines must carry a PIX-style message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseLine, help, complete, type LiveNames } from '../../../grammar/index.js';

const NAMES: LiveNames = { groups: ['1'], pools: ['pptp-pool'], aaaGroups: ['AuthInbound'], users: ['cisco'], interfaces: ['outside', 'inside'] };

function samplesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const up of [['..', '..', '..', 'samples'], ['..', '..', '..', '..', 'samples']]) {
    const d = join(here, ...up);
    if (existsSync(d)) return d;
  }
  throw new Error('samples/ not found');
}

const lines = readdirSync(samplesDir())
  .filter((f) => f.endsWith('.cfg'))
  .flatMap((f) => readFileSync(join(samplesDir(), f), 'utf8').split('\n'))
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith(':') && !l.startsWith('!'));

const HOSTILE = ['', '"', '""', '\\', '?', '-1', '0', '65536', '4294967296', '999999999999999999999', '255.255.255.256', '1.2.3', '10.0.0.1-', '-10.0.0.1', 'x'.repeat(300), '\u0000', '\u00ff', '(outside', 'outside)', 'no', 'mask', 'key'];

const mutated = fc
  .record({
    base: fc.constantFrom(...lines),
    ops: fc.array(
      fc.record({ op: fc.constantFrom('drop', 'dup', 'swap', 'replace', 'insert'), at: fc.nat(), with: fc.constantFrom(...HOSTILE) }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map(({ base, ops }) => {
    const t = base.split(/\s+/);
    for (const o of ops) {
      const i = t.length ? o.at % t.length : 0;
      if (o.op === 'drop') t.splice(i, 1);
      else if (o.op === 'dup') t.splice(i, 0, t[i] ?? '');
      else if (o.op === 'swap' && t.length > 1) [t[i], t[(i + 1) % t.length]] = [t[(i + 1) % t.length]!, t[i]!];
      else if (o.op === 'replace') t[i] = o.with;
      else t.splice(i, 0, o.with);
    }
    return t.join(' ');
  });

test('grammar: mutated sample config lines never hit an internal error', () => {
  assert.ok(lines.length > 20, 'sample lines found');
  fc.assert(
    fc.property(mutated, fc.constantFrom('exec' as const, 'enable' as const, 'config' as const), (line, mode) => {
      const r = parseLine(line, mode);
      if (r.kind === 'error') {
        assert.ok(!r.lines.some((l) => l.startsWith('% Internal error')), `internal error on ${JSON.stringify(line)}: ${r.lines.join(' / ')}`);
        assert.ok(r.lines.length > 0 && r.lines.every((l) => l.length > 0), 'a rejection says why');
      }
      assert.ok(Array.isArray(help(line, mode, NAMES)));
      assert.equal(typeof complete(line, mode, NAMES).line, 'string');
    }),
    { seed: 0x1e14c0, numRuns: 1500 },
  );
});
