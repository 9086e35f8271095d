/**
 * The GRE call-id socket filter (src/proto/gre/bpf.ts), run by a classic
 * BPF interpreter written here from the kernel's semantics (net/core/filter.c:
 * a load past the end returns 0), on IPv4 + enhanced GRE packets built by
 * hand; its bytes checked against instructions assembled by hand; the
 * worker id ranges cover 1..65535 with no gap or overlap.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BPF, BPF_ACCEPT, encodeBpf, greCallIdFilter, workerIdRange, workerOfId, type BpfInstruction } from '../../../src/proto/gre/bpf.js';

/** Classic BPF, the subset a socket filter may use that this program needs; returns the kept length. */
function runBpf(prog: readonly BpfInstruction[], pkt: Buffer): number {
  let a = 0;
  let x = 0;
  for (let pc = 0; pc < prog.length; pc++) {
    const { code, jt, jf, k } = prog[pc];
    const cls = code & 0x07;
    const size = code & 0x18;
    const mode = code & 0xe0;
    const load = (at: number): number | undefined => {
      const n = size === BPF.W ? 4 : size === BPF.H ? 2 : 1;
      if (at < 0 || at + n > pkt.length) return undefined;
      return n === 4 ? pkt.readUInt32BE(at) : n === 2 ? pkt.readUInt16BE(at) : pkt[at];
    };
    if (cls === BPF.LD && mode === BPF.LEN) {
      a = pkt.length;
    } else if (cls === BPF.LD) {
      const v = load(mode === BPF.IND ? x + k : k);
      if (v === undefined) return 0;
      a = v;
    } else if (cls === BPF.LDX && mode === BPF.MSH) {
      if (k >= pkt.length) return 0;
      x = (pkt[k] & 0xf) * 4;
    } else if (cls === BPF.ALU && (code & 0xf0) === BPF.AND) {
      a = (a & k) >>> 0;
    } else if (cls === BPF.ALU && (code & 0xf0) === BPF.SUB) {
      a = (a - ((code & BPF.X) !== 0 ? x : k)) >>> 0;
    } else if (cls === BPF.JMP) {
      const op = code & 0xf0;
      const taken = op === BPF.JEQ ? a === k : op === BPF.JGT ? a > k : op === BPF.JGE ? a >= k : assert.fail(`jump op ${op}`);
      pc += taken ? jt : jf;
    } else if (cls === BPF.RET) {
      return k;
    } else assert.fail(`opcode 0x${code.toString(16)} at ${pc}`);
    assert.ok(pc < prog.length, 'jumped past the end');
  }
  assert.fail('fell off the end');
}

/** IPv4 header (IHL given, options zero) + enhanced GRE: flags/version, protocol, payload length, call id [, seq]. */
function packet(callId: number, o: { ihl?: number; flags?: number; proto?: number; cut?: number } = {}): Buffer {
  const ihl = o.ihl ?? 5;
  const ip = Buffer.alloc(ihl * 4);
  ip[0] = 0x40 | ihl;
  ip[9] = 47;
  const gre = Buffer.alloc(16);
  gre.writeUInt16BE(o.flags ?? 0x3001, 0);
  gre.writeUInt16BE(o.proto ?? 0x880b, 2);
  gre.writeUInt16BE(4, 4);
  gre.writeUInt16BE(callId, 6);
  gre.writeUInt32BE(7, 8);
  const p = Buffer.concat([ip, gre]);
  ip.writeUInt16BE(p.length, 2);
  return o.cut === undefined ? p : p.subarray(0, o.cut);
}

