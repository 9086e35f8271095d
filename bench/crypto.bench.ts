/**
 * RC4 and MPPE per-packet costs on 1,400-octet packets.
 * Run: node --openssl-legacy-provider --import tsx bench/crypto.bench.ts
 * Prints packets/s for each case and the ratio to raw OpenSSL RC4 (one
 * reused cipher) measured in the same run. Each case runs ~0.4 s.
 */
import { Rc4, NodeRc4, nodeRc4Available, type Rc4Cipher } from '../src/proto/crypto/rc4.js';
import { MppeDecryptor, MppeEncryptor } from '../src/proto/ppp/mppe.js';

const SIZE = 1400;
const MS = Number(process.env.BENCH_MS ?? 400);
const key = Buffer.from('8B7CDC149B993A1BA118CB153F56DCCB', 'hex');
const packet = Buffer.alloc(SIZE);
packet.writeUInt16BE(0x0021, 0);
packet[2] = 0x45;
packet.writeUInt16BE(SIZE - 2, 4);
const out = Buffer.alloc(SIZE + 2);

function rate(fn: () => void): number {
  for (let i = 0; i < 2000; i++) fn(); // warm up
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(MS) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    elapsed = process.hrtime.bigint() - start;
  }
  return (n * 1e9) / Number(elapsed);
}

const results: { name: string; pps: number }[] = [];
function run(name: string, fn: () => void): number {
  const pps = rate(fn);
  results.push({ name, pps });
  return pps;
}

const haveNode = nodeRc4Available();
const ts = new Rc4(key);
let baseline = 0;
if (haveNode) {
  const node = new NodeRc4(key);
  baseline = run('rc4 node (OpenSSL), reused cipher', () => node.process(packet, out));
  run('rc4 node, new key per packet (createCipheriv)', () => {
    const c: Rc4Cipher = new NodeRc4(key);
    c.process(packet, out);
  });
} else {
  console.log('OpenSSL rc4 unavailable: start node with --openssl-legacy-provider for the comparison');
}
run('rc4 ts, reused state', () => ts.process(packet, out));
run('rc4 ts, new key per packet (setKey)', () => {
  ts.setKey(key);
  ts.process(packet, out);
});

for (const rc4 of haveNode ? (['ts', 'node'] as const) : (['ts'] as const)) {
  const encL = new MppeEncryptor({ masterKey: key, bits: 128, stateless: true, rc4 });
  run(`mppe-128 stateless encrypt (rc4 ${rc4})`, () => encL.encryptInto(packet, out, 0));
  const encF = new MppeEncryptor({ masterKey: key, bits: 128, stateless: false, rc4 });
  run(`mppe-128 stateful encrypt (rc4 ${rc4})`, () => encF.encryptInto(packet, out, 0));
}

// Decrypt: pre-encrypt a window of packets so every decrypt is the next count.
function decryptCase(stateless: boolean, rc4?: 'ts' | 'node') {
  const enc = new MppeEncryptor({ masterKey: key, bits: 128, stateless, rc4 });
  let dec = new MppeDecryptor({ masterKey: key, bits: 128, stateless, rc4 });
  const ring = Array.from({ length: 4096 }, () => enc.encrypt(packet));
  const work = Buffer.alloc(SIZE + 2);
  let i = 0;
  return () => {
    if (i === ring.length) {
      // counts wrap: start a fresh pair so the next window is in sequence again
      i = 0;
      dec = new MppeDecryptor({ masterKey: key, bits: 128, stateless, rc4 });
    }
    ring[i++]!.copy(work);
    const r = dec.decrypt(work);
    if (!r.ok) throw new Error('bench decrypt failed: ' + r.reason);
  };
}
run('mppe-128 stateless decrypt (rc4 ts)', decryptCase(true, 'ts'));
run('mppe-128 stateful decrypt (rc4 ts)', decryptCase(false, 'ts'));
if (haveNode) run('mppe-128 stateful decrypt (rc4 node)', decryptCase(false, 'node'));
if (haveNode) run('mppe-128 stateless decrypt (rc4 node)', decryptCase(true, 'node'));

const width = Math.max(...results.map((r) => r.name.length));
for (const r of results) {
  const ratio = baseline ? `  ${(r.pps / baseline).toFixed(2)}x raw OpenSSL RC4` : '';
  console.log(`${r.name.padEnd(width)}  ${Math.round(r.pps).toLocaleString('en-US').padStart(10)} pkt/s${ratio}`);
}
