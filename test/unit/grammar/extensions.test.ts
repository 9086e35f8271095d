import { test } from 'node:test';
import assert from 'node:assert/strict';
import { help, complete, parseLine, type ParseResult } from '../../../grammar/index.js';
import type { Command, Mode } from '../../../grammar/command.js';

function cmd(line: string, mode: Mode = 'config'): Command {
  const r = parseLine(line, mode);
  assert.equal(r.kind, 'ok', `${line}: ${JSON.stringify(r)}`);
  return (r as Extract<ParseResult, { kind: 'ok' }>).command;
}
function errorLines(line: string, mode: Mode = 'config'): string[] {
  const r = parseLine(line, mode);
  assert.equal(r.kind, 'error', `${line} should fail: ${JSON.stringify(r)}`);
  return (r as Extract<ParseResult, { kind: 'error' }>).lines;
}
const names = { groups: ['1'], pools: [], aaaGroups: ['R'], users: ['cisco'], interfaces: ['outside', 'inside'], captures: ['web', 'win10'] };

/** A config line: negated or not, its declaration and canonical words. */
function line(text: string, negate: boolean, id: string, words: string, args: Record<string, unknown> = {}): void {
  const c = cmd(text);
  assert.equal(c.kind, 'config', text);
  const k = c as Extract<Command, { kind: 'config' }>;
  assert.equal(k.negate, negate, text);
  assert.equal(k.line.cmd, id, text);
  assert.equal(k.line.words.join(' '), words, text);
  for (const [n, v] of Object.entries(args)) assert.deepEqual(k.line.args[n], v, `${text}: ${n}`);
}

test('vpdn limit lines, abbreviations, ranges and no forms', () => {
  line('vpdn limit sessions 100', false, 'vpdn-limit-sessions', 'vpdn limit sessions 100', { count: 100 });
  line('vpdn limit per-source 4', false, 'vpdn-limit-per-source', 'vpdn limit per-source 4', { count: 4 });
  line('vpdn limit auth-failures 5 backoff 300', false, 'vpdn-limit-auth-failures', 'vpdn limit auth-failures 5 backoff 300', { failures: 5, backoff_seconds: 300 });
  line('vpdn limit setup-timeout 30', false, 'vpdn-limit-setup-timeout', 'vpdn limit setup-timeout 30', { setup_seconds: 30 });
  assert.deepEqual(cmd('vpdn lim sess 10'), cmd('vpdn limit sessions 10'));
  assert.deepEqual(cmd('vpdn lim auth 3 back 60'), cmd('vpdn limit auth-failures 3 backoff 60'));
  line('no vpdn limit auth-failures', true, 'vpdn-limit-auth-failures', 'vpdn limit auth-failures');
  line('no vpdn limit sessions 100', true, 'vpdn-limit-sessions', 'vpdn limit sessions 100');
  assert.deepEqual(errorLines('vpdn limit sessions 0'), [' '.repeat(20) + '^', "% Invalid input detected at '^' marker."]);
  assert.deepEqual(errorLines('vpdn limit setup-timeout 3601')[0], ' '.repeat(25) + '^');
  assert.deepEqual(errorLines('vpdn limit auth-failures 5 backoff 86401')[0], ' '.repeat(35) + '^');
  assert.deepEqual(errorLines('vpdn limit auth-failures 5'), ['Usage: [no] vpdn limit auth-failures <failures> backoff <backoff_seconds>']);
  assert.deepEqual(errorLines('vpdn limit sessions'), ['Usage: [no] vpdn limit sessions <count>']);
});

test('aaa-server dynamic-authorization [port N] and accounting interim SECONDS', () => {
  line('aaa-server R dynamic-authorization', false, 'aaa-dynamic-authorization', 'aaa-server R dynamic-authorization', { tag: 'R' });
  line('aaa-server R dynamic-authorization port 1700', false, 'aaa-dynamic-authorization', 'aaa-server R dynamic-authorization port 1700', { port: 1700 });
  assert.deepEqual(cmd('aaa-server R dyn po 1700'), cmd('aaa-server R dynamic-authorization port 1700'));
  line('no aaa-server R dynamic-authorization', true, 'aaa-dynamic-authorization', 'aaa-server R dynamic-authorization');
  assert.equal(errorLines('aaa-server R dynamic-authorization port 70000')[0], ' '.repeat(40) + '^');
  line('aaa-server R accounting interim 300', false, 'aaa-interim', 'aaa-server R accounting interim 300', { interim_seconds: 300 });
  assert.deepEqual(cmd('aaa-server R acc int 600'), cmd('aaa-server R accounting interim 600'));
  assert.equal(errorLines('aaa-server R accounting interim 59')[0], ' '.repeat(32) + '^');
  assert.deepEqual(errorLines('aaa-server R accounting interim'), ['Usage: [no] aaa-server <tag> accounting interim <interim_seconds>']);
  // group tags may still be keywords
  line('aaa-server port dynamic-authorization port 3799', false, 'aaa-dynamic-authorization', 'aaa-server port dynamic-authorization port 3799', { tag: 'port', port: 3799 });
});

