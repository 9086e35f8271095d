import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLine } from '../../../grammar/index.js';
import { applyLine } from '../../../src/config/index.js';
import type { RunningConfig } from '../../../src/config/running.js';

/** Apply typed lines in config mode; throws on a rejected line. */
export function run(rc: RunningConfig, ...lines: string[]): { rc: RunningConfig; messages: string[] } {
  const messages: string[] = [];
  for (const l of lines) {
    const p = parseLine(l, 'config');
    if (p.kind !== 'ok' || p.command.kind !== 'config') throw new Error(`parse ${l}: ${JSON.stringify(p)}`);
    const r = applyLine(rc, p.command.line, p.command.negate);
    if (!r.ok) throw new Error(`apply ${l}: ${r.lines.join(' / ')}`);
    rc = r.config;
    messages.push(...r.messages);
  }
  return { rc, messages };
}

/** samples/ from the source tree (also when run compiled from dist/). */
export function samplesDir(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++, d = dirname(d)) {
    try {
      if (readdirSync(join(d, 'samples')).length) return join(d, 'samples');
    } catch { /* keep looking */ }
  }
  throw new Error('samples/ not found');
}
