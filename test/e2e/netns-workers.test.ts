/**
 * `pix-pptpd --workers 2` against our own clients, in namespaces this test
 * makes (removed also when it fails):
 *
 *   [C 10.98.0.2: our clients, one raw GRE socket]  --veth--  [A 10.98.0.1: the product, 2 workers;
 *                                                              inside 10.1.2.1 on A's loopback]
 *
 * Calls land on both workers (tunnel and call ids of both ranges), each
 * call passes traffic (ICMP to the inside address through its tunnel, so
 * through its worker's TUN and /32 route), `debug vpdn event` typed in the
 * primary's shell brings both workers' lines back to it, the metrics
 * endpoint counts both workers' calls, the primary's `show vpdn`
 * lists every call, the pool addresses are all distinct and `show ip
 * local pool` counts them, `clear vpdn tunnel N` ends exactly that
 * tunnel; `kill -9` of one worker: the shell says so, its calls end, the
 * other worker's keep passing traffic, its addresses go back to the pool,
 * it is forked again and takes calls again. With RADIUS accounting, the
 * Stops of a killed worker's calls come from a running worker (NAS-Error),
 * and only one Accounting-On is sent for the whole NAS.
 *
 * Captures over two workers: `capture NAME` reaches both (a worker that
 * does not answer fails it on both), `show capture` adds up their counts,
 * `copy capture` writes one pcapng that tshark reads, in time order, with
 * the GRE, the PPTP control and the decrypted ICMP of calls on both
 * workers; a worker forked again captures again. A second pix-pptpd on
 * the same address cannot join the first one's SO_REUSEPORT group;
 * `vpdn limit sessions` counts the calls of both workers. Without
 * `--workers` the product runs one worker per core, and `show version`
 * says how many.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createNetns, deleteNetns, LineReader, runInNetns, uniqueNetnsName, vethPair } from '../../src/lab/rig/netns.js';
import { startProduct, type Product } from '../../src/lab/rig/product.js';
import { canRoot } from '../../src/lab/rig/capability.js';
import { spawnNodeInNetns } from '../harness/node-child.js';
import { netnsPptpConfig } from '../harness/netns-pptp-config.js';
import { freeRadiusAvailable, startFreeRadius, type FreeRadius } from '../../src/lab/rig/freeradius.js';
import { pcapTempDir, tsharkAvailable, tsharkCheck, tsharkFields } from '../../src/lab/rig/tshark.js';

const SERVER = '10.98.0.1';
const CLIENT = '10.98.0.2';
const INSIDE = '10.1.2.1';
const USER = 'wuser';
const PASSWORD = 'W0rkers-Secr3t';
const LOW_RANGE_END = 32767; // worker 0 of 2 owns ids 1..32767

const CONFIG = netnsPptpConfig({
  server: SERVER,
  inside: INSIDE,
  pool: { name: 'wpool', first: '10.96.0.10', last: '10.96.0.60' },
  user: USER,
  password: PASSWORD,
  after: ['metrics http inside 9100'],
});

interface Up {
  index: number;
  callId: number;
  clientAddress: string;
}

/** The worker processes under the product: pid by worker index (from the environment the primary gave each). */
function workerPids(primary: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync(`/proc/${primary}/task`)) {
    const kids = readFileSync(`/proc/${primary}/task/${t}/children`, 'utf8').trim();
    for (const k of kids ? kids.split(' ').map(Number) : []) {
      const env = readFileSync(`/proc/${k}/environ`, 'utf8').split('\0').find((e) => e.startsWith('PIX_PPTPD_WORKER='));
      if (env) out.set((JSON.parse(env.slice('PIX_PPTPD_WORKER='.length)) as { index: number }).index, k);
    }
  }
  return out;
}

const cap = canRoot();

/** The product's namespace A (outside SERVER, inside INSIDE on its loopback) and the clients' C, joined by a veth. */
async function workerNamespaces(): Promise<{ nsA: string; nsC: string }> {
  const nsA = await createNetns(uniqueNetnsName('wrkA'));
  const nsC = await createNetns(uniqueNetnsName('wrkC'));
  try {
    await vethPair(nsA, nsC, `${SERVER}/24`, `${CLIENT}/24`);
    const lo = await runInNetns(nsA, 'ip', ['addr', 'add', `${INSIDE}/24`, 'dev', 'lo']);
    assert.equal(lo.code, 0, lo.stderr);
    return { nsA, nsC };
  } catch (err) {
    await removeNamespaces({ nsA, nsC });
    throw err;
  }
}

