import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { Listeners, wantedListeners } from '../../../src/server/listeners.js';
import { emptyVpnConfig } from '../../../src/config/model.js';

function cfg(enable: string[], ifaces: { name: string; address?: string }[]) {
  const c = emptyVpnConfig();
  c.vpdnGroups.push({ name: '1', acceptDialinPptp: true, authentication: [], dns: [], wins: [] });
  c.vpdnEnable = enable;
  c.interfaces = ifaces;
  return c;
}

test('vpdn enable IF listens on the interface address, or the --listen override', () => {
  const c = cfg(['outside'], [{ name: 'outside', address: '172.18.124.152' }]);
  assert.deepEqual(wantedListeners(c, { port: 1723 }), {
    ok: true,
    specs: [{ interfaceName: 'outside', address: '172.18.124.152', port: 1723 }],
  });
  assert.deepEqual(wantedListeners(c, { port: 1723, override: { address: '127.0.0.1', port: 0 } }), {
    ok: true,
    specs: [{ interfaceName: 'outside', address: '127.0.0.1', port: 0 }],
  });
  const noAddr = wantedListeners(cfg(['outside'], [{ name: 'outside' }]), { port: 1723 });
  assert.equal(noAddr.ok, false);
  const noGroup = cfg(['outside'], [{ name: 'outside', address: '127.0.0.1' }]);
  noGroup.vpdnGroups = [];
  assert.deepEqual(wantedListeners(noGroup, { port: 1723 }), { ok: true, specs: [] });
});

test('reconcile opens and closes listeners; a bind failure changes nothing', async () => {
  const seen: string[] = [];
  const l = new Listeners((sock, spec) => {
    seen.push(spec.interfaceName);
    sock.destroy();
  });
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen({ host: '127.0.0.1', port: 0 }, r));
  const busyPort = (blocker.address() as net.AddressInfo).port;
  try {
    const free = { interfaceName: 'outside', address: '127.0.0.1', port: 0 };
    await l.reconcile([free]);
    const [bound] = l.list();
    assert.ok(bound.port > 0, 'list() reports the port actually bound');
    await new Promise<void>((resolve) => net.connect(bound.port, '127.0.0.1').on('close', () => resolve()).on('error', () => resolve()));
    assert.deepEqual(seen, ['outside']);
    await assert.rejects(
      l.reconcile([free, { interfaceName: 'inside', address: '127.0.0.1', port: busyPort }]),
      /cannot listen on inside/,
    );
    assert.deepEqual(l.list(), [bound], 'the failed attempt left the old set');
    await l.reconcile([]);
    assert.equal(l.list().length, 0);
  } finally {
    l.closeAll();
    blocker.close();
  }
});
