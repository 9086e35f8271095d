import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unusableClientAddress } from '../../../src/server/address-check.js';

const IFS = [
  { name: 'outside', address: '172.18.124.152', mask: '255.255.255.0' },
  { name: 'inside', address: '10.1.1.1', mask: '255.255.255.0' },
  { name: 'link', address: '192.0.2.0', mask: '255.255.255.254' },
  { name: 'dmz' },
];

test('addresses a client can be given', () => {
  for (const a of ['192.168.1.77', '10.1.1.2', '10.1.2.0', '192.0.2.1', '223.255.255.254']) assert.equal(unusableClientAddress(a, IFS), undefined, a);
});

test('addresses no client can be given, and why', () => {
  const cases: [string, string][] = [
    ['0.0.0.0', 'an unspecified address (0.0.0.0/8)'],
    ['127.0.0.1', 'a loopback address'],
    ['224.0.0.5', 'a multicast, reserved or broadcast address'],
    ['255.255.255.255', 'a multicast, reserved or broadcast address'],
    ['10.1.1.1', 'the address of interface inside'],
    ['172.18.124.152', 'the address of interface outside'],
    ['10.1.1.0', 'the network address of interface inside'],
    ['10.1.1.255', 'the broadcast address of interface inside'],
    ['192.0.2.0', 'the address of interface link'],
    ['10.1.1', 'not an IPv4 address'],
  ];
  for (const [a, why] of cases) assert.equal(unusableClientAddress(a, IFS), why, a);
});
