import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLine } from '../../../grammar/index.js';
import { applyLine, defaultRunningConfig, loadConfigText, validate, writeConfig } from '../../../src/config/index.js';
import type { RunningConfig } from '../../../src/config/running.js';
import { run } from './helpers.js';

function reject(rc: RunningConfig, line: string): string[] {
  const p = parseLine(line, 'config');
  if (p.kind !== 'ok' || p.command.kind !== 'config') throw new Error(`parse ${line}`);
  const r = applyLine(rc, p.command.line, p.command.negate);
  assert.equal(r.ok, false, `${line} should be rejected`);
  return r.ok ? [] : r.lines;
}
const body = (rc: RunningConfig) => writeConfig(rc, { secrets: 'clear' });

test('vpdn limit: model, no forms, show run just before vpdn enable, reload', () => {
  let { rc } = run(defaultRunningConfig(), 'vpdn group 1 accept dialin pptp', 'vpdn enable outside',
    'vpdn limit setup-timeout 30', 'vpdn limit sessions 200', 'vpdn limit per-source 4', 'vpdn limit auth-failures 5 backoff 300');
  assert.deepEqual(rc.vpn.limits, { setupTimeoutSeconds: 30, maxSessions: 200, maxPerSource: 4, authFailures: { count: 5, backoffSeconds: 300 } });
  const out = body(rc);
  const at = out.indexOf('vpdn enable outside');
  assert.deepEqual(out.slice(at - 4, at + 1), [
    'vpdn limit sessions 200', 'vpdn limit per-source 4', 'vpdn limit auth-failures 5 backoff 300', 'vpdn limit setup-timeout 30', 'vpdn enable outside',
  ]);
  const again = loadConfigText(out.join('\n'));
  assert.deepEqual(again.errors, []);
  assert.deepEqual(again.config.vpn.limits, rc.vpn.limits);
  ({ rc } = run(rc, 'vpdn limit sessions 50'));
  assert.equal(rc.vpn.limits?.maxSessions, 50);
  ({ rc } = run(rc, 'no vpdn limit sessions', 'no vpdn limit per-source', 'no vpdn limit auth-failures'));
  assert.deepEqual(rc.vpn.limits, { setupTimeoutSeconds: 30 });
  ({ rc } = run(rc, 'no vpdn limit setup-timeout 30'));
  assert.equal(rc.vpn.limits, undefined, 'no limits left: the field is gone');
  assert.ok(!body(rc).some((l) => l.startsWith('vpdn limit')));
});

test('vpdn limit validation: per-source above sessions never applies', () => {
  const { rc } = run(defaultRunningConfig(), 'vpdn limit sessions 2', 'vpdn limit per-source 5');
  assert.ok(validate(rc).warnings.includes('Warning: vpdn limit per-source 5 is above vpdn limit sessions 2; it never applies'));
});

test('aaa-server dynamic-authorization: default port 3799, RADIUS only, no form, written with the group options', () => {
  let { rc } = run(defaultRunningConfig(), 'aaa-server R protocol radius', 'aaa-server R (inside) host 10.1.1.9 k1', 'aaa-server R dynamic-authorization');
  const g = () => rc.vpn.aaaServerGroups.find((x) => x.tag === 'R')!;
  assert.deepEqual(g().dynamicAuthorization, { port: 3799 });
  let out = body(rc);
  assert.ok(out.indexOf('aaa-server R dynamic-authorization') === out.indexOf('aaa-server R (inside) host 10.1.1.9 k1') - 1);
  ({ rc } = run(rc, 'aaa-server R dynamic-authorization port 1700'));
  assert.deepEqual(g().dynamicAuthorization, { port: 1700 });
  out = body(rc);
  assert.ok(out.includes('aaa-server R dynamic-authorization port 1700'));
  assert.deepEqual(loadConfigText(out.join('\n')).config.vpn.aaaServerGroups.find((x) => x.tag === 'R')?.dynamicAuthorization, { port: 1700 });
  ({ rc } = run(rc, 'no aaa-server R dynamic-authorization'));
  assert.equal(g().dynamicAuthorization, undefined);
  assert.match(reject(rc, 'aaa-server TACACS+ dynamic-authorization')[0], /not a RADIUS group/);
  assert.match(reject(rc, 'aaa-server NOPE dynamic-authorization')[0], /does not exist/);
  ({ rc } = run(defaultRunningConfig(), 'aaa-server R protocol radius', 'aaa-server R dynamic-authorization'));
  assert.ok(validate(rc).warnings.some((w) => w.startsWith('Warning: aaa-server R dynamic-authorization: the group has no hosts')));
});

test('aaa-server accounting interim: model, no form, written, and a warning when no group sends accounting there', () => {
  let { rc } = run(defaultRunningConfig(), 'aaa-server R protocol radius', 'aaa-server R accounting interim 300');
  const g = () => rc.vpn.aaaServerGroups.find((x) => x.tag === 'R')!;
  assert.equal(g().interimSeconds, 300);
  assert.ok(body(rc).includes('aaa-server R accounting interim 300'));
  assert.ok(validate(rc).warnings.includes('Warning: aaa-server R accounting interim: no vpdn group sends accounting to R'));
  ({ rc } = run(rc, 'vpdn group 1 client accounting R'));
  assert.ok(!validate(rc).warnings.some((w) => w.includes('accounting interim')));
  ({ rc } = run(rc, 'no aaa-server R accounting interim'));
  assert.equal(g().interimSeconds, undefined);
  assert.match(reject(rc, 'aaa-server TACACS+ accounting interim 300')[0], /not a RADIUS group/);
});

test('aaa-server G host IP authentication-port N amends the host and keeps its key, timeout and interface', () => {
  const { rc } = run(
    defaultRunningConfig(),
    'aaa-server R protocol radius',
    'aaa-server R (outside) host 10.1.1.9 s3cret timeout 7',
    'aaa-server R host 10.1.1.9 authentication-port 1812',
  );
  const g = rc.vpn.aaaServerGroups.find((x) => x.tag === 'R')!;
  assert.deepEqual(g.hosts, [
    { address: '10.1.1.9', interfaceName: 'outside', key: 's3cret', timeout: 7, authenticationPort: 1812 },
  ]);
});
