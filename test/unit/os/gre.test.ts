/**
 * Raw GRE (src/proto/gre/linux.ts) between two namespaces over a veth pair:
 * a packet each way arrives intact with the right from/to, a packet larger
 * than the link MTU is fragmented and reassembled (DF is not set), GRE to
 * another local address is ignored when localAddress is given, one larger
 * than the receive slot is counted as malformed, and close() lets the
 * process exit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { canRoot, hasTool } from '../../../src/lab/rig/capability.js';
import { LineReader, createNetns, deleteNetns, runInNetns, spawnInNetns, uniqueNetnsName, vethPair, waitExit } from '../../../src/lab/rig/netns.js';
import { spawnNodeInNetns } from '../../harness/node-child.js';

const cap = canRoot();
const A = '10.202.0.1';
const B = '10.202.0.2';
const B_OTHER = '10.202.0.3';

interface Recv {
  from: string;
  to: string;
  hex: string;
}
interface Stats {
  rxPackets: number;
  txPackets: number;
  rxIgnored: number;
  rxMalformed: number;
  rxErrors: number;
  txErrors: number;
  errors: string[];
}

/** Enhanced GRE (RFC 2637 4.1): flags K+S ver 1, proto 0x880b, payload length, call id, seq. */
function greFrame(callId: number, seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(0x3001, 0);
  h.writeUInt16BE(0x880b, 2);
  h.writeUInt16BE(payload.length, 4);
  h.writeUInt16BE(callId, 6);
  h.writeUInt32BE(seq, 8);
  return Buffer.concat([h, payload]);
}

function patterned(n: number, salt: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + salt) & 0xff;
  return b;
}

describe('Linux raw GRE socket', { skip: cap.ok ? false : cap.reason }, () => {
  let nsA = '';
  let nsB = '';
  let ifB = '';
  let peerA: ChildProcess;
  let peerB: ChildProcess;
  let outA: LineReader;
  let outB: LineReader;

  before(async () => {
    nsA = await createNetns(uniqueNetnsName('greA'));
    nsB = await createNetns(uniqueNetnsName('greB'));
    ({ ifB } = await vethPair(nsA, nsB, `${A}/24`, `${B}/24`, { mtu: 1500 }));
    await runInNetns(nsB, 'ip', ['addr', 'add', `${B_OTHER}/24`, 'dev', ifB]);
    peerA = spawnNodeInNetns(nsA, 'gre-peer-child', [A], { stdio: ['pipe', 'pipe', 'inherit'] });
    peerB = spawnNodeInNetns(nsB, 'gre-peer-child', [B], { stdio: ['pipe', 'pipe', 'inherit'] });
    outA = new LineReader(peerA.stdout!);
    outB = new LineReader(peerB.stdout!);
    await Promise.all([outA.waitFor(/^READY$/, 20_000), outB.waitFor(/^READY$/, 20_000)]);
  });
  after(async () => {
    if (nsA) await deleteNetns(nsA);
    if (nsB) await deleteNetns(nsB);
  });

  const send = (c: ChildProcess, peer: string, pkt: Buffer) => c.stdin!.write(`${JSON.stringify({ peer, hex: pkt.toString('hex') })}\n`);

  it('carries a packet each way with the outer header stripped and the right from/to', async () => {
    const ab = greFrame(0x4242, 1, Buffer.from('ff03c021010100040000', 'hex'));
    send(peerA, B, ab);
    const gotB = JSON.parse((await outB.waitFor(/^RECV /)).slice(5)) as Recv;
    assert.deepEqual(gotB, { from: A, to: B, hex: ab.toString('hex') });

    const ba = greFrame(0x1234, 7, patterned(100, 3));
    send(peerB, A, ba);
    const gotA = JSON.parse((await outA.waitFor(/^RECV /)).slice(5)) as Recv;
    assert.deepEqual(gotA, { from: B, to: A, hex: ba.toString('hex') });
  });

  it('fragments a packet larger than the link MTU and delivers it reassembled', async () => {
    const n = outB.lines.length;
    const big = greFrame(0x4242, 2, patterned(2988, 11)); // 3000 bytes of GRE, 3020 on the wire
    send(peerA, B, big);
    const got = JSON.parse((await outB.waitFor(/^RECV /, 10_000, n)).slice(5)) as Recv;
    assert.equal(got.hex.length / 2, 3000);
    assert.equal(got.hex, big.toString('hex'));
  });

  it('sends without DF', { skip: hasTool('tcpdump') ? false : 'tcpdump missing' }, async () => {
    const dump = spawnInNetns(nsB, 'tcpdump', ['-l', '-n', '-v', '-c', '1', '-i', ifB, 'ip proto 47'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = new LineReader(dump.stdout!);
    await new LineReader(dump.stderr!).waitFor(/listening on/, 10_000);
    send(peerA, B, greFrame(0x4242, 3, patterned(40, 5)));
    const line = await lines.waitFor(/proto GRE/, 10_000);
    assert.match(line, /flags \[none\]/, line);
    await waitExit(dump, 5000);
  });

  it('ignores GRE addressed to another local address when localAddress is set', async () => {
    const n = outB.lines.length;
    send(peerA, B_OTHER, greFrame(0x4242, 4, patterned(20, 1)));
    send(peerA, B, greFrame(0x4242, 5, patterned(20, 2))); // a marker that must arrive
    const got = JSON.parse((await outB.waitFor(/^RECV /, 10_000, n)).slice(5)) as Recv;
    assert.equal(got.to, B);
    assert.equal(got.hex.slice(16, 24), '00000005', 'the packet to the other address was passed on');
    peerB.stdin!.write('stats\n');
    const s = JSON.parse((await outB.waitFor(/^STATS /)).slice(6)) as Stats;
    assert.equal(s.rxIgnored, 1);
    assert.equal(s.rxMalformed, 0);
    assert.equal(s.rxErrors + s.txErrors, 0, s.errors.join('; '));
  });

  it('counts a datagram larger than its receive slot (8 KB) as malformed and goes on', async () => {
    const n = outB.lines.length;
    send(peerA, B, greFrame(0x4242, 6, patterned(9000, 4))); // reassembled to 9,032 octets
    send(peerA, B, greFrame(0x4242, 7, patterned(20, 5)));
    const got = JSON.parse((await outB.waitFor(/^RECV /, 10_000, n)).slice(5)) as Recv;
    assert.equal(got.hex.slice(16, 24), '00000007', 'the oversized datagram was passed on, or the next one lost');
    peerB.stdin!.write('stats\n');
    const s = JSON.parse((await outB.waitFor(/^STATS .*"rxMalformed":1/)).slice(6)) as Stats;
    assert.equal(s.rxMalformed, 1);
    assert.equal(s.rxErrors, 0, s.errors.join('; '));
  });

  it('counts a send that fails (no route) instead of throwing', async () => {
    send(peerA, '198.51.100.1', greFrame(1, 1, Buffer.alloc(4))); // nsA has no route there
    const s = JSON.parse((await outA.waitFor(/^SENT .*"txErrors":1/)).slice(5)) as Stats;
    assert.equal(s.txErrors, 1);
    assert.match(s.errors[0] ?? '', /unreachable/i);
  });

  it('close() lets the process exit', async () => {
    peerA.stdin!.write('close\n');
    peerB.stdin!.write('close\n');
    assert.equal(await waitExit(peerA, 5000), 0);
    assert.equal(await waitExit(peerB, 5000), 0);
  });
});
