/**
 * How e2e tests start the CLI: from source (`node --import tsx
 * bin/pix-pptpd.ts`) when run as .ts, from dist (`node
 * --openssl-legacy-provider dist/bin/pix-pptpd.js`) when compiled.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CliCommand {
  cwd: string;
  argv: string[]; // argv[0] = node
}

export function cliCommand(): CliCommand {
  const here = dirname(fileURLToPath(import.meta.url));
  if (import.meta.url.endsWith('.ts')) {
    const root = join(here, '..', '..');
    return { cwd: root, argv: [process.execPath, '--openssl-legacy-provider', '--import', 'tsx', join(root, 'bin', 'pix-pptpd.ts')] };
  }
  // dist/test/e2e/ -> dist/
  const dist = join(here, '..', '..');
  const entry = join(dist, 'bin', 'pix-pptpd.js');
  if (!existsSync(entry)) throw new Error(`built CLI not found at ${entry}`);
  return { cwd: join(dist, '..'), argv: [process.execPath, '--openssl-legacy-provider', entry] };
}

/** Quote for /bin/sh. */
export function shellQuote(argv: string[]): string {
  return argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
}
