import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressPools } from '../../../src/server/pool.js';

const seedPool = { name: 'pptp-pool', ranges: [{ start: '192.168.1.1', end: '192.168.1.3' }] };

test('allocates the lowest free address and reports exhaustion', () => {
  const p = new AddressPools();
  p.configure([seedPool]);
  assert.equal(p.allocate('pptp-pool'), '192.168.1.1');
  assert.equal(p.allocate('pptp-pool'), '192.168.1.2');
  assert.equal(p.allocate('pptp-pool'), '192.168.1.3');
  assert.equal(p.allocate('pptp-pool'), undefined);
  p.release('192.168.1.2');
  assert.equal(p.allocate('pptp-pool'), '192.168.1.2');
  assert.equal(p.allocate('nope'), undefined);
});

test('status lists free and in-use addresses per pool', () => {
  const p = new AddressPools();
  p.configure([seedPool]);
  p.allocate('pptp-pool');
  const [s] = p.status();
  assert.deepEqual(
    { name: s.name, begin: s.begin, end: s.end, free: s.free, inUse: s.inUse, used: s.inUseAddresses },
    { name: 'pptp-pool', begin: '192.168.1.1', end: '192.168.1.3', free: 2, inUse: 1, used: ['192.168.1.1'] },
  );
});

test('leases survive reconfiguration and are not handed out twice', () => {
  const p = new AddressPools();
  p.configure([seedPool]);
  assert.equal(p.allocate('pptp-pool'), '192.168.1.1');
  p.configure([{ name: 'pptp-pool', ranges: [{ start: '192.168.1.1', end: '192.168.1.2' }] }]);
  assert.equal(p.allocate('pptp-pool'), '192.168.1.2');
  assert.equal(p.allocate('pptp-pool'), undefined);
  p.configure([]);
  assert.ok(p.inUse('192.168.1.1'), 'a removed pool keeps its live lease');
  assert.equal(p.claim('192.168.1.1'), false);
});

test('claim reserves a specific address (Framed-IP-Address)', () => {
  const p = new AddressPools();
  p.configure([seedPool]);
  assert.equal(p.claim('10.9.9.9'), true);
  assert.equal(p.claim('10.9.9.9'), false);
  assert.equal(p.claim('not-an-ip'), false);
});

test('a /16 pool: counts without building 65,534 address strings; the lists when read', () => {
  const p = new AddressPools();
  p.configure([{ name: 'big', ranges: [{ start: '10.0.0.1', end: '10.0.255.254' }] }]);
  for (let i = 0; i < 3; i++) p.allocate('big');
  const [st] = p.status();
  assert.deepEqual([st.name, st.begin, st.end, st.free, st.inUse], ['big', '10.0.0.1', '10.0.255.254', 65531, 3]);
  assert.deepEqual(st.inUseAddresses, ['10.0.0.1', '10.0.0.2', '10.0.0.3']);
  assert.equal(st.freeAddresses.length, 65531);
  assert.equal(st.freeAddresses[0], '10.0.0.4');
  assert.deepEqual(Object.keys(st).sort(), ['begin', 'end', 'free', 'freeAddresses', 'inUse', 'inUseAddresses', 'name']);
});