async function removeNamespaces(n: { nsA: string; nsC: string }): Promise<void> {
  await deleteNetns(n.nsC);
  await deleteNetns(n.nsA);
}

interface WorkersRig {
  nsA: string;
  /** The product in namespace A (default: two workers, CONFIG); stopped at the end. */
  product(opts?: { args?: string[]; configText?: string }): Promise<Product>;
  /** multi-client-child in namespace C dialling `count` calls; killed at the end. */
  clients(count: number): { clients: ChildProcess; r: LineReader };
}

/** The namespaces and what a test starts in them, all stopped and removed after `fn`, even when it fails. */
async function withWorkersRig(fn: (rig: WorkersRig) => Promise<void>): Promise<void> {
  const { nsA, nsC } = await workerNamespaces();
  const products: Product[] = [];
  const children: ChildProcess[] = [];
  try {
    await fn({
      nsA,
      product: async ({ args = ['--workers', '2'], configText = CONFIG } = {}) => {
        const p = await startProduct({ netns: nsA, configText, args });
        products.push(p);
        return p;
      },
      clients: (count) => {
        const c = spawnNodeInNetns(nsC, 'multi-client-child', [SERVER, CLIENT, USER, PASSWORD, String(count)], { stdio: ['pipe', 'pipe', 'inherit'] });
        children.push(c);
        return { clients: c, r: new LineReader(c.stdout!) };
      },
    });
  } finally {
    for (const c of children) c.kill('SIGKILL');
    for (const p of products.reverse()) await p.stop();
    await removeNamespaces({ nsA, nsC });
  }
}

/** Dial (more, bounded) until each worker has `atLeast` calls; every dial must come up. */
async function dialOnBoth(clients: ChildProcess, r: LineReader, atLeast = 1): Promise<Up[]> {
  const ups = new Map<number, Up>();
  const collect = () => {
    for (const u of r.json<Up>(/^UP /)) ups.set(u.index, u);
  };
  await r.waitFor(/^DIALLED$/, 60_000);
  // The kernel picks which worker accepts a connection.
  const enough = () => {
    const ids = [...ups.values()].map((u) => u.callId);
    return ids.filter((id) => id <= LOW_RANGE_END).length >= atLeast && ids.filter((id) => id > LOW_RANGE_END).length >= atLeast;
  };
  for (let round = 0; round < 4; round++) {
    collect();
    if (enough()) break;
    const at = r.lines.length;
    clients.stdin!.write('dial 4\n');
    await r.waitFor(/^DIALLED$/, 60_000, at);
  }
  collect();
  assert.deepEqual(r.lines.filter((l) => l.startsWith('FAIL')), [], 'every dial came up');
  const calls = [...ups.values()];
  assert.ok(enough(), `${atLeast} call(s) on each worker: ${JSON.stringify(calls)}`);
  return calls;
}

