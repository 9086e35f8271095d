/**
 * Shell transcripts: recorded `--plain` console sessions replayed through
 * the plain console and compared byte for byte.
 *
 * Format of test/transcripts/NAME.txt
 *  - A line starting with `##` is a directive or comment, never output:
 *      `## start [ARGS...]`  (re)start the shell with these bin-style args
 *                            (`--config FILE`, `--no-server`, `--server fake`);
 *                            every transcript begins with one. Each start
 *                            ends the previous shell as at EOF.
 *      `## anything else`    a comment.
 *    `{tmp}` anywhere in the file is replaced by a fresh temp directory.
 *  - Every other line is what the console prints. The console prints a
 *    prompt without a newline and, in --plain with piped input, echoes the
 *    typed line after it; so an input line is simply a line that begins
 *    with the prompt the shell is showing at that moment, and what follows
 *    the prompt is typed. The harness finds the inputs by replaying: it
 *    takes the prompt the console just printed, matches it against the
 *    next expected line, types the rest, and so on. A secret answer
 *    (`Password: `) is written `Password: <<cisco>>`: `cisco` is typed and
 *    the console must echo `*****`.
 *  - After the last input the harness sends EOF; a segment that ends
 *    with a bare prompt line ends there (Enter on an empty line earlier in
 *    the file is a bare prompt line too, and is typed).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the harness drives: a console that prints through `out`. */
export interface ReplayTarget {
  start(): void;
  handleLine(line: string): Promise<void>;
  finish(): void;
  readonly closed: boolean;
  close(): Promise<void>;
}

export type StartShell = (args: string[], out: (text: string) => void) => Promise<ReplayTarget>;

export interface ReplayResult {
  expected: string;
  actual: string;
}

interface Segment {
  args: string[];
  lines: string[];
}

function segments(text: string): Segment[] {
  const segs: Segment[] = [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const l of lines) {
    if (l.startsWith('##')) {
      const m = /^##\s*start\b(.*)$/.exec(l);
      if (m) segs.push({ args: m[1].trim() ? m[1].trim().split(/\s+/) : [], lines: [] });
      continue;
    }
    if (segs.length === 0) throw new Error('transcript must begin with "## start"');
    segs[segs.length - 1].lines.push(l);
  }
  return segs;
}

const SECRET = /^(.*?)<<(.*)>>$/;

async function replaySegment(seg: Segment, start: StartShell): Promise<ReplayResult> {
  let actual = '';
  const shell = await start(seg.args, (t) => (actual += t));
  const expected: string[] = [];
  try {
    shell.start();
    for (let guard = 0; guard < 10_000; guard++) {
      const nl = actual.lastIndexOf('\n');
      const done = nl < 0 ? 0 : actual.slice(0, nl).split('\n').length;
      const prompt = actual.slice(nl + 1);
      // expected lines already passed are copied verbatim (output)
      while (expected.length < done && expected.length < seg.lines.length) expected.push(seg.lines[expected.length]);
      const next = seg.lines[done];
      if (shell.closed || next === undefined || expected.length < done || !next.startsWith(prompt)) break;
      // the bare prompt as the segment's last line is where EOF was sent
      if (next === prompt && done === seg.lines.length - 1) break;
      let typed = next.slice(prompt.length);
      const secret = SECRET.exec(next);
      if (secret && secret[1] === prompt) {
        typed = secret[2];
        expected.push(prompt + '*'.repeat(typed.length));
      } else {
        expected.push(next);
      }
      await shell.handleLine(typed);
    }
    shell.finish();
  } finally {
    await shell.close();
  }
  // whatever was not matched stays expected (and fails the comparison)
  const rest = seg.lines.slice(expected.length).map((l) => {
    const s = SECRET.exec(l);
    return s ? s[1] + '*'.repeat(s[2].length) : l;
  });
  return { expected: [...expected, ...rest].join('\n') + '\n', actual };
}

/** Replay a whole transcript text; `{tmp}` is substituted first. */
export async function replayTranscript(text: string, start: StartShell): Promise<ReplayResult> {
  const tmp = mkdtempSync(join(tmpdir(), 'pix-transcript-'));
  try {
    const segs = segments(text.split('{tmp}').join(tmp));
    let expected = '';
    let actual = '';
    for (const s of segs) {
      const r = await replaySegment(s, start);
      expected += r.expected;
      actual += r.actual;
    }
    return { expected: expected.split(tmp).join('{tmp}'), actual: actual.split(tmp).join('{tmp}') };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function replayTranscriptFile(path: string, start: StartShell): Promise<ReplayResult> {
  return replayTranscript(readFileSync(path, 'utf8'), start);
}

/** A line the user typed at: a shell prompt, `Password: ` or a `[confirm]` question. */
const INPUT_LINE = /^([A-Za-z][\w./-]*(?:\([a-z-]+\))?[>#]|Password: |[^\s].*\[confirm\])/;

/**
 * The transcript with its inputs kept and every output line taken from the
 * shell as it is now (`TRANSCRIPT_UPDATE=1`): for a reviewed change of
 * output, never to make a failing test pass unread (git diff shows it).
 */
export async function regenerateTranscript(text: string, start: StartShell): Promise<string> {
  const tmp = mkdtempSync(join(tmpdir(), 'pix-transcript-'));
  const out: string[] = [];
  try {
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let i = 0;
    while (i < lines.length) {
      // comments and the start directive as they were
      while (i < lines.length && lines[i].startsWith('##')) out.push(lines[i++]);
      const args = /^##\s*start\b(.*)$/.exec(out[out.length - 1] ?? '')?.[1].trim().split('{tmp}').join(tmp) ?? '';
      const inputs: { typed: string; secret: boolean }[] = [];
      for (; i < lines.length && !lines[i].startsWith('##'); i++) {
        const m = INPUT_LINE.exec(lines[i]);
        if (!m) continue;
        // after `?` the console reprints the line typed so far: output, not input
        if (inputs.length && inputs[inputs.length - 1].typed.endsWith('?') && lines[i] === m[1] + inputs[inputs.length - 1].typed.slice(0, -1)) continue;
        const s = SECRET.exec(lines[i]);
        inputs.push(s && s[1] === m[1] ? { typed: s[2], secret: true } : { typed: lines[i].slice(m[1].length), secret: false });
      }
      // a bare prompt as the last line is where EOF was sent
      if (inputs.length && inputs[inputs.length - 1].typed === '' && !INPUT_LINE.exec(lines[i - 1] ?? '')?.[1].startsWith('Password')) inputs.pop();
      let actual = '';
      const shell = await start(args ? args.split(/\s+/) : [], (t) => (actual += t));
      try {
        shell.start();
        for (const inp of inputs) {
          if (shell.closed) break;
          const nl = actual.lastIndexOf('\n');
          const prompt = actual.slice(nl + 1);
          await shell.handleLine(inp.typed);
          if (inp.secret) actual = actual.replace(prompt + '*'.repeat(inp.typed.length) + '\n', `${prompt}<<${inp.typed}>>\n`);
        }
        shell.finish();
      } finally {
        await shell.close();
      }
      out.push(...actual.replace(/\n$/, '').split('\n'));
    }
    return out.join('\n').split(tmp).join('{tmp}') + '\n';
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
