/**
 * `ping`, `show route`, `show arp` and `show interface` read the product's
 * own network namespace: the CLI runs in a namespace this test made, with
 * a veth to a second namespace holding the host 10.1.1.5. Needs root.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canRoot, hasTool } from '../../src/lab/rig/capability.js';
import { runInNetns, vethPair, withNetns } from '../../src/lab/rig/netns.js';
import { cliCommand } from './cli-command.js';

test('ping, show route, show arp and show interface in the product namespace', async (t) => {
  const root = canRoot();
  if (!root.ok) return t.skip(root.reason);
  if (!hasTool('ping')) return t.skip('iputils ping not found in PATH');
  const dir = mkdtempSync(join(tmpdir(), 'pix-nsexec-'));
  try {
    await withNetns('pixex', (product) => withNetns('pixhost', async (host) => {
      const { ifA } = await vethPair(product, host, '10.1.1.1/24', '10.1.1.5/24');
      const cfg = join(dir, 'pix.cfg');
      writeFileSync(cfg, ['nameif ethernet0 outside security0', 'nameif ethernet1 inside security100', 'ip address inside 10.1.1.1 255.255.255.0', ''].join('\n'));
      const cmd = cliCommand();
      const input = ['enable', '', 'ping 10.1.1.5', 'ping inside 10.1.1.99', 'show arp', 'show route', 'show interface', 'exit', ''].join('\n');
      const r = await runInNetns(product, 'sh', ['-c', `cd '${cmd.cwd}' && exec ${cmd.argv.map((a) => `'${a}'`).join(' ')} --plain --no-server --config '${cfg}'`], { input, timeoutMs: 60_000 });
      const out = r.stdout.split('\n');
      assert.equal(out.filter((l) => l === '\t10.1.1.5 response received -- 0ms' || /^\t10\.1\.1\.5 response received -- \d+ms$/.test(l)).length, 3, r.stdout);
      assert.equal(out.filter((l) => /^10\.1\.1\.99 NO response received -- \d+ms$/.test(l)).length, 3, r.stdout);
      // the echo reply taught the kernel 10.1.1.5's MAC; PIX names the interface by nameif
      assert.ok(out.some((l) => /^\s+inside 10\.1\.1\.5 [0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(l)), r.stdout);
      assert.ok(out.some((l) => l.includes('10.1.1.0 255.255.255.0') && l.includes('CONNECT')), r.stdout);
      assert.ok(out.some((l) => l.startsWith(`interface ${ifA}`) || l.includes(ifA)), r.stdout);
      assert.ok(out.some((l) => /^\s+\d+ packets input, \d+ bytes$/.test(l)), r.stdout);
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
