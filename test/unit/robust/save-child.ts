/**
 * Child process for the write-memory fault tests (test/e2e/robust-config-faults.test.ts):
 *   save-child diskfull FILE   the shell's `write memory` (App, no server)
 *                              twice: a small config, then a big one that
 *                              does not fit; prints RESULT {...} per save.
 *   save-child loop FILE A B   saveConfigFile(FILE, A), then B, then A, ...
 *                              (contents read from files A and B), printing
 *                              SAVED after each; bounded: exits after 20 s.
 */
import { readFileSync } from 'node:fs';
import { DebugBus } from '../../../src/debug/bus.js';
import { createApp } from '../../../src/cli/app.js';
import { DEFAULT_CONFIG_TEXT } from '../../../src/cli/default-config.js';
import { saveConfigFile } from '../../../src/config/index.js';

const [mode, file, a, b] = process.argv.slice(2);
setTimeout(() => process.exit(3), 20_000).unref();

if (mode === 'diskfull') {
  const app = createApp({ bus: new DebugBus(), configPath: file });
  await app.loadText(DEFAULT_CONFIG_TEXT);
  process.stdout.write(`RESULT ${JSON.stringify(await app.writeMemory())}\n`);
  const users = Array.from({ length: 150 }, (_, i) => `vpdn username user${i} password P4ss-${'x'.repeat(40)}-${i}`).join('\n');
  await app.loadText(users);
  process.stdout.write(`RESULT ${JSON.stringify(await app.writeMemory())}\n`);
  await app.close();
  process.exit(0);
} else if (mode === 'loop') {
  const texts = [readFileSync(a!, 'utf8'), readFileSync(b!, 'utf8')];
  for (let i = 0; ; i++) {
    await saveConfigFile(file!, texts[i % 2]!);
    process.stdout.write('SAVED\n');
  }
} else {
  process.stderr.write('usage: save-child diskfull FILE | loop FILE A B\n');
  process.exit(2);
}
