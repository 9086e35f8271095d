/**
 * The TUN side's load for the namespace forwarding benchmark's "both"
 * case: in the server's namespace, UDP datagrams to the clients' tunnel
 * addresses, which the kernel routes into the server's TUN (the /32
 * route of each call), so the server encrypts them toward the clients
 * while it decrypts the blaster's packets from them.
 *
 *   node down-sender.js '{"targets":["10.64.0.1"],"pps":40000,"seconds":4,"size":1400}'
 *
 * Prints `ready {}`, sends on `go` for `seconds` at `pps` datagrams a
 * second (round-robin over the targets, paced every millisecond), then
 * `done {sent, seconds}`. Bounded: exits after maxSeconds.
 */
import dgram from 'node:dgram';
import readline from 'node:readline';

interface DownOptions {
  targets: string[];
  pps: number;
  seconds: number;
  /** IP packet size: the datagram carries size - 28 octets. */
  size: number;
  maxSeconds?: number;
}

const o = JSON.parse(process.argv[2] ?? '{}') as DownOptions;
setTimeout(() => process.exit(3), (o.maxSeconds ?? 120) * 1000).unref();
const out = (k: string, v: unknown) => process.stdout.write(`${k} ${JSON.stringify(v)}\n`);
const sock = dgram.createSocket({ type: 'udp4', sendBufferSize: 8 << 20 });
const payload = Buffer.alloc(o.size - 28, 0x5a);

async function send(): Promise<void> {
  let sent = 0;
  let next = 0;
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - t0) / 1000) * o.pps);
    while (sent < due) {
      sock.send(payload, 9, o.targets[next++ % o.targets.length]);
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  out('done', { sent, seconds: (performance.now() - t0) / 1000 });
}

sock.bind(0, () => out('ready', {}));
const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (line === 'go') await send();
  else if (line === 'quit') break;
}
sock.close();
process.exit(0);
