/**
 * AAA through the running server, end to end: a real FreeRADIUS 3 (Debian's
 * package, test/harness/radius.ts) on loopback, the product server
 * (PptpServer with memory GRE/TUN, configured from PIX config lines through
 * the grammar) and our PPTP client over loopback TCP.
 *
 * The server has no `vpdn username` for any RADIUS user, so it cannot derive
 * MPPE keys itself: a call that comes up with MPPE and pings through it
 * runs on the keys FreeRADIUS sent (MS-MPPE-Send/Recv-Key, MS-CHAP-MPPE-Keys).
 *
 * The server runs on a FakeClock: Session-Timeout, Interim-Update periods,
 * RADIUS retransmission timeouts and the accounting retry pause happen when
 * the test advances it, so session times in the detail file are exact.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { loadConfigText } from '../../src/config/load.js';
import type { MppeSetting, VpnConfig } from '../../src/config/model.js';
import { DialError } from '../../src/client/failure.js';
import { DebugBus } from '../../src/debug/bus.js';
import { createSocket } from 'node:dgram';
import type { PptpClient } from '../../src/client/dial.js';
import { radclientAvailable, startFreeRadius, type FreeRadius, type RadiusUser } from '../harness/radius.js';
import { settle, startRig, until, TUNNEL_IP, type Rig } from './inprocess-harness.js';

const cap = radclientAvailable();

const USERS: RadiusUser[] = [
  { name: 'john', password: 'Rad1us-Pw' },
  // seed 003's user of the "PIX MPPE RADIUS Problem": accepted, but no MPPE keys
  { name: 'cisco', password: 'nokeys-Pw', noMppe: true },
  { name: 'fixed', password: 'fixed-Pw', reply: { 'Framed-IP-Address': '192.168.1.77' } },
  { name: 'limited', password: 'limited-Pw', reply: { 'Session-Timeout': 2, Class: 'pptp-gold' } },
];
const PW: Record<string, string> = Object.fromEntries(USERS.map((u) => [u.name, u.password!]));

const MPPE128: MppeSetting = { strength: 128, required: true, stateful: false };

interface GroupSpec {
  auth: string[];
  mppe?: string;
  /** FreeRADIUS servers of the group, in order. */
  hosts: FreeRadius[];
  /** per-host timeout, seconds */
  timeout?: number;
  key?: string;
  extra?: string[];
}

/** Seed 003's RADIUS configuration as PIX lines, loaded through the grammar. */
function pixConfig(g: GroupSpec): VpnConfig {
  const lines = [
    'nameif ethernet0 outside security0',
    'nameif ethernet1 inside security100',
    'hostname pixfirewall',
    `ip address outside ${TUNNEL_IP} 255.255.255.0`,
    'ip address inside 10.1.1.1 255.255.255.0',
    'ip local pool pptp-pool 192.168.1.1-192.168.1.5',
    'aaa-server RADIUS protocol radius',
    ...g.hosts.map(
      (r) =>
        `aaa-server RADIUS (inside) host ${r.host} ${g.key ?? r.secret} timeout ${g.timeout ?? 2} ` +
        `authentication-port ${r.authPort} accounting-port ${r.acctPort}`,
    ),
    ...(g.extra ?? []),
    'sysopt connection permit-pptp',
    'vpdn group 1 accept dialin pptp',
    ...g.auth.map((a) => `vpdn group 1 ppp authentication ${a}`),
    ...(g.mppe ? [`vpdn group 1 ppp encryption mppe ${g.mppe}`] : []),
    'vpdn group 1 client configuration address local pptp-pool',
    'vpdn group 1 client authentication aaa RADIUS',
    'vpdn group 1 client accounting RADIUS',
    'vpdn enable outside',
  ];
  const r = loadConfigText(lines.join('\n'));
  assert.deepEqual(r.errors, [], 'every config line loads');
  assert.equal(r.config.vpn.vpdnUsers.length, 0, 'no local users: keys can only come from RADIUS');
  return r.config.vpn;
}

/** One record of FreeRADIUS's detail file: attribute -> value (quotes removed). */
type DetailRecord = Record<string, string>;

