/**
 * `write memory` under faults, with real processes and files:
 *  - the disk fills up during the save (a 16 kB tmpfs mounted in a private
 *    mount namespace of the child, so nothing is mounted on the host): the
 *    shell prints a PIX-style ERROR, the old file stays intact, no temp
 *    file is left;
 *  - the process is SIGKILLed at random moments while it saves big configs
 *    in a loop: the file is always exactly the old or the new complete
 *    config, never a mix, and whatever temp files a kill leaves are hidden
 *    dot files that never take the config's name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { canRootWith } from '../../src/lab/rig/capability.js';
import { LineReader, waitExit } from '../../src/lab/rig/netns.js';

const here = dirname(fileURLToPath(import.meta.url));

/** node + the child script, from the sources (tsx) or from dist/. */
function childCommand(): string[] {
  if (import.meta.url.endsWith('.ts')) return [process.execPath, '--import', import.meta.resolve('tsx'), join(here, '..', 'unit', 'robust', 'save-child.ts')];
  return [process.execPath, join(here, '..', 'unit', 'robust', 'save-child.js')];
}

test('disk full during write memory: PIX-style error, the old file intact, no temp file left', (t) => {
  const cap = canRootWith('unshare', 'mount');
  if (!cap.ok) return t.skip(cap.reason);
  const dir = mkdtempSync(join(tmpdir(), 'pixfull-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'startup.cfg');
  // The tmpfs exists only in the child's private mount namespace: the shell script prints
  // the file (base64), the directory listing and the mode before the mount vanishes with it.
  const script = [
    'set -e',
    `mount -t tmpfs -o size=16k,mode=0700 tmpfs "${dir}"`,
    `"$@" diskfull "${cfg}"`,
    `cat "${cfg}" | base64 -w0; echo`,
    `ls -A "${dir}"`,
    `stat -c %a "${cfg}"`,
  ].join('\n');
  const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', ...childCommand()], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `child failed: ${r.stderr}`);
  const out = r.stdout.split('\n');
  const results = out.filter((l) => l.startsWith('RESULT ')).map((l) => JSON.parse(l.slice(7)) as string[]);
  assert.equal(results.length, 2, r.stdout);
  assert.equal(results[0]!.at(-1), '[OK]', `the small config fits: ${results[0]}`);
  assert.deepEqual(results[1]!.slice(0, 1), ['Building configuration...']);
  assert.match(results[1]![1]!, /^ERROR: cannot write .*startup\.cfg: ENOSPC/, `a PIX-style error: ${results[1]}`);
  assert.ok(!results[1]!.includes('[OK]'), 'no [OK] after a failed save');
  const idx = out.findIndex((l) => l.startsWith('RESULT ')) + 2;
  const saved = Buffer.from(out[idx]!, 'base64').toString('utf8');
  assert.match(saved, /^vpdn username cisco password /m, 'the old config is there');
  assert.ok(!saved.includes('user149'), 'nothing of the new config');
  assert.ok(saved.trimEnd().endsWith(saved.trimEnd().split('\n').at(-1)!) && saved.endsWith('\n'), 'complete file');
  assert.deepEqual(out[idx + 1]!.split(/\s+/).filter(Boolean), ['startup.cfg'], 'no temp file left on the full disk');
  assert.equal(out[idx + 2], '600', 'the saved file is mode 0600');
  // Nothing was mounted on the host.
  assert.deepEqual(readdirSync(dir), []);
});

test('SIGKILL at random moments during write memory: the file is always the old or the new config, whole', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pixkill-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'startup.cfg');
  const line = (tag: string, i: number) => `vpdn username ${tag}${i} password ${tag.repeat(30)}${i}`;
  const A = Array.from({ length: 6000 }, (_, i) => line('a', i)).join('\n') + '\n: end A\n';
  const B = Array.from({ length: 6000 }, (_, i) => line('b', i)).join('\n') + '\n: end B\n';
  writeFileSync(join(dir, 'A.txt'), A);
  writeFileSync(join(dir, 'B.txt'), B);
  writeFileSync(cfg, A, { mode: 0o600 });
  const delays = fc.sample(fc.integer({ min: 0, max: 400 }), { numRuns: 12, seed: 0x1e14dd });
  let killedMidway = 0;
  for (const delay of delays) {
    const [cmd, ...args] = childCommand();
    const child = spawn(cmd!, [...args, 'loop', cfg, join(dir, 'A.txt'), join(dir, 'B.txt')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const reader = new LineReader(child.stdout!);
    try {
      await reader.waitFor(/^SAVED$/, 60_000);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await waitExit(child, 10_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const text = readFileSync(cfg, 'utf8');
    assert.ok(text === A || text === B, `after a kill at +${delay} ms the config is ${text.length} octets, neither A nor B whole`);
    assert.equal(statSync(cfg).mode & 0o777, 0o600, 'stays 0600 across overwrites');
    const others = readdirSync(dir).filter((f) => !['A.txt', 'B.txt', 'startup.cfg'].includes(f));
    for (const f of others) assert.match(f, /^\.startup\.cfg\.\d+\.[0-9a-f]+\.tmp$/, `only hidden temp files beside the config: ${f}`);
    if (others.length) killedMidway++;
  }
  t.diagnostic(`kills that left a temp file (caught mid-save): ${killedMidway}/${delays.length}`);
  // The next save (any live process) removes what the killed ones left.
  const { saveConfigFile } = await import('../../src/config/index.js');
  await saveConfigFile(cfg, B);
  assert.deepEqual(readdirSync(dir).sort(), ['A.txt', 'B.txt', 'startup.cfg'], 'stale temp files of dead savers removed');
  assert.equal(readFileSync(cfg, 'utf8'), B);
});
