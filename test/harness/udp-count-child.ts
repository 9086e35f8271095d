/**
 * Numbered UDP datagrams across a tunnel, for test/e2e/netns-fast-path.test.ts:
 *   udp-count-child recv ADDRESS PORT
 *     prints READY, then one REPORT {"count","inOrder","sha1"} per "report"
 *     on stdin: the datagrams since the last report, whether their numbers
 *     only went up, a SHA-1 over their payloads in arrival order, and the
 *     first numbers missing between the lowest and highest seen;
 *   udp-count-child send ADDRESS PORT FIRST COUNT SIZE
 *     sends datagrams FIRST..FIRST+COUNT-1 of SIZE octets (number, then
 *     octets derived from it) in bursts of 16 every 4 ms, prints SENT
 *     {"sha1"} (the same hash over what it sent) and exits.
 * Exits by itself after 60 s whatever happens.
 */
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createInterface } from 'node:readline';

const [mode, address, portText, firstText, countText, sizeText] = process.argv.slice(2) as string[];
const port = Number(portText);
const out = (line: string) => process.stdout.write(line + '\n');
setTimeout(() => process.exit(2), 60_000).unref();

function datagram(n: number, size: number): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(n, 0);
  for (let k = 4; k < size; k++) b[k] = (n * 7 + k) & 0xff;
  return b;
}

if (mode === 'recv') {
  const sock = createSocket('udp4');
  let hash = createHash('sha1');
  let count = 0;
  let last = -1;
  let inOrder = true;
  let seen = new Set<number>();
  sock.on('message', (m) => {
    const n = m.readUInt32BE(0);
    seen.add(n);
    if (n <= last) inOrder = false;
    last = n;
    count++;
    hash.update(m);
  });
  sock.bind(port, address, () => out('READY'));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'report') continue;
    const missing: number[] = [];
    const low = Math.min(...seen);
    for (let n = low; n < low + count + 64 && missing.length < 20; n++) if (!seen.has(n) && n < Math.max(...seen)) missing.push(n);
    out(`REPORT ${JSON.stringify({ count, inOrder, sha1: hash.digest('hex'), missing })}`);
    seen = new Set();
    hash = createHash('sha1');
    count = 0;
    inOrder = true;
  }
  sock.close();
} else {
  const first = Number(firstText);
  const count = Number(countText);
  const size = Number(sizeText);
  const sock = createSocket('udp4');
  const hash = createHash('sha1');
  let n = first;
  const burst = () => {
    for (let k = 0; k < 16 && n < first + count; k++, n++) {
      const d = datagram(n, size);
      hash.update(d);
      sock.send(d, port, address);
    }
    if (n < first + count) setTimeout(burst, 4);
    else setTimeout(() => {
      out(`SENT ${JSON.stringify({ sha1: hash.digest('hex') })}`);
      sock.close();
    }, 100);
  };
  burst();
}
