/**
 * The Linux TUN (src/proto/tun/linux.ts), in a namespace of its own: a
 * child process opens the TUN and answers ICMP echo for a client address
 * routed into it; `ping` in the namespace must get every answer, and
 * close() must remove the device and let the process exit by itself.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { canRootWith } from '../../../src/lab/rig/capability.js';
import { LineReader, createNetns, deleteNetns, runInNetns, uniqueNetnsName, waitExit } from '../../../src/lab/rig/netns.js';
import { spawnNodeInNetns } from '../../harness/node-child.js';

const cap = canRootWith('ping');
const LOCAL = '10.201.0.1';
const CLIENT = '10.201.0.9';
const IFNAME = 'pxtun0';

interface ChildStats {
  echoes: number;
  ticks: number;
  errors: string[];
  rxPackets: number;
  txPackets: number;
  rxErrors: number;
  txErrors: number;
}

describe('Linux TUN device', { skip: cap.ok ? false : cap.reason }, () => {
  let ns = '';
  let child: ChildProcess;
  let out: LineReader;

  before(async () => {
    ns = await createNetns(uniqueNetnsName('tun'));
    child = spawnNodeInNetns(ns, 'tun-echo-child', [IFNAME, LOCAL, CLIENT, '1400'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    out = new LineReader(child.stdout!);
    await out.waitFor(/^READY /, 20_000);
  });
  after(async () => {
    if (ns) await deleteNetns(ns);
  });

  it('is up with the local address, the MTU and a /32 route to the client', async () => {
    const link = await runInNetns(ns, 'ip', ['-o', 'addr', 'show', 'dev', IFNAME]);
    assert.match(link.stdout, new RegExp(`inet ${LOCAL.replace(/\./g, '\\.')}/32`));
    const mtu = await runInNetns(ns, 'cat', [`/sys/class/net/${IFNAME}/mtu`]);
    assert.equal(mtu.stdout.trim(), '1400');
    const route = await runInNetns(ns, 'ip', ['route', 'get', CLIENT]);
    assert.match(route.stdout, new RegExp(`dev ${IFNAME} src ${LOCAL.replace(/\./g, '\\.')}`));
  });

  it('reads echo requests and writes the replies (ping answered, small and MTU-sized)', async () => {
    const small = await runInNetns(ns, 'ping', ['-n', '-c', '3', '-i', '0.2', '-W', '2', CLIENT], { timeoutMs: 15_000 });
    assert.match(small.stdout, /3 packets transmitted, 3 received/, small.stdout + small.stderr);
    // 1372 bytes of payload + 8 ICMP + 20 IP = 1400 = the MTU
    const big = await runInNetns(ns, 'ping', ['-n', '-c', '2', '-i', '0.2', '-W', '2', '-s', '1372', '-M', 'do', CLIENT], {
      timeoutMs: 15_000,
    });
    assert.match(big.stdout, /2 packets transmitted, 2 received/, big.stdout + big.stderr);
  });

  it('keeps up with a bounded burst without losing packets or blocking the event loop', async () => {
    const flood = await runInNetns(ns, 'ping', ['-n', '-f', '-c', '500', '-W', '2', CLIENT], { timeoutMs: 30_000 });
    assert.match(flood.stdout, /500 packets transmitted, 500 received/, flood.stdout + flood.stderr);
    child.stdin!.write('stats\n');
    const line = await out.waitFor(/^STATS /);
    const s = JSON.parse(line.slice(6)) as ChildStats;
    assert.ok(s.echoes >= 505, `echoes ${s.echoes}`);
    assert.equal(s.txPackets, s.echoes);
    assert.ok(s.rxPackets >= s.echoes);
    assert.equal(s.rxErrors + s.txErrors, 0, s.errors.join('; '));
    // a 10 ms interval kept ticking while the reader waited and read
    assert.ok(s.ticks > 20, `event loop ticks ${s.ticks}`);
  });

  it('the route made through rtnetlink is the one `ip route replace A/32 dev IF src S` makes; removed, it is gone', async () => {
    const OTHER = '10.201.0.10';
    const made = await runInNetns(ns, 'ip', ['route', 'replace', `${OTHER}/32`, 'dev', IFNAME, 'src', LOCAL]);
    assert.equal(made.code, 0, made.stderr);
    const show = await runInNetns(ns, 'ip', ['-d', '-o', '-4', 'route', 'show', 'table', 'all', 'dev', IFNAME]);
    const line = (a: string) => show.stdout.split('\n').find((l) => l.includes(`${a} `));
    assert.ok(line(CLIENT) && line(OTHER), show.stdout);
    assert.equal(line(CLIENT)!.replace(CLIENT, 'A'), line(OTHER)!.replace(OTHER, 'A'), show.stdout);
    await runInNetns(ns, 'ip', ['route', 'del', `${OTHER}/32`, 'dev', IFNAME]);
    child.stdin!.write('unroute\n');
    await out.waitFor(/^UNROUTED$/);
    const after = await runInNetns(ns, 'ip', ['-o', '-4', 'route', 'show', 'dev', IFNAME]);
    assert.doesNotMatch(after.stdout, new RegExp(CLIENT.replace(/\./g, '\\.')), after.stdout);
    const n = out.lines.length;
    child.stdin!.write('unroute\n');
    assert.match(await out.waitFor(/^ROUTE-ERROR /, 5000, n), /netlink route delete 10\.201\.0\.9\/32 failed: No such process/);
  });

  it('close() removes the device and leaves nothing that keeps the process alive', async () => {
    child.stdin!.write('close\n');
    await out.waitFor(/^CLOSED$/);
    const code = await waitExit(child, 5000);
    assert.equal(code, 0, 'child process did not exit by itself after close()');
    const gone = await runInNetns(ns, 'ip', ['link', 'show', IFNAME]);
    assert.notEqual(gone.code, 0, 'TUN device still present after close()');
  });
});

describe('Linux TUN device deleted under the reader', { skip: cap.ok ? false : cap.reason }, () => {
  it('reports the loss once through onError, counts failed writes, never throws, still closes', async () => {
    const ns = await createNetns(uniqueNetnsName('tungone'));
    try {
      const child = spawnNodeInNetns(ns, 'tun-echo-child', ['pxgone0', '10.205.0.1', '10.205.0.9', '1400'], {
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const out = new LineReader(child.stdout!);
      await out.waitFor(/^READY /, 20_000);
      child.stdin!.write('write\n');
      const before = JSON.parse((await out.waitFor(/^STATS /)).slice(6)) as ChildStats;
      assert.equal(before.txPackets, 1);
      const del = await runInNetns(ns, 'ip', ['link', 'del', 'pxgone0']);
      assert.equal(del.code, 0, del.stderr);
      await new Promise((r) => setTimeout(r, 1500));
      const n = out.lines.length;
      child.stdin!.write('write\n');
      const s = JSON.parse((await out.waitFor(/^STATS /, 10_000, n)).slice(6)) as ChildStats;
      assert.equal(s.rxErrors, 1, s.errors.join('; '));
      assert.match(s.errors[0], /^\[gone\] .*device gone/);
      assert.equal(s.txErrors, 1, 'write to the deleted device not counted');
      child.stdin!.write('close\n');
      assert.equal(await waitExit(child, 5000), 0);
    } finally {
      await deleteNetns(ns);
    }
  });
});
