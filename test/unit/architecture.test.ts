/**
 * The import structure of the shipped code, checked on every run: the
 * layers (docs/layers.md), the never-rules, no cycle, nothing shipped
 * importing the test tree.
 *
 * Layers, lowest first; a file may import its own layer and the ones
 * below, never one above:
 *
 *   0 base     src/util/, src/debug/ (the event bus, the Cisco and PIX formatters)
 *   1 grammar  grammar/            (pure: no src/ import, no package)
 *   2 config   src/config/
 *   3 proto    src/proto/          (engines and codecs; config/model.ts types only;
 *                                   of src/debug/ the bus types only, never DebugBus:
 *                                   engines emit typed events to their sinks, src/debug/
 *                                   makes the text)
 *   4 service  src/server/ (the composition), src/client/ (its peer)
 *   5 shell    src/cli/
 *   6 lab      src/lab/
 *   7 entry    bin/
 *
 * The sources are read as text (import and export ... from, import(),
 * typeof import(); for src/proto/, the bus names and calls too); bench/
 * and test/ are not shipped and not checked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout: from test/unit or dist/test/unit, the folder with our package.json. */
function repoRoot(): string {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(d, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'pix-pptpd') return d;
    d = dirname(d);
  }
  throw new Error('package.json of pix-pptpd not found above the test');
}

const ROOT = repoRoot();