function detailRecords(text: string): DetailRecord[] {
  const out: DetailRecord[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const rec: DetailRecord = {};
    for (const line of block.split('\n')) {
      const m = /^\s+([A-Za-z0-9-]+) = (.*)$/.exec(line);
      if (m) rec[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
    }
    if (rec['Acct-Status-Type']) out.push(rec);
  }
  return out;
}

/**
 * Records of one session written after `from` (a count of records: the
 * Acct-Session-Id is unique per server process, and every test starts a
 * new server, so a test looks only at records written since it began).
 */
function recordsOf(r: FreeRadius, sessionId: string, from = 0): DetailRecord[] {
  return detailRecords(r.accounting())
    .slice(from)
    .filter((x) => x['Acct-Session-Id'] === sessionId);
}

function recordCount(r: FreeRadius): number {
  return detailRecords(r.accounting()).length;
}

async function waitRecords(r: FreeRadius, sessionId: string, kinds: string[], what: string, from = 0): Promise<DetailRecord[]> {
  await until(() => recordsOf(r, sessionId, from).map((x) => x['Acct-Status-Type']).join() === kinds.join(), what, 5000);
  return recordsOf(r, sessionId, from);
}

/** The server's one session (acct id from the call object behind status()). */
function onlySession(rig: Rig) {
  const st = rig.server.status();
  assert.equal(st.sessions.length, 1, 'one session up');
  return st.sessions[0];
}

function acctSessionIds(rig: Rig): string[] {
  // The Acct-Session-Id is what Disconnect-Requests name; the debug radius
  // lines print it as the server sent it in the Access-Request.
  return rig
    .texts()
    .map((t) => /Acct-Session-Id\s+\[44\]\s+\d+\s+"([0-9A-F]+)"/.exec(t)?.[1])
    .filter((x): x is string => !!x);
}

async function dialAs(rig: Rig, user: string, o: { bus?: DebugBus; local?: string; auth: 'pap' | 'chap' | 'mschap' | 'mschap-v2'; mppe?: MppeSetting | null }): Promise<PptpClient> {
  return rig.dial({
    localAddress: o.local ?? '127.0.0.2',
    username: user,
    password: PW[user],
    profile: o.auth === 'mschap-v2' ? 'windows10' : 'linux',
    authProtocols: [o.auth],
    mppe: o.mppe === undefined ? null : o.mppe,
    ...(o.bus ? { bus: o.bus } : {}),
  });
}

async function ping3(client: PptpClient): Promise<void> {
  const p = await client.ping(TUNNEL_IP, { count: 3, size: 56 });
  assert.deepEqual([p.sent, p.received], [3, 3], 'ping 3/3');
}


/** The client's own debug lines (what it saw on the wire). */
function clientBus(): { bus: DebugBus; lines: string[] } {
  const bus = new DebugBus();
  for (const c of ['ppp negotiation', 'vpdn event'] as const) bus.enable(c);
  const lines: string[] = [];
  bus.subscribe((l) => lines.push(l.text));
  return { bus, lines };
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Advance the server's FakeClock in steps until `cond` holds (bounded). */
async function advanceUntil(rig: Rig, cond: () => boolean, what: string, stepMs = 500, maxMs = 60_000): Promise<void> {
  for (let t = 0; !cond(); t += stepMs) {
    if (t > maxMs) throw new Error(`timed out (clock) waiting for ${what}`);
    rig.fake!.advance(stepMs);
    await settle(15);
  }
}

function radclient(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn('radclient', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const guard = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('error', (e) => {
      clearTimeout(guard);
      reject(e);
    });
    c.on('close', () => {
      clearTimeout(guard);
      resolve(out);
    });
    c.stdin.end(input);
  });
}

describe('AAA end to end: product server + FreeRADIUS + our client', { skip: cap.ok ? false : cap.reason }, () => {
  let radius: FreeRadius;
  before(async () => {
    radius = await startFreeRadius({ users: USERS });
  });
  after(async () => {
    await radius?.stop();
  });

  it('MS-CHAPv2 + MPPE-128 through RADIUS: keys from FreeRADIUS, ping 3/3', async () => {
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius] }));
    try {
      const client = await dialAs(rig, 'john', { auth: 'mschap-v2', mppe: MPPE128 });
      assert.deepEqual(client.mppe, { bits: 128, stateless: true });
      assert.equal(client.clientAddress, '192.168.1.1');
      await ping3(client);
      const s = onlySession(rig);
      assert.equal(s.authProtocol, 'MSCHAP-V2');
      assert.deepEqual(s.mppe, { bits: 128, stateful: false });
      assert.equal(s.encryptedPackets, 3);
      const t = rig.texts();
      assert.ok(t.includes('Vi1 MPPE: Generate keys using RADIUS data'), 'keys from RADIUS data');
      assert.ok(t.some((l) => /MS-MPPE-Send-Key/.test(l)), 'the Access-Accept carried MS-MPPE-Send-Key');
      assert.ok(!t.some((l) => l.includes(PW.john)), 'no password in any line');
      await client.hangup();
      await until(() => rig.server.status().tunnels.length === 0, 'tunnel gone');
    } finally {
      await rig.close();
    }
  });

  it('MS-CHAPv1 + MPPE-128 through RADIUS: keys from MS-CHAP-MPPE-Keys, ping 3/3', async () => {
    const rig = await startRig(pixConfig({ auth: ['mschap'], mppe: '128 required', hosts: [radius] }));
    try {
      const client = await dialAs(rig, 'john', { auth: 'mschap', mppe: MPPE128 });
      assert.deepEqual(client.mppe, { bits: 128, stateless: true });
      await ping3(client);
      const s = onlySession(rig);
      assert.equal(s.authProtocol, 'MSCHAP');
      assert.deepEqual(s.mppe, { bits: 128, stateful: false });
      const t = rig.texts();
      assert.ok(t.includes('Vi1 MPPE: Generate keys using RADIUS data'));
      assert.ok(t.some((l) => /MS-CHAP-MPPE-Keys/.test(l)), 'the Access-Accept carried MS-CHAP-MPPE-Keys');
      await client.hangup();
    } finally {
      await rig.close();
    }
  });

  for (const auth of ['pap', 'chap'] as const) {
    it(`${auth.toUpperCase()} through RADIUS comes up without MPPE, ping 3/3`, async () => {
      const rig = await startRig(pixConfig({ auth: [auth], hosts: [radius] }));
      try {
        const client = await dialAs(rig, 'john', { auth });
        assert.equal(client.mppe, null);
        assert.equal(client.authProtocol, auth);
        assert.equal(client.clientAddress, '192.168.1.1');
        await ping3(client);
        const s = onlySession(rig);
        assert.equal(s.authProtocol, auth.toUpperCase());
        assert.equal(s.mppe, null);
        assert.deepEqual(rig.syslogs(603103), ['PPP virtual interface 1 - user: john aaa authentication succeed']);
        const t = rig.texts();
        assert.ok(t.some((l) => l.includes(auth === 'pap' ? 'User-Password' : 'CHAP-Password')), 'the Access-Request carried the method attribute');
        assert.ok(!t.some((l) => l.includes(PW.john)), 'no password in any line');
        await client.hangup();
      } finally {
        await rig.close();
      }
    });
  }

  it('nokeys with mppe 40 required: 603103 failed, 403110, 603104 0.0.0.0/Unknown, 603105; the client sees 691', async () => {
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '40 required', hosts: [radius] }));
    try {
      // the PC "for encryption allowed"
      const err = await dialAs(rig, 'cisco', { auth: 'mschap-v2', mppe: { strength: 40, required: false, stateful: false } }).then(
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
          '603103: PPP virtual interface 1 - user: cisco aaa authentication failed',
          '403110: PPP virtual interface 1, user: cisco missing MPPE key from aaa server',
          '603104: PPTP Tunnel created, tunnel_id is 1, remote_peer_ip is 127.0.0.2, ppp_virtual_interface_id is 1, ' +
            'client_dynamic_ip is 0.0.0.0, username is Unknown, MPPE_key_strength is None',
          '603105: PPTP Tunnel deleted, tunnel_id = 1, remote_peer_ip = 127.0.0.2',
        ],
      );
      // FreeRADIUS did accept the password: the refusal is the PIX's.
      assert.equal(rig.server.aaaStatus()[0].servers[0].accepts, 1);
      assert.equal(rig.server.status().pools[0].inUse, 0);
    } finally {
      await rig.close();
    }
  });

  it('fixed: Framed-IP-Address 192.168.1.77 instead of a pool address', async () => {
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius] }));
    try {
      const client = await dialAs(rig, 'fixed', { auth: 'mschap-v2', mppe: MPPE128 });
      assert.equal(client.clientAddress, '192.168.1.77');
      await ping3(client);
      assert.equal(onlySession(rig).clientAddress, '192.168.1.77');
      assert.equal(rig.server.status().pools[0].inUse, 0, 'no pool address taken');
      assert.match(rig.syslogs(603104)[0], /client_dynamic_ip is 192\.168\.1\.77, username is fixed, MPPE_key_strength is 128 bits/);
      await client.hangup();
    } finally {
      await rig.close();
    }
  });

  it('limited: Session-Timeout (2 s) ends the session; Stop has Acct-Terminate-Cause Session-Timeout and echoes Class', async () => {
    const mark = recordCount(radius);
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius] }));
    try {
      const cb = clientBus();
      const client = await dialAs(rig, 'limited', { auth: 'mschap-v2', mppe: MPPE128, bus: cb.bus });
      await ping3(client);
      const [sid] = acctSessionIds(rig);
      assert.ok(sid, 'Acct-Session-Id sent in the Access-Request');
      await waitRecords(radius, sid, ['Start'], 'accounting Start', mark);
      rig.fake!.advance(1999);
      await settle(30);
      assert.equal(rig.server.status().sessions.length, 1, 'still up before the timeout');
      rig.fake!.advance(1);
      const why = await client.closed;
      assert.match(why, /./);
      const termReq = cb.lines.findIndex((l) => /LCP: I TERMREQ/.test(l));
      const cdn = cb.lines.findIndex((l) => /CC I CDN/.test(l));
      assert.ok(termReq >= 0 && cdn > termReq, `client saw LCP Terminate then CDN: ${termReq} ${cdn}`);
      const recs = await waitRecords(radius, sid, ['Start', 'Stop'], 'accounting Stop', mark);
      const stop = recs[1];
      assert.equal(stop['Acct-Terminate-Cause'], 'Session-Timeout');
      assert.equal(stop['Acct-Session-Time'], '2');
      assert.equal(stop['Class'], `0x${Buffer.from('pptp-gold').toString('hex')}`);
      assert.equal(recs[0]['Class'], `0x${Buffer.from('pptp-gold').toString('hex')}`);
      assert.equal(stop['User-Name'], 'limited');
    } finally {
      await rig.close();
    }
  });

  it('accounting Start, Interim-Update and Stop in the detail file: session time, octets, packets', async () => {
    const mark = recordCount(radius);
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius], extra: ['aaa-server RADIUS accounting interim 60'] }));
    try {
      const client = await dialAs(rig, 'john', { auth: 'mschap-v2', mppe: MPPE128 });
      const [sid] = acctSessionIds(rig);
      await waitRecords(radius, sid, ['Start'], 'accounting Start', mark);
      await ping3(client);
      rig.fake!.advance(60_000);
      await waitRecords(radius, sid, ['Start', 'Interim-Update'], 'Interim-Update', mark);
      rig.fake!.advance(30_000);
      await ping3(client);
      await client.hangup();
      const [start, interim, stop] = await waitRecords(radius, sid, ['Start', 'Interim-Update', 'Stop'], 'accounting Stop', mark);
      for (const r of [start, interim, stop]) {
        assert.equal(r['User-Name'], 'john');
        assert.equal(r['Framed-IP-Address'], '192.168.1.1');
        assert.equal(r['Calling-Station-Id'], '127.0.0.2');
        assert.equal(r['NAS-Port-Type'], 'Virtual');
        assert.equal(r['Acct-Authentic'], 'RADIUS');
      }
      assert.equal(start['Acct-Session-Time'], undefined);
      assert.equal(interim['Acct-Session-Time'], '60');
      assert.equal(stop['Acct-Session-Time'], '90');
      // the client hung up (LCP Terminate-Request, Call-Clear-Request)
      assert.equal(stop['Acct-Terminate-Cause'], 'User-Request');
      const n = (r: DetailRecord, k: string) => Number(r[k]);
      for (const k of ['Acct-Input-Octets', 'Acct-Output-Octets', 'Acct-Input-Packets', 'Acct-Output-Packets']) {
        assert.ok(n(interim, k) > 0, `${k} non-zero after the first ping`);
        assert.ok(n(stop, k) > n(interim, k), `${k} grew with the second ping`);
      }
      // 3 echo requests of 84 octets each way per ping, plus PPP control traffic
      assert.ok(n(stop, 'Acct-Input-Packets') >= 6 && n(stop, 'Acct-Output-Packets') >= 6);
      assert.ok(n(stop, 'Acct-Input-Octets') >= 6 * 84 && n(stop, 'Acct-Output-Octets') >= 6 * 84);
      // FreeRADIUS writes the detail file before it answers
      await until(() => rig.server.aaaStatus()[0].accounting?.acknowledged === 3, 'three records acknowledged');
      assert.equal(rig.server.aaaStatus()[0].servers[0].acctRequests, 3);
    } finally {
      await rig.close();
    }
  });
});