test('capture, no capture, show capture, copy capture:NAME FILE in enable and config mode', () => {
  for (const mode of ['enable', 'config'] as const) {
    assert.deepEqual(cmd('capture web', mode), { kind: 'capture', name: 'web' });
    assert.deepEqual(cmd('capture web interface outside user DOMAIN\\cisco tunnel 7', mode), {
      kind: 'capture', name: 'web', interfaceName: 'outside', user: 'DOMAIN\\cisco', tunnel: 7,
    });
    assert.deepEqual(cmd('capture web tunnel 7 int outside', mode), { kind: 'capture', name: 'web', interfaceName: 'outside', tunnel: 7 });
    assert.deepEqual(cmd('no capture web', mode), { kind: 'no-capture', name: 'web' });
    assert.deepEqual(cmd('show capture', mode), { kind: 'show', target: { kind: 'capture' } });
    assert.deepEqual(cmd('sh cap web', mode), { kind: 'show', target: { kind: 'capture', name: 'web' } });
    assert.deepEqual(cmd('copy capture:web /var/tmp/web.pcap', mode), { kind: 'copy-capture', name: 'web', path: '/var/tmp/web.pcap' });
    assert.deepEqual(cmd('copy capture:web web.pcap', mode), { kind: 'copy-capture', name: 'web', path: 'web.pcap' });
  }
  // each filter at most once; FILE is a plain path, not a URL; privileged only
  // the second value of a filter given twice is pointed at
  assert.equal(errorLines('capture web user a user b', 'enable')[0], ' '.repeat(24) + '^');
  assert.equal(errorLines('capture web tunnel 70000', 'enable')[0], ' '.repeat(19) + '^');
  assert.equal(errorLines('copy capture:web tftp://10.1.1.5/web.pcap', 'enable')[0], ' '.repeat(17) + '^');
  assert.equal(errorLines('copy capture:web flash:web', 'enable')[0], ' '.repeat(17) + '^');
  assert.deepEqual(errorLines('capture web', 'exec'), ["Type help or '?' for a list of available commands."]);
  assert.ok(errorLines('copy capture:web', 'enable')[0].startsWith('Usage: copy running-config startup-config'));
  // the capture is not a configuration line
  assert.notEqual(cmd('capture web').kind, 'config');
});

test('? and Tab know the new words and the live capture names', () => {
  const lim = help('vpdn limit ', 'config', names).map((l) => l.trim().split(/\s+/)[0]);
  assert.deepEqual(lim, ['auth-failures', 'per-source', 'sessions', 'setup-timeout']);
  assert.deepEqual(help('vpdn limit sessions ', 'config', names), ['  <1-65535>  Number of sessions'], 'no <cr>: the line is not complete');
  assert.ok(help('copy ', 'enable', names).includes('  capture:NAME    A packet capture (see show capture)'));
  assert.deepEqual(complete('show capture w', 'enable', names), { line: 'show capture w', candidates: ['web', 'win10'] });
  assert.deepEqual(complete('no capture we', 'enable', names), { line: 'no capture web ', candidates: [] });
  assert.deepEqual(complete('copy capture:wi', 'enable', names), { line: 'copy capture:win10 ', candidates: [] });
  assert.ok(help('aaa-server R ', 'config', names).some((l) => l.includes('dynamic-authorization')));
});

test('show vpdn tunnel|session sub-keywords (PIX synopsis) and the protocol word', () => {
  const show = (l: string) => {
    const c = cmd(l, 'enable');
    assert.equal(c.kind, 'show');
    return (c as Extract<Command, { kind: 'show' }>).target;
  };
  assert.deepEqual(show('show vpdn tunnel'), { kind: 'vpdn', sub: 'tunnel' });
  assert.deepEqual(show('show vpdn tunnel id 13'), { kind: 'vpdn', sub: 'tunnel', id: 13 });
  assert.deepEqual(show('show vpdn tunnel pptp id 13'), { kind: 'vpdn', sub: 'tunnel', protocol: 'pptp', id: 13 });
  for (const d of ['packets', 'state', 'summary', 'transport'] as const) {
    assert.deepEqual(show(`show vpdn tunnel ${d}`), { kind: 'vpdn', sub: 'tunnel', detail: d });
    assert.deepEqual(show(`show vpdn tunnel pptp ${d}`), { kind: 'vpdn', sub: 'tunnel', protocol: 'pptp', detail: d });
  }
  assert.deepEqual(show('show vpdn tunnel l2tp'), { kind: 'vpdn', sub: 'tunnel', protocol: 'l2tp' });
  for (const d of ['packets', 'state', 'window'] as const) {
    assert.deepEqual(show(`show vpdn session ${d}`), { kind: 'vpdn', sub: 'session', detail: d });
  }
  assert.deepEqual(show('sh vpdn sess pptp id 13'), { kind: 'vpdn', sub: 'session', protocol: 'pptp', id: 13 });
  assert.deepEqual(show('sh vpd tun summ'), { kind: 'vpdn', sub: 'tunnel', detail: 'summary' });
  assert.deepEqual(show('show vpdn pppinterface id 1'), { kind: 'vpdn', sub: 'pppinterface', id: 1 });
  // window is a session view, summary/transport tunnel views; one selector only
  assert.equal(errorLines('show vpdn tunnel window', 'enable')[0], ' '.repeat(17) + '^');
  assert.equal(errorLines('show vpdn session summary', 'enable')[0], ' '.repeat(18) + '^');
  assert.equal(errorLines('show vpdn tunnel state packets', 'enable')[0], ' '.repeat(23) + '^');
  assert.deepEqual(help('show vpdn session ', 'enable', names).map((l) => l.trim().split(/\s+/)[0]),
    ['id', 'l2tp', 'packets', 'pptp', 'state', 'window', '<cr>']);
});
