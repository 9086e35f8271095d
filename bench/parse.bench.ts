/**
 * Grammar speed: parse a generated 10,000-line config (every family of a
 * PIX config) and time `?` where its lists are longest, each beside a baseline measured in the same run (a plain
 * split-on-whitespace pass over the same text).
 *
 *   node --import tsx bench/parse.bench.ts      (or node dist/bench/parse.bench.js)
 *
 * Targets: >= 50,000 lines/s, < 2 ms per `?`.
 */
import { help, parseLine } from '../grammar/index.js';

const LINES = 10_000;
const RUNS = 7;
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
      `fixup protocol h323 ${1720 + (i % 9)}`,
      `nat (inside) ${1 + (i % 9)} ${a}.0 255.255.255.0 0 0`,
      `global (outside) ${1 + (i % 9)} 172.18.${i & 255}.1-172.18.${i & 255}.9`,
      `static (inside,outside) 172.19.${(i >> 8) & 255}.${i & 255} ${a}.7 netmask 255.255.255.255 0 0`,
      `route outside ${a}.0 255.255.255.0 172.18.124.1 1`,
      `timeout xlate 3:00:00 conn 1:00:00 half-closed 0:10:00 udp 0:02:00`,
      `access-list out permit tcp any host ${a}.5 eq www`,
      `name ${a}.9 host-${i}`,
    );
  }
  return out.slice(0, n);
}

/** Milliseconds per call of `fn`, measured RUNS times (each at least minMs of calls). */
function samples(fn: () => void, minMs: number): number[] {
  fn(); // warm-up
  const out: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    let calls = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs) {
      fn();
      calls++;
      t = performance.now();
    }
    out.push((t - t0) / calls);
  }
  return out.sort((x, y) => x - y);
}
const median = (xs: number[]) => xs[xs.length >> 1];
const spread = (xs: number[], f: (x: number) => string) => `min ${f(xs[0])} / median ${f(median(xs))} / max ${f(xs[xs.length - 1])}`;

const lines = generate(LINES);
let sink = 0;
const parseMs = samples(() => {
  for (const l of lines) if (parseLine(l, 'config').kind !== 'ok') throw new Error('bench line failed: ' + l);
}, 300);
const baseMs = samples(() => {
  for (const l of lines) sink += l.split(/\s+/).length;
}, 100);

/** `?` where the lists are longest: the first word in config mode, and deep in a long line. */
const helpLines = ['', 'vpdn group corporate-dialin-group client configuration address local ', 'access-list 101 permit tcp any host 10.0.0.5 '];
const helpMs = samples(() => {
  for (const l of helpLines) sink += help(l, 'config', names).length;
}, 200).map((x) => x / helpLines.length);
const baseHelpMs = samples(() => {
  for (const l of helpLines) sink += l.split(/\s+/).length;
}, 50).map((x) => x / helpLines.length);

const lps = parseMs.map((ms) => (LINES / ms) * 1000).sort((x, y) => x - y);
const baseLps = baseMs.map((ms) => (LINES / ms) * 1000).sort((x, y) => x - y);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const n0 = (x: number) => x.toFixed(0);
console.log(`parse (${RUNS} runs of ${LINES} lines of a whole PIX config): ${spread(lps, n0)} lines/s; baseline split ${spread(baseLps, n0)} lines/s; target >= 50000 on the median: ${verdict(median(lps) >= 50_000)}`);
console.log(`help ? (${RUNS} runs, ${helpLines.length} positions): ${spread(helpMs, (x) => x.toFixed(3))} ms per keystroke; baseline split ${spread(baseHelpMs, (x) => (x * 1000).toFixed(2) + ' us')}; target < 2 ms on the median: ${verdict(median(helpMs) < 2)}`);
if (sink < 0) console.log(sink);
