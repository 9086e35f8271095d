import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { main, parseArgs, parseMppe } from '../../../bin/pix-pptpd-loadgen.js';
import { startRig, vpnConfig, SERVER_IP } from '../../e2e/inprocess-harness.js';

function capture() {
  const s = new PassThrough();
  const chunks: string[] = [];
  s.on('data', (c) => chunks.push(String(c)));
  return { s, text: () => chunks.join('') };
}

test('parseArgs: defaults, every option, and bounded values', () => {
  const r = parseArgs(['--server', '127.0.0.1', '--user', 'u', '--password', 'p']);
  assert.ok(r.ok === true);
  assert.deepEqual(
    { ...r.args },
    { server: '127.0.0.1', port: 1723, sessions: 10, rate: 10, hold: 5, pps: 0, size: 56, user: 'u', password: 'p', auth: undefined, mppe: undefined, profile: 'windows10', local: undefined, maxSeconds: 60, timeoutMs: 15000, json: false },
  );
  const all = parseArgs('--server 10.99.0.2 --port 1724 --sessions 50 --rate 20 --hold 3 --pps 10 --size 200 --user cisco --password c --auth mschap,mschap-v2 --mppe 128,required --profile linux --local 10.99.0.1 --max-seconds 30 --timeout 500 --json'.split(' '));
  assert.ok(all.ok === true);
  assert.deepEqual(
    [all.args.port, all.args.sessions, all.args.rate, all.args.hold, all.args.pps, all.args.size, all.args.auth, all.args.mppe, all.args.profile, all.args.local, all.args.maxSeconds, all.args.timeoutMs, all.args.json],
    [1724, 50, 20, 3, 10, 200, ['mschap', 'mschap-v2'], { strength: 128, required: true, stateful: false }, 'linux', '10.99.0.1', 30, 500, true],
  );
  for (const bad of [
    ['--user', 'u', '--password', 'p'],
    ['--server', 'x', '--user', 'u'],
    ['--server', 'x', '--user', 'u', '--password', 'p', '--sessions', '0'],
    ['--server', 'x', '--user', 'u', '--password', 'p', '--sessions', '1e9'],
    ['--server', 'x', '--user', 'u', '--password', 'p', '--pps', '-1'],
    ['--server', 'x', '--user', 'u', '--password', 'p', '--size', '9000'],
    ['--server', 'x', '--user', 'u', '--password', 'p', '--auth', 'spap'],
    ['--server', 'x', '--user', 'u', '--password', 'p', '--profile', 'macos'],
    ['--server', 'x', '--user', 'u', '--password', 'p', '--local', 'a,b'],
    ['--server', 'x', '--user', 'u', '--password', 'p', '--bogus', '1'],
    ['--server'],
  ]) {
    const v = parseArgs(bad);
    assert.equal(v.ok, false, bad.join(' '));
  }
  assert.deepEqual(parseArgs(['--help']), { ok: 'help' });
  assert.equal(parseMppe('none'), null);
  assert.deepEqual(parseMppe('auto,stateful'), { strength: 'auto', required: false, stateful: true });
  assert.equal(typeof parseMppe('64'), 'string');
  assert.equal(typeof parseMppe('40,fast'), 'string');
});

test('main refuses a target that is not local before opening anything (exit 3)', async () => {
  const out = capture();
  const err = capture();
  let opened = false;
  const code = await main(['--server', '203.0.113.7', '--user', 'u', '--password', 'p'], {
    stdout: out.s,
    stderr: err.s,
    openGre: () => {
      opened = true;
      throw new Error('must not be called');
    },
  });
  assert.equal(code, 3);
  assert.equal(opened, false);
  assert.match(err.text(), /refusing target/);
  assert.equal(await main(['--sessions', 'x'], { stdout: out.s, stderr: err.s }), 2);
});

test('main against the in-process server: progress lines and a summary, exit 0', async () => {
  const rig = await startRig(vpnConfig({ auth: ['mschap-v2'], mppe: { strength: 128, required: true, stateful: false }, users: { cisco: 'Secr3tPw' }, pools: { 'pptp-pool': ['192.168.1.1', '192.168.1.20'] } }), { realClock: true });
  try {
    const out = capture();
    const err = capture();
    const code = await main(
      ['--server', SERVER_IP, '--port', String(rig.port()), '--sessions', '8', '--rate', '100', '--hold', '1.2', '--pps', '5', '--user', 'cisco', '--password', 'Secr3tPw', '--local', '127.0.0.2', '--max-seconds', '10'],
      { stdout: out.s, stderr: err.s, openGre: () => rig.endpoint('127.0.0.2') },
    );
    assert.equal(err.text(), '');
    assert.equal(code, 0, out.text());
    const text = out.text();
    assert.match(text, /^target 127\.0\.0\.1:\d+ \(loopback\), 8 sessions at 100\/s, hold 1\.2 s, profile windows10$/m);
    assert.match(text, /^t=[\d.]+s attempted 8 up 8 live \d+ failed 0 echo \d+\/\d+$/m);
    assert.match(text, /^sessions: 8 attempted, 8 up, 0 failed$/m);
    assert.match(text, /^setup: [\d.]+\/s, p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms, peak 8 up at once$/m);
    assert.match(text, /^traffic: \d+ echo requests sent, \d+ replies received$/m);
    assert.ok(!text.includes('Secr3tPw'));
  } finally {
    await rig.close();
  }
});

test('main with the raw GRE socket refuses a target on this host (GRE directions would mix)', async () => {
  const out = capture();
  const err = capture();
  const code = await main(['--server', '127.0.0.1', '--user', 'u', '--password', 'p'], { stdout: out.s, stderr: err.s });
  assert.equal(code, 2);
  assert.match(err.text(), /different network namespaces/);
  assert.equal(out.text(), '');
});
