import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineEditor } from '../../../src/cli/ui/line-editor.js';
import { Pager } from '../../../src/cli/ui/pager.js';
import { classifyLine } from '../../../src/cli/ui/classify.js';

test('line editor: insert, cursor moves, Ctrl-A/E, backspace, delete, kill', () => {
  const e = new LineEditor(() => []);
  e.insert('show vpdn');
  e.home();
  e.insert('x');
  assert.equal(e.text, 'xshow vpdn');
  e.deleteForward();
  e.deleteForward();
  assert.equal(e.text, 'xow vpdn');
  e.end();
  e.backspace();
  assert.equal(e.text, 'xow vpd');
  e.left();
  e.left();
  e.insert('Z');
  assert.equal(e.text, 'xow vZpd');
  assert.equal(e.cursor, 6);
  e.killWord();
  assert.equal(e.text, 'xow pd');
  e.kill();
  assert.equal(e.text, '');
  assert.equal(e.cursor, 0);
  e.insert('a\u0001b\tc');
  assert.equal(e.text, 'abc', 'control characters are not inserted');
});

test('line editor: history up/down returns to the draft', () => {
  const h = ['enable', 'show vpdn'];
  const e = new LineEditor(() => h);
  e.insert('dra');
  e.up();
  assert.equal(e.text, 'show vpdn');
  e.up();
  assert.equal(e.text, 'enable');
  e.up();
  assert.equal(e.text, 'enable');
  e.down();
  assert.equal(e.text, 'show vpdn');
  e.down();
  assert.equal(e.text, 'dra');
  assert.equal(e.take(), 'dra');
  assert.equal(e.text, '');
});

test('line editor never exceeds its limit and keeps cursor within text (property)', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string().map((s) => ({ op: 'insert' as const, s })),
          fc.constantFrom('backspace', 'deleteForward', 'left', 'right', 'home', 'end', 'kill', 'killWord', 'up', 'down').map((op) => ({ op, s: '' })),
        ),
      ),
      (ops) => {
        const e = new LineEditor(() => ['a', 'bb'], 50);
        for (const o of ops) {
          if (o.op === 'insert') e.insert(o.s);
          else (e as unknown as Record<string, () => void>)[o.op]();
          assert.ok(e.text.length <= 50);
          assert.ok(e.cursor >= 0 && e.cursor <= e.text.length);
        }
      },
    ),
  );
});

test('pager: first page at once, space = page, enter = line, q = drop', () => {
  let n = 3;
  const p = new Pager(() => n);
  const lines = ['1', '2', '3', '4', '5', '6', '7', '8'];
  assert.deepEqual(p.start(lines), ['1', '2', '3']);
  assert.equal(p.waiting, true);
  assert.deepEqual(p.key('enter'), ['4']);
  assert.deepEqual(p.key('space'), ['5', '6', '7']);
  assert.deepEqual(p.key('space'), ['8']);
  assert.equal(p.waiting, false);
  p.start(lines);
  assert.deepEqual(p.key('quit'), []);
  assert.equal(p.waiting, false);
  n = 0;
  assert.deepEqual(p.start(lines), lines, 'pager lines 0 disables paging');
});

test('pager: a line wider than terminal width takes the rows it wraps to', () => {
  let width = 80;
  const p = new Pager(() => 4, () => width);
  const long = 'x'.repeat(100);
  assert.deepEqual(p.start(['a', long, 'b', 'c', 'd']), ['a', long, 'b'], '1 + 2 + 1 rows at 80 columns');
  assert.deepEqual(p.key('space'), ['c', 'd']);
  width = 132;
  assert.deepEqual(p.start(['a', long, 'b', 'c', 'd']), ['a', long, 'b', 'c'], 'terminal width 132: one row each');
});

test('line classes for colour', () => {
  assert.equal(classifyLine('% Invalid input detected'), 'error');
  assert.equal(classifyLine('ERROR: bad'), 'error');
  assert.equal(classifyLine('Warning: VPN-3DES-AES license is required'), 'warning');
  assert.equal(classifyLine('Tnl 42 PPTP: CC I SCCRQ', 'debug'), 'debug');
  assert.equal(classifyLine('603104: PPTP Tunnel created', 'syslog'), 'syslog');
  assert.equal(classifyLine('PPTP Tunnel and Session Information'), 'plain');
});
