/**
 * The primary's lock on each address and port its workers listen on with
 * SO_REUSEPORT (src/server/workers/listen-locks.ts): a second fleet cannot
 * take it, and gets it once the first lets go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ListenLocks } from '../../../src/server/workers/listen-locks.js';

const spec = (port: number) => ({ interfaceName: 'outside', address: '127.77.0.1', port });

test('a second fleet cannot listen where the first does; all or none of its locks are taken; released, they can be', async () => {
  const port = 20_000 + (process.pid % 20_000);
  const a = new ListenLocks();
  const b = new ListenLocks();
  try {
    assert.equal((await a.acquire([spec(port)])).length, 1);
    assert.deepEqual(await a.acquire([spec(port)]), [], 'held already: nothing new');
    await assert.rejects(b.acquire([spec(port + 1), spec(port)]), /cannot listen on outside 127\.77\.0\.1:\d+: another pix-pptpd listens there \(EADDRINUSE\)/);
    // b took none: a can take port + 1
    assert.equal((await a.acquire([spec(port + 1)])).length, 1);
    a.keepOnly([spec(port + 1)]);
    assert.equal((await b.acquire([spec(port)])).length, 1, 'let go by keepOnly');
    await assert.rejects(b.acquire([spec(port + 1)]), /EADDRINUSE/);
    a.close();
    assert.equal((await b.acquire([spec(port + 1)])).length, 1, 'let go by close');
  } finally {
    a.close();
    b.close();
  }
});
