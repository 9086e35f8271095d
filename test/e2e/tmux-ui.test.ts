/**
 * The blessed UI, driven in a real terminal: tmux on a private socket,
 * fixed 100x30 size, send-keys, capture-pane. Skips (with the reason
 * printed) when tmux is missing.
 */
import { after, test, type TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cliCommand, shellQuote } from './cli-command.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
// tmux on a socket in a directory of our own, removed after the tests
const SOCKET_DIR = mkdtempSync(join(tmpdir(), 'pix-ui-'));
after(() => rmSync(SOCKET_DIR, { recursive: true, force: true }));

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-S', join(SOCKET_DIR, 'tmux'), ...args], { encoding: 'utf8' });
}

function screen(name: string): string {
  try {
    return tmux('capture-pane', '-p', '-t', name);
  } catch {
    return '';
  }
}

async function waitFor(name: string, pred: (s: string) => boolean, what: string, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let s = '';
  while (Date.now() < end) {
    s = screen(name);
    if (pred(s)) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${s}`);
}

function keys(name: string, ...k: string[]): void {
  tmux('send-keys', '-t', name, ...k);
}

function literal(name: string, text: string): void {
  tmux('send-keys', '-t', name, '-l', text);
}

test('blessed UI in tmux: prompt, commands, ? help, status line, paging, a pasted block, [confirm], reload, exit', async (t: TestContext) => {
  if (!hasTmux) {
    console.log('# skipped: tmux is not installed');
    t.skip('tmux is not installed');
    return;
  }
  const cmd = cliCommand();
  const name = 'ui';
  const shell = `cd ${shellQuote([cmd.cwd])} && TERM=xterm-256color ${shellQuote([...cmd.argv, '--no-server'])}; echo EXITED:$?; sleep 30`;
  tmux('-f', '/dev/null', 'new-session', '-d', '-s', name, '-x', '100', '-y', '30', shell);
  try {
    let s = await waitFor(name, (x) => x.includes('pixfirewall>'), 'the first prompt');
    assert.match(s, /mode: user/);
    assert.match(s, /no server/);

    literal(name, 'enable');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => /Password: ?$/m.test(x), 'the Password: question');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => /mode: privileged/.test(x), 'enable mode');
    assert.match(s, /pixfirewall>enable/);

    literal(name, 'show version');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => x.includes('pix-pptpd Version'), 'show version output');

    // ? prints help at once, without Enter, and keeps the typed text
    literal(name, 'show vpdn ');
    literal(name, '?');
    s = await waitFor(name, (x) => x.includes('pixfirewall#show vpdn ?'), '? help');
    assert.match(s, /tunnel/);
    assert.match(s.split('\n').filter((l) => l.trim()).slice(-2)[0], /^pixfirewall#show vpdn\s*$/, 'the typed text stays on the input line');
    // a list longer than the page is paged
    keys(name, 'C-u');
    literal(name, 'show ');
    literal(name, '?');
    s = await waitFor(name, (x) => x.includes('<--- More --->'), 'show ? to page');
    keys(name, 'q');
    await waitFor(name, (x) => !x.includes('<--- More --->'), 'paging to stop');

    // Ctrl-U kills the line; debug shows up in the status line
    keys(name, 'C-u');
    literal(name, 'debug vpdn event');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => /debug: vpdn event/.test(x), 'debug in the status line');

    // configure, hostname changes the prompt and the status line
    literal(name, 'conf t');
    keys(name, 'Enter');
    literal(name, 'hostname TMUX');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => x.includes('TMUX(config)#') && /mode: config/.test(x), 'the new hostname');
    keys(name, 'C-z');
    s = await waitFor(name, (x) => /mode: privileged/.test(x), 'Ctrl-Z back to enable');

    // history: Up recalls the previous line
    keys(name, 'Up');
    s = await waitFor(name, (x) => /TMUX#hostname TMUX\s*$/m.test(x), 'history recall');
    keys(name, 'C-u');

    // long output pages at `pager lines 24`: space shows more, q drops the rest
    literal(name, 'show running-config');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => x.includes('<--- More --->'), 'the --More-- prompt');
    assert.doesNotMatch(s, /: end/);
    keys(name, 'q');
    s = await waitFor(name, (x) => !x.includes('<--- More --->') && /TMUX#\s*$/m.test(x), 'paging to stop');
    assert.doesNotMatch(s, /: end/, 'q dropped the rest');

    // a pasted block: the pool the first line names comes on the next line, so no 403108 mid-paste
    literal(name, 'conf t\rvpdn group 9 client configuration address local p9\rip local pool p9 10.9.9.1-10.9.9.9\rend\r');
    s = await waitFor(name, (x) => /TMUX#\s*$/m.test(x) && x.includes('TMUX(config)#end'), 'the pasted block');
    assert.doesNotMatch(s, /403108/);

    // write erase and reload ask [confirm]; anything but Enter/y cancels and is not run
    literal(name, 'write erase');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => x.includes('Erase PIX configuration in flash memory? [confirm]'), 'the erase question');
    literal(name, 'show version');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => /TMUX#\s*$/m.test(x), 'the erase to be cancelled');
    literal(name, 'reload');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => x.includes('Proceed with reload? [confirm]'), 'the reload question');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => /pixfirewall#\s*$/m.test(x), 'the reload (the unsaved hostname is gone)');
    assert.match(s, /Unsaved lines dropped/);
    assert.match(s, /hostname TMUX/);

    literal(name, 'exit');
    keys(name, 'Enter');
    literal(name, 'exit');
    keys(name, 'Enter');
    s = await waitFor(name, (x) => x.includes('EXITED:'), 'the program to exit');
    assert.match(s, /EXITED:0/);
  } finally {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  }
});
