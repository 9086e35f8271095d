/**
 * Faults in process: the RADIUS server dies, then answers garbage, then
 * comes back; the server is shut down (what SIGTERM does) with sessions
 * up. Established sessions keep running through AAA faults; new
 * authentications fail cleanly as 'unreachable' (603103 failed, 109002 and
 * 109003 naming the server that never answered, the aaa-no-answer counter;
 * the client sees an authentication failure), every garbage reply is counted; a
 * shutdown ends every call with CDN and StopCCRQ and sends accounting Stop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialError } from '../../src/client/failure.js';
import type { PptpClient } from '../../src/client/dial.js';
import { integerAttribute } from '../../src/proto/radius/codec.js';
import { FakeRadiusServer } from '../unit/aaa/radius/fake-server.js';
import { RADIUS_HOST, RADIUS_KEY, radiusConfig, startAaaRig } from '../unit/robust/aaa-rig.js';
import { TUNNEL_IP, until } from './inprocess-harness.js';

test('RADIUS dies, then answers garbage, then returns: sessions keep running, new logins fail cleanly as unreachable', async () => {
  const rig = await startAaaRig(radiusConfig({ accounting: true }));
  let auth = await FakeRadiusServer.start(rig.udp, RADIUS_HOST, 1645, RADIUS_KEY);
  auth.respond = () => ({ code: 2 });
  const acct = await FakeRadiusServer.start(rig.udp, RADIUS_HOST, 1646, RADIUS_KEY);
  acct.respond = () => ({ code: 5 });
  try {
    const a = (await rig.dialTicking({ localAddress: '127.0.0.2' })) as PptpClient;
    assert.ok(!(a instanceof Error), `first login through RADIUS: ${String(a)}`);
    assert.equal((await a.ping(TUNNEL_IP, { count: 3 })).received, 3);

    // 1. The RADIUS server dies.
    auth.close();
    const dead = await rig.dialTicking({ localAddress: '127.0.0.3' });
    assert.ok(dead instanceof DialError && dead.reason === 'auth-failed', `login while RADIUS is dead: ${String(dead)}`);
    assert.ok(rig.texts().some((t) => /user 'cisco' status = ERROR \(unreachable\)|unreachable/.test(t)), 'the failure is reported as unreachable');
    assert.ok(rig.texts().includes('603103: PPP virtual interface 2 - user: cisco aaa authentication failed'));
    // what the operator is told: the server that never answered, the call refused, a counter
    const refusal = rig.texts().filter((t) => /^10900[23]: /.test(t));
    const from = String.raw`Auth from 127\.0\.0\.3/\d+ to 127\.0\.0\.1/\d+ failed`;
    assert.equal(refusal.length, 2, JSON.stringify(refusal));
    assert.match(refusal[0]!, new RegExp(String.raw`^109002: ${from} \(server 172\.18\.124\.99 failed\) on interface outside$`));
    assert.match(refusal[1]!, new RegExp(String.raw`^109003: ${from} \(all servers failed\) on interface outside$`));
    assert.equal(rig.server.status().errors['aaa-no-answer'], 1);
    assert.equal((await a.ping(TUNNEL_IP, { count: 3 })).received, 3, 'the established session keeps running');
    const timeouts = rig.server.aaaStatus().find((g) => g.tag === 'AuthInbound')!.servers[0]!.timeouts;
    assert.ok(timeouts >= 1, 'timeouts counted');

    // 2. Something answers garbage on the RADIUS port (a wrong key, random bytes).
    auth = await FakeRadiusServer.start(rig.udp, RADIUS_HOST, 1645, RADIUS_KEY);
    let n = 0;
    auth.respond = () => (n++ % 2 === 0 ? { code: 2, secret: 'not-the-key' } : { code: 2, mutate: (p) => Buffer.concat([p.subarray(0, 3), Buffer.from([0xff])]) });
    const garbage = await rig.dialTicking({ localAddress: '127.0.0.4' });
    assert.ok(garbage instanceof DialError && garbage.reason === 'auth-failed', `login with a garbage RADIUS: ${String(garbage)}`);
    const st = rig.server.aaaStatus().find((g) => g.tag === 'AuthInbound')!.servers[0]!;
    assert.ok(st.malformed + st.badAuthenticators >= 2, `garbage counted: ${JSON.stringify(st)}`);
    assert.equal(st.accepts, 1, 'only the first login was ever accepted');
    assert.equal((await a.ping(TUNNEL_IP, { count: 3 })).received, 3, 'the established session still runs');

    // 3. RADIUS is back: logins work again.
    auth.respond = () => ({ code: 2 });
    const b = await rig.dialTicking({ localAddress: '127.0.0.5' });
    assert.ok(!(b instanceof Error), `login after RADIUS came back: ${String(b)}`);
    assert.equal((await (b as PptpClient).ping(TUNNEL_IP, { count: 1 })).received, 1);
    await (b as PptpClient).hangup();
    await a.hangup();
    await until(() => rig.server.status().tunnels.length === 0, 'tunnels gone');
    assert.equal(rig.server.status().pools[0]!.inUse, 0);
  } finally {
    auth.close();
    acct.close();
    await rig.close();
  }
  assert.equal(rig.clock.pending(), 0, 'no timer left after close');
});

test('shutdown with sessions up (SIGTERM path): every client sees CDN and StopCCRQ, accounting Stop goes out', async () => {
  const rig = await startAaaRig(radiusConfig({ accounting: true }));
  const auth = await FakeRadiusServer.start(rig.udp, RADIUS_HOST, 1645, RADIUS_KEY);
  auth.respond = () => ({ code: 2 });
  const acct = await FakeRadiusServer.start(rig.udp, RADIUS_HOST, 1646, RADIUS_KEY);
  acct.respond = () => ({ code: 5 });
  const clients: PptpClient[] = [];
  try {
    for (const addr of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) {
      const c = await rig.dialTicking({ localAddress: addr });
      assert.ok(!(c instanceof Error), String(c));
      clients.push(c as PptpClient);
    }
    await rig.udp.flush();
    const starts = acct.received.filter((r) => integerAttribute(r.packet, 40) === 1).length;
    assert.equal(starts, 3, 'three accounting Starts');
    await rig.server.close();
    const reasons = await Promise.all(clients.map((c) => c.closed));
    for (const [i, c] of clients.entries()) {
      const s = c.status();
      assert.equal(s.callEnd?.cdnResult, 3, `client ${i} got the server's CDN (Admin Shutdown): ${JSON.stringify(s.callEnd)}`);
      assert.match(reasons[i]!, /call cleared by the server|tunnel closed/, `client ${i} ended on the server's word: ${reasons[i]}`);
    }
    assert.equal(rig.texts().filter((t) => /CC O StopCCRQ/.test(t)).length, 3, 'a StopCCRQ per tunnel');
    assert.equal(rig.texts().filter((t) => /^603105: PPTP Tunnel deleted/.test(t)).length, 3);
    await rig.udp.flush();
    const stops = acct.received.filter((r) => integerAttribute(r.packet, 40) === 2);
    assert.equal(stops.length, 3, 'an accounting Stop per session');
    // Acct-Terminate-Cause: the NAS ended it (Admin-Reset 6, Admin-Reboot 7 or NAS-Reboot 11), not the user.
    for (const s of stops) assert.ok([6, 7, 11].includes(integerAttribute(s.packet, 49)!), `terminate cause ${integerAttribute(s.packet, 49)}`);
  } finally {
    auth.close();
    acct.close();
    await rig.close();
  }
});
