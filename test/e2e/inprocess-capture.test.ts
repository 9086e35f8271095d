/**
 * `capture NAME user U` on a real session: our client dials with MS-CHAPv2
 * + MPPE-128 and pings; the capture holds the PPTP control connection,
 * the GRE packets as they crossed the wire (encrypted) and the decrypted
 * inner IP; the pcapng it writes decodes in tshark without a malformed
 * frame. A capture for another user records nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRig, vpnConfig } from './inprocess-harness.js';
import { pcapTempDir, tsharkAvailable, tsharkCheck } from '../../src/lab/rig/tshark.js';

test('capture of a live MPPE session: control, GRE and decrypted ICMP, clean in tshark', async (t) => {
  const rig = await startRig(
    vpnConfig({ auth: ['mschap-v2'], mppe: { strength: 128, required: true, stateful: false }, users: { john: 'secret' } }),
  );
  try {
    await rig.server.startCapture({ name: 'john', user: 'john' });
    await rig.server.startCapture({ name: 'mary', user: 'mary' });
    await rig.server.startCapture({ name: 'all' });
    const client = await rig.dial({ localAddress: '127.0.0.2', username: 'john', password: 'secret', profile: 'windows10', authProtocols: ['mschap-v2'] });
    const ping = await client.ping(client.serverAddress, { count: 3, timeoutMs: 2000 });
    assert.equal(ping.received, 3);
    await client.hangup();

    const byName = Object.fromEntries((await rig.server.captures()).map((c) => [c.name, c]));
    assert.equal(byName.mary.packets, 0, 'a capture for another user records nothing');
    assert.ok(byName.all.packets > byName.john.packets, 'the unfiltered capture also holds what came before authentication');
    assert.ok(byName.john.packets >= 12, `john: ${byName.john.packets} packets`);

    const pcap = (await rig.server.capturePcap('all'))!;
    assert.equal(pcap.readUInt32LE(0), 0x0a0d0d0a, 'pcapng section header');
    const cap = tsharkAvailable();
    if (!cap.ok) return t.skip(cap.reason);
    const path = join(pcapTempDir(), 'all.pcapng');
    writeFileSync(path, pcap);
    // The in-process server listens on a free port, not 1723: tell tshark.
    const report = await tsharkCheck(path, { decodeAs: [`tcp.port==${rig.port()},pptp`] });
    assert.deepEqual(report.malformed, []);
    for (const p of ['pptp', 'gre', 'ppp', 'lcp', 'chap', 'ccp', 'ipcp', 'icmp']) assert.ok(report.protocols.has(p), `${p} in ${[...report.protocols]}`);
  } finally {
    await rig.close();
  }
});
