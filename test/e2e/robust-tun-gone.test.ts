/**
 * The TUN device disappears under the running server (the real Linux TUN,
 * inside a network namespace the test creates: `ip link del` of the
 * device). The server must not crash: the failure is counted
 * (status().errors['tun-gone']) and shown under `debug vpdn error`, the
 * session's control connection stays up, and the server still shuts down
 * cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { canRoot } from '../../src/lab/rig/capability.js';
import { LineReader, runInNetns, spawnInNetns, waitExit, withNetns } from '../../src/lab/rig/netns.js';

const here = dirname(fileURLToPath(import.meta.url));

function childCommand(): string[] {
  const flags = ['--openssl-legacy-provider'];
  if (import.meta.url.endsWith('.ts')) return [process.execPath, ...flags, '--import', import.meta.resolve('tsx'), join(here, '..', 'unit', 'robust', 'tun-gone-child.ts')];
  return [process.execPath, ...flags, join(here, '..', 'unit', 'robust', 'tun-gone-child.js')];
}

test('TUN link deleted under a live session: counted, logged, no crash, clean shutdown', async (t) => {
  const cap = canRoot();
  if (!cap.ok) return t.skip(cap.reason);
  await withNetns('tungone', async (ns) => {
    const [cmd, ...args] = childCommand();
    const child = spawnInNetns(ns, cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const out = new LineReader(child.stdout!);
    const up = JSON.parse((await out.waitFor(/^UP /, 60_000).catch((e: Error) => assert.fail(`${e.message}\n${stderr}`))).slice(3)) as { tun: string; ping: number };
    assert.equal(up.ping, 3, 'pings through the real TUN work before');
    const del = await runInNetns(ns, 'ip', ['link', 'del', up.tun]);
    assert.equal(del.code, 0, del.stderr);
    child.stdin!.write('gone\n');
    const r = JSON.parse((await out.waitFor(/^RESULT /, 30_000).catch((e: Error) => assert.fail(`${e.message}\n${stderr}`))).slice(7)) as {
      ping: number;
      errors: Record<string, number>;
      tunLines: string[];
      tunnels: number;
    };
    assert.equal(r.ping, 0, 'no echo without the device');
    assert.ok((r.errors['tun-gone'] ?? 0) + (r.errors['tun-io'] ?? 0) >= 1, `TUN failure counted: ${JSON.stringify(r.errors)}`);
    assert.ok(r.tunLines.some((l) => /^PPTP: TUN .*(device gone|errno)/.test(l)), `logged under debug vpdn error: ${JSON.stringify(r.tunLines)}`);
    assert.equal(r.tunnels, 1, 'the control connection is still up');
    assert.equal(await waitExit(child, 20_000), 0, `the server shut down cleanly: ${stderr}`);
  });
});
