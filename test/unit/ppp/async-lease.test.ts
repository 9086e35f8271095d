/**
 * A client address that arrives later (a data-plane worker asks the
 * primary for it): PPP waits in its place, holds the peer's NCP packets,
 * and goes on with them once it comes (no wait for a retransmission); no address means the same refusal as a pool with none left; a
 * lease that arrives after the session ended is given back, never kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makePair } from './link.js';

function later<T>(value: T): { promise: Promise<T>; release(): void } {
  let release!: () => void;
  const promise = new Promise<T>((resolve) => (release = () => resolve(value)));
  return { promise, release };
}

test('an address from a Promise: IPCP goes on once it resolves, both ends up with it', async () => {
  const lease = later<string | undefined>('10.96.0.77');
  let asked = 0;
  const p = makePair({ server: { authProtocols: ['mschap-v2'] }, client: { authProtocols: ['mschap-v2'] }, serverExtra: { allocateAddress: () => (asked++, lease.promise) } });
  p.server.start();
  p.client.start();
  await p.run();
  assert.equal(asked, 1);
  assert.equal(p.events.serverUp, undefined, 'not up while the lease is on its way');
  lease.release();
  // no timer advanced: the peer's IPCP (and CCP) requests held meanwhile are answered when the address comes
  await p.run();
  const ev = p.events as { serverUp?: { clientAddress: string }; clientUp?: { clientAddress: string } };
  assert.equal(ev.serverUp?.clientAddress, '10.96.0.77');
  assert.equal(ev.clientUp?.clientAddress, '10.96.0.77');
  assert.equal(asked, 1, 'asked once');
});

test('a Promise of no address refuses the call as an empty pool does', async () => {
  const p = makePair({ server: { authProtocols: ['mschap-v2'] }, client: { authProtocols: ['mschap-v2'] }, serverExtra: { allocateAddress: () => Promise.resolve(undefined) } });
  p.server.start();
  p.client.start();
  await p.run();
  for (let i = 0; i < 5 && !p.events.serverDown; i++) {
    p.clock.advance(3000);
    await p.run();
  }
  assert.equal(p.events.serverDown, 'missing client ip address');
});

test('a lease that arrives after the session ended is released', async () => {
  const lease = later<string | undefined>('10.96.0.78');
  const p = makePair({ server: { authProtocols: ['mschap-v2'] }, client: { authProtocols: ['mschap-v2'] }, serverExtra: { allocateAddress: () => lease.promise } });
  p.server.start();
  p.client.start();
  await p.run();
  p.server.abort('tunnel closed');
  lease.release();
  await p.run();
  assert.deepEqual(p.events.released, ['10.96.0.78']);
  assert.equal(p.events.serverUp, undefined);
});
