/**
 * Replays every test/transcripts/*.txt through the plain console over the
 * real grammar and config layer (format: test/harness/transcript.ts).
 * `## start --server fake` uses a FakeServer showing the seed 003 tunnel;
 * `--server fake2` adds tunnel 14 for user alice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, prepareApp } from '../../../bin/pix-pptpd.js';
import { DebugBus } from '../../../src/debug/bus.js';
import { PlainConsole } from '../../../src/cli/ui/plain-console.js';
import { regenerateTranscript, replayTranscriptFile, type StartShell } from '../../harness/transcript.js';
import { FakeServer } from './fake-server.js';
import { seedStatus, twoUserStatus } from './fixtures.js';

function transcriptDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // source: test/unit/cli -> test/transcripts; compiled: dist/test/unit/cli -> test/transcripts
  for (const d of [join(here, '..', '..', 'transcripts'), join(here, '..', '..', '..', '..', 'test', 'transcripts')]) {
    if (existsSync(d) && readdirSync(d).some((f) => f.endsWith('.txt'))) return d;
  }
  throw new Error(`test/transcripts not found from ${here}`);
}

const start: StartShell = async (argv, out) => {
  const m = /--server (fake2?)\b/.exec(argv.join(' '));
  const fake = m?.[1];
  const rest = argv.join(' ').replace(/--server fake2?\b/, '').trim();
  const args = parseArgs(rest ? rest.split(/\s+/) : []);
  if (typeof args === 'string') throw new Error(args);
  const bus = new DebugBus();
  const { app, startup } = await prepareApp(args, {
    bus,
    version: '0.0.0-test',
    createServer: fake ? (o) => new FakeServer(fake === 'fake2' ? twoUserStatus() : seedStatus(), o.bus) : undefined,
  });
  for (const l of startup) out(l + '\n');
  const con = new PlainConsole(app.createSession({ interactive: false }), out, { echo: true });
  return {
    start: () => con.start(),
    handleLine: (l) => con.handleLine(l),
    finish: () => con.finish(),
    get closed() {
      return con.closed;
    },
    close: () => app.close(),
  };
};

const dir = transcriptDir();
for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt')).sort()) {
  test(`transcript ${f}`, async () => {
    // TRANSCRIPT_UPDATE=1 rewrites the files from the shell's output, for review with git diff
    if (process.env.TRANSCRIPT_UPDATE) writeFileSync(join(dir, f), await regenerateTranscript(readFileSync(join(dir, f), 'utf8'), start));
    const r = await replayTranscriptFile(join(dir, f), start);
    assert.equal(r.actual, r.expected);
  });
}
