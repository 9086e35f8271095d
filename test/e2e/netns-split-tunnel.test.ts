/**
 * Split tunnelling against the real product (bin/pix-pptpd: raw GRE,
 * Linux TUN) from a test namespace, checked in the client namespace's own
 * routing table:
 *
 *   [C 10.99.0.2: our Windows-10-profile client, TUN adapter ppp-split]
 *        --veth--  [A 10.99.0.1: the product; inside network 10.1.1.1/24 on its loopback]
 *
 * The group pushes 10.1.1.0/24 and 172.16.0.0/12. After the DHCPINFORM
 * exchange `ip -n C route` has exactly those through the adapter (and no
 * default route through it), a ping from C's kernel to 10.1.1.1 crosses
 * the tunnel, and the outside address is still reached directly. Both
 * namespaces are made here and removed even when the test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createNetns, deleteNetns, LineReader, runInNetns, uniqueNetnsName, vethPair, waitExit } from '../../src/lab/rig/netns.js';
import { startProduct, type Product } from '../../src/lab/rig/product.js';
import { canRootWith } from '../../src/lab/rig/capability.js';
import { spawnNodeInNetns } from '../harness/node-child.js';
import { netnsPptpConfig } from '../harness/netns-pptp-config.js';

const SERVER = '10.99.0.1';
const CLIENT = '10.99.0.2';
const INSIDE = '10.1.1.1';
const USER = 'splituser';
const PASSWORD = 'Spl1t-Secr3t';

const CONFIG = netnsPptpConfig({
  server: SERVER,
  inside: INSIDE,
  pool: { name: 'pptp-pool', first: '10.97.0.10', last: '10.97.0.20' },
  user: USER,
  password: PASSWORD,
  group: [
    'client configuration dns 10.1.1.53',
    'client configuration route 10.1.1.0 255.255.255.0',
    'client configuration route 172.16.0.0 255.240.0.0',
    'client configuration domain-name corp.example',
  ],
});

async function ip(ns: string, args: string[]): Promise<string> {
  const r = await runInNetns(ns, 'ip', args, { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} in ${ns}: ${r.stderr.trim()}`);
  return r.stdout;
}

const cap = canRootWith('ping');

test('split tunnelling: the Windows-profile client installs exactly the pushed routes, in its own namespace, and reaches the inside through them', { skip: cap.ok ? false : cap.reason, timeout: 90_000 }, async () => {
  const nsA = await createNetns(uniqueNetnsName('splA'));
  const nsC = await createNetns(uniqueNetnsName('splC'));
  let product: Product | undefined;
  let client: ChildProcess | undefined;
  try {
    await vethPair(nsA, nsC, `${SERVER}/24`, `${CLIENT}/24`);
    // the inside network: an address of A's own (on its loopback; this kernel has no dummy links)
    await ip(nsA, ['addr', 'add', `${INSIDE}/24`, 'dev', 'lo']);
    const routesBefore = await ip(nsC, ['-4', 'route']);

    product = await startProduct({ netns: nsA, configText: CONFIG });
    await product.enable();
    await product.command('debug vpdn packet');

    client = spawnNodeInNetns(nsC, 'split-client-child', [SERVER, CLIENT, USER, PASSWORD], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    client.stderr!.on('data', (d) => (err += d));
    const r = new LineReader(client.stdout!);
    const line = await r.waitFor(/^(UP|FAIL|TIMEOUT)/, 30_000);
    assert.match(line, /^UP /, `${line}\n${err}`);
    const up = JSON.parse(line.slice(3)) as { clientAddress: string; adapter: string; routes: string[]; domainName: string };
    assert.deepEqual(up.routes, ['10.1.1.0/24', '172.16.0.0/12']);
    assert.equal(up.domainName, 'corp.example');

    // the client namespace's routing table: its veth network, and the pushed routes through the adapter, nothing else
    const table = (await ip(nsC, ['-4', 'route'])).trim().split('\n').map((l) => l.trim());
    process.stdout.write(`# ip -n ${nsC} route:\n${table.map((l) => `#   ${l}`).join('\n')}\n`);
    const viaAdapter = table.filter((l) => l.includes(`dev ${up.adapter}`)).map((l) => l.split(' ')[0]);
    assert.deepEqual(viaAdapter.sort(), ['10.1.1.0/24', '172.16.0.0/12']);
    assert.ok(!table.some((l) => l.startsWith('default')), 'no default route: the rest stays outside the tunnel');
    assert.deepEqual(table.filter((l) => !l.includes(`dev ${up.adapter}`)), routesBefore.trim().split('\n').map((l) => l.trim()), 'the other routes are untouched');
    assert.match(await ip(nsC, ['route', 'get', '10.1.1.1']), new RegExp(`dev ${up.adapter}`));
    assert.doesNotMatch(await ip(nsC, ['route', 'get', SERVER]), new RegExp(`dev ${up.adapter}`), 'the server itself outside the tunnel');

    const ping = await runInNetns(nsC, 'ping', ['-c', '3', '-i', '0.2', '-W', '2', INSIDE], { timeoutMs: 15_000 });
    assert.equal(ping.code, 0, `ping ${INSIDE} through the tunnel:\n${ping.stdout}${ping.stderr}`);

    const diag = await product.command('show vpdn diagnostics');
    assert.ok(diag.some((l) => /^Split tunnelling: 1 DHCPINFORM answered, 0 DHCP packets dropped/.test(l)), diag.join('\n'));
    const shown = product.lines.filter((l) => / PPTP: DHCP [IO] /.test(l));
    assert.ok(shown.some((l) => /DHCP I INFORM xid 0x[0-9a-f]{8} from 10\.97\.0\.\d+, asks 6 44 43 1 249 15/.test(l)), shown.join('\n'));
    assert.ok(shown.some((l) => /DHCP O ACK .* routes 10\.1\.1\.0\/24 172\.16\.0\.0\/12 via 10\.99\.0\.1, domain corp\.example, dns 10\.1\.1\.53/.test(l)), shown.join('\n'));

    client.stdin!.write('stop\n');
    await r.waitFor(/^DOWN /, 10_000);
    assert.notEqual(await waitExit(client, 10_000), undefined, 'the client exits');
    const after = (await ip(nsC, ['-4', 'route'])).trim();
    assert.ok(!after.includes(up.adapter), 'the routes went with the adapter');
  } finally {
    client?.kill('SIGKILL');
    await product?.stop();
    await deleteNetns(nsC);
    await deleteNetns(nsA);
  }
});