test('--workers 2: calls on both workers behind one address, one shell view, clear and kill -9 of a worker', { skip: cap.ok ? false : cap.reason, timeout: 240_000 }, async () => {
  const { nsA, nsC } = await workerNamespaces();
  let product: Product | undefined;
  let clients: ChildProcess | undefined;
  try {

    product = await startProduct({ netns: nsA, configText: CONFIG, args: ['--workers', '2'] });
    await product.enable();
    const primaryPid = product.child.pid!;
    let pids = workerPids(primaryPid);
    assert.deepEqual([...pids.keys()].sort(), [0, 1], 'two worker processes');
    const links = (await runInNetns(nsA, 'ip', ['-o', 'link'])).stdout;
    assert.match(links, /pptpw0/);
    assert.match(links, /pptpw1/);
    // a debug switch of the primary's shell reaches both workers; their lines come back to it
    await product.command('debug vpdn event');

    clients = spawnNodeInNetns(nsC, 'multi-client-child', [SERVER, CLIENT, USER, PASSWORD, '6'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const r = new LineReader(clients.stdout!);
    const calls = await dialOnBoth(clients, r);
    const onLow = calls.filter((u) => u.callId <= LOW_RANGE_END);
    const onHigh = calls.filter((u) => u.callId > LOW_RANGE_END);
    process.stdout.write(`# ${calls.length} calls: ${onLow.length} on worker 0, ${onHigh.length} on worker 1\n`);

    const opened = product.lines.filter((l) => /PPP virtual access open/.test(l)).length;
    assert.ok(opened >= calls.length, `a debug vpdn event line per call from both workers (${opened} for ${calls.length} calls)`);
    await product.command('no debug vpdn event');

    const addresses = calls.map((u) => u.clientAddress);
    assert.equal(new Set(addresses).size, addresses.length, `distinct pool addresses: ${addresses.join(' ')}`);

    const pingAll = async (): Promise<Map<number, { sent: number; received: number }>> => {
      const at = r.lines.length;
      clients!.stdin!.write(`ping ${INSIDE}\n`);
      await r.waitFor(/^PINGED$/, 30_000, at);
      const m = new Map<number, { sent: number; received: number }>();
      for (const l of r.lines.slice(at).filter((x) => x.startsWith('PING '))) {
        const p = JSON.parse(l.slice(5)) as { index: number; sent: number; received: number };
        m.set(p.index, p);
      }
      return m;
    };
    const pings = await pingAll();
    for (const u of calls) assert.ok((pings.get(u.index)?.received ?? 0) > 0, `call ${u.callId} (${u.clientAddress}) passes traffic: ${JSON.stringify(pings.get(u.index))}`);

    // one view: the primary's show vpdn lists every call of both workers
    const vpdn = await product.command('show vpdn');
    const callIdsShown = vpdn.map((l) => /^Call id (\d+) is up on tunnel id (\d+)/.exec(l)).filter((m) => m !== null).map((m) => Number(m![1]));
    assert.deepEqual(callIdsShown.sort((a, b) => a - b), calls.map((u) => u.callId).sort((a, b) => a - b), vpdn.join('\n'));
    assert.ok(vpdn.some((l) => l.includes(`(Total tunnels=${calls.length} sessions=${calls.length})`)), vpdn.join('\n'));
    // the metrics endpoint's census: both workers' calls, the primary's pool
    const metrics = await runInNetns(nsA, 'curl', ['-s', '--max-time', '10', `http://${INSIDE}:9100/metrics`], { timeoutMs: 15_000 });
    assert.match(metrics.stdout, new RegExp(`^pix_pptpd_sessions\\{state="estabd",auth="MSCHAP-V2"\\} ${calls.length}$`, 'm'), metrics.stdout.slice(0, 3000));
    assert.match(metrics.stdout, new RegExp(`^pix_pptpd_setups_total ${calls.length}$`, 'm'));
    assert.match(metrics.stdout, new RegExp(`^pix_pptpd_pool_addresses\\{pool="wpool",state="in_use"\\} ${calls.length}$`, 'm'));
    const pool = await product.command('show ip local pool wpool');
    for (const a of addresses) assert.ok(pool.includes(a), `${a} in use:\n${pool.join('\n')}`);
    assert.ok(pool.some((l) => new RegExp(`^wpool\\s.*\\s${calls.length}$`).test(l)), pool.join('\n'));

    // clear vpdn tunnel N on worker 1's range: exactly that call ends
    const tunnelOf = (callId: number) => Number(vpdn.map((l) => new RegExp(`^Call id ${callId} is up on tunnel id (\\d+)`).exec(l)).find((m) => m)![1]);
    const victim = onHigh[0];
    const atClear = r.lines.length;
    await product.command('configure terminal'); // clear vpdn is a configuration command on a PIX
    assert.deepEqual(await product.command(`clear vpdn tunnel id ${tunnelOf(victim.callId)}`), []);
    await product.command('exit');
    const down = JSON.parse((await r.waitFor(/^DOWN /, 15_000, atClear)).slice(5)) as { index: number };
    assert.equal(down.index, victim.index, 'the cleared tunnel is the one that went down');
    await new Promise((res) => setTimeout(res, 1000));
    assert.deepEqual(r.lines.slice(atClear).filter((l) => l.startsWith('DOWN ')).length, 1, 'no other call went down');
    const remaining = calls.filter((u) => u !== victim);
    const afterClear = await pingAll();
    for (const u of remaining) assert.ok((afterClear.get(u.index)?.received ?? 0) > 0, `call ${u.callId} still passes traffic`);

    // kill -9 of worker 1: its calls end, worker 0's go on, the shell says so, worker 1 comes back
    pids = workerPids(primaryPid);
    const killedPid = pids.get(1)!;
    const atKill = r.lines.length;
    const consoleAt = product.lines.length;
    process.kill(killedPid, 'SIGKILL');
    await product.waitFor(/worker 1 \(pid \d+\) died \(signal SIGKILL\)/, 15_000, consoleAt);
    const highLeft = remaining.filter((u) => u.callId > LOW_RANGE_END);
    const lowLeft = remaining.filter((u) => u.callId <= LOW_RANGE_END);
    const deadline = Date.now() + 20_000;
    const downIndexes = () => new Set(r.lines.slice(atKill).filter((l) => l.startsWith('DOWN ')).map((l) => (JSON.parse(l.slice(5)) as { index: number }).index));
    while (highLeft.some((u) => !downIndexes().has(u.index)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual([...downIndexes()].sort(), highLeft.map((u) => u.index).sort(), "exactly worker 1's calls ended");
    const afterKill = await pingAll();
    for (const u of lowLeft) assert.ok((afterKill.get(u.index)?.received ?? 0) > 0, `worker 0's call ${u.callId} still passes traffic`);
    await product.waitFor(/worker 1 \(pid \d+\) restarted and serving/, 30_000, consoleAt);
    const newPid = workerPids(primaryPid).get(1);
    assert.ok(newPid !== undefined && newPid !== killedPid, 'worker 1 forked again');
    const vpdn2 = await product.command('show vpdn');
    assert.ok(vpdn2.some((l) => l.includes(`(Total tunnels=${lowLeft.length} sessions=${lowLeft.length})`)), vpdn2.join('\n'));
    const pool2 = await product.command('show ip local pool wpool');
    assert.ok(pool2.some((l) => new RegExp(`^wpool\\s.*\\s${lowLeft.length}$`).test(l)), `worker 1's addresses back in the pool:\n${pool2.join('\n')}`);

    // the restarted worker takes calls again: dial until one lands on it (bounded)
    let onNew: Up | undefined;
    for (let round = 0; round < 4 && !onNew; round++) {
      const at = r.lines.length;
      clients.stdin!.write('dial 3\n');
      await r.waitFor(/^DIALLED$/, 60_000, at);
      assert.deepEqual(r.lines.slice(at).filter((l) => l.startsWith('FAIL')), [], 'dials after the restart come up');
      onNew = r.json<Up>(/^UP /).slice(-3).find((u) => u.callId > LOW_RANGE_END);
    }
    assert.ok(onNew, 'a call on the restarted worker');
    const last = await pingAll();
    assert.ok((last.get(onNew.index)?.received ?? 0) > 0, 'and it passes traffic');

    clients.stdin!.write('stop\n');
  } finally {
    clients?.kill('SIGKILL');
    await product?.stop();
    await removeNamespaces({ nsA, nsC });
  }
});

test('--workers 2: a commit one worker refuses is undone on the other, the running-config untouched', { skip: cap.ok ? false : cap.reason, timeout: 180_000 }, async () => {
  const { nsA, nsC } = await workerNamespaces();
  let product: Product | undefined;
  let clients: ChildProcess | undefined;
  try {
    // worker 1's TUN name taken by another kind of link: its data plane cannot open
    const block = await runInNetns(nsA, 'ip', ['link', 'add', 'pptpw1', 'type', 'veth', 'peer', 'name', 'pptpwx']);
    assert.equal(block.code, 0, block.stderr);
    product = await startProduct({ netns: nsA, configText: CONFIG.replace('vpdn enable outside', ''), args: ['--workers', '2'] });
    await product.enable();
    await product.command('configure terminal');
    const refused = await product.command('vpdn enable outside');
    assert.ok(refused.some((l) => /worker 1: cannot open the TUN device/.test(l)), refused.join('\n'));
    assert.ok(!(await product.command('show running-config')).includes('vpdn enable outside'), 'running-config untouched');
    // worker 0 took the change, then was given the previous config back: nothing listens
    clients = spawnNodeInNetns(nsC, 'multi-client-child', [SERVER, CLIENT, USER, PASSWORD, '1'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let r = new LineReader(clients.stdout!);
    await r.waitFor(/^DIALLED$/, 60_000);
    assert.match(r.lines.find((l) => /^(UP|FAIL) /.test(l)) ?? '', /^FAIL .*(ECONNREFUSED|refused)/i, r.lines.join('\n'));
    clients.stdin!.write('stop\n');

    const unblock = await runInNetns(nsA, 'ip', ['link', 'del', 'pptpw1']);
    assert.equal(unblock.code, 0, unblock.stderr);
    assert.deepEqual(await product.command('vpdn enable outside'), []);
    assert.ok((await product.command('show running-config')).includes('vpdn enable outside'));
    clients = spawnNodeInNetns(nsC, 'multi-client-child', [SERVER, CLIENT, USER, PASSWORD, '2'], { stdio: ['pipe', 'pipe', 'inherit'] });
    r = new LineReader(clients.stdout!);
    await r.waitFor(/^DIALLED$/, 60_000);
    assert.equal(r.lines.filter((l) => l.startsWith('UP ')).length, 2, r.lines.join('\n'));
    clients.stdin!.write(`ping ${INSIDE}\n`);
    await r.waitFor(/^PINGED$/, 30_000);
    for (const p of r.json<{ received: number }>(/^PING /)) assert.ok(p.received > 0);
    clients.stdin!.write('stop\n');
  } finally {
    clients?.kill('SIGKILL');
    await product?.stop();
    await removeNamespaces({ nsA, nsC });
  }
});

const radiusCap = cap.ok ? freeRadiusAvailable() : cap;

test('--workers 2 with RADIUS: show aaa-server adds up the workers, a Disconnect-Request reaches the worker holding the call, one Accounting-On; kill -9 of a worker: a running worker sends its calls\' Stops (NAS-Error)', { skip: radiusCap.ok ? false : radiusCap.reason, timeout: 180_000 }, async () => {
  const { nsA, nsC } = await workerNamespaces();
  let product: Product | undefined;
  let clients: ChildProcess | undefined;
  let radius: FreeRadius | undefined;
  try {
    radius = await startFreeRadius({ netns: nsA, address: INSIDE, clients: [INSIDE], users: [{ name: USER, password: PASSWORD }] });
    const config = CONFIG.replace(`vpdn username ${USER} password ${PASSWORD}`, '').replace(
      'vpdn group 1 client authentication local',
      [
        'aaa-server RADIUS protocol radius',
        `aaa-server RADIUS (inside) host ${INSIDE} ${radius.secret} timeout 2 authentication-port ${radius.authPort} accounting-port ${radius.acctPort}`,
        'aaa-server RADIUS dynamic-authorization',
        'vpdn group 1 client authentication aaa RADIUS',
        'vpdn group 1 client accounting RADIUS',
      ].join('\n'),
    );
    product = await startProduct({ netns: nsA, configText: config, args: ['--workers', '2'] });
    await product.enable();
    clients = spawnNodeInNetns(nsC, 'multi-client-child', [SERVER, CLIENT, USER, PASSWORD, '6'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const r = new LineReader(clients.stdout!);
    // two on worker 1: one for the Disconnect-Request, one to die with it
    const calls = await dialOnBoth(clients, r, 2);
    const records = () => radius!.accountingRecords();
    const ofKind = (kind: string) => records().filter((x) => x['Acct-Status-Type'] === kind);
    // the call id is the Acct-Session-Id's last four hex digits (src/server/call.ts newAcctSessionId)
    const callIdOf = (x: Record<string, string>) => parseInt(x['Acct-Session-Id'].slice(-4), 16);
    const deadline = Date.now() + 20_000;
    while (ofKind('Start').length < calls.length && Date.now() < deadline) await new Promise((res) => setTimeout(res, 200));
    assert.equal(ofKind('Start').length, calls.length, 'a Start for every call');
    // traffic, then a status push (every second) carries its counters to the primary
    clients.stdin!.write(`ping ${INSIDE}\n`);
    await r.waitFor(/^PINGED$/, 30_000);
    await new Promise((res) => setTimeout(res, 1500));
    // show aaa-server: both workers' counters as one (each worker has its own RADIUS socket)
    const aaa = (await product.command('show aaa-server RADIUS')).join('\n');
    assert.match(aaa, new RegExp(`Number of accepts\\s+${calls.length}$`, 'm'), aaa);
    assert.match(aaa, new RegExp(`Number of authentication requests\\s+${calls.length}$`, 'm'), aaa);

    // a Disconnect-Request to the NAS (the primary listens) ends exactly the call it names, on the worker that holds it
    const [cut, ...onHigh] = calls.filter((u) => u.callId > LOW_RANGE_END).sort((a, b) => a.callId - b.callId);
    const cutSid = ofKind('Start').find((x) => callIdOf(x) === cut!.callId)!['Acct-Session-Id'];
    const atCut = r.lines.length;
    const dm = await runInNetns(nsA, 'radclient', ['-x', '-r', '1', '-t', '3', `${INSIDE}:3799`, 'disconnect', radius.secret], {
      input: `Acct-Session-Id = "${cutSid}"\nNAS-IP-Address = ${INSIDE}\n`,
      timeoutMs: 15_000,
    });
    assert.match(dm.stdout, /Received Disconnect-ACK/, dm.stdout + dm.stderr);
    const gone = JSON.parse((await r.waitFor(/^DOWN /, 15_000, atCut)).slice(5)) as { index: number };
    assert.equal(gone.index, cut!.index, 'the call the Disconnect-Request named went down');
    const adminStop = Date.now() + 10_000;
    while (!ofKind('Stop').length && Date.now() < adminStop) await new Promise((res) => setTimeout(res, 200));
    assert.deepEqual(ofKind('Stop').map((x) => [callIdOf(x), x['Acct-Terminate-Cause']]), [[cut!.callId, 'Admin-Reset']]);
    await new Promise((res) => setTimeout(res, 1500)); // the next push no longer holds it

    const consoleAt = product.lines.length;
    process.kill(workerPids(product.child.pid!).get(1)!, 'SIGKILL');
    await product.waitFor(new RegExp(`worker 1 \\(pid \\d+\\) died \\(signal SIGKILL\\): its ${onHigh.length} call\\(s\\) dropped, accounting Stop for ${onHigh.length}`), 15_000, consoleAt);
    const stopsBy = Date.now() + 20_000;
    while (ofKind('Stop').length < onHigh.length + 1 && Date.now() < stopsBy) await new Promise((res) => setTimeout(res, 200));
    const stops = ofKind('Stop').filter((x) => callIdOf(x) !== cut!.callId);
    assert.deepEqual(stops.map(callIdOf).sort((a, b) => a - b), onHigh.map((u) => u.callId).sort((a, b) => a - b), "a Stop for exactly worker 1's calls");
    for (const x of stops) {
      assert.equal(x['Acct-Terminate-Cause'], 'NAS-Error', JSON.stringify(x));
      assert.equal(x['User-Name'], USER);
      assert.equal(x['NAS-IP-Address'], INSIDE);
      assert.ok(Number(x['Acct-Input-Packets']) > 0 && Number(x['Acct-Output-Packets']) > 0, `the counters of the last push: ${JSON.stringify(x)}`);
      assert.ok(Number(x['Acct-Session-Time']) >= 1, JSON.stringify(x));
    }
    await product.waitFor(/worker 1 \(pid \d+\) restarted and serving/, 30_000, consoleAt);
    assert.equal(ofKind('Accounting-On').length, 1, 'one Accounting-On for the NAS, none from the restarted worker');
    clients.stdin!.write('stop\n');
  } finally {
    clients?.kill('SIGKILL');
    await product?.stop();
    await radius?.stop();
    await removeNamespaces({ nsA, nsC });
  }
});

test('no --workers: one data-plane worker per core, and show version says so', { skip: cap.ok ? false : cap.reason, timeout: 120_000 }, () =>
  withWorkersRig(async (rig) => {
    const product = await rig.product({ args: [] });
    const cores = availableParallelism();
    const coreText = `${cores} CPU core${cores === 1 ? '' : 's'}`;
    const version = await product.command('show version');
    if (cores === 1) {
      assert.ok(version.includes(`Data plane: this process (${coreText})`), version.join('\n'));
      assert.equal(workerPids(product.child.pid!).size, 0, 'one core: no worker process');
      return;
    }
    assert.ok(version.includes(`Data plane: ${cores} worker processes (${coreText})`), version.join('\n'));
    assert.deepEqual([...workerPids(product.child.pid!).keys()].sort((a, b) => a - b), [...Array(cores).keys()], `${cores} worker processes`);
    const links = (await runInNetns(rig.nsA, 'ip', ['-o', 'link'])).stdout;
    for (let i = 0; i < cores; i++) assert.match(links, new RegExp(`pptpw${i}[:@]`), links);
  }));

/** `show capture`: NAME -> packets and bytes. */
async function showCapture(product: Product): Promise<Map<string, { packets: number; bytes: number }>> {
  const out = new Map<string, { packets: number; bytes: number }>();
  for (const l of await product.command('show capture')) {
    const m = /^capture (\S+).* \((\d+) packets, (\d+) bytes\)$/.exec(l);
    if (m) out.set(m[1], { packets: Number(m[2]), bytes: Number(m[3]) });
  }
  return out;
}

const tsharkCap = cap.ok ? tsharkAvailable() : cap;

test('--workers 2: capture on both workers; show capture adds them up; copy capture writes one pcapng tshark reads, with the calls of both; a restarted worker captures again', { skip: tsharkCap.ok ? false : tsharkCap.reason, timeout: 240_000 }, () =>
  withWorkersRig(async (rig) => {
    const product = await rig.product();
    await product.enable();
    const primaryPid = product.child.pid!;
    assert.deepEqual(await product.command('capture all'), []);
    assert.deepEqual(await product.command(`capture mine user ${USER}`), []);
    assert.deepEqual(await product.command('capture nobody user nobody'), []);
    assert.deepEqual(
      [...(await showCapture(product))],
      [
        ['all', { packets: 0, bytes: 0 }],
        ['mine', { packets: 0, bytes: 0 }],
        ['nobody', { packets: 0, bytes: 0 }],
      ],
    );

    // all or nothing: worker 1 stopped (SIGSTOP) cannot answer; worker 0 is given the capture and it is taken back
    const stopped = workerPids(primaryPid).get(1)!;
    process.kill(stopped, 'SIGSTOP');
    let refused: string[];
    try {
      refused = await product.command('capture late');
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    assert.deepEqual(refused, ['ERROR: capture late: worker 1: worker 1 did not answer (capture-start)']);
    assert.ok(!(await showCapture(product)).has('late'), 'no capture late on any worker');

    const { clients, r } = rig.clients(4);
    const calls = await dialOnBoth(clients, r);
    const ping = async () => {
      const at = r.lines.length;
      clients.stdin!.write(`ping ${INSIDE}\n`);
      await r.waitFor(/^PINGED$/, 30_000, at);
    };
    await ping();
    const mid = await showCapture(product);
    assert.ok(mid.get('all')!.packets > 0 && mid.get('mine')!.packets > 0, JSON.stringify([...mid]));
    assert.equal(mid.get('nobody')!.packets, 0, 'a capture for another user records nothing');

    // worker 1 killed: its packets are gone with it; forked again, it is given the captures and records its new calls
    const atKill = product.lines.length;
    process.kill(workerPids(primaryPid).get(1)!, 'SIGKILL');
    await product.waitFor(/worker 1 \(pid \d+\) restarted and serving/, 30_000, atKill);
    assert.deepEqual([...(await showCapture(product)).keys()], ['all', 'mine', 'nobody'], 'the captures outlive the worker');
    let onNew: Up | undefined;
    for (let round = 0; round < 4 && !onNew; round++) {
      const at = r.lines.length;
      clients.stdin!.write('dial 3\n');
      await r.waitFor(/^DIALLED$/, 60_000, at);
      onNew = r.json<Up>(/^UP /).slice(-3).find((u) => u.callId > LOW_RANGE_END);
    }
    assert.ok(onNew, 'a call on the restarted worker');
    await ping();
    const low = calls.filter((u) => u.callId <= LOW_RANGE_END);
    const live = [...low, onNew];

    // quiet: every call hung up, so the counts and the file hold the same packets
    clients.stdin!.write('stop\n');
    const deadline = Date.now() + 20_000;
    while (!(await product.command('show vpdn')).includes('% No active PPTP tunnels') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 300));
    const counts = await showCapture(product);
    const path = join(pcapTempDir(), 'all.pcapng');
    const copied = await product.command(`copy capture:all ${path}`);
    assert.deepEqual(copied, [`Copying capture all to ${path}`, `${statSync(path).size} bytes copied`]);

    const report = await tsharkCheck(path);
    assert.deepEqual(report.malformed, []);
    assert.equal(report.frames, counts.get('all')!.packets, 'show capture counts every worker\'s packets: the file holds them all');
    for (const p of ['pptp', 'gre', 'ppp', 'lcp', 'chap', 'ccp', 'ipcp', 'icmp']) assert.ok(report.protocols.has(p), `${p} in ${[...report.protocols]}`);
    const frames = await tsharkFields(path, ['frame.time_epoch', 'frame.cap_len', 'frame.interface_id', 'gre.key.call_id']);
    const times = frames.map(([t]) => Number(t));
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'one file in time order');
    // tshark takes the direction octet of PPP-with-direction (interface 1) out of the frame: one more byte each in the file
    const bytes = frames.reduce((n, [, len, ifId]) => n + Number(len) + (ifId === '1' ? 1 : 0), 0);
    assert.equal(bytes, counts.get('all')!.bytes, 'show capture bytes: every worker\'s');
    const greCallIds = new Set(frames.map(([, , , id]) => Number(id)).filter((id) => id > 0));
    for (const u of live) assert.ok(greCallIds.has(u.callId), `GRE of call ${u.callId} (worker ${u.callId > LOW_RANGE_END ? 1 : 0}) in the file: ${[...greCallIds].join(' ')}`);
    // the decrypted inner ICMP of calls on both workers
    const inner = await tsharkFields(path, ['ip.src'], { filter: 'frame.interface_id == 1 && icmp.type == 8' });
    const pinged = new Set(inner.map(([src]) => src));
    for (const u of live) assert.ok(pinged.has(u.clientAddress), `the echo requests of ${u.clientAddress} decrypted: ${[...pinged].join(' ')}`);

    const minePath = join(pcapTempDir(), 'mine.pcapng');
    await product.command(`copy capture:mine ${minePath}`);
    assert.equal((await tsharkCheck(minePath)).frames, counts.get('mine')!.packets);

    assert.deepEqual(await product.command('no capture all'), []);
    assert.deepEqual([...(await showCapture(product)).keys()], ['mine', 'nobody']);
    assert.deepEqual(await product.command(`copy capture:all ${path}`), ['ERROR: capture all does not exist']);
  }));

test('--workers 2: a second pix-pptpd on the same address cannot join the first one\'s SO_REUSEPORT group', { skip: cap.ok ? false : cap.reason, timeout: 120_000 }, () =>
  withWorkersRig(async (rig) => {
    const first = await rig.product();
    const second = await rig.product({ configText: CONFIG.replace('vpdn enable outside', '') });
    await second.enable();
    await second.command('configure terminal');
    const refused = await second.command('vpdn enable outside');
    assert.deepEqual(refused.filter((l) => l.startsWith('ERROR')), [`ERROR: cannot listen on outside ${SERVER}:1723: another pix-pptpd listens there (EADDRINUSE)`], refused.join('\n'));
    assert.ok(!(await second.command('show running-config')).includes('vpdn enable outside'), 'running-config untouched');
    // the first one still takes every call
    const { clients, r } = rig.clients(4);
    await r.waitFor(/^DIALLED$/, 60_000);
    assert.equal(r.lines.filter((l) => l.startsWith('UP ')).length, 4, r.lines.join('\n'));
    await first.enable();
    const vpdn = await first.command('show vpdn');
    assert.ok(vpdn.some((l) => l.includes('(Total tunnels=4 sessions=4)')), vpdn.join('\n'));
    clients.stdin!.write('stop\n');
  }));

test('--workers 2: vpdn limit sessions counts the calls of both workers, those up before the limit too', { skip: cap.ok ? false : cap.reason, timeout: 180_000 }, () =>
  withWorkersRig(async (rig) => {
    const product = await rig.product();
    await product.enable();
    const { clients, r } = rig.clients(2);
    const calls = await dialOnBoth(clients, r);
    const k = calls.length;
    // one place left for the box; a limit per worker would leave k + 1 on each
    await product.command('configure terminal');
    assert.deepEqual(await product.command(`vpdn limit sessions ${k + 1}`), []);
    let at = r.lines.length;
    clients.stdin!.write('dial 4\n');
    await r.waitFor(/^DIALLED$/, 60_000, at);
    const outcome = () => r.lines.slice(at).filter((l) => /^(UP|FAIL) /.test(l)).map((l) => l.slice(0, 4)).sort();
    assert.deepEqual(outcome(), ['FAIL', 'FAIL', 'FAIL', 'UP {'], r.lines.slice(at).join('\n'));
    const diag = await product.command('show vpdn diagnostics');
    assert.ok(diag.includes('  max-sessions: 3'), diag.join('\n'));
    // a call that ends frees a place, whichever worker held it
    const vpdn = (await product.command('show vpdn')).join('\n');
    const tunnel = Number(new RegExp(`^Call id ${calls[0].callId} is up on tunnel id (\\d+)`, 'm').exec(vpdn)![1]);
    at = r.lines.length;
    await product.command(`clear vpdn tunnel id ${tunnel}`);
    await r.waitFor(/^DOWN /, 15_000, at);
    at = r.lines.length;
    clients.stdin!.write('dial 2\n');
    await r.waitFor(/^DIALLED$/, 60_000, at);
    assert.deepEqual(outcome(), ['FAIL', 'UP {'], r.lines.slice(at).join('\n'));
    clients.stdin!.write('stop\n');
  }));
