/**
 * The call-id socket filter (src/proto/gre/bpf.ts) on the real raw GRE
 * socket: in namespace A two sockets, one per worker range of two
 * (1-32767, 32768-65535), as two processes; from namespace B GRE packets of
 * call ids in both ranges, a GRE packet that is not PPTP and one cut short.
 * Each socket receives exactly the packets of its own range, in order, and
 * neither sees the other's (the kernel drops them before they are queued:
 * the receive counters say so); a third socket with worker 0's filter
 * (0-32767 and the others) also gets the two that carry no call id.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { canRoot } from '../../../src/lab/rig/capability.js';
import { LineReader, createNetns, deleteNetns, uniqueNetnsName, vethPair } from '../../../src/lab/rig/netns.js';
import { spawnNodeInNetns } from '../../harness/node-child.js';

const cap = canRoot();
const A = '10.203.0.1';
const B = '10.203.0.2';

/** Enhanced GRE (RFC 2637 4.1): flags K+S ver 1, protocol, payload length, call id, seq, payload. */
function greFrame(callId: number, seq: number, proto = 0x880b): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt16BE(0x3001, 0);
  h.writeUInt16BE(proto, 2);
  h.writeUInt16BE(4, 4);
  h.writeUInt16BE(callId, 6);
  h.writeUInt32BE(seq, 8);
  h.writeUInt32BE(0xff03c021, 12);
  return h;
}

describe('GRE call-id socket filter on the raw socket', { skip: cap.ok ? false : cap.reason }, () => {
  let nsA = '';
  let nsB = '';
  const children: ChildProcess[] = [];
  let low: LineReader;
  let high: LineReader;
  let lowOthers: LineReader;
  let sender: ChildProcess;

  before(async () => {
    nsA = await createNetns(uniqueNetnsName('bpfA'));
    nsB = await createNetns(uniqueNetnsName('bpfB'));
    await vethPair(nsA, nsB, `${A}/24`, `${B}/24`);
    const w0 = spawnNodeInNetns(nsA, 'gre-peer-child', [A, '1-32767'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const w1 = spawnNodeInNetns(nsA, 'gre-peer-child', [A, '32768-65535'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const w0o = spawnNodeInNetns(nsA, 'gre-peer-child', [A, '0-32767+'], { stdio: ['pipe', 'pipe', 'inherit'] });
    sender = spawnNodeInNetns(nsB, 'gre-peer-child', [B], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(w0, w1, sender, w0o);
    low = new LineReader(w0.stdout!);
    high = new LineReader(w1.stdout!);
    lowOthers = new LineReader(w0o.stdout!);
    const s = new LineReader(sender.stdout!);
    await Promise.all([low, high, lowOthers, s].map((r) => r.waitFor(/^READY$/, 20_000)));
  });
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    if (nsA) await deleteNetns(nsA);
    if (nsB) await deleteNetns(nsB);
  });

  it('gives each socket only the call ids of its range', async () => {
    const ids = [1, 32768, 42, 65535, 32767, 40000, 7];
    ids.forEach((id, seq) => sender.stdin!.write(`${JSON.stringify({ peer: A, hex: greFrame(id, seq).toString('hex') })}\n`));
    // not PPTP: IPv4 in GRE (protocol 0x0800), dropped by both
    sender.stdin!.write(`${JSON.stringify({ peer: A, hex: greFrame(5, 99, 0x0800).toString('hex') })}\n`);
    // cut short inside the GRE header: dropped by both, taken by worker 0's filter with the others
    sender.stdin!.write(`${JSON.stringify({ peer: A, hex: '3081080b01' })}\n`);
    // a marker each, so that both have seen everything before the counts
    sender.stdin!.write(`${JSON.stringify({ peer: A, hex: greFrame(9, 100).toString('hex') })}\n`);
    sender.stdin!.write(`${JSON.stringify({ peer: A, hex: greFrame(60000, 101).toString('hex') })}\n`);
    const callIds = async (r: LineReader, marker: number): Promise<number[]> => {
      const seen: number[] = [];
      let from = 0;
      for (;;) {
        const line = await r.waitFor(/^RECV /, 10_000, from);
        from = r.lines.indexOf(line, from) + 1;
        const hex = (JSON.parse(line.slice(5)) as { hex: string }).hex;
        const id = hex.length >= 16 ? parseInt(hex.slice(12, 16), 16) : -1;
        seen.push(id);
        if (id === marker) return seen;
      }
    };
    assert.deepEqual(await callIds(low, 9), [1, 42, 32767, 7, 9]);
    assert.deepEqual(await callIds(high, 60000), [32768, 65535, 40000, 60000]);
    assert.deepEqual(await callIds(lowOthers, 9), [1, 42, 32767, 7, 5, -1, 9], 'not PPTP (id field 5) and cut short (-1) too');
    for (const [r, c, n] of [[low, children[0], 5], [high, children[1], 4], [lowOthers, children[3], 7]] as const) {
      const at = r.lines.length;
      c.stdin!.write('stats\n');
      const st = JSON.parse((await r.waitFor(/^STATS /, 10_000, at)).slice(6)) as { rxPackets: number; rxMalformed: number; rxIgnored: number };
      assert.equal(st.rxPackets, n, 'the filtered-out packets never reached the socket');
      assert.equal(st.rxMalformed + st.rxIgnored, 0);
    }
  });
});
