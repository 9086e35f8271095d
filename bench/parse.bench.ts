/**
 * Grammar speed: parse a generated 10,000-line config and time `?` on a
 * long line, each beside a baseline measured in the same run (a plain
 * split-on-whitespace pass over the same text).
 *
 *   node --import tsx bench/parse.bench.ts      (or node dist/bench/parse.bench.js)
 *
 * Targets: >= 50,000 lines/s, < 2 ms per `?`.
 */
import { help, parseLine } from '../grammar/index.js';

const LINES = 10_000;
const names = { groups: ['1'], pools: ['pool-1'], aaaGroups: ['RADIUS'], users: ['user1'], interfaces: ['outside', 'inside'] };

function generate(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const g = `g${i % 50}`;
    const a = `10.${(i >> 8) & 255}.${i & 255}`;
    out.push(
      `vpdn group ${g} accept dialin pptp`,
      `vpdn group ${g} ppp authentication mschap`,
      `vpdn group ${g} ppp encryption mppe 128 required`,
      `vpdn group ${g} client configuration address local pool-${i}`,
      `vpdn group ${g} client configuration dns ${a}.1 ${a}.2`,
      `vpdn username user${i} password pw${i}`,
      `ip local pool pool-${i} ${a}.10-${a}.200`,
      `aaa-server RADIUS (inside) host ${a}.5 key${i} timeout 5`,
      `access-list 101 permit ip ${a}.0 255.255.255.0 192.168.1.0 255.255.255.0`,
      `logging trap debugging`,
    );
  }
  return out.slice(0, n);
}

function time(fn: () => void, minMs = 300): number {
  fn(); // warm-up
  let runs = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < minMs) {
    fn();
    runs++;
    t = performance.now();
  }
  return (t - t0) / runs;
}

const lines = generate(LINES);
let sink = 0;
const parseMs = time(() => {
  for (const l of lines) if (parseLine(l, 'config').kind !== 'ok') throw new Error('bench line failed: ' + l);
});
const baseMs = time(() => {
  for (const l of lines) sink += l.split(/\s+/).length;
});

const longLine = 'vpdn group corporate-dialin-group client configuration address local ';
const helpMs = time(() => void (sink += help(longLine, 'config', names).length), 200);
const baseHelpMs = time(() => void (sink += longLine.split(/\s+/).length), 50);

const lps = (LINES / parseMs) * 1000;
const baseLps = (LINES / baseMs) * 1000;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
console.log(`parse: ${lps.toFixed(0)} lines/s (baseline split ${baseLps.toFixed(0)} lines/s, ratio ${(baseLps / lps).toFixed(1)}x) target >= 50000: ${verdict(lps >= 50_000)}`);
console.log(`help ?: ${helpMs.toFixed(3)} ms per keystroke (baseline split ${(baseHelpMs * 1000).toFixed(2)} us, ratio ${(helpMs / baseHelpMs).toFixed(0)}x) target < 2 ms: ${verdict(helpMs < 2)}`);
if (sink < 0) console.log(sink);
