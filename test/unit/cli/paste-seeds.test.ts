/**
 * The seed configs pasted whole into a real shell (the real grammar and
 * config layer, no server): onto the built-in default startup config and
 * onto an empty --config file, as the README documents. A paste is a block:
 * every line but the last says more lines are waiting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, prepareApp } from '../../../bin/pix-pptpd.js';
import { parseLine } from '../../../grammar/index.js';
import type { ShellSession } from '../../../src/cli/session.js';
import { samplesDir } from '../config/helpers.js';

async function shell(argv: string[]): Promise<{ s: ShellSession; close: () => Promise<void> }> {
  const args = parseArgs(['--no-server', ...argv]);
  if (typeof args === 'string') throw new Error(args);
  const { app } = await prepareApp(args, { version: '0.0.0-test' });
  const s = app.createSession({ interactive: false });
  await s.execute('enable');
  await s.execute('');
  await s.execute('configure terminal');
  return { s, close: () => app.close() };
}

/** Every line of `text` as one pasted block; what each line printed. */
async function paste(s: ShellSession, text: string): Promise<{ line: string; out: string[] }[]> {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const r: { line: string; out: string[] }[] = [];
  for (let i = 0; i < lines.length; i++) r.push({ line: lines[i], out: await s.execute(lines[i], i < lines.length - 1) });
  return r;
}

/** The canonical text of a config line (how show run writes it), or undefined for headers. */
function canonical(line: string): string | undefined {
  const p = parseLine(line, 'config');
  if (p.kind !== 'ok' || p.command.kind !== 'config' || p.command.negate) return undefined;
  const l = p.command.line;
  if (['header', 'comment', 'pix-version'].includes(l.cmd) || l.secret.length || l.cmd === 'timeout') return undefined;
  return l.words.join(' ');
}

const samples = () => readdirSync(samplesDir()).filter((f) => f.endsWith('.cfg')).map((f) => ({ f, text: readFileSync(join(samplesDir(), f), 'utf8') }));

