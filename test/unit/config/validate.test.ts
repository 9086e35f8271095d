import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRunningConfig, validate } from '../../../src/config/index.js';
import { run } from './helpers.js';

const base = () =>
  run(defaultRunningConfig(), 'vpdn group 1 accept dialin pptp', 'vpdn group 1 ppp authentication mschap',
    'vpdn group 1 client configuration address local pptp-pool', 'ip local pool pptp-pool 192.168.1.1-192.168.1.50',
    'vpdn username cisco password cisco', 'vpdn enable outside').rc;

test('a complete setup validates clean', () => {
  assert.deepEqual(validate(base()), { errors: [], warnings: [] });
});

test('overlapping pools are errors', () => {
  const { rc } = run(base(), 'ip local pool other 192.168.1.40-192.168.1.60');
  const v = validate(rc);
  assert.deepEqual(v.errors, ['ERROR: ip local pool other (192.168.1.40-192.168.1.60) overlaps ip local pool pptp-pool (192.168.1.1-192.168.1.50)']);
});

test('undefined pool and aaa group references are warnings', () => {
  const { rc } = run(base(), 'vpdn group 1 client configuration address local nopool', 'vpdn group 1 client authentication aaa NOPE',
    'vpdn group 1 client accounting NOACCT');
  const w = validate(rc).warnings;
  assert.ok(w.includes('Warning: vpdn group 1: ip local pool nopool is not defined; clients get no address (403108)'));
  assert.ok(w.includes('Warning: vpdn group 1: aaa-server NOPE is not defined (403107)'));
  assert.ok(w.includes('Warning: vpdn group 1: accounting aaa-server NOACCT is not defined'));
});

test('MPPE without MS-CHAP, with TACACS+, and required without a capable auth', () => {
  let { rc } = run(base(), 'no vpdn group 1 ppp authentication mschap', 'vpdn group 1 ppp authentication pap', 'vpdn group 1 ppp encryption mppe 40 required');
  let w = validate(rc).warnings;
  assert.ok(w.includes('Warning: vpdn group 1: MPPE needs ppp authentication mschap or mschap-v2'));
  assert.ok(w.some((x) => x.includes('encryption is required but no MPPE-capable authentication')));
  ({ rc } = run(base(), 'vpdn group 1 ppp encryption mppe auto', 'aaa-server T protocol tacacs+', 'aaa-server T (inside) host 10.1.1.9 k', 'vpdn group 1 client authentication aaa T'));
  w = validate(rc).warnings;
  assert.ok(w.includes('Warning: vpdn group 1: MPPE with TACACS+ authentication: TACACS+ cannot return MPPE keys'));
  ({ rc } = run(base(), 'vpdn group 1 ppp encryption mppe 128', 'vpdn group 1 ppp authentication mschap-v2', 'no vpdn group 1 ppp authentication mschap'));
  assert.deepEqual(validate(rc).warnings, []);
});

test('a group without accept dialin pptp is flagged', () => {
  const { rc } = run(base(), 'no vpdn group 1 accept dialin pptp');
  const w = validate(rc).warnings;
  assert.ok(w.includes('Warning: vpdn group 1 does not accept dialin pptp; it is not used'));
  assert.ok(w.includes('Warning: vpdn is enabled but no vpdn group accepts dialin pptp'));
});
