import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SmallMap } from '../../../src/util/small-map.js';

test('SmallMap behaves as a Map under any sequence of set / delete / clear', () => {
  const op = fc.oneof(
    fc.record({ op: fc.constant('set' as const), k: fc.integer({ min: 0, max: 4 }), v: fc.integer() }),
    fc.record({ op: fc.constant('delete' as const), k: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ op: fc.constant('clear' as const) }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
      const m = new Map<number, number>();
      const s = new SmallMap<number, number>();
      for (const o of ops) {
        if (o.op === 'set') {
          m.set(o.k, o.v);
          s.set(o.k, o.v);
        } else if (o.op === 'delete') assert.equal(s.delete(o.k), m.delete(o.k));
        else {
          m.clear();
          s.clear();
        }
        assert.equal(s.size, m.size);
        assert.deepEqual([...s.entries()], [...m.entries()]);
        assert.deepEqual([...s.keys()], [...m.keys()]);
        assert.deepEqual([...s.values()], [...m.values()]);
        const seen: [number, number][] = [];
        s.forEach((v, k) => seen.push([k, v]));
        assert.deepEqual(seen, [...m.entries()]);
        for (let k = 0; k <= 4; k++) {
          assert.equal(s.has(k), m.has(k));
          assert.equal(s.get(k), m.get(k));
        }
      }
    }),
  );
});