for (const onto of ['the default startup config', 'an empty --config file'] as const) {
  test(`each sample config pasted onto ${onto}: no error, no mid-paste noise, no conflicting pairs`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pix-paste-'));
    try {
      for (const { f, text } of samples()) {
        const empty = join(dir, `${f}.empty`);
        writeFileSync(empty, '');
        const { s, close } = await shell(onto === 'an empty --config file' ? ['--config', empty] : []);
        try {
          const r = await paste(s, text);
          const said = r.flatMap((x) => x.out);
          assert.deepEqual(said.filter((l) => /^(ERROR|%|Type help|Usage)/.test(l)), [], `${f}: errors`);
          // references supplied by later lines are not warned about mid-paste
          assert.deepEqual(r.slice(0, -1).flatMap((x) => x.out).filter((l) => /403108|no vpdn username/.test(l)), [], `${f}: mid-paste warnings`);
          const run = await s.execute('show running-config');
          for (const l of text.split('\n')) {
            const c = canonical(l);
            if (c) assert.ok(run.includes(c), `${f}: "${c}" missing from show run`);
          }
          const count = (re: RegExp) => run.filter((l) => re.test(l)).length;
          assert.equal(count(/^timeout xlate /), 1, `${f}: one xlate timeout`);
          assert.ok(run.includes('timeout xlate 3:00:00'), `${f}: the pasted xlate timeout replaced the default`);
          assert.equal(count(/^fixup protocol h323 h225 1720$/), 1, `${f}: 6.2 and 6.3 h323 spellings are one line`);
          const telnetAt = run.indexOf('telnet timeout 5');
          assert.ok(run.findIndex((l) => /^telnet \d/.test(l)) < telnetAt, `${f}: telnet hosts before telnet timeout`);
          const diag = await s.execute('show vpdn diagnostics');
          const fromDefault = diag.findIndex((l) => l.startsWith('Lines from the built-in default configuration'));
          assert.equal(diag.filter((l) => l.startsWith('Note: what PPTP protects against')).length, 1, `${f}: the PPTP security note, once`);
          if (onto === 'an empty --config file') assert.equal(fromDefault, -1, `${f}: nothing from the default`);
          else if (f === 'local-auth-no-encryption.cfg') {
            // the seed's "no encryption" config still runs the default's MPPE and MS-CHAPv2: said so
            assert.ok(fromDefault >= 0, `${f}: diagnostics names the default lines`);
            assert.ok(diag.includes('  vpdn group 1 ppp encryption mppe auto') && diag.includes('  vpdn group 1 ppp authentication mschap-v2'), diag.join('\n'));
          }
        } finally {
          await close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function seedsDir(): string | undefined {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 7; i++, d = dirname(d)) if (existsSync(join(d, 'shared', 'seeds'))) return join(d, 'shared', 'seeds');
  return undefined;
}

test('seed 003 pasted as printed: only its documentation artefacts are refused, each with a PIX error', async (t) => {
  const dir = seedsDir();
  if (!dir) return t.skip('../shared/seeds not found beside the checkout');
  const seed = readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('003'))!), 'utf8').split('\n');
  // every config block of the document: from its `PIX Version` line to its `: end`
  const block: string[] = [];
  let inside = false;
  for (const l of seed) {
    if (/PIX Version/.test(l)) inside = true;
    if (inside) block.push(l);
    if (/^: end/.test(l)) inside = false;
  }
  const { s, close } = await shell([]);
  try {
    const r = await paste(s, block.join('\n'));
    const refused = r.filter((x) => x.out.some((l) => /^(ERROR|%|Type help|Usage)/.test(l))).map((x) => x.line.trim());
    assert.deepEqual([...new Set(refused.map((l) => (l.startsWith('<pre>') ? '<pre>' : l)))].sort(), [
      '192.168.1.0 255.255.255.0', // the second half of an access-list the page wrapped
      '<pre>', // a whole config glued into one HTML line
      'aaa-server AuthInbound protocol radius | tacacs+', // "use either" prose
      'access-list 101 permit ip 10.1.1.0 255.255.255.0', // no destination: incomplete
      '```',
      // and what those lines would have defined: the glued line held `nameif ethernet2 pix/intf2`,
      // the prose line the AuthInbound group, the wrapped line access-list 101
      'mtu pix/intf2 1500',
      'ip address pix/intf2 127.0.0.1 255.255.255.255',
      'failover ip address pix/intf2 0.0.0.0',
      'aaa-server AuthInbound (outside) host 172.18.124.99 cisco timeout 5',
      'nat (inside) 0 access-list 101',
    ].sort());
  } finally {
    await close();
  }
});

test('a clean slate: clear vpdn [username|group] removes those vpdn lines, bare clear vpdn all of them; write erase and reload give the factory default', async () => {
  const { s, close } = await shell([]);
  try {
    const vpdn = async () => (await s.execute('show running-config')).filter((l) => l.startsWith('vpdn '));
    const before = await vpdn();
    // seed 003: clear vpdn username removes the users, clear vpdn group the groups, clear vpdn (all) every vpdn line
    await s.execute('clear vpdn username');
    assert.deepEqual(await vpdn(), before.filter((l) => !l.startsWith('vpdn username ')));
    await s.execute('clear vpdn group');
    assert.deepEqual(await vpdn(), before.filter((l) => !l.startsWith('vpdn username ') && !l.startsWith('vpdn group ')));
    await s.execute('vpdn username u1 password p1');
    assert.deepEqual(await s.execute('clear vpdn'), ['% Removed 2 vpdn configuration lines (write memory makes it permanent)']);
    assert.ok(!(await s.execute('show running-config')).some((l) => l.startsWith('vpdn ')));
    await s.execute('end');
    await s.execute('write erase');
    assert.deepEqual(await s.execute(''), ['[OK]']);
    await s.execute('reload');
    const out = await s.execute('');
    assert.ok(out.some((l) => /factory default/i.test(l)), out.join('\n'));
    const run = await s.execute('show running-config');
    assert.ok(!run.some((l) => l.startsWith('vpdn ') || l.startsWith('ip local pool')));
    assert.ok(run.includes('hostname pixfirewall') && run.includes('ip address inside 192.168.1.1 255.255.255.0'));
  } finally {
    await close();
  }
});
