/**
 * The native receive fast path (native/fastpath) against the TypeScript
 * reference (src/proto/ppp/mppe.ts): the same packets, encrypted by our
 * MppeEncryptor, go through the addon (as a raw GRE socket's recvmmsg
 * batch) and through MppeDecryptor; the IPv4 the addon writes to its
 * "TUN" (one end of a SOCK_SEQPACKET socketpair) must be the plaintext,
 * and after the run the two receive states must be the same octets:
 * across flag-packet key changes, stateless per-packet keys, and the
 * wrap of the 4096 coherency counts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import koffi from 'koffi';
import { MppeDecryptor, MppeEncryptor, MPPE_STATE_SIZE, type MppeBits } from '../../../src/proto/ppp/mppe.js';
import { addressOf, libc, MSG_DONTWAIT } from '../../../src/proto/os/libc.js';
import { fastPathAddon, wireOrder } from '../../../src/server/fast-path.js';
import { internetChecksum } from '../../../src/proto/ip/ipv4.js';

const native = fastPathAddon();
const skip = native ? false : 'the fastpath addon is not built (npm ci builds it)';

const PEER = 0xc0a80105; // 192.168.1.5, the client's outer address
const SERVER = 0xc0a80101;
const CLIENT = 0x0a010164; // 10.1.1.100, its tunnel address
const CALL_ID = 0x1234;
const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

function seqpacketPair(): [number, number] {
  const socketpair = koffi.load('libc.so.6').func('int socketpair(int domain, int type, int protocol, _Out_ uint8_t *sv)');
  const sv = Buffer.alloc(8);
  assert.equal(socketpair(1 /* AF_UNIX */, 5 /* SOCK_SEQPACKET */, 0, sv), 0);
  return [sv.readInt32LE(0), sv.readInt32LE(4)];
}

/** Everything written to the "TUN" so far, one datagram each. */
function drain(fd: number): Buffer[] {
  const out: Buffer[] = [];
  const buf = Buffer.alloc(9000);
  for (;;) {
    const n = libc().recv(fd, buf, buf.length, MSG_DONTWAIT);
    if (n < 0) return out;
    out.push(Buffer.from(buf.subarray(0, n)));
  }
}

function ipv4(src: number, proto: number, size: number, mark: number): Buffer {
  const p = Buffer.alloc(size);
  p[0] = 0x45;
  p.writeUInt16BE(size, 2);
  p[8] = 64;
  p[9] = proto;
  p.writeUInt32BE(src, 12);
  p.writeUInt32BE(0x0a630001, 16);
  p.writeUInt16BE(internetChecksum(p, 0, 20) ^ 0xffff, 10);
  for (let k = 20; k < size; k++) p[k] = (mark + k) & 0xff;
  return p;
}

/** outer IPv4 | GRE 0x3001 (or 0x3081 with an ack) | FF 03 00 FD | MPPE */
function grePacket(seq: number, mppe: Buffer, ack?: number): Buffer {
  const hl = ack === undefined ? 12 : 16;
  const ppp = Buffer.concat([Buffer.from([0xff, 0x03, 0x00, 0xfd]), mppe]);
  const b = Buffer.alloc(20 + hl + ppp.length);
  b[0] = 0x45;
  b.writeUInt16BE(b.length, 2);
  b[9] = 47;
  b.writeUInt32BE(PEER, 12);
  b.writeUInt32BE(SERVER, 16);
  b.writeUInt16BE(ack === undefined ? 0x3001 : 0x3081, 20);
  b.writeUInt16BE(0x880b, 22);
  b.writeUInt16BE(ppp.length, 24);
  b.writeUInt16BE(CALL_ID, 26);
  b.writeUInt32BE(seq >>> 0, 28);
  if (ack !== undefined) b.writeUInt32BE(ack, 32);
  ppp.copy(b, 20 + hl);
  return b;
}

/** A recvmmsg result as the raw GRE socket holds it: struct mmsghdr[] pointing at one slot per packet. */
class Batch {
  readonly headers: Buffer;
  readonly slots: Buffer[] = [];
  private readonly iov: Buffer;

  constructor(packets: Buffer[]) {
    this.headers = Buffer.alloc(packets.length * 64);
    this.iov = Buffer.alloc(packets.length * 16);
    packets.forEach((p, i) => {
      const slot = Buffer.alloc(8192);
      p.copy(slot);
      this.slots.push(slot);
      this.iov.writeBigUInt64LE(addressOf(slot), i * 16);
      this.iov.writeBigUInt64LE(8192n, i * 16 + 8);
      this.headers.writeBigUInt64LE(addressOf(this.iov) + BigInt(i * 16), i * 64 + 16);
      this.headers.writeBigUInt64LE(1n, i * 64 + 24);
      this.headers.writeUInt32LE(p.length, i * 64 + 56);
    });
  }
}

