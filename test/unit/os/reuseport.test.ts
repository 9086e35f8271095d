/**
 * Listening sockets in one SO_REUSEPORT group (src/proto/os/reuseport.ts):
 * two net.Servers on one loopback address and port, the kernel spreading
 * connections over both; an ordinary listener cannot take the port from
 * the group, and the group cannot take it from an ordinary listener.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { reusePortHandle } from '../../../src/proto/os/reuseport.js';

function listen(server: net.Server, handleOrOpts: object): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(handleOrOpts, () => resolve());
  });
}

test('two servers in one SO_REUSEPORT group share the connections; an ordinary bind of the port fails', async () => {
  const counts = [0, 0];
  const servers = [0, 1].map((i) =>
    net.createServer((s) => {
      counts[i]++;
      s.end();
    }),
  );
  try {
    await listen(servers[0], reusePortHandle('127.0.0.1', 0));
    const port = (servers[0].address() as net.AddressInfo).port;
    await listen(servers[1], reusePortHandle('127.0.0.1', port));
    assert.equal((servers[1].address() as net.AddressInfo).port, port);
    const plain = net.createServer();
    await assert.rejects(listen(plain, { host: '127.0.0.1', port }), /EADDRINUSE/);
    const N = 200;
    await Promise.all(
      Array.from({ length: N }, () => new Promise<void>((resolve) => net.connect(port, '127.0.0.1').on('close', () => resolve()).on('error', () => resolve()).resume())),
    );
    assert.equal(counts[0] + counts[1], N);
    // a hash of the client port: about half each (200 draws: outside 0.35-0.65 is ~1e-5)
    assert.ok(counts[0] > N * 0.35 && counts[1] > N * 0.35, `spread ${counts.join('/')}`);
  } finally {
    for (const s of servers) s.close();
  }
});

test('a port an ordinary listener holds: EADDRINUSE with its code; a bad address is refused', async () => {
  const plain = net.createServer();
  await listen(plain, { host: '127.0.0.1', port: 0 });
  try {
    const port = (plain.address() as net.AddressInfo).port;
    assert.throws(() => reusePortHandle('127.0.0.1', port), (e: NodeJS.ErrnoException) => e.code === 'EADDRINUSE' && /bind\(127\.0\.0\.1:\d+\) failed/.test(e.message));
    assert.throws(() => reusePortHandle('127.0.0.300', port), /not an IPv4 address/);
  } finally {
    plain.close();
  }
});
