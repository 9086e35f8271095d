import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTarget, judgeRoute } from '../../../src/client/target-check.js';

test('judgeRoute: loopback, local addresses and connected test interfaces are accepted', () => {
  assert.deepEqual(judgeRoute('127.0.0.1', ''), { ok: true, via: 'loopback' });
  assert.deepEqual(judgeRoute('127.3.4.5', 'anything'), { ok: true, via: 'loopback' });
  assert.deepEqual(judgeRoute('192.0.2.2', 'local 192.0.2.2 dev lo src 192.0.2.2 uid 0 \\    cache <local> '), {
    ok: true,
    via: 'local address on lo',
  });
  for (const dev of ['veth-a1234', 'veth0', 'tap-pptp', 'br-test']) {
    assert.deepEqual(judgeRoute('10.99.0.2', `10.99.0.2 dev ${dev} src 10.99.0.1 uid 0 \\    cache `), { ok: true, via: `connected on ${dev}` });
  }
});

test('judgeRoute: gateways, real NICs, unreachable and nonsense are refused', () => {
  const refused = [
    ['8.8.8.8', '8.8.8.8 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0 \\    cache '],
    ['10.99.0.9', '10.99.0.9 via 10.99.0.1 dev veth-a src 10.99.0.2 uid 0 \\    cache '],
    ['192.0.2.1', '192.0.2.1 dev eth0 src 192.0.2.2 uid 0 \\    cache '],
    ['172.18.124.152', '172.18.124.152 dev wlan0 src 172.18.124.1 uid 0'],
    ['10.1.1.1', 'unreachable 10.1.1.1 uid 0'],
    ['10.1.1.1', ''],
    ['10.1.1.1', 'garbage without the fields'],
    ['not-an-ip', 'local not-an-ip dev lo'],
    ['300.1.1.1', ''],
  ];
  for (const [addr, out] of refused) {
    const v = judgeRoute(addr, out);
    assert.equal(v.ok, false, `${addr} / ${out}`);
  }
  const gw = judgeRoute('8.8.8.8', '8.8.8.8 via 10.0.0.1 dev eth0 src 10.0.0.5 uid 0');
  assert.ok(!gw.ok && /gateway 10\.0\.0\.1 on eth0/.test(gw.reason));
});

test('checkTarget asks this namespace: loopback yes, a TEST-NET-3 address (never a test network) no', () => {
  assert.equal(checkTarget('127.0.0.1').ok, true);
  const v = checkTarget('203.0.113.7');
  assert.equal(v.ok, false, JSON.stringify(v));
  assert.equal(checkTarget('bogus').ok, false);
});
