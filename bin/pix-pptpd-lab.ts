/**
 * pix-pptpd-lab: the troubleshooting lab on its own (`pix-pptpd lab ...`
 * runs the same runLab). Run with --openssl-legacy-provider (MPPE's RC4
 * and MS-CHAP's MD4 may come from OpenSSL), e.g.
 *   node --openssl-legacy-provider dist/bin/pix-pptpd-lab.js bad-password
 */
import { fileURLToPath } from 'node:url';
import { runLab } from '../src/lab/index.js';

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (invokedDirectly) {
  runLab(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`pix-pptpd lab: ${(e as Error).stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
