/**
 * Bounded floods against the real product (bin/pix-pptpd: raw GRE, Linux
 * TUN, its shell on stdin) from test network namespaces:
 *
 *   [B 10.99.0.2 attacker] --veth--+
 *                                  br0 10.99.0.1 [A: the product]
 *   [C 10.99.0.3 legit]    --veth--+
 *
 * A legitimate session from C (test/harness/flood-client.ts: our client
 * with the raw GRE socket) pings the server's tunnel address every 100 ms
 * while B, one flood after the other (test/harness/flood-attack.ts), opens
 * a TCP connection flood with half-open connections, an SCCRQ storm, a raw
 * GRE flood (unknown call ids, garbage, the victim's call id spoofed) and
 * an authentication brute force. Each flood is bounded in count and time
 * and its process exits by itself. The product's `show vpdn diagnostics`
 * counters are read before and after each flood; afterwards the product
 * still runs, C dials a new session, and everything stops by itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createNetns, deleteNetns, LineReader, runInNetns, uniqueNetnsName, waitExit } from '../../src/lab/rig/netns.js';
import { spawnNodeInNetns } from '../harness/node-child.js';
import { startProduct, type Product } from '../../src/lab/rig/product.js';
import { canRoot } from '../../src/lab/rig/capability.js';

const SERVER = '10.99.0.1';
const ATTACKER = '10.99.0.2';
const LEGIT = '10.99.0.3';
const USER = 'flooduser';
const PASSWORD = 'Fl00d-Secr3t';
const SETUP_TIMEOUT_S = 3;
const PER_SOURCE = 40;
const AUTH_FAILURES = 3;
const QUICK = 600;
const STORM = 400;
const GRE_PACKETS = 30_000;

const CONFIG = [
  'nameif ethernet0 outside security0',
  'hostname pixflood',
  `ip address outside ${SERVER} 255.255.255.0`,
  'ip local pool pptp-pool 10.97.0.10-10.97.0.20',
  'vpdn group 1 accept dialin pptp',
  'vpdn group 1 ppp authentication mschap-v2',
  'vpdn group 1 ppp encryption mppe 128 required',
  'vpdn group 1 client configuration address local pptp-pool',
  'vpdn group 1 client authentication local',
  `vpdn username ${USER} password ${PASSWORD}`,
  `vpdn limit per-source ${PER_SOURCE}`,
  `vpdn limit setup-timeout ${SETUP_TIMEOUT_S}`,
  `vpdn limit auth-failures ${AUTH_FAILURES} backoff 60`,
  'vpdn enable outside',
].join('\n');

async function ip(ns: string, args: string[]): Promise<void> {
  const r = await runInNetns(ns, 'ip', args, { timeoutMs: 10_000 });
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} in ${ns}: ${r.stderr.trim()}`);
}

/** A bridge in `hub` (address hubAddr/24) and one veth from it to each spoke namespace. */
async function star(hub: string, hubAddr: string, spokes: [ns: string, addr: string][]): Promise<void> {
  const tag = `f${process.pid % 100000}`;
  await ip(hub, ['link', 'add', 'br0', 'type', 'bridge']);
  await ip(hub, ['addr', 'add', `${hubAddr}/24`, 'dev', 'br0']);
  await ip(hub, ['link', 'set', 'br0', 'up']);
  for (const [i, [ns, addr]] of spokes.entries()) {
    const hubIf = `${tag}h${i}`;
    const spokeIf = `${tag}s${i}`;
    await ip(hub, ['link', 'add', hubIf, 'type', 'veth', 'peer', 'name', spokeIf, 'netns', ns]);
    await ip(hub, ['link', 'set', hubIf, 'master', 'br0']);
    await ip(hub, ['link', 'set', hubIf, 'up']);
    await ip(ns, ['addr', 'add', `${addr}/24`, 'dev', spokeIf]);
    await ip(ns, ['link', 'set', spokeIf, 'up']);
  }
}

/** `show vpdn diagnostics`: the "PPTP error counters:" section as numbers. */
async function counters(p: Product): Promise<Record<string, number>> {
  const out = await p.command('show vpdn diagnostics');
  const at = out.indexOf('PPTP error counters:');
  assert.ok(at >= 0, `no counters in:\n${out.join('\n')}`);
  const c: Record<string, number> = {};
  for (const l of out.slice(at + 1)) {
    const m = /^ {2}([a-z0-9-]+): (\d+)$/.exec(l);
    if (m) c[m[1]!] = Number(m[2]);
  }
  return c;
}

const delta = (a: Record<string, number>, b: Record<string, number>, k: string) => (b[k] ?? 0) - (a[k] ?? 0);

interface Pings {
  sent: number;
  received: number;
}