interface Run {
  verdicts: Int32Array;
  events: Uint32Array;
  count: number;
  slots: Buffer[];
}

function processBatch(table: unknown, tunFd: number, packets: Buffer[]): Run {
  const b = new Batch(packets);
  const verdicts = new Int32Array(64 * 4);
  const events = new Uint32Array(64 * 8);
  const count = native!.process(table, b.headers, packets.length, tunFd, verdicts, events);
  return { verdicts, events, count, slots: b.slots };
}

function engage(table: unknown, dec: MppeDecryptor, highest: number): void {
  const state = new Uint8Array(MPPE_STATE_SIZE);
  dec.exportState(state);
  native!.engage(table, CALL_ID, wireOrder(PEER), wireOrder(CLIENT), highest, state);
}

function stateOf(dec: MppeDecryptor): Buffer {
  const s = Buffer.alloc(MPPE_STATE_SIZE);
  dec.exportState(s);
  return s;
}

for (const { stateless, bits } of [
  { stateless: false, bits: 128 },
  { stateless: true, bits: 128 },
  { stateless: false, bits: 40 },
  { stateless: true, bits: 56 },
] as { stateless: boolean; bits: MppeBits }[]) {
  const mode = `${stateless ? 'stateless' : 'stateful'} ${bits}-bit`;
  test(`fast path = TypeScript MPPE, ${mode}: 5,000 packets across key changes and the 4096 wrap`, { skip }, () => {
    const enc = new MppeEncryptor({ masterKey: KEY, bits, stateless });
    const reference = new MppeDecryptor({ masterKey: KEY, bits, stateless });
    const handed = new MppeDecryptor({ masterKey: KEY, bits, stateless });
    const [tunIn, tunOut] = seqpacketPair();
    try {
      const table = native!.create(0);
      engage(table, handed, 100);
      const sent: Buffer[] = [];
      const out: Buffer[] = [];
      let seq = 101;
      let written = 0;
      let packets = 0;
      let lastHighest = 0;
      for (let batch = 0; batch < 5000 / 25; batch++) {
        const wire: Buffer[] = [];
        for (let k = 0; k < 25; k++) {
          const ip = ipv4(CLIENT, 6, 40 + ((seq * 37) % 1300), seq);
          sent.push(ip);
          const mppe = enc.encrypt(Buffer.concat([Buffer.from([0x00, 0x21]), ip]));
          const r = reference.decrypt(Buffer.from(mppe));
          assert.ok(r.ok && r.payload.subarray(2).equals(ip));
          wire.push(grePacket(seq++, mppe, k === 3 ? 7 : undefined));
        }
        const run = processBatch(table, tunIn, wire);
        for (let i = 0; i < wire.length; i++) assert.equal(run.verdicts[i * 4], 1, `packet ${i} of batch ${batch} taken`);
        assert.equal(run.count, 1);
        assert.equal(run.events[0]! & 0xffff, CALL_ID);
        assert.equal(run.events[0]! & (1 << 16), 0, 'not released');
        assert.equal(run.events[4], 7, 'the ack is passed on');
        packets += run.events[1]!;
        lastHighest = run.events[3]!;
        written += run.events[6]!;
        out.push(...drain(tunOut)); // a socketpair holds far less than 5,000 packets
      }
      assert.equal(packets, 5000);
      assert.equal(written, 5000);
      assert.equal(lastHighest, seq - 1);
      assert.equal(out.length, sent.length);
      out.forEach((p, i) => assert.ok(p.equals(sent[i]!), `TUN packet ${i}`));
      const back = new Uint8Array(MPPE_STATE_SIZE);
      assert.equal(native!.release(table, CALL_ID, back), true);
      handed.importState(back);
      assert.deepEqual(stateOf(handed), stateOf(reference), 'the receive states are the same octets');
      assert.equal(native!.release(table, CALL_ID), false, 'the entry is gone');
    } finally {
      libc().close(tunIn);
      libc().close(tunOut);
    }
  });
}

