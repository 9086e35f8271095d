/**
 * `show version` says where the data plane runs: N worker processes, this
 * process, or (without a server) nothing; with the core count beside it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { DebugBus } from '../../../src/debug/bus.js';
import { createApp } from '../../../src/cli/app.js';
import { FakeServer } from './fake-server.js';

class FakeFleet extends FakeServer {
  dataPlaneWorkers(): number {
    return 3;
  }
}

async function showVersion(server: FakeServer | undefined): Promise<string[]> {
  const bus = new DebugBus();
  const app = createApp({ bus, server, version: '9.9.9' });
  try {
    const s = app.createSession();
    return await s.execute('show version');
  } finally {
    await app.close();
  }
}

const cores = availableParallelism();
const coreText = `${cores} CPU core${cores === 1 ? '' : 's'}`;

test('show version: "Data plane: 3 worker processes" with workers, "this process" without, no line without a server', async () => {
  const fleet = await showVersion(new FakeFleet());
  assert.ok(fleet.includes(`Data plane: 3 worker processes (${coreText})`), fleet.join('\n'));
  const single = await showVersion(new FakeServer());
  assert.ok(single.includes(`Data plane: this process (${coreText})`), single.join('\n'));
  const none = await showVersion(undefined);
  assert.ok(!none.some((l) => l.startsWith('Data plane')), none.join('\n'));
  // the line sits with the platform lines, before the uptime
  const at = fleet.findIndex((l) => l.startsWith('Data plane'));
  assert.match(fleet[at - 1], /^Running on Node /);
  assert.match(fleet[at + 1], / up /);
});
