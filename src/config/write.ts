/**
 * RunningConfig -> PIX lines (`show running-config`, `write terminal`,
 * `write memory`): the entries and the defaults nobody overrode, in PIX 6.3
 * order (store.ts), between the PIX header and the checksum.
 *
 * Secrets ('mask' for show/write terminal, 'clear' for write memory): the
 * words a declaration marks secret are `********` when masked; passwords
 * stored as PIX hashes are always shown as the hash with `encrypted`, as
 * on a PIX. The Cryptochecksum is the MD5 of the clear text above it, so
 * show run and the saved file carry the same checksum.
 */
import { createHash } from 'node:crypto';
import type { RunningConfig } from './running.js';
import { configDeclaration } from '../../grammar/index.js';
import { MASK, writeOrder } from './store.js';

/** The PIX software this product speaks as (show version, show running-config). */
export const PIX_VERSION = '6.3(5)';

export interface WriteOptions {
  secrets: 'mask' | 'clear';
}

export function writeConfig(rc: RunningConfig, opts: WriteOptions): string[] {
  const body = writeBody(rc, opts.secrets);
  const clearBody = opts.secrets === 'clear' ? body : writeBody(rc, 'clear');
  const sum = createHash('md5').update(clearBody.join('\n') + '\n').digest('hex');
  return [...body, `Cryptochecksum:${sum}`, ': end'];
}

function writeBody(rc: RunningConfig, secrets: 'mask' | 'clear'): string[] {
  const lines: { cmd: string; words: string[] }[] = [];
  for (const item of writeOrder(rc.entries)) {
    if ('default' in item) {
      lines.push({ cmd: item.default.cmd, words: item.default.text.split(' ') });
      continue;
    }
    const l = item.entry.line;
    const w = l.words.slice();
    if (secrets === 'mask') for (const s of l.secret) w[s.at] = MASK;
    lines.push({ cmd: l.cmd, words: w });
  }
  const out = [': Saved', ':', `PIX Version ${PIX_VERSION}`];
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && lines[j].cmd === lines[i].cmd) j++;
    const join = configDeclaration(lines[i].cmd)?.join;
    const run = lines.slice(i, j).map((l) => l.words);
    for (const w of join ? join(run) : run) out.push(w.join(' '));
    i = j;
  }
  return out;
}
