/**
 * The worker fleet (src/server/workers/fleet.ts) with two real worker
 * processes (bin/pix-pptpd-worker), without a data plane (no `vpdn
 * enable`, so no root): a commit reaches both; a shell login against an
 * aaa-server group (our TACACS+ test server on loopback) is answered by a
 * worker, and with `debug tacacs` on in the primary the worker's debug
 * lines arrive on the primary's bus; a worker killed with SIGKILL is
 * announced, forked again, given the running config, and the fleet
 * answers again; close() ends both processes. A worker that dies at once
 * again and again is forked again after ever longer waits.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DebugBus, type LogLine } from '../../src/debug/bus.js';
import { loadConfigText } from '../../src/config/load.js';
import { emptyVpnConfig } from '../../src/config/model.js';
import { WorkerFleet } from '../../src/server/workers/fleet.js';
import { startTacacsServer, type TacacsTestServer } from '../harness/tacacs-server.js';

const KEY = 'Fl33t-Key';
const here = dirname(fileURLToPath(import.meta.url));
// dist/test/e2e -> dist/bin
const WORKER = join(here, '..', '..', 'bin', 'pix-pptpd-worker.js');
const fromDist = import.meta.url.endsWith('.js');

async function until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alive = (pid: number | undefined) => {
  try {
    return pid !== undefined && process.kill(pid, 0);
  } catch {
    return false;
  }
};

describe('worker fleet: two worker processes driven by the primary', { skip: fromDist ? false : 'runs from dist/ (the worker entry is compiled)' }, () => {
  let srv: TacacsTestServer;
  let fleet: WorkerFleet;
  const bus = new DebugBus();
  const lines: LogLine[] = [];
  const notices: string[] = [];
  before(async () => {
    srv = await startTacacsServer({ key: KEY, users: { admin: { login: { cleartext: 'Adm1n-Pw' }, pap: { cleartext: 'Adm1n-Pw' }, ppp: [] } } });
    bus.subscribe((l) => lines.push(l));
    fleet = new WorkerFleet({ bus, count: 2, exec: WORKER, restartDelayMs: 100 });
    fleet.onNotice = (l) => notices.push(l);
    const cfg = loadConfigText(
      [
        'nameif ethernet1 inside security100',
        'ip address inside 127.0.0.1 255.0.0.0',
        'aaa-server TACACS+ protocol tacacs+',
        `aaa-server TACACS+ (inside) host 127.0.0.1 ${KEY} timeout 5 authentication-port ${srv.port}`,
      ].join('\n'),
    );
    assert.deepEqual(cfg.errors, []);
    await fleet.reconfigure({ before: emptyVpnConfig(), after: cfg.config.vpn });
  });
  after(async () => {
    await fleet?.close();
    await srv?.close();
  });

  it('runs two worker processes', () => {
    const pids = fleet.pids();
    assert.equal(pids.length, 2);
    assert.ok(pids.every(alive) && pids[0] !== pids[1]);
  });

  it('answers a shell login against the aaa-server group through a worker, its debug lines on the primary bus', async () => {
    bus.enable('tacacs');
    await new Promise((r) => setTimeout(r, 100)); // the switch travels to the workers
    const at = lines.length;
    const first = await fleet.authenticateConsole('TACACS+', 'admin', 'Adm1n-Pw');
    assert.equal(first, 'accept', `${srv.log.join('\n')}\n${lines.map((l) => l.text).join('\n')}`);
    assert.equal(await fleet.authenticateConsole('TACACS+', 'admin', 'wrong'), 'reject');
    assert.equal(await fleet.authenticateConsole('NOSUCH', 'admin', 'Adm1n-Pw'), 'unreachable');
    await until(() => lines.slice(at).some((l) => l.kind === 'debug' && l.category === 'tacacs'), 'a tacacs debug line from a worker');
    bus.disable('tacacs');
  });

  it('a worker killed with SIGKILL is announced, forked again with the running config, and the fleet answers again', async () => {
    const [, old] = fleet.pids();
    process.kill(old!, 'SIGKILL');
    await until(() => notices.some((n) => /worker 1 \(pid \d+\) died \(signal SIGKILL\): its 0 call\(s\) dropped/.test(n)), 'the death notice');
    await until(() => notices.some((n) => /worker 1 \(pid \d+\) restarted and serving/.test(n)), 'the restart notice');
    const now = fleet.pids()[1];
    assert.ok(now !== old && alive(now), 'a new worker 1');
    assert.ok(lines.some((l) => l.kind === 'syslog' && l.id === 199901 && /died/.test(l.text)), 'and a syslog line');
    await fleet.refresh();
    assert.deepEqual(fleet.status().tunnels, []);
    assert.equal(await fleet.authenticateConsole('TACACS+', 'admin', 'Adm1n-Pw'), 'accept');
  });

  it('close() ends every worker', async () => {
    const pids = fleet.pids();
    await fleet.close();
    await until(() => !pids.some(alive), 'the workers gone', 10_000);
  });
});

describe('worker fleet: a worker in a crash loop', { skip: fromDist ? false : 'runs from dist/' }, () => {
  it('is forked again after doubling waits, and a commit says no worker runs', async () => {
    const notices: { at: number; line: string }[] = [];
    const fleet = new WorkerFleet({ bus: new DebugBus(), count: 1, exec: join(here, '..', 'harness', 'crash-worker.js'), restartDelayMs: 100 });
    fleet.onNotice = (line) => notices.push({ at: Date.now(), line });
    try {
      await assert.rejects(fleet.reconfigure({ before: emptyVpnConfig(), after: emptyVpnConfig() }), /no data-plane worker is running/);
      await until(() => notices.length >= 4, 'four deaths', 20_000);
      assert.ok(notices.every((n) => /worker 0 \(pid \d+\) died \(exit code 1\)/.test(n.line)), notices.map((n) => n.line).join('\n'));
      const gaps = notices.slice(1).map((n, i) => n.at - notices[i].at);
      // waits of 200, 400, 800 ms (plus the fork's own time)
      assert.ok(gaps[0] >= 200 && gaps[1] >= 400 && gaps[2] >= 800, `gaps ${gaps.join(', ')} ms`);
    } finally {
      await fleet.close();
    }
  });
});
