/**
 * `metrics http IF PORT [per-user]` through the App, scraped over HTTP on
 * 127.0.0.1: off until configured, bound to the interface's address only,
 * the Prometheus text format with the server's figures (sessions by state
 * and auth, pools, drops), the shell-command counter moving with
 * commands, per-user series only when asked, 404 elsewhere, and `no
 * metrics http` closing the port. The config line is checked and written
 * back like every other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../../harness/free-port.js';
import { DebugBus } from '../../../src/debug/bus.js';
import { createApp, type App } from '../../../src/cli/app.js';
import type { ShellSession } from '../../../src/cli/session.js';
import { FakeServer } from './fake-server.js';
import { twoUserStatus } from './fixtures.js';

const BASE = [
  'nameif ethernet0 outside security0',
  'nameif ethernet1 inside security100',
  'ip address inside 127.0.0.1 255.255.255.255',
  'ip address outside 127.0.0.2 255.255.255.255',
];

async function scrape(port: number, path = '/metrics', host = '127.0.0.1'): Promise<{ status: number; type: string | null; text: string }> {
  const r = await fetch(`http://${host}:${port}${path}`);
  return { status: r.status, type: r.headers.get('content-type'), text: await r.text() };
}

/** The value of one series (`name{labels}`), or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function box(): Promise<{ app: App; shell: ShellSession; run: (l: string) => Promise<string[]> }> {
  const bus = new DebugBus();
  const app = createApp({ bus, server: new FakeServer(twoUserStatus(), bus), metrics: true });
  const r = await app.loadText(BASE.join('\n'), app.emptyConfig());
  assert.deepEqual(r.messages.filter((m) => m.startsWith('ERROR')), []);
  const shell = app.createSession({ interactive: false, privilege: 15 });
  await shell.execute('configure terminal');
  return { app, shell, run: (l) => shell.execute(l) };
}

test('metrics http: off until configured, then the server figures on the interface address only; no metrics http closes it', async () => {
  const b = await box();
  const port = await freePort();
  try {
    assert.equal(b.app.metricsAddress(), undefined, 'nothing listens before the line');
    assert.deepEqual(await b.run(`metrics http inside ${port}`), []);
    assert.deepEqual(b.app.metricsAddress(), { address: '127.0.0.1', port });
    await assert.rejects(scrape(port, '/metrics', '127.0.0.2'), 'not on the other interface');

    const r = await scrape(port);
    assert.equal(r.status, 200);
    assert.match(r.type ?? '', /^text\/plain; version=0\.0\.4/);
    assert.equal(value(r.text, 'pix_pptpd_tunnels'), 2);
    assert.equal(value(r.text, 'pix_pptpd_sessions{state="estabd",auth="MSCHAP"}'), 2, r.text);
    assert.equal(value(r.text, 'pix_pptpd_pool_addresses{pool="pptp-pool",state="in_use"}'), 1, r.text);
    assert.match(r.text, /^# TYPE pix_pptpd_aaa_authentication_seconds histogram$/m);
    assert.equal(value(r.text, 'pix_pptpd_user_sessions{user="alice"}'), undefined, 'no per-user series unless asked');

    assert.equal((await scrape(port, '/')).status, 404);
    const together = await Promise.all([scrape(port), scrape(port), scrape(port)]);
    assert.deepEqual(together.map((x) => value(x.text, 'pix_pptpd_tunnels')), [2, 2, 2], 'scrapes at once each get a whole exposition');
    assert.ok((await b.run('show running-config')).includes(`metrics http inside ${port}`));

    await b.run(`metrics http inside ${port} per-user`);
    const u = await scrape(port);
    assert.equal(value(u.text, 'pix_pptpd_user_sessions{user="alice"}'), 1, u.text);
    assert.equal(value(u.text, 'pix_pptpd_user_bytes{user="cisco",direction="in"}'), 3469);

    assert.deepEqual(await b.run('no metrics http'), []);
    assert.equal(b.app.metricsAddress(), undefined);
    await assert.rejects(scrape(port));
  } finally {
    await b.app.close();
  }
});

test('metrics http: shell commands counted by kind; a bad line changes nothing; an interface without an address warns', async () => {
  const b = await box();
  const port = await freePort();
  try {
    await b.run(`metrics http inside ${port}`);
    const before = await scrape(port);
    await b.run('hostname counted');
    await b.run('show version');
    await b.run('show clock');
    const after = await scrape(port);
    const d = (k: string) => (value(after.text, `pix_pptpd_shell_commands_total{kind="${k}"}`) ?? 0) - (value(before.text, `pix_pptpd_shell_commands_total{kind="${k}"}`) ?? 0);
    assert.equal(d('config'), 1, after.text);
    assert.equal(d('show'), 2);

    const bad = await b.run('metrics http nowhere 9100');
    assert.deepEqual(bad, ['ERROR: interface nowhere not found (configure it with nameif first)']);
    assert.deepEqual(b.app.metricsAddress(), { address: '127.0.0.1', port }, 'the bad line left it as it was');
    assert.match((await b.run('metrics http outside 0')).join('\n'), /% Invalid input detected at '\^' marker\./);

    await b.run('nameif ethernet2 dmz security50');
    const warn = await b.run(`metrics http dmz ${port}`);
    assert.match(warn.join('\n'), /Warning: metrics http: interface dmz has no address; not listening/);
    assert.equal(b.app.metricsAddress(), undefined);
  } finally {
    await b.app.close();
  }
});