test('fast path: what it leaves to JavaScript, what it hands back, what it counts', { skip }, () => {
  const enc = new MppeEncryptor({ masterKey: KEY, bits: 128, stateless: false });
  const dec = new MppeDecryptor({ masterKey: KEY, bits: 128, stateless: false });
  const [tunIn, tunOut] = seqpacketPair();
  try {
    const table = native!.create(0);
    engage(table, dec, 0);
    const frame = (ip: Buffer) => enc.encrypt(Buffer.concat([Buffer.from([0x00, 0x21]), ip]));
    const udp = ipv4(CLIENT, 17, 60, 1);
    udp.writeUInt16BE(67, 22); // to the DHCP server port: the server's to answer (DHCPINFORM)
    const spoofed = ipv4(0x0a010199, 6, 60, 2);
    const plain = ipv4(CLIENT, 17, 80, 4); // UDP to another port: forwarded
    // encrypted in the order they are sent: the coherency counts follow
    const wire = [grePacket(1, frame(udp)), grePacket(2, frame(spoofed)), grePacket(3, frame(ipv4(CLIENT, 6, 60, 3))), grePacket(4, frame(plain))];
    wire[2]![20 + 12 + 4 + 2] ^= 0x42; // the protocol field decrypts to something no PPP peer sends
    const otherCall = grePacket(5, new MppeEncryptor({ masterKey: KEY, bits: 128, stateless: false }).encrypt(ipv4(CLIENT, 6, 60, 5)));
    otherCall.writeUInt16BE(CALL_ID + 1, 26);
    const run = processBatch(table, tunIn, [...wire, otherCall]);
    const verdict = (i: number) => [...run.verdicts.subarray(i * 4, i * 4 + 4)];
    // DHCP (a DHCPINFORM is the server's) and a spoofed source: decrypted, handed back as protocol + IPv4
    for (const [i, ip] of [[0, udp], [1, spoofed]] as const) {
      const [kind, at, len, callId] = verdict(i);
      assert.equal(kind, 2);
      assert.equal(callId, CALL_ID);
      assert.ok(run.slots[i]!.subarray(at!, at! + len!).equals(Buffer.concat([Buffer.from([0x00, 0x21]), ip])));
    }
    assert.equal(verdict(2)[0], 1, 'a packet that does not decrypt to a protocol is dropped and counted');
    assert.equal(verdict(3)[0], 1);
    assert.equal(verdict(4)[0], 0, 'another call: JavaScript decides');
    assert.equal(run.count, 1);
    assert.deepEqual([...run.events.subarray(1, 4)], [4, run.events[2], 4]);
    assert.equal(run.events[5], 1, 'one rejected (bad protocol)');
    assert.equal(run.events[6], 1, 'one written to the TUN');
    const out = drain(tunOut);
    assert.equal(out.length, 1);
    assert.ok(out[0]!.equals(plain));

    // a gap in the GRE sequence: the call goes back to JavaScript with this packet and the next
    const gap = processBatch(table, tunIn, [grePacket(6, frame(plain)), grePacket(7, frame(plain))]);
    assert.equal(gap.verdicts[0], 0);
    assert.equal(gap.verdicts[4], 0);
    assert.equal(gap.count, 1);
    assert.ok(gap.events[0]! & (1 << 16), 'released');
    assert.equal(gap.events[1], 0);
    const back = new Uint8Array(MPPE_STATE_SIZE);
    assert.equal(native!.release(table, CALL_ID, back), true);
    // the state it gives back is where packet 4 left it: the TypeScript engine takes packet 6 from there
    dec.importState(back);
    const six = Buffer.from(frame(plain));
    // (packet 5 was never seen by either: the engine counts one lost and waits for a flushed packet)
    assert.equal(dec.decrypt(six).ok, false);
    assert.equal(dec.stats.lost, 1);
  } finally {
    libc().close(tunIn);
    libc().close(tunOut);
  }
});

test('fast path: an LCP frame or an MPPC packet releases the call', { skip }, () => {
  const enc = new MppeEncryptor({ masterKey: KEY, bits: 128, stateless: true });
  const dec = new MppeDecryptor({ masterKey: KEY, bits: 128, stateless: true });
  const [tunIn, tunOut] = seqpacketPair();
  try {
    const table = native!.create(0);
    engage(table, dec, 0);
    const lcp = grePacket(1, Buffer.from([0x09, 0x01, 0x00, 0x08, 0, 0, 0, 0]));
    lcp.writeUInt16BE(0xc021, 20 + 12 + 2);
    const run = processBatch(table, tunIn, [lcp]);
    assert.equal(run.verdicts[0], 0);
    assert.ok(run.events[0]! & (1 << 16));
    native!.release(table, CALL_ID);
    engage(table, dec, 0);
    const mppc = enc.encrypt(ipv4(CLIENT, 6, 60, 1));
    mppc[0]! |= 0x20;
    const run2 = processBatch(table, tunIn, [grePacket(1, mppc)]);
    assert.equal(run2.verdicts[0], 0);
    assert.ok(run2.events[0]! & (1 << 16));
    assert.equal(drain(tunOut).length, 0);
  } finally {
    libc().close(tunIn);
    libc().close(tunOut);
  }
});
