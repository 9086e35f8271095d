/**
 * Output modifiers (`show ... | include|exclude|begin|grep [-v] REGEX`)
 * through the real grammar and config layer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../../src/cli/app.js';
import { DebugBus } from '../../../src/debug/bus.js';
import { enable } from './fakes.js';

test('output modifiers after show: include, exclude, begin, grep [-v]; ? after the pipe; bad ones marked', async () => {
  const s = createApp({ bus: new DebugBus() }).createSession();
  await enable(s);
  await s.execute('conf t');
  await s.execute('ip local pool pptp-pool 192.168.1.1-192.168.1.50');
  await s.execute('vpdn username cisco password cisco');
  const all = await s.execute('show running-config');
  const inc = await s.execute('show running-config | include ^vpdn');
  assert.ok(inc.length > 0 && inc.every((l) => l.startsWith('vpdn')), inc.join('\n'));
  assert.deepEqual(inc, all.filter((l) => l.startsWith('vpdn')));
  assert.ok(inc.includes('vpdn username cisco password ********'), 'masked as in show run');
  assert.deepEqual(await s.execute('sh run | i ip local pool'), ['ip local pool pptp-pool 192.168.1.1-192.168.1.50']);
  assert.deepEqual(await s.execute('show run | exclude .'), all.filter((l) => l === ''));
  assert.deepEqual(await s.execute('show run | grep -v .'), all.filter((l) => l === ''));
  assert.deepEqual(await s.execute('show run | grep pptp-pool'), all.filter((l) => l.includes('pptp-pool')));
  const from = all.findIndex((l) => l.startsWith('ip local pool'));
  assert.deepEqual(await s.execute('show run | begin ip local'), all.slice(from));
  assert.deepEqual(await s.execute('show run | begin no-such-line'), []);

  assert.deepEqual(
    s.helpFor('show run | ').map((l) => l.trim().split(/\s+/)[0]),
    ['begin', 'exclude', 'grep', 'include'],
  );
  assert.deepEqual(s.helpFor('show run | ex').map((l) => l.trim().split(/\s+/)[0]), ['exclude']);
  assert.deepEqual(s.helpFor('show run | include '), ['  LINE  Regular expression']);

  const prompt = s.prompt();
  assert.deepEqual(await s.execute('show run | frob x'), [' '.repeat(prompt.length + 'show run | '.length) + '^', "% Invalid input detected at '^' marker."]);
  assert.deepEqual(await s.execute('show run | include ('), [' '.repeat(prompt.length + 'show run | include '.length) + '^', "% Invalid input detected at '^' marker."]);
  // a modifier after a command that is not a show is a syntax error, and changes nothing
  const before = await s.execute('show run');
  const bad = await s.execute('ip local pool p2 10.0.0.1-10.0.0.2 | include y');
  assert.match(bad.at(-1) ?? '', /Invalid input detected|ERROR/);
  assert.deepEqual(await s.execute('show run'), before);
});
