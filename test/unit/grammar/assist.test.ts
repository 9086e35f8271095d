import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { complete, help, parseLine } from '../../../grammar/index.js';
import type { Mode } from '../../../grammar/command.js';

const names = { groups: ['1', 'corp'], pools: ['pptp-pool', 'pptp-spare'], aaaGroups: ['AuthInbound', 'RADIUS'], users: ['cisco'], interfaces: ['outside', 'inside'] };

test('? lists the next words with help, and <cr> where the command can end', () => {
  const h = help('vpdn group 1 ppp ', 'config', names);
  assert.deepEqual(h, ['  authentication  PPP authentication protocol (one line each, offered in this order)', '  encryption      PPP encryption']);
  // the strength is required: no <cr> yet, and numbers in numeric order
  const m = help('vpdn group 1 ppp encryption mppe ', 'config', names);
  assert.deepEqual(m.map((l) => l.trim().split(/\s+/)[0]), ['40', '56', '128', 'auto']);
  assert.ok(m.some((l) => /^ {2}auto\s+Negotiate/.test(l)));
  // `vpdn ?` describes vpdn enable, not the exec enable
  assert.ok(help('vpdn ', 'config', names).includes('  enable    Accept PPTP on an interface'));
  // no <cr> after an incomplete group or tag
  assert.ok(!help('vpdn group 1 ', 'config', names).includes('  <cr>'));
  assert.ok(!help('aaa-server RADIUS ', 'config', names).includes('  <cr>'));
  const mp = help('vpdn group 1 ppp encryption mppe 40 ', 'config', names);
  assert.ok(mp.some((l) => l.includes('required')) && mp.at(-1) === '  <cr>');
  const sv = help('show vpdn ', 'enable', names);
  assert.ok(sv.some((l) => l.startsWith('  tunnel ')) && sv.at(-1) === '  <cr>');
  const gn = help('vpdn group ', 'config', names);
  assert.deepEqual(gn, ['  WORD  VPDN group name']);
});

test('? after a partial word lists the words it can complete to', () => {
  assert.deepEqual(help('sh', 'enable', names), ['  show  Show running system information']);
  const c = help('c', 'enable', names).map((l) => l.trim().split(/\s+/)[0]);
  assert.deepEqual(c, ['capture', 'clear', 'clock', 'configure', 'copy']);
  const p = help('vpdn group 1 client configuration address local pptp-s', 'config', names);
  assert.deepEqual(p.map((l) => l.trim().split(/\s+/)[0]), ['pptp-spare']);
});

test('? respects the mode table', () => {
  const exec = help('', 'exec', names).map((l) => l.trim().split(/\s+/)[0]);
  assert.ok(exec.includes('enable') && !exec.includes('configure') && !exec.includes('vpdn'));
  const en = help('', 'enable', names).map((l) => l.trim().split(/\s+/)[0]);
  assert.ok(en.includes('configure') && en.includes('debug') && !en.includes('vpdn'));
  const conf = help('', 'config', names).map((l) => l.trim().split(/\s+/)[0]);
  assert.ok(conf.includes('vpdn') && conf.includes('aaa-server') && conf.includes('show') && !conf.includes('configure'));
});

test('? on a bad prefix reports the error', () => {
  const l = 'vpdn group 1 pop ';
  assert.deepEqual(help(l, 'config', names), [' '.repeat(l.indexOf('pop')) + '^', "% Invalid input detected at '^' marker."]);
  assert.deepEqual(help('c ', 'enable', names), ['% Ambiguous command: "c"']);
});

test('Tab completes unique keywords and live names, lists the rest', () => {
  assert.deepEqual(complete('sh', 'enable', names), { line: 'show ', candidates: [] });
  assert.deepEqual(complete('vpdn group 1 ppp enc', 'config', names), { line: 'vpdn group 1 ppp encryption ', candidates: [] });
  assert.deepEqual(complete('aaa-server Au', 'config', names), { line: 'aaa-server AuthInbound ', candidates: [] });
  assert.deepEqual(complete('vpdn enable o', 'config', names), { line: 'vpdn enable outside ', candidates: [] });
  const pools = complete('vpdn group 1 client configuration address local pp', 'config', names);
  assert.deepEqual(pools, { line: 'vpdn group 1 client configuration address local pptp-', candidates: ['pptp-pool', 'pptp-spare'] });
  const c = complete('c', 'enable', names);
  assert.deepEqual(c, { line: 'c', candidates: ['capture', 'clear', 'clock', 'configure', 'copy'] });
  assert.deepEqual(complete('show ', 'enable', names).candidates.includes('vpdn'), true);
  assert.deepEqual(complete('zzz', 'enable', names), { line: 'zzz', candidates: [] });
  // access lists by name, for access-group, nat ... access-list
  assert.deepEqual(complete('access-group ou', 'config', { ...names, acls: ['101', 'outside_in'] }), { line: 'access-group outside_in ', candidates: [] });
});

test('parseLine/help/complete never throw on arbitrary input', () => {
  const modes: Mode[] = ['exec', 'enable', 'config'];
  const words = ['vpdn', 'group', '1', 'ppp', 'encryption', 'mppe', 'no', 'show', 'aaa-server', '(outside)', 'host', '10.0.0.1', '10.0.0.1-10.0.0.9', '"', '?', '\\', '\u0000', 'é'];
  const line = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.array(fc.constantFrom(...words), { maxLength: 12 }).map((a) => a.join(' ')),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  );
  fc.assert(
    fc.property(line, fc.constantFrom(...modes), (l, m) => {
      const r = parseLine(l, m);
      assert.ok(['ok', 'empty', 'error'].includes(r.kind));
      assert.ok(Array.isArray(help(l, m, names)));
      const c = complete(l, m, names);
      assert.equal(typeof c.line, 'string');
    }),
    { numRuns: 400 },
  );
});

test('100 kB lines and unbalanced quotes give errors, not exceptions', () => {
  const huge = 'vpdn group 1 '.repeat(8000);
  const hugeValid = 'help ' + 'x '.repeat(50000);
  for (const m of ['exec', 'enable', 'config'] as const) {
    assert.equal(parseLine(huge, m).kind, 'error');
    assert.ok(Array.isArray(help(huge, m, names)));
    assert.equal(typeof complete(huge, m, names).line, 'string');
    assert.equal(parseLine(hugeValid, m).kind, 'error');
    assert.ok(help(hugeValid, m, names).length > 0);
  }
  assert.equal(parseLine('hostname "unbalanced', 'config').kind, 'error');
  assert.equal(parseLine('\u0000\u0001\u00ff binary', 'enable').kind, 'error');
});