interface Edge {
  from: string;
  /** a repository path (src/proto/ppp/frame.ts) or a package name (chalk, node:fs) */
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const abs = join(ROOT, dir);
  if (!existsSync(abs)) return out;
  for (const name of readdirSync(abs)) {
    const rel = join(dir, name);
    if (statSync(join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

const IMPORT = /(?:^|[^\w.])(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** A file's text without its comments. */
function codeOf(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function edgesOf(file: string): Edge[] {
  const text = codeOf(file);
  const edges: Edge[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[2] ?? m[3]!;
    const typeOnly = m[1] !== undefined || /typeof\s+$/.test(text.slice(Math.max(0, m.index - 8), m.index + 1));
    if (!spec.startsWith('.')) {
      edges.push({ from: file, to: spec.startsWith('node:') ? spec : spec.split('/')[0]!, typeOnly });
      continue;
    }
    const to = normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts');
    edges.push({ from: file, to: relative('.', to), typeOnly });
  }
  return edges;
}

const SHIPPED = [...sourceFiles('src'), ...sourceFiles('grammar'), ...sourceFiles('bin')];
const EDGES = SHIPPED.flatMap(edgesOf);
const LOCAL = EDGES.filter((e) => e.to.includes('/') && !e.to.startsWith('node:'));

const LAYERS: [number, string, (f: string) => boolean][] = [
  [0, 'base', (f) => f.startsWith('src/util/') || f.startsWith('src/debug/')],
  [1, 'grammar', (f) => f.startsWith('grammar/')],
  [2, 'config', (f) => f.startsWith('src/config/')],
  [3, 'proto', (f) => f.startsWith('src/proto/')],
  [4, 'service', (f) => f.startsWith('src/server/') || f.startsWith('src/client/')],
  [5, 'shell', (f) => f.startsWith('src/cli/')],
  [6, 'lab', (f) => f.startsWith('src/lab/')],
  [7, 'entry', (f) => f.startsWith('bin/')],
];

function layerOf(file: string): { rank: number; name: string } {
  const l = LAYERS.find(([, , test]) => test(file));
  if (!l) throw new Error(`${file} is in no layer: add its folder to LAYERS (and docs/layers.md)`);
  return { rank: l[0], name: l[1] };
}

/**
 * The events an engine hands the debug layer are declared beside the
 * engine (src/proto/<protocol>/debug-events.ts); a formatter of src/debug/
 * may read their types. That is the only upward import the layer rule
 * lets through, besides the list below.
 */
const isDebugEventsContract = (e: Edge) => e.from.startsWith('src/debug/') && e.typeOnly && /^src\/proto\/[\w-]+\/debug-events\.ts$/.test(e.to);

/**
 * Formatters of src/debug/ that still read protocol codecs (PPP protocol
 * and option numbers, RADIUS attribute names, message types) from
 * src/proto/ instead of being handed events that carry what they print.
 * This list may only shrink.
 */
const FORMATTERS_READING_PROTO = new Set(['src/debug/cisco-ppp.ts', 'src/debug/cisco-ppp-session.ts', 'src/debug/cisco-pptp.ts', 'src/debug/cisco-radius.ts']);

/** Runtime import cycles allowed for now (the files of each, sorted), each with its reason. */
const CYCLE_EXEMPTIONS = new Set<string>([]);

function importersOf(pkg: string): string[] {
  return [...new Set(EDGES.filter((e) => e.to === pkg).map((e) => e.from))].sort();
}

describe('architecture: the import structure of src/, grammar/ and bin/', () => {
  it('reads the tree (sanity: the rules below look at real files)', () => {
    assert.ok(SHIPPED.length > 100, `only ${SHIPPED.length} files found under ${ROOT}`);
    assert.ok(LOCAL.length > 300, `only ${LOCAL.length} local imports found`);
  });

  it('every import resolves to a file of the tree', () => {
    const missing = LOCAL.filter((e) => !existsSync(join(ROOT, e.to)) && !e.to.startsWith('native/'));
    assert.deepEqual(missing, []);
  });

  it('no layer imports a layer above it', () => {
    const up = LOCAL.filter((e) => !e.to.startsWith('test/') && !e.to.startsWith('native/'))
      .filter((e) => !isDebugEventsContract(e) && !(FORMATTERS_READING_PROTO.has(e.from) && e.to.startsWith('src/proto/')))
      .map((e) => ({ e, from: layerOf(e.from), to: layerOf(e.to) }))
      .filter(({ from, to }) => to.rank > from.rank)
      .map(({ e, from, to }) => `${e.from} (${from.name}) -> ${e.to} (${to.name})`);
    assert.deepEqual(up, []);
  });

  it('src/, grammar/ and bin/ import nothing from test/', () => {
    assert.deepEqual(
      LOCAL.filter((e) => e.to.startsWith('test/')).map((e) => `${e.from} -> ${e.to}`),
      [],
    );
  });

  it('grammar is pure: no src/ import and no package', () => {
    const bad = EDGES.filter((e) => e.from.startsWith('grammar/'))
      .filter((e) => !e.to.startsWith('grammar/') && !e.to.startsWith('node:'))
      .map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(bad, []);
  });

  it('the server never imports the shell, the client or the lab; the client never imports the server', () => {
    const bad = LOCAL.filter(
      (e) =>
        (e.from.startsWith('src/server/') && /^src\/(cli|client|lab)\//.test(e.to)) ||
        (e.from.startsWith('src/client/') && /^src\/(server|cli|lab)\//.test(e.to)),
    ).map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(bad, []);
  });

  it('protocol engines import types only from config/model.ts, and nothing else of config/', () => {
    const bad = LOCAL.filter((e) => e.from.startsWith('src/proto/') && e.to.startsWith('src/config/'))
      .filter((e) => !(e.to === 'src/config/model.ts' && e.typeOnly))
      .map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(bad, []);
  });

  it('src/proto/crypto/ imports nothing outside crypto/', () => {
    const bad = LOCAL.filter((e) => e.from.startsWith('src/proto/crypto/') && !e.to.startsWith('src/proto/crypto/')).map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(bad, []);
  });

  it('the debug formatters read no layer above proto, and only the listed ones read proto', () => {
    const reading = [...new Set(LOCAL.filter((e) => e.from.startsWith('src/debug/') && e.to.startsWith('src/proto/') && !isDebugEventsContract(e)).map((e) => e.from))];
    const stale = [...FORMATTERS_READING_PROTO].filter((f) => !reading.includes(f));
    assert.deepEqual(stale, [], 'a formatter no longer reads src/proto/: take it off FORMATTERS_READING_PROTO');
    const above = LOCAL.filter((e) => e.from.startsWith('src/debug/') && /^src\/(server|client|cli|lab|config)\//.test(e.to)).map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(above, []);
  });

  it('protocol engines import from src/debug/ only the bus types, never a formatter: they emit typed events', () => {
    const bad = LOCAL.filter((e) => e.from.startsWith('src/proto/') && e.to.startsWith('src/debug/'))
      .filter((e) => !(e.to === 'src/debug/bus.ts' && e.typeOnly))
      .map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(bad, []);
  });

  it('protocol engines never hold the bus nor write a line: no DebugBus, no .debug() or .syslog() call under src/proto/', () => {
    // The bus's text methods are reached only through a DebugBus; an engine
    // gets a sink (on + emit) and a formatter of src/debug/ makes the text.
    const bad = SHIPPED.filter((f) => f.startsWith('src/proto/')).flatMap((f) => {
      const code = codeOf(f);
      const found = [...code.matchAll(/\bDebugBus\b|\.(?:debug|syslog)\s*\(/g)].map((m) => m[0]);
      return [...new Set(found)].map((m) => `${f}: ${m}`);
    });
    assert.deepEqual(bad, []);
  });

  it('only src/cli/ui/ imports blessed and chalk; only src/proto/radius/ imports radius; only src/cli/remote/ imports ssh2 and telnet-stream; only src/cli/metrics/ imports prom-client', () => {
    const where: Record<string, string> = {
      blessed: 'src/cli/ui/', chalk: 'src/cli/ui/', radius: 'src/proto/radius/', ssh2: 'src/cli/remote/', 'telnet-stream': 'src/cli/remote/',
      'prom-client': 'src/cli/metrics/',
    };
    for (const [pkg, home] of Object.entries(where)) {
      assert.deepEqual(importersOf(pkg).filter((f) => !f.startsWith(home)), [], `${pkg} outside ${home}`);
    }
  });

  it('no runtime import cycle', () => {
    const graph = new Map<string, string[]>();
    for (const e of LOCAL) if (!e.typeOnly) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const t of graph.get(f) ?? []) {
        if (state.get(t) === 'open') cycles.push([...new Set(stack.slice(stack.indexOf(t)))].sort().join(' <-> '));
        else if (!state.has(t)) visit(t);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
    assert.deepEqual(cycles.filter((c) => !CYCLE_EXEMPTIONS.has(c)), []);
  });
});