/** The victim's ping lines from index `from` on. */
function pingsSince(r: LineReader, from: number): Pings {
  const ps = r.lines.slice(from).filter((l) => l.startsWith('PING '));
  return { sent: ps.length, received: ps.filter((l) => / 1 /.test(l)).length };
}

/** Runs one flood in the attacker namespace; resolves with its DONE report once it has exited by itself. */
async function flood<T>(ns: string, args: string[], boundMs: number): Promise<T> {
  const t0 = Date.now();
  const c = spawnNodeInNetns(ns, 'flood-attack', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const r = new LineReader(c.stdout!);
  let err = '';
  c.stderr!.on('data', (d) => (err += d));
  const code = await waitExit(c, boundMs);
  assert.notEqual(code, undefined, `flood ${args[0]} still running after ${boundMs} ms:\n${r.lines.join('\n')}`);
  assert.equal(code, 0, `flood ${args[0]} exit ${code}:\n${r.lines.join('\n')}\n${err}`);
  const done = r.lines.find((l) => l.startsWith('DONE '));
  assert.ok(done, `flood ${args[0]} gave no report:\n${r.lines.join('\n')}\n${err}`);
  process.stdout.write(`# flood ${args[0]}: ${Date.now() - t0} ms ${done}\n`);
  return JSON.parse(done.slice(5)) as T;
}

const cap = canRoot();

test('floods from a test namespace against the real product: the established session keeps answering, every flood is counted', { skip: cap.ok ? false : cap.reason, timeout: 90_000 }, async () => {
  const nsA = await createNetns(uniqueNetnsName('fldA'));
  const nsB = await createNetns(uniqueNetnsName('fldB'));
  const nsC = await createNetns(uniqueNetnsName('fldC'));
  let product: Product | undefined;
  let legit: ChildProcess | undefined;
  try {
    await star(nsA, SERVER, [
      [nsB, ATTACKER],
      [nsC, LEGIT],
    ]);
    product = await startProduct({ netns: nsA, configText: CONFIG });
    await product.enable();
    const base = await counters(product);

    // The legitimate session from C, pinging every 100 ms.
    legit = spawnNodeInNetns(nsC, 'flood-client', [SERVER, LEGIT, USER, PASSWORD], { stdio: ['pipe', 'pipe', 'pipe'] });
    let legitErr = '';
    legit.stderr!.on('data', (d) => (legitErr += d));
    const victim = new LineReader(legit.stdout!);
    const up = JSON.parse((await victim.waitFor(/^(UP|FAIL) /, 20_000)).replace(/^UP /, '')) as { peerCallId: number; mppe: { bits: number } | null };
    assert.equal(up.mppe?.bits, 128, 'the victim session is MPPE-128');
    await victim.waitFor(/^PING 9 /, 10_000);
    process.stdout.write(`# victim's first pings: ${victim.lines.filter((l) => l.startsWith('PING ')).slice(0, 3).join(', ')}\n`);
    const show = (await product.command('show vpdn')).join('\n');
    process.stdout.write(`# show vpdn:\n${show.replace(/^/gm, '#   ')}\n`);

    const phases: { name: string; pings: Pings }[] = [];
    /** Runs a flood while the victim pings, plus 1 s after it; the pings of that window are kept. */
    const phase = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
      const from = victim.lines.length;
      const r = await run();
      await new Promise((res) => setTimeout(res, 1000));
      const pings = pingsSince(victim, from);
      phases.push({ name, pings });
      process.stdout.write(`# ${name}: victim ${pings.received}/${pings.sent} pings\n`);
      assert.ok(pings.sent >= 8, `${name}: the victim kept pinging (${pings.sent})`);
      assert.ok(pings.received >= 0.95 * pings.sent, `${name}: victim answered ${pings.received}/${pings.sent}\n${legitErr}`);
      return r;
    };

    // 1. TCP connection flood: 600 connect-and-close, 30 half-open until the setup timeout.
    let c0 = await counters(product);
    const tcp = await phase('tcp connection flood', () =>
      flood<{ quickConnected: number; silent: number; closedByServer: number; bytesFromServer: number; minLifetimeMs: number; maxLifetimeMs: number }>(
        nsB,
        ['tcp', SERVER, ATTACKER, String(QUICK), '30'],
        25_000,
      ),
    );
    let c1 = await counters(product);
    assert.equal(tcp.quickConnected, QUICK);
    assert.equal(tcp.silent, 30);
    assert.equal(tcp.closedByServer, 30, 'every half-open connection was closed by the server');
    assert.equal(tcp.bytesFromServer, 0, 'nothing sent to a peer that never sent an SCCRQ');
    assert.ok(tcp.minLifetimeMs >= SETUP_TIMEOUT_S * 1000 - 200, `not before the setup timeout (${tcp.minLifetimeMs} ms)`);
    assert.ok(tcp.maxLifetimeMs <= SETUP_TIMEOUT_S * 1000 + 3000, `soon after the setup timeout (${tcp.maxLifetimeMs} ms)`);
    assert.equal(delta(c0, c1, 'pptp-sccrq-timeout'), 30, 'each half-open connection counted');

    // 2. SCCRQ storm: 400 control connections from one source, per-source limit 40.
    c0 = c1;
    const storm = await phase('SCCRQ storm', () =>
      flood<{ sent: number; sccrp: number; closedUnanswered: number }>(nsB, ['sccrq', SERVER, ATTACKER, String(STORM), '1000'], 20_000),
    );
    c1 = await counters(product);
    assert.equal(storm.sccrp, PER_SOURCE, 'the per-source limit let 40 control connections in');
    assert.equal(storm.sent, STORM);
    assert.equal(storm.closedUnanswered, STORM - PER_SOURCE, 'the others were closed without an answer');
    assert.equal(delta(c0, c1, 'tunnel-refused-per-source-limit'), STORM - PER_SOURCE, 'each refusal counted');

    // 3. GRE flood from a raw socket: unknown call ids, truncated garbage, the victim's call id from B.
    c0 = c1;
    const gre = await phase('GRE flood', () =>
      flood<{ unknown: number; garbage: number; spoofed: number; txPackets: number; txErrors: number }>(
        nsB,
        ['gre', SERVER, ATTACKER, String(GRE_PACKETS), String(up.peerCallId)],
        20_000,
      ),
    );
    c1 = await counters(product);
    assert.equal(gre.txPackets, GRE_PACKETS);
    assert.equal(gre.txErrors, 0);
    assert.equal(delta(c0, c1, 'gre-unknown-call'), gre.unknown + gre.spoofed, 'unknown and spoofed call ids counted');
    assert.equal(delta(c0, c1, 'gre-truncated'), gre.garbage, 'garbage counted');

    // 4. Authentication brute force: 3 wrong passwords, then the back-off refuses B even with the right one.
    c0 = c1;
    type Attempt = { ok: boolean; reason?: string; ms: number };
    const brute = await phase('authentication brute force', () =>
      flood<{ wrong: Attempt[]; refused: Attempt[] }>(nsB, ['brute', SERVER, ATTACKER, USER, PASSWORD, String(AUTH_FAILURES), '5'], 40_000),
    );
    c1 = await counters(product);
    assert.deepEqual(
      brute.wrong.map((a) => a.reason),
      Array(AUTH_FAILURES).fill('auth-failed'),
      JSON.stringify(brute.wrong),
    );
    assert.deepEqual(
      brute.refused.map((a) => a.reason),
      Array(5).fill('control-refused'),
      `the back-off refuses B at the door even with the right password: ${JSON.stringify(brute.refused)}`,
    );
    assert.equal(delta(c0, c1, 'tunnel-refused-auth-failure-back-off'), 5, 'each refusal counted');

    // After every flood: the product runs, C is unaffected and dials a new session.
    assert.equal(product.child.exitCode, null, 'the product is still running');
    const from = victim.lines.length;
    legit.stdin!.write('dial2\n');
    const dial2Line = await victim.waitFor(/^DIAL2 /, 20_000, from);
    process.stdout.write(`# ${dial2Line}\n`);
    const dial2 = JSON.parse(dial2Line.slice(6)) as { ok: boolean; received?: number; error?: string };
    assert.ok(dial2.ok, `a new session from C: ${dial2.error}`);
    assert.equal(dial2.received, 3, 'the new session passes traffic');

    const final = await counters(product);
    process.stdout.write(`# counters: ${JSON.stringify(final)}\n`);
    for (const k of ['pptp-sccrq-timeout', 'tunnel-refused-per-source-limit', 'gre-unknown-call', 'gre-truncated', 'tunnel-refused-auth-failure-back-off']) {
      assert.ok((final[k] ?? 0) > (base[k] ?? 0), `${k} counted in show vpdn diagnostics`);
    }
    const vpdn = (await product.command('show vpdn')).join('\n');
    assert.match(vpdn, /Tunnel id/, vpdn);

    const all = phases.reduce((s, p) => ({ sent: s.sent + p.pings.sent, received: s.received + p.pings.received }), { sent: 0, received: 0 });
    assert.ok(all.received >= 0.95 * all.sent, `victim over all floods ${all.received}/${all.sent}`);

    // Everything stops by itself: the victim hangs up and exits, then the product.
    legit.stdin!.write('stop\n');
    await victim.waitFor(/^DOWN /, 10_000, from);
    assert.equal(await waitExit(legit, 10_000), 0, 'the legitimate client exited by itself');
    assert.equal(await product.stop(), 0, 'the product exits on exit/EOF');
  } finally {
    if (legit && legit.exitCode === null) legit.kill('SIGKILL');
    await product?.stop();
    await deleteNetns(nsB);
    await deleteNetns(nsC);
    await deleteNetns(nsA);
  }
});
