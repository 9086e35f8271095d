/**
 * The native receive fast path (src/server/fast-path.ts) in the real
 * product (bin/pix-pptpd: raw GRE, Linux TUN), from a test namespace:
 *
 *   [C 10.99.0.2: our Windows-10-profile client, TUN adapter ppp-split,
 *                 a UDP sender]
 *        --veth--  [A 10.99.0.1: the product; 10.1.1.1 on its loopback,
 *                   a UDP receiver there]
 *
 * Numbered datagrams go from C's kernel through the tunnel to the
 * receiver: every one must arrive, in order, with the octets sent (a
 * SHA-1 over them on both sides). `show vpdn diagnostics` says the fast
 * path took the call and forwarded them; `debug ppp mppe` gives the call
 * back to JavaScript (the datagrams still all arrive, the fast path
 * forwards none), `no debug ppp mppe` lets it take the call again. Both
 * namespaces are made here and removed even when the test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createNetns, deleteNetns, LineReader, runInNetns, uniqueNetnsName, vethPair, waitExit } from '../../src/lab/rig/netns.js';
import { startProduct, type Product } from '../../src/lab/rig/product.js';
import { canRootWith } from '../../src/lab/rig/capability.js';
import { fastPathAddon } from '../../src/server/fast-path.js';
import { spawnNodeInNetns } from '../harness/node-child.js';
import { netnsPptpConfig } from '../harness/netns-pptp-config.js';

const SERVER = '10.99.0.1';
const CLIENT = '10.99.0.2';
const INSIDE = '10.1.1.1';
const PORT = 5001;
const USER = 'fastuser';
const PASSWORD = 'F4st-Secr3t';

const CONFIG = netnsPptpConfig({
  server: SERVER,
  inside: INSIDE,
  pool: { name: 'pptp-pool', first: '10.97.0.10', last: '10.97.0.20' },
  user: USER,
  password: PASSWORD,
  group: ['client configuration route 10.1.1.0 255.255.255.0'],
});

const cap = canRootWith('ip');
const skip = !cap.ok ? cap.reason : fastPathAddon() ? false : 'the fastpath addon is not built (npm ci builds it)';

interface FastLine {
  calls: number;
  forwarded: number;
  taken: number;
  givenBack: number;
}

async function fastPath(product: Product): Promise<FastLine> {
  const diag = await product.command('show vpdn diagnostics');
  const line = diag.find((l) => l.startsWith('Fast path: '));
  const m = line && /^Fast path: (\d+) calls? in it, (\d+) packets forwarded, calls taken (\d+), given back (\d+)$/.exec(line);
  assert.ok(m, diag.join('\n'));
  return { calls: Number(m[1]), forwarded: Number(m[2]), taken: Number(m[3]), givenBack: Number(m[4]) };
}

test('fast path: datagrams through the real product all arrive, in order and intact, in and out of the fast path', { skip, timeout: 120_000 }, async () => {
  const nsA = await createNetns(uniqueNetnsName('fpA'));
  const nsC = await createNetns(uniqueNetnsName('fpC'));
  let product: Product | undefined;
  let client: ChildProcess | undefined;
  let receiver: ChildProcess | undefined;
  try {
    await vethPair(nsA, nsC, `${SERVER}/24`, `${CLIENT}/24`);
    const lo = await runInNetns(nsA, 'ip', ['addr', 'add', `${INSIDE}/24`, 'dev', 'lo'], { timeoutMs: 10_000 });
    assert.equal(lo.code, 0, lo.stderr);
    product = await startProduct({ netns: nsA, configText: CONFIG });
    await product.enable();

    client = spawnNodeInNetns(nsC, 'split-client-child', [SERVER, CLIENT, USER, PASSWORD], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    client.stderr!.on('data', (d) => (err += d));
    const fromClient = new LineReader(client.stdout!);
    const up = await fromClient.waitFor(/^(UP|FAIL|TIMEOUT)/, 30_000);
    assert.match(up, /^UP /, `${up}\n${err}`);

    receiver = spawnNodeInNetns(nsA, 'udp-count-child', ['recv', INSIDE, String(PORT)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const received = new LineReader(receiver.stdout!);
    await received.waitFor(/^READY/, 10_000);

    /** Sends COUNT datagrams numbered from FIRST from C, waits until they are in; asserts all came, in order, intact. */
    const phase = async (first: number, count: number) => {
      const sender = spawnNodeInNetns(nsC, 'udp-count-child', ['send', INSIDE, String(PORT), String(first), String(count), '1200'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const sent = JSON.parse((await new LineReader(sender.stdout!).waitFor(/^SENT /, 30_000)).slice(5)) as { sha1: string };
      await waitExit(sender, 5_000);
      await new Promise((r) => setTimeout(r, 300));
      const from = received.lines.length;
      receiver!.stdin!.write('report\n');
      const r = JSON.parse((await received.waitFor(/^REPORT /, 5_000, from)).slice(7)) as { count: number; inOrder: boolean; sha1: string; missing: number[] };
      if (r.count !== count) {
        const at = fromClient.lines.length;
        client!.stdin!.write('status\n');
        const window = await fromClient.waitFor(/^STATUS /, 5_000, at);
        const shown = [window, ...(await product!.command('show vpdn diagnostics')), ...(await product!.command('show vpdn session'))];
        assert.fail(`datagrams ${first}..${first + count - 1}: ${r.count} received; missing ${r.missing.join(' ')}\n${shown.join('\n')}`);
      }
      assert.ok(r.inOrder, 'in the order sent');
      assert.equal(r.sha1, sent.sha1, 'the octets sent');
    };

    const before = await fastPath(product);
    await phase(0, 3000);
    const taken = await fastPath(product);
    assert.equal(taken.calls, 1, 'the call is in the fast path');
    assert.ok(taken.taken > before.taken);
    assert.ok(taken.forwarded - before.forwarded >= 2900, `most of the 3,000 forwarded by the fast path: ${JSON.stringify(taken)}`);

    await product.command('debug ppp mppe');
    await phase(3000, 1000);
    const off = await fastPath(product);
    assert.equal(off.calls, 0, 'debug ppp mppe: the call is back in JavaScript');
    assert.ok(off.givenBack > taken.givenBack);
    assert.ok(off.forwarded - taken.forwarded <= 32, `at most the batch before the debug went on: ${JSON.stringify(off)}`);

    await product.command('no debug ppp mppe');
    await phase(4000, 1000);
    const again = await fastPath(product);
    assert.equal(again.calls, 1, 'taken again');
    assert.ok(again.forwarded - off.forwarded >= 900, JSON.stringify(again));

    // what the fast path did is in the call's counters, as if JavaScript had done it
    const session = (await product.command('show vpdn session')).join('\n');
    const decrypted = /\d+ packets encrypted, (\d+) decrypted/.exec(session);
    assert.ok(decrypted && Number(decrypted[1]) >= 5000, session);

    client.stdin!.write('stop\n');
    assert.notEqual(await waitExit(client, 10_000), undefined, 'the client exits');
  } finally {
    receiver?.kill('SIGKILL');
    client?.kill('SIGKILL');
    await product?.stop();
    await deleteNetns(nsC);
    await deleteNetns(nsA);
  }
});