describe('GRE call-id socket filter', () => {
  const prog = greCallIdFilter(100, 200);

  it('accepts exactly the call ids of its range', () => {
    for (const id of [100, 101, 150, 199, 200]) assert.equal(runBpf(prog, packet(id)), BPF_ACCEPT, `call id ${id}`);
    for (const id of [0, 1, 99, 201, 0x8000, 0xffff]) assert.equal(runBpf(prog, packet(id)), 0, `call id ${id}`);
  });

  it('finds the GRE header after IP options (IHL > 5)', () => {
    assert.equal(runBpf(prog, packet(150, { ihl: 8 })), BPF_ACCEPT);
    assert.equal(runBpf(prog, packet(250, { ihl: 8 })), 0);
    // with IHL 8 the bytes the IHL-5 offsets would read are IP options (zero): not a call id of the range
    assert.equal(runBpf(greCallIdFilter(0, 0), packet(150, { ihl: 8 })), 0);
  });

  it('drops GRE that is not PPTP: no key, version 0, another protocol, and truncated headers', () => {
    assert.equal(runBpf(prog, packet(150, { flags: 0x1001 })), 0, 'K bit clear');
    assert.equal(runBpf(prog, packet(150, { flags: 0x3000 })), 0, 'version 0');
    assert.equal(runBpf(prog, packet(150, { proto: 0x0800 })), 0, 'IPv4 in GRE');
    for (let cut = 0; cut < 28; cut++) assert.equal(runBpf(prog, packet(150, { cut })), 0, `cut at ${cut}`);
    assert.equal(runBpf(prog, packet(150, { cut: 28 })), BPF_ACCEPT, 'header complete');
  });

  it('with the others (worker 0): also what carries no call id, and call id 0; never another range\'s', () => {
    const w0 = greCallIdFilter(0, 200, { others: true });
    for (const id of [0, 1, 150, 200]) assert.equal(runBpf(w0, packet(id)), BPF_ACCEPT, `call id ${id}`);
    for (const id of [201, 0x8000, 0xffff]) assert.equal(runBpf(w0, packet(id)), 0, `call id ${id}: another worker's`);
    assert.equal(runBpf(w0, packet(250, { flags: 0x1001 })), BPF_ACCEPT, 'K bit clear');
    assert.equal(runBpf(w0, packet(250, { flags: 0x3000 })), BPF_ACCEPT, 'version 0');
    assert.equal(runBpf(w0, packet(250, { proto: 0x0800 })), BPF_ACCEPT, 'IPv4 in GRE');
    // cut inside the IP header: not even GRE (the kernel hands a raw socket no such packet); cut inside the GRE header: garbage, counted
    for (let cut = 20; cut < 28; cut++) assert.equal(runBpf(w0, packet(250, { cut })), BPF_ACCEPT, `cut at ${cut}`);
    assert.equal(runBpf(w0, packet(250, { cut: 28 })), 0, 'complete, of another range');
    assert.equal(runBpf(prog, packet(150, { cut: 27 })), 0, 'without the others a short header is dropped');
  });

  it('accepts an acknowledgement-only packet (A set, S clear) of its call', () => {
    assert.equal(runBpf(prog, packet(150, { flags: 0x2081 })), BPF_ACCEPT, 'K, A, version 1');
    assert.equal(runBpf(prog, packet(250, { flags: 0x2081 })), 0, 'of another range');
  });

  it('encodes to the instructions assembled by hand (code jt jf k, little-endian)', () => {
    const hex = encodeBpf(greCallIdFilter(1, 32767)).toString('hex');
    const want = [
      'b1000000' + '00000000', // ldxb 4*([0]&0xf)
      '80000000' + '00000000', // ld len
      '1c000000' + '00000000', // sub x
      '35000008' + '08000000', // jge #8, 0, 8 (drop)
      '48000000' + '02000000', // ldh [x+2]
      '15000006' + '0b880000', // jeq #0x880b, 0, 6
      '48000000' + '00000000', // ldh [x+0]
      '54000000' + '07200000', // and #0x2007
      '15000003' + '01200000', // jeq #0x2001, 0, 3
      '48000000' + '06000000', // ldh [x+6]
      '35000001' + '01000000', // jge #1, 0, 1
      '25000001' + 'ff7f0000', // jgt #32767, 0 (drop), 1 (accept)
      '06000000' + '00000000', // ret #0
      '06000000' + '00000400', // ret #0x40000
    ].join('');
    assert.equal(hex, want);
    // with the others: the not-PPTP jumps go to accept, one further
    const others = encodeBpf(greCallIdFilter(0, 32767, { others: true })).toString('hex');
    assert.equal(others.slice(3 * 16, 4 * 16), '35000009' + '08000000');
    assert.equal(others.slice(5 * 16, 6 * 16), '15000007' + '0b880000');
    assert.equal(others.slice(8 * 16, 9 * 16), '15000004' + '01200000');
  });

  it('refuses a range outside 0..65535', () => {
    assert.throws(() => greCallIdFilter(5, 4), RangeError);
    assert.throws(() => greCallIdFilter(1, 0x10000), RangeError);
  });
});

describe('worker id ranges', () => {
  it('cut 1..65535 into consecutive ranges, no gap, no overlap, and find the owner of an id', () => {
    for (const n of [1, 2, 3, 4, 7, 16]) {
      let next = 1;
      for (let i = 0; i < n; i++) {
        const r = workerIdRange(i, n);
        assert.equal(r.low, next, `worker ${i} of ${n} starts where ${i - 1} ended`);
        assert.ok(r.high >= r.low);
        assert.equal(workerOfId(r.low, n), i);
        assert.equal(workerOfId(r.high, n), i);
        next = r.high + 1;
      }
      assert.equal(next, 0x10000, `${n} workers cover up to 65535`);
    }
    assert.deepEqual(workerIdRange(0, 2), { low: 1, high: 32767 });
    assert.deepEqual(workerIdRange(1, 2), { low: 32768, high: 65535 });
  });

  it('a worker filter accepts what its range owns and the other worker drops it', () => {
    const f0 = greCallIdFilter(workerIdRange(0, 2).low, workerIdRange(0, 2).high);
    const f1 = greCallIdFilter(workerIdRange(1, 2).low, workerIdRange(1, 2).high);
    for (const id of [1, 42, 32767, 32768, 50000, 65535]) {
      const owner = workerOfId(id, 2);
      assert.equal(runBpf(owner === 0 ? f0 : f1, packet(id)), BPF_ACCEPT);
      assert.equal(runBpf(owner === 0 ? f1 : f0, packet(id)), 0);
    }
  });
});
