import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveConfigFile } from '../../../src/config/index.js';

test('saveConfigFile writes atomically with mode 0600 and leaves no temp files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pixcfg-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const p = join(dir, 'startup.cfg');
  writeFileSync(p, 'old\n', { mode: 0o644 });
  await saveConfigFile(p, 'new config\n');
  assert.equal(readFileSync(p, 'utf8'), 'new config\n');
  assert.equal(statSync(p).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(dir), ['startup.cfg']);
});

test('a failed save leaves the old file untouched and cleans up', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pixcfg-'));
  t.after(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });
  const p = join(dir, 'startup.cfg');
  writeFileSync(p, 'old\n');
  // renaming onto a directory fails after the temp file was written
  const target = join(dir, 'adir');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(target, 'x'), { recursive: true });
  await assert.rejects(saveConfigFile(target, 'new\n'));
  assert.equal(readFileSync(p, 'utf8'), 'old\n');
  assert.deepEqual(readdirSync(dir).sort(), ['adir', 'startup.cfg']);
  await assert.rejects(saveConfigFile(join(dir, 'missing-dir', 'f.cfg'), 'x'));
});
