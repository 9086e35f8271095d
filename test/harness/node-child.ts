/**
 * Runs a harness script of this folder (gre-peer-child, tun-echo-child, ...)
 * under node, inside a namespace.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnInNetns } from '../../src/lab/rig/netns.js';

const harnessDir = dirname(fileURLToPath(import.meta.url));

/**
 * The command line that runs a harness script (`name` without extension,
 * beside this file) under node: through tsx when running from the sources,
 * plain node when running the compiled dist/ tree.
 */
export function nodeScriptCommand(name: string): { cmd: string; args: string[] } {
  const ts = join(harnessDir, `${name}.ts`);
  const js = join(harnessDir, `${name}.js`);
  const flags = ['--openssl-legacy-provider'];
  if (import.meta.url.endsWith('.ts') && existsSync(ts)) {
    return { cmd: process.execPath, args: [...flags, '--import', import.meta.resolve('tsx'), ts] };
  }
  return { cmd: process.execPath, args: [...flags, js] };
}

/** Spawns a harness node script inside the namespace. */
export function spawnNodeInNetns(ns: string, name: string, args: string[] = [], opts: SpawnOptions = {}): ChildProcess {
  const { cmd, args: a } = nodeScriptCommand(name);
  return spawnInNetns(ns, cmd, [...a, ...args], opts);
}
