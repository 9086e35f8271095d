/**
 * A remote shell with its pager off writes `show vpdn` a page of calls per
 * loop turn; what it writes is byte for byte the whole render, and a piped
 * or paged command is unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellSession } from '../../../src/cli/session.js';
import { RemoteTerminal } from '../../../src/cli/remote/terminal.js';
import { renderShowVpdn, showVpdnPages } from '../../../src/cli/render/vpdn.js';
import { vpdnBlocksOf, type ServerStatus } from '../../../src/server/api.js';
import { FakeHost } from './fakes.js';
import { MORE } from '../../../src/cli/ui/pager.js';
import { seedSession, seedStatus, seedTunnel } from './fixtures.js';

function manyCalls(n: number): ServerStatus {
  const st = seedStatus();
  st.tunnels = Array.from({ length: n }, (_, i) => ({ ...seedTunnel, id: i + 1, remoteId: i + 1 }));
  st.sessions = Array.from({ length: n }, (_, i) => ({ ...seedSession, callId: i + 1, tunnelId: i + 1 }));
  return st;
}

test('show vpdn pages joined are the whole render, whatever the page size', () => {
  for (const n of [0, 1, 2, 50]) {
    const st = manyCalls(n);
    for (const per of [1, 2, 3, 32, 1000]) {
      const pages = [...showVpdnPages(vpdnBlocksOf(st), per)];
      assert.deepEqual(pages.flat(), renderShowVpdn(st), `${n} calls, ${per} blocks a page`);
      assert.ok(pages.every((p) => p.length > 0), 'no empty page');
      if (n > 0) assert.equal(pages.length, Math.ceil((2 * n) / per));
    }
  }
});

/** A remote shell on a FakeHost; `echo` true gives it a pager (terminal pager 24). */
function remote(st: ServerStatus, echo: boolean) {
  const host = new FakeHost();
  host.st = st;
  const writes: string[] = [];
  let turns = 0;
  const turn = () => new Promise<void>((r) => setImmediate(() => (turns++, r())));
  const s = new ShellSession(host, { id: 2, isConsole: false, interactive: true, turn });
  const term = new RemoteTerminal({ write: (t) => writes.push(t) }, { echo, crlf: true });
  void term.run(s, []);
  writes.length = 0;
  const typed = async (line: string) => {
    const before = writes.length;
    term.feed(line + '\r');
    const shown = () => writes.slice(before).join('');
    const done = () => shown().endsWith('pixfirewall>') || shown().endsWith(MORE);
    for (let i = 0; i < 10_000 && !done(); i++) await new Promise((r) => setImmediate(r));
    return writes.slice(before);
  };
  return { typed, turns: () => turns, term, s };
}

test('pager off: show vpdn over 100 calls goes out a page per turn, the same bytes as the whole render', async () => {
  const st = manyCalls(100);
  const r = remote(st, false);
  const turnsBefore = r.turns();
  const out = await r.typed('show vpdn');
  const text = out.join('');
  assert.equal(text, renderShowVpdn(st).join('\r\n') + '\r\n' + 'pixfirewall>');
  assert.ok(out.length >= Math.ceil(200 / 32), `written in ${out.length} pieces`);
  assert.ok(r.turns() - turnsBefore >= Math.ceil(200 / 32), 'a loop turn between pages');
});

test('pager off: a piped show vpdn is filtered as a whole', async () => {
  const st = manyCalls(40);
  const r = remote(st, false);
  const text = (await r.typed('show vpdn | include Call id 7')).join('');
  const want = renderShowVpdn(st).filter((l) => l.includes('Call id 7'));
  assert.equal(text, want.join('\r\n') + '\r\n' + 'pixfirewall>');
});

test('pager on: show vpdn stops at the first page with <--- More --->', async () => {
  const r = remote(manyCalls(40), true);
  const text = (await r.typed('show vpdn')).join('');
  assert.ok(text.endsWith(MORE), text.slice(-40));
  assert.equal(text.split('\r\n').length - 1, 24 + 1, 'the echoed line end, then 24 lines');
});

test('pager off: a line with a newline of its own (a peer-chosen user name) still goes out with CR LF only', async () => {
  const st = manyCalls(3);
  st.sessions[1] = { ...st.sessions[1], username: 'ev\nil\r\nname' };
  const r = remote(st, false);
  const text = (await r.typed('show vpdn')).join('');
  assert.equal(text, renderShowVpdn(st).join('\n').replace(/\r?\n/g, '\r\n') + '\r\n' + 'pixfirewall>');
  assert.ok(!/[^\r]\n/.test(text), 'no bare LF');
});
