/**
 * Runs inside a test namespace (spawned by test/unit/os/gre.test.ts):
 *   gre-peer-child [LOCAL_ADDRESS] [LOW-HIGH[+]]
 * LOW-HIGH attaches the call-id socket filter of src/proto/gre/bpf.ts (with
 * a trailing +, the filter of worker 0: also the GRE that carries no call id).
 * Opens a raw GRE socket with src/proto/gre/linux.ts. Prints "READY", then
 * one line per received packet: RECV {"from","to","hex"}. Commands on stdin
 * (one JSON object per line): {"peer": "10.0.0.2", "hex": "..."} sends a GRE
 * packet; "stats" prints STATS {...}; "close" closes the socket, after which
 * the process must exit by itself.
 */
import { createInterface } from 'node:readline';
import { openGreSocket } from '../../src/proto/gre/linux.js';
import { greCallIdFilter } from '../../src/proto/gre/bpf.js';

const localAddress = process.argv[2] || undefined;
const range = process.argv[3]?.replace(/\+$/, '').split('-').map(Number);
const others = process.argv[3]?.endsWith('+') ?? false;
const errors: string[] = [];
const gre = openGreSocket({ localAddress, onError: (e) => errors.push(e.message), filter: range ? greCallIdFilter(range[0], range[1], { others }) : undefined });
gre.onPacket((p, from, to) => {
  process.stdout.write(`RECV ${JSON.stringify({ from, to, hex: p.toString('hex') })}\n`);
});
const stats = () => JSON.stringify({ errors, ...gre.stats });
process.stdout.write('READY\n');

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line === 'stats') {
    process.stdout.write(`STATS ${stats()}\n`);
  } else if (line === 'close') {
    process.stdout.write(`STATS ${stats()}\n`);
    gre.close();
    rl.close();
    process.stdin.destroy();
  } else if (line.startsWith('{')) {
    const cmd = JSON.parse(line) as { peer: string; hex: string; count?: number };
    for (let i = 0; i < (cmd.count ?? 1); i++) gre.send(cmd.peer, Buffer.from(cmd.hex, 'hex'));
    process.stdout.write(`SENT ${stats()}\n`);
  }
});
