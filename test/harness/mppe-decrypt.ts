/**
 * The independent MS-CHAPv2/MPPE decryptor (mppe_decrypt.py, Python
 * stdlib only) run over a capture of a VM dial.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { hasTool } from '../../src/lab/rig/capability.js';

const execFileP = promisify(execFile);

const harnessDir = dirname(fileURLToPath(import.meta.url));

/** test/harness/mppe_decrypt.py, from the sources or from the compiled tree (tsc does not copy it). */
export function decryptScript(): string | undefined {
  let d = harnessDir;
  for (let i = 0; i < 8; i++) {
    const p = join(d, 'test', 'harness', 'mppe_decrypt.py');
    if (existsSync(p)) return p;
    const here = join(d, 'mppe_decrypt.py');
    if (existsSync(here)) return here;
    d = dirname(d);
  }
  return undefined;
}

export interface DecryptReport {
  auth?: 'mschap' | 'mschap-v2';
  user: string | null;
  authResponseOk: boolean | null;
  keyBits: number | null;
  stateless: boolean | null;
  client: string | null;
  server: string | null;
  error?: string;
  c2s?: { frames: number; ipv4: number; bad: string[]; icmp: [number, string, string][] };
  s2c?: { frames: number; ipv4: number; bad: string[]; icmp: [number, string, string][] };
}

export function decryptAvailable(): { ok: true; script: string } | { ok: false; reason: string } {
  const script = decryptScript();
  if (!script) return { ok: false, reason: 'test/harness/mppe_decrypt.py not found' };
  if (!hasTool('python3')) return { ok: false, reason: 'python3 missing' };
  return { ok: true, script };
}

/** Runs the independent (Python, stdlib) MS-CHAPv2/MPPE decryptor over a capture. */
export async function decryptCapture(pcap: string, password: string): Promise<DecryptReport> {
  const a = decryptAvailable();
  if (!a.ok) throw new Error(a.reason);
  const { stdout } = await execFileP('python3', [a.script, pcap, password], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as DecryptReport;
}
