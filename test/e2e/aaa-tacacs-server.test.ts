/**
 * TACACS+ through the running server, end to end: the test TACACS+ server
 * (test/harness/tacacs-server.ts, answering like tac_plus and proven against
 * Authen::TacacsPlus and tacacs_client.py in tacacs-reference-clients.test.ts)
 * on loopback, the product server (memory GRE/TUN, configured from PIX lines
 * through the grammar) and our PPTP client over loopback TCP.
 *
 * PAP and CHAP authenticate through TACACS+, `service=ppp protocol=ip`
 * authorization's `addr=` overrides the pool, accounting start/stop records
 * reach the server; a group that requires MPPE refuses at run time, since
 * TACACS+ cannot return MPPE keys (seed 003), without asking the server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../src/config/load.js';
import type { AuthProtocol, MppeSetting, VpnConfig } from '../../src/config/model.js';
import { DialError } from '../../src/client/failure.js';
import { AcctFlags } from '../../src/proto/tacacs/codec.js';
import { startTacacsServer, type TacacsTestServer, type TacacsUser } from '../harness/tacacs-server.js';
import { startRig, until, TUNNEL_IP, type Rig } from './inprocess-harness.js';

const KEY = 'T4c-shared-Key';
const USERS: Record<string, TacacsUser> = {
  cisco: { pap: { cleartext: 'Tac-Pw1' }, chap: { cleartext: 'Tac-Pw1' }, ppp: [] },
  fixed: { global: { cleartext: 'Fixed-Pw2' }, ppp: ['addr=192.168.1.77'] },
};
const PW: Record<string, string> = { cisco: 'Tac-Pw1', fixed: 'Fixed-Pw2' };

function pixConfig(srv: TacacsTestServer, auth: AuthProtocol[], mppe?: string): VpnConfig {
  const lines = [
    'nameif ethernet0 outside security0',
    'nameif ethernet1 inside security100',
    'hostname pixfirewall',
    `ip address outside ${TUNNEL_IP} 255.255.255.0`,
    'ip address inside 10.1.1.1 255.255.255.0',
    'ip local pool pptp-pool 192.168.1.1-192.168.1.5',
    'aaa-server TACACS+ protocol tacacs+',
    `aaa-server TACACS+ (inside) host ${srv.host} ${KEY} timeout 5 authentication-port ${srv.port}`,
    'sysopt connection permit-pptp',
    'vpdn group 1 accept dialin pptp',
    ...auth.map((a) => `vpdn group 1 ppp authentication ${a}`),
    ...(mppe ? [`vpdn group 1 ppp encryption mppe ${mppe}`] : []),
    'vpdn group 1 client configuration address local pptp-pool',
    'vpdn group 1 client authentication aaa TACACS+',
    'vpdn group 1 client accounting TACACS+',
    'vpdn enable outside',
  ];
  const r = loadConfigText(lines.join('\n'));
  assert.deepEqual(r.errors, [], 'every config line loads');
  assert.equal(r.config.vpn.vpdnUsers.length, 0, 'no local users');
  return r.config.vpn;
}

function dialAs(rig: Rig, user: string, auth: AuthProtocol, mppe: MppeSetting | null = null) {
  return rig.dial({
    localAddress: '127.0.0.2',
    username: user,
    password: PW[user],
    profile: auth === 'mschap-v2' ? 'windows10' : 'linux',
    authProtocols: [auth],
    mppe,
  });
}

describe('AAA end to end: product server + TACACS+ test server + our client', () => {
  let srv: TacacsTestServer;
  before(async () => {
    srv = await startTacacsServer({ key: KEY, users: USERS });
  });
  after(async () => {
    await srv?.close();
  });

  for (const auth of ['pap', 'chap'] as const) {
    it(`${auth.toUpperCase()} through TACACS+: pool address, ping 3/3, accounting start and stop`, async () => {
      const logAt = srv.log.length;
      const acctAt = srv.accounting.length;
      const rig = await startRig(pixConfig(srv, [auth]));
      try {
        const client = await dialAs(rig, 'cisco', auth);
        assert.equal(client.authProtocol, auth);
        assert.equal(client.clientAddress, '192.168.1.1');
        assert.equal(client.mppe, null);
        const p = await client.ping(TUNNEL_IP, { count: 3 });
        assert.deepEqual([p.sent, p.received], [3, 3]);
        assert.deepEqual(rig.syslogs(603103), ['PPP virtual interface 1 - user: cisco aaa authentication succeed']);
        assert.deepEqual(srv.log.slice(logAt), [
          `cisco authen type ${auth === 'pap' ? 2 : 3}: PASS`,
          'cisco author service=ppp protocol=ip: PASS_ADD',
        ]);
        await client.hangup();
        await until(() => srv.accounting.length >= acctAt + 2, 'accounting start and stop');
        const recs = srv.accounting.slice(acctAt);
        assert.deepEqual(
          recs.map((r) => [r.flags, r.user, r.remAddr]),
          [
            [AcctFlags.Start, 'cisco', '127.0.0.2'],
            [AcctFlags.Stop, 'cisco', '127.0.0.2'],
          ],
        );
        assert.ok(recs[1].args.some((a) => /^elapsed_time=\d+$/.test(a)), recs[1].args.join(' '));
        assert.ok(recs[1].args.includes('addr=192.168.1.1'), recs[1].args.join(' '));
        const g = rig.server.aaaStatus()[0];
        assert.equal(g.protocol, 'tacacs+');
        assert.equal(g.servers[0].status, 'ACTIVE');
        assert.ok(!rig.texts().some((l) => l.includes(PW.cisco) || l.includes(KEY)), 'no password or key in any line');
      } finally {
        await rig.close();
      }
    });
  }

  it('addr= from authorization overrides the pool', async () => {
    const rig = await startRig(pixConfig(srv, ['pap']));
    try {
      const client = await dialAs(rig, 'fixed', 'pap');
      assert.equal(client.clientAddress, '192.168.1.77');
      const p = await client.ping(TUNNEL_IP, { count: 3 });
      assert.deepEqual([p.sent, p.received], [3, 3]);
      assert.equal(rig.server.status().sessions[0].clientAddress, '192.168.1.77');
      assert.equal(rig.server.status().pools[0].inUse, 0, 'no pool address taken');
      assert.match(rig.syslogs(603104)[0], /client_dynamic_ip is 192\.168\.1\.77, username is fixed/);
      await client.hangup();
    } finally {
      await rig.close();
    }
  });

  for (const auth of ['mschap', 'pap'] as const) {
    it(`mppe 40 required with TACACS+ (${auth}): 403106, refused at authentication (691), the server is not asked`, async () => {
      const logAt = srv.log.length;
      const connections = srv.connections();
      const rig = await startRig(pixConfig(srv, [auth], '40 required'));
      try {
        // the PC with "encryption allowed"
        const err = await dialAs(rig, 'cisco', auth, { strength: 40, required: false, stateful: false }).then(
          () => assert.fail('the call must not come up'),
          (e: unknown) => e,
        );
        assert.ok(err instanceof DialError, String(err));
        assert.equal(err.windowsError, 691, err.message);
        await until(() => rig.syslogs(603105).length === 1, 'tunnel deleted');
        const sys = rig.lines.filter((l) => l.kind === 'syslog').map((l) => `${(l as { id: number }).id}: ${l.text}`);
        assert.deepEqual(
          sys.filter((l) => /^(6031|4031)/.test(l)),
          [
            '603102: PPP virtual interface 1 - user: cisco aaa authentication started',
            '403106: PPP virtual interface 1 requires RADIUS aaa server for MPPE',
            '603103: PPP virtual interface 1 - user: cisco aaa authentication failed',
            '603104: PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 127.0.0.2, ppp_virtual_interface_id is 1, ' +
              'client_dynamic_ip is 0.0.0.0, username is Unknown, MPPE_key_strength is None',
            '603105: PPTP Tunnel deleted, tunnel_id = 1, remote_peer_ip = 127.0.0.2',
          ],
        );
        assert.ok(rig.texts().includes('PPTP: Call id 1, no session id protocol: 21, reason: authentication failed (unsupported), tunnel terminated'));
        assert.deepEqual(srv.log.slice(logAt), [], 'the TACACS+ server saw nothing');
        assert.equal(srv.connections(), connections, 'not even a connection');
        assert.equal(rig.server.aaaStatus()[0].servers[0].authRequests, 0);
        assert.equal(rig.server.status().pools[0].inUse, 0);
      } finally {
        await rig.close();
      }
    });
  }

  it('optional MPPE with TACACS+ (PAP): the call comes up without MPPE', async () => {
    const rig = await startRig(pixConfig(srv, ['pap'], '40'));
    try {
      const client = await dialAs(rig, 'cisco', 'pap', { strength: 40, required: false, stateful: false });
      assert.equal(client.mppe, null);
      const p = await client.ping(TUNNEL_IP, { count: 3 });
      assert.deepEqual([p.sent, p.received], [3, 3]);
      assert.deepEqual(rig.syslogs(403106), []);
      assert.match(rig.syslogs(603104)[0], /username is cisco, MPPE_key_strength is None/);
      await client.hangup();
    } finally {
      await rig.close();
    }
  });
});
