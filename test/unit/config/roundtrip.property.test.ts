/**
 * For every configuration declaration: a generated valid line (a random
 * walk through its syntax automaton, each argument drawn from a generator
 * of valid words of its type) applies, is written by show running-config
 * and reads back to the same text; the same line with one argument made
 * invalid is refused by the shell and leaves show running-config as it was.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compile, type Step } from '../../../grammar/spec.js';
import { configDeclarations, parseLine } from '../../../grammar/index.js';
import type { ConfigDecl } from '../../../grammar/declare.js';
import { applyLine, defaultRunningConfig, loadConfigText, writeConfig } from '../../../src/config/index.js';
import type { RunningConfig } from '../../../src/config/running.js';
import { run } from './helpers.js';
import { parseArgs, prepareApp } from '../../../bin/pix-pptpd.js';

const octet = (lo = 0, hi = 255) => fc.integer({ min: lo, max: hi });
const ipArb = fc.tuple(octet(1, 223), octet(), octet(), octet(1, 254)).map((p) => p.join('.'));
const maskArb = fc.integer({ min: 8, max: 32 }).map((n) => {
  const m = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return [24, 16, 8, 0].map((s) => (m >>> s) & 255).join('.');
});
const nameArb = fc.integer({ min: 1, max: 9999 }).map((n) => `n${n}`);
const timeArb = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m, s]) => `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`);
const ipRangeArb = fc.tuple(ipArb, fc.integer({ min: 0, max: 200 })).map(([a, n]) => {
  const p = a.split('.').map(Number);
  return `${a}-${p[0]}.${p[1]}.${p[2]}.${Math.min(254, p[3] + n)}`;
});

/** Valid words of each argument type (names that exist in the base config). */
const VALID: Record<string, fc.Arbitrary<string>> = {
  word: nameArb,
  name: nameArb,
  ifname: fc.constantFrom('outside', 'inside'),
  pif: fc.constantFrom('(outside)', '(inside)'),
  'pif-pair': fc.constantFrom('(inside,outside)', '(outside,inside)'),
  pool: fc.constant('p1'),
  'aaa-tag': fc.constant('RADIUS'),
  'vpdn-group': fc.constantFrom('1', 'g2'),
  user: fc.constantFrom('alice', 'DOM\\bob'),
  secret: fc.stringMatching(/^[A-Za-z0-9!@#%]{1,12}$/).filter((s) => s !== 'encrypted'),
  hostname: fc.stringMatching(/^h[a-z0-9-]{0,10}[a-z0-9]$/),
  domain: fc.constantFrom('example.com', 'corp.example.org'),
  hwid: fc.constantFrom('ethernet2', 'ethernet3'),
  version: fc.constantFrom('6.3(5)', '6.2(1)'),
  time: timeArb,
  clock: timeArb,
  mac: fc.constantFrom('0001.0203.0405', '00a0.c9ff.fe01'),
  path: fc.constantFrom('pix.cfg', 'configs/pix.cfg'),
  ip: ipArb,
  mask: maskArb,
  'ip-range': ipRangeArb,
  'ip-or-range': fc.oneof(ipArb, ipRangeArb),
  security: fc.integer({ min: 1, max: 99 }).map((n) => `security${n}`),
  level: fc.oneof(fc.integer({ min: 0, max: 7 }).map(String), fc.constantFrom('errors', 'debugging', 'informational')),
  month: fc.constantFrom('Jan', 'december'),
  port: fc.oneof(fc.integer({ min: 1, max: 65535 }).map(String), fc.constantFrom('www', 'ftp', 'smtp')),
  'port-range': fc.oneof(fc.integer({ min: 1, max: 65535 }).map(String), fc.constant('1718-1719')),
  protocol: fc.constantFrom('ip', 'tcp', 'udp', 'icmp', 'gre', '47'),
  'icmp-type': fc.constantFrom('echo', 'echo-reply', 'unreachable', '8'),
  'acl-id': fc.constant('101'),
  line: fc.constantFrom('lab rack 4', 'Authorized use only'),
  verbatim: fc.constantFrom('network web', 'host 10.1.1.5'),
  transport: fc.constantFrom('udp/514', 'tcp/1470'),
  transform: fc.constantFrom('esp-3des', 'esp-sha-hmac', 'ah-md5-hmac'),
  'utc-offset': fc.integer({ min: -23, max: 23 }).map(String),
};

/** A word each type refuses (and no neighbouring step takes instead). */
function invalidWord(st: Extract<Step, { t: 'arg' }>): string | undefined {
  const range = /^(\d+)-(\d+)$/.exec(st.type.id);
  if (range) return String(Number(range[2]) + 1);
  return ({ ip: '300.1.1.1', mask: '255.0.255.0', 'ip-range': '10.0.0.1-10.0.0.300', security: 'security101', port: '70000', time: '1:61:00', clock: '25:00:00', mac: '01.02', transport: 'udp/x', version: 'v6', hwid: '0eth' } as Record<string, string>)[st.type.id];
}

interface Walk {
  words: string[];
  /** index in `words` and step of each argument */
  args: { at: number; step: Extract<Step, { t: 'arg' }> }[];
}

/** A random accepted path through the declaration's automaton. */
function walk(decl: ConfigDecl, pick: (max: number) => number, value: (st: Extract<Step, { t: 'arg' }>) => string): Walk | undefined {
  const auto = compile(decl.syntax);
  const words: string[] = [];
  const args: Walk['args'] = [];
  const used = new Set<string>();
  let s = auto.start;
  for (let n = 0; n < 24; n++) {
    const steps = auto.steps[s].filter((st) => st.t === 'kw' ? st.capture === undefined || !used.has(st.capture) : !used.has(st.name) && VALID[st.type.id] !== undefined || /^\d+-\d+$/.test(st.type.id) && !used.has(st.name));
    if (auto.accept[s] && (steps.length === 0 || pick(3) === 0)) return { words, args };
    if (steps.length === 0) return undefined;
    const st = steps[pick(steps.length)];
    if (st.t === 'kw') {
      if (st.capture) used.add(st.capture);
      words.push(st.text);
    } else {
      used.add(st.name);
      args.push({ at: words.length, step: st });
      words.push(value(st));
    }
    s = st.to;
  }
  return auto.accept[s] ? { words, args } : undefined;
}

function base(): RunningConfig {
  return run(defaultRunningConfig(),
    'ip local pool p1 10.9.0.1-10.9.0.50',
    'access-list 101 permit ip any any',
    'vpdn group 1 accept dialin pptp',
    'vpdn group g2 accept dialin pptp',
    'aaa-server RADIUS (inside) host 10.1.1.9 k1').rc;
}

const write = (rc: RunningConfig) => writeConfig(rc, { secrets: 'clear' });

test('every declared config line round-trips through show running-config; an invalid argument is refused and changes nothing', async () => {
  const start = base();
  const startText = write(start);
  const roundTripped = new Set<string>();
  /** one refused line per declaration, typed into a real shell below */
  const invalid = new Map<string, string>();
  const decls = configDeclarations().map((d) => d.decl).filter((d) => !d.noOnly);
  for (const decl of decls) {
    fc.assert(
      fc.property(fc.gen(), (g) => {
        const w = walk(decl, (max) => g(fc.integer, { min: 0, max: max - 1 }), (st) => g(() => VALID[st.type.id] ?? fc.integer({ min: Number(st.type.id.split('-')[0]), max: Number(st.type.id.split('-')[1]) }).map(String)));
        if (!w) return;
        const line = w.words.join(' ');
        const p = parseLine(line, 'config');
        if (p.kind === 'error') {
          // only a declaration's own check (ERROR: ...) may refuse a line its syntax takes
          assert.match(p.lines[0], /^ERROR: /, `${decl.id}: "${line}" -> ${p.lines.join(' / ')}`);
          return;
        }
        assert.equal(p.kind, 'ok', line);
        if (p.kind !== 'ok' || p.command.kind !== 'config') return;
        const r = applyLine(start, p.command.line, p.command.negate);
        if (!r.ok) {
          assert.match(r.lines[0], /^ERROR: /, `${decl.id}: "${line}"`);
          return;
        }
        const text = write(r.config);
        const again = loadConfigText(text.join('\n'));
        assert.deepEqual(again.errors, [], `${decl.id}: "${line}" written back does not load`);
        assert.deepEqual(write(again.config), text, `${decl.id}: "${line}" does not read back the same`);
        // `PIX Version` is the header the writer owns (always this product's version)
        if (!decl.split && !decl.hashes && decl.id !== 'pix-version') assert.ok(text.includes(p.command.line.words.join(' ')) || decl.defaults?.length, `${decl.id}: "${p.command.line.words.join(' ')}" not in show run`);
        roundTripped.add(decl.id);

        // one argument made invalid: refused, nothing changed
        const bad = w.args.filter((a) => invalidWord(a.step) !== undefined);
        if (bad.length === 0) return;
        const target = bad[g(fc.integer, { min: 0, max: bad.length - 1 })];
        const words = w.words.slice();
        words[target.at] = invalidWord(target.step)!;
        const q = parseLine(words.join(' '), 'config');
        assert.equal(q.kind, 'error', `${decl.id}: "${words.join(' ')}" should be refused`);
        if (!invalid.has(decl.id)) invalid.set(decl.id, words.join(' '));
      }),
      { numRuns: 25, seed: Number(process.env.PROPERTY_SEED ?? 20261207), includeErrorInReport: true },
    );
  }
  const never = decls.filter((d) => !roundTripped.has(d.id)).map((d) => d.id);
  assert.deepEqual(never, [], 'declarations no generated line of which applied');

  // typed into the shell: a PIX error, and show running-config as it was
  const args = parseArgs(['--no-server']);
  if (typeof args === 'string') throw new Error(args);
  const { app } = await prepareApp(args, { version: '0.0.0-test' });
  try {
    const sh = app.createSession({ interactive: false });
    for (const l of ['enable', '', 'configure terminal']) await sh.execute(l);
    const before = await sh.execute('show running-config');
    assert.ok(invalid.size > decls.length / 2, `only ${invalid.size} declarations gave an invalid line`);
    for (const [id, l] of invalid) {
      const out = await sh.execute(l);
      assert.match(out.join('\n'), /% Invalid input detected|^Usage: |^ERROR: |Type help/m, `${id}: "${l}" -> ${out.join(' / ')}`);
      assert.deepEqual(await sh.execute('show running-config'), before, `${id}: "${l}" changed the running-config`);
    }
  } finally {
    await app.close();
  }
});
