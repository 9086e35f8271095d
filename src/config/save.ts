/**
 * Atomic config save (`write memory`): a temp file in the same directory
 * (created 0600), fsync, rename over the target, fsync the directory. A
 * crash leaves either the old or the new file, never a torn one.
 */
import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

export async function saveConfigFile(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fh: FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, 'wx', 0o600);
    await fh.writeFile(text);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await fsp.rename(tmp, path);
  } catch (e) {
    if (fh) await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw e;
  }
  const d = await fsp.open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
