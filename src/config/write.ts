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
  const out = [': Saved', ':', `PIX Version ${PIX_VERSION}`];
  for (const item of writeOrder(rc.entries)) {
    if ('default' in item) {
      out.push(item.default.text);
      continue;
    }
    const l = item.entry.line;
    if (secrets === 'clear' || l.secret.length === 0) out.push(l.words.join(' '));
    else {
      const w = l.words.slice();
      for (const s of l.secret) w[s.at] = MASK;
      out.push(w.join(' '));
    }
  }
  return out;
}
