/**
 * AAA through the running server, end to end: a real FreeRADIUS 3 (Debian's
 * package, src/lab/rig/freeradius.ts) on loopback, the product server
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
import { radclientAvailable, startFreeRadius, type FreeRadius, type RadiusUser, detailRecords, type DetailRecord } from '../../src/lab/rig/freeradius.js';
import { settle, startRig, until, TUNNEL_IP, type Rig } from './inprocess-harness.js';

const cap = radclientAvailable();

const USERS: RadiusUser[] = [
  { name: 'john', password: 'Rad1us-Pw' },
  // seed 003's user of the "PIX MPPE RADIUS Problem": accepted, but no MPPE keys
  { name: 'cisco', password: 'nokeys-Pw', noMppe: true },
  { name: 'fixed', password: 'fixed-Pw', reply: { 'Framed-IP-Address': '192.168.1.77' } },
  { name: 'limited', password: 'limited-Pw', reply: { 'Session-Timeout': 2, Class: 'pptp-gold' } },
  { name: 'idler', password: 'idler-Pw', reply: { 'Idle-Timeout': 10 } },
  // a fleet's RADIUS: a named pool, its own Interim-Update period, one login at a time
  { name: 'pooled', password: 'pooled-Pw', reply: { 'Framed-Pool': 'radpool' } },
  { name: 'ticker', password: 'ticker-Pw', reply: { 'Acct-Interim-Interval': 120 } },
  // a centre that is wrong
  { name: 'nopool', password: 'nopool-Pw', reply: { 'Framed-Pool': 'no-such-pool' } },
  { name: 'ownaddr', password: 'ownaddr-Pw', reply: { 'Framed-IP-Address': '10.1.1.1' } },
  { name: 'bcast', password: 'bcast-Pw', reply: { 'Framed-IP-Address': '10.1.1.255' } },
  { name: 'zero', password: 'zero-Pw', reply: { 'Framed-IP-Address': '0.0.0.0' } },
];
const PW: Record<string, string> = { ...Object.fromEntries(USERS.map((u) => [u.name, u.password!])), single: 'single-Pw' };

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
    'ip local pool radpool 192.168.2.1-192.168.2.3',
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

/** The RADIUS accounting queue of the server's first group. */
function radiusQueue(rig: Rig) {
  const a = rig.server.aaaStatus()[0].accounting;
  assert.equal(a?.kind, 'radius');
  return a as Extract<typeof a, { kind: 'radius' }>;
}

/** The server's one session (acct id from the call object behind status()). */
function onlySession(rig: Rig) {
  const st = rig.server.status();
  assert.equal(st.sessions.length, 1, 'one session up');
  return st.sessions[0];
}

function acctSessionIds(rig: Rig): string[] {
  // The Acct-Session-Id is what Disconnect-Requests name; the debug radius
  // lines print it in each call's Access-Request (and again in its
  // accounting, where Accounting-On/Off carry the NAS's own).
  const ids = new Set<string>();
  let inAccessRequest = false;
  for (const t of rig.texts()) {
    if (/^RADIUS\([0-9A-F]+\): /.test(t)) inAccessRequest = /Send Access-Request/.test(t);
    const id = /Acct-Session-Id\s+\[44\]\s+\d+\s+"([0-9A-F]+)"/.exec(t)?.[1];
    if (id && inAccessRequest) ids.add(id);
  }
  return [...ids];
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

/** A dial that must fail: its DialError (what the client saw). */
async function dialRefused(rig: Rig, user: string, o: Parameters<typeof dialAs>[2]): Promise<DialError> {
  const err = await dialAs(rig, user, o).then(
    () => assert.fail(`${user}: the call must not come up`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DialError, `${user}: ${String(err)}`);
  return err;
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
      assert.ok(await client.informAck, 'the Windows profile\'s DHCPINFORM was answered');
      await ping3(client);
      const s = onlySession(rig);
      assert.equal(s.authProtocol, 'MSCHAP-V2');
      assert.deepEqual(s.mppe, { bits: 128, stateful: false });
      assert.equal(s.encryptedPackets, 3 + 1, '3 echo replies and the DHCPACK');
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
      const err = await dialRefused(rig, 'cisco', { auth: 'mschap-v2', mppe: { strength: 40, required: false, stateful: false } });
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
      await until(() => radiusQueue(rig).acknowledged === 2, 'Accounting-On and Start acknowledged');
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

  it('Idle-Timeout (10 s) from FreeRADIUS: traffic keeps the call up, 10 s without any ends it (Stop Idle-Timeout)', async () => {
    const mark = recordCount(radius);
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius] }));
    try {
      const client = await dialAs(rig, 'idler', { auth: 'mschap-v2', mppe: MPPE128 });
      const [sid] = acctSessionIds(rig);
      // the Start answered before the clock jumps (else its retransmission timers fire first)
      await until(() => radiusQueue(rig).acknowledged === 2, 'Accounting-On and Start acknowledged');
      for (let i = 0; i < 3; i++) {
        rig.fake!.advance(8000);
        await settle(20);
        await ping3(client);
      }
      assert.equal(rig.server.status().sessions.length, 1, 'up after 24 s with traffic every 8 s');
      await advanceUntil(rig, () => rig.server.status().sessions.length === 0, 'idle timeout', 1000, 12_000);
      await client.closed;
      const [, stop] = await waitRecords(radius, sid, ['Start', 'Stop'], 'Stop', mark);
      assert.equal(stop['Acct-Terminate-Cause'], 'Idle-Timeout');
      const t = Number(stop['Acct-Session-Time']);
      assert.ok(t >= 34 && t <= 35, `ended 10-11 s after the last ping (session time ${t})`);
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
      await until(() => radiusQueue(rig).acknowledged === 2, 'Accounting-On and Start acknowledged');
      await ping3(client);
      rig.fake!.advance(60_000);
      await waitRecords(radius, sid, ['Start', 'Interim-Update'], 'Interim-Update', mark);
      // FreeRADIUS writes the record before it answers: the clock may move on only once the answer is in,
      // else the Interim-Update's retransmission timers run out and the queue (the Stop behind it) pauses
      await until(() => radiusQueue(rig).acknowledged === 3, 'Interim-Update acknowledged');
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
      await until(() => rig.server.aaaStatus()[0].accounting?.acknowledged === 4, 'Accounting-On and three records acknowledged');
      assert.equal(rig.server.aaaStatus()[0].servers[0].acctRequests, 4);
    } finally {
      await rig.close();
    }
  });

  it('a NAS of a fleet: Accounting-On before the first Start, NAS-IP-Address and NAS-Identifier in every record, Accounting-Off at a clean stop; no second On after a hot reconfiguration', async () => {
    const mark = recordCount(radius);
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius] }));
    let open = true;
    try {
      const ofRig = () => detailRecords(radius.accounting()).slice(mark);
      await until(() => ofRig().some((r) => r['Acct-Status-Type'] === 'Accounting-On'), 'Accounting-On at start');
      const client = await dialAs(rig, 'john', { auth: 'mschap-v2', mppe: MPPE128 });
      const [sid] = acctSessionIds(rig);
      await waitRecords(radius, sid, ['Start'], 'Start', mark);
      // a changed group is a new object: its accounting must not tell the server "this NAS rebooted"
      await rig.apply(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius], extra: ['aaa-server RADIUS accounting interim 300'] }));
      await ping3(client);
      await client.hangup();
      await waitRecords(radius, sid, ['Start', 'Stop'], 'Stop', mark);
      // the Access-Request names the NAS too (inside is the interface of `aaa-server RADIUS (inside) host`)
      assert.ok(rig.texts().some((t) => /NAS-IP-Address\s+\[4\]\s+6\s+10\.1\.1\.1$/.test(t)), 'NAS-IP-Address in debug radius');
      open = false;
      await rig.close();
      const recs = ofRig();
      assert.deepEqual(
        recs.map((r) => r['Acct-Status-Type']),
        ['Accounting-On', 'Start', 'Stop', 'Accounting-Off'],
      );
      for (const r of recs) {
        assert.equal(r['NAS-IP-Address'], '10.1.1.1', r['Acct-Status-Type']);
        assert.equal(r['NAS-Identifier'], 'pixfirewall', r['Acct-Status-Type']);
      }
      const [on, , , off] = recs;
      for (const r of [on, off]) {
        assert.match(r['Acct-Session-Id'], /^[0-9A-F]{18}$/);
        assert.notEqual(r['Acct-Session-Id'], sid);
        assert.equal(r['User-Name'], undefined, 'a NAS record names no user');
      }
    } finally {
      if (open) await rig.close();
    }
  });

  it('Framed-Pool radpool: the address comes from that ip local pool, not the group pool, and goes back to it', async () => {
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius] }));
    try {
      const client = await dialAs(rig, 'pooled', { auth: 'mschap-v2', mppe: MPPE128 });
      assert.equal(client.clientAddress, '192.168.2.1');
      await ping3(client);
      const pools = () => Object.fromEntries(rig.server.status().pools.map((p) => [p.name, p.inUse]));
      assert.deepEqual(pools(), { 'pptp-pool': 0, radpool: 1 });
      await client.hangup();
      await until(() => pools().radpool === 0, 'radpool address released');
    } finally {
      await rig.close();
    }
  });

  it('Acct-Interim-Interval 120 from FreeRADIUS replaces the group interim of 60 s', async () => {
    const mark = recordCount(radius);
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius], extra: ['aaa-server RADIUS accounting interim 60'] }));
    try {
      const client = await dialAs(rig, 'ticker', { auth: 'mschap-v2', mppe: MPPE128 });
      const [sid] = acctSessionIds(rig);
      await waitRecords(radius, sid, ['Start'], 'Start', mark);
      await until(() => radiusQueue(rig).acknowledged === 2, 'Accounting-On and Start acknowledged');
      rig.fake!.advance(60_000);
      await settle(200);
      assert.deepEqual(recordsOf(radius, sid, mark).map((r) => r['Acct-Status-Type']), ['Start'], 'no Interim-Update at 60 s');
      rig.fake!.advance(60_000);
      const [, interim] = await waitRecords(radius, sid, ['Start', 'Interim-Update'], 'Interim-Update at 120 s', mark);
      assert.equal(interim['Acct-Session-Time'], '120');
      await client.hangup();
    } finally {
      await rig.close();
    }
  });

  it('Simultaneous-Use 1 in FreeRADIUS (radutmp from our accounting): a second login is refused while the first is up, accepted after its Stop', async () => {
    // its own FreeRADIUS: radutmp keeps one slot per NAS port, and the other
    // tests' servers reuse port 1 within the same second ("wrong order")
    const single = await startFreeRadius({ users: [{ name: 'single', password: PW.single, simultaneousUse: 1 }] });
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [single] }));
    try {
      const first = await dialAs(rig, 'single', { auth: 'mschap-v2', mppe: MPPE128 });
      await until(() => radiusQueue(rig).acknowledged === 2, 'Accounting-On and Start acknowledged');
      // a second login
      const err = await dialRefused(rig, 'single', { auth: 'mschap-v2', mppe: MPPE128, local: '127.0.0.3' });
      assert.equal(err.windowsError, 691, err.message);
      assert.equal(rig.server.aaaStatus()[0].servers[0].rejects, 1, 'FreeRADIUS refused it');
      await ping3(first);
      await first.hangup();
      await until(() => radiusQueue(rig).acknowledged === 3, 'Stop acknowledged');
      const again = await dialAs(rig, 'single', { auth: 'mschap-v2', mppe: MPPE128, local: '127.0.0.3' });
      await ping3(again);
      await again.hangup();
    } finally {
      await rig.close();
      await single.stop();
    }
  });

  it('addresses from RADIUS the server cannot give refuse only that call: an unknown Framed-Pool, its own, a broadcast or 0.0.0.0, an address another call holds', async () => {
    const rig = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius] }));
    try {
      const holder = await dialAs(rig, 'fixed', { auth: 'mschap-v2', mppe: MPPE128 });
      const cases: [string, string, RegExp][] = [
        ['nopool', 'aaa-pool-unknown', /Framed-Pool no-such-pool is not an ip local pool: no address for nopool/],
        ['ownaddr', 'aaa-address-unusable', /Framed-IP-Address 10\.1\.1\.1 is the address of interface inside/],
        ['bcast', 'aaa-address-unusable', /Framed-IP-Address 10\.1\.1\.255 is the broadcast address of interface inside/],
        ['zero', 'aaa-address-unusable', /Framed-IP-Address 0\.0\.0\.0 is an unspecified address/],
        ['fixed', 'aaa-address-in-use', /Framed-IP-Address 192\.168\.1\.77 is held by another call/],
      ];
      let refused = 0;
      for (const [i, [user, counter, line]] of cases.entries()) {
        const before = rig.server.status().errors[counter] ?? 0;
        await dialRefused(rig, user, { auth: 'mschap-v2', mppe: MPPE128, local: `127.0.0.${3 + i}` });
        refused++;
        assert.equal(rig.server.status().errors[counter], before + 1, `${user}: counter ${counter}`);
        assert.ok(rig.texts().some((t) => line.test(t)), `${user}: debug vpdn error line ${line}`);
        await until(() => rig.syslogs(403108).length === refused, `${user}: 403108`);
      }
      assert.equal(rig.server.status().sessions.length, 1, 'only the holder is up');
      assert.deepEqual(rig.server.status().pools.map((p) => p.inUse), [0, 0], 'no pool address taken or leaked');
      assert.equal(onlySession(rig).clientAddress, '192.168.1.77');
      await ping3(holder);
      await holder.hangup();
    } finally {
      await rig.close();
    }
  });

  it('failover: the first of two servers is stopped; authentication succeeds through the second, the first shows FAILED', async () => {
    // two hosts of one group need two addresses (a PIX names a host by its address)
    const first = await startFreeRadius({ users: USERS });
    let second: FreeRadius | undefined;
    let rig: Rig | undefined;
    try {
      second = await startFreeRadius({ users: USERS, address: '127.0.0.4', clients: ['127.0.0.1'] });
      await first.stop();
      const alt = second;
      rig = await startRig(
        pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [first, alt], timeout: 1, extra: ['aaa-server RADIUS max-failed-attempts 1'] }),
      );
      const r = rig;
      const dialing = dialAs(r, 'john', { auth: 'mschap-v2', mppe: MPPE128 });
      dialing.catch(() => {});
      await until(() => r.texts().some((l) => l.includes(`Send Access-Request to 127.0.0.1:${first.authPort}`)), 'Access-Request to the first server');
      // the first server never answers: 4 tries of 1 s on the server's clock
      await advanceUntil(r, () => r.texts().some((l) => l.includes(`Fail-over to (127.0.0.4:${alt.authPort}`)), 'fail-over', 1000, 10_000);
      const client = await dialing;
      assert.deepEqual(client.mppe, { bits: 128, stateless: true });
      await ping3(client);
      const [g] = r.server.aaaStatus();
      assert.deepEqual(
        g.servers.map((s) => [s.authPort, s.status, s.authRequests, s.retransmits, s.timeouts, s.accepts]),
        [
          // the Access-Request and the Accounting-On each tried 4 times
          [first.authPort, 'FAILED', 1, 6, 2, 0],
          [alt.authPort, 'ACTIVE', 1, 0, 0, 1],
        ],
      );
      assert.ok(r.texts().some((l) => l.includes(`Marking server (127.0.0.1:${first.authPort},${first.acctPort}) dead after 1 failed attempts`)), 'marked dead');
      // accounting skips the dead server too
      assert.ok(detailRecords(alt.accounting()).some((x) => x['Acct-Status-Type'] === 'Accounting-On'), 'Accounting-On at the second server');
      const [sid] = acctSessionIds(r);
      await waitRecords(alt, sid, ['Start'], 'Start at the second server');
      await client.hangup();
      await waitRecords(alt, sid, ['Start', 'Stop'], 'Stop at the second server');
    } finally {
      await rig?.close();
      await second?.stop();
      await first.stop();
    }
  });

  it('Disconnect-Request from radclient ends the named session (LCP Terminate, CDN, Disconnect-ACK, Stop Admin-Reset); a wrong secret is ignored and counted', async () => {
    const port = await freeUdpPort();
    const mark = recordCount(radius);
    const rig = await startRig(
      pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius], extra: [`aaa-server RADIUS dynamic-authorization port ${port}`] }),
    );
    try {
      const cb = clientBus();
      const john = await dialAs(rig, 'john', { auth: 'mschap-v2', mppe: MPPE128, bus: cb.bus });
      const other = await dialAs(rig, 'fixed', { auth: 'mschap-v2', mppe: MPPE128, local: '127.0.0.3' });
      const [johnSid, otherSid] = acctSessionIds(rig);
      assert.ok(johnSid && otherSid && johnSid !== otherSid, 'two Acct-Session-Ids');
      await waitRecords(radius, johnSid, ['Start'], 'Start', mark);
      const target = `127.0.0.1:${port}`;
      const request = `Acct-Session-Id = "${johnSid}"\nUser-Name = "john"\n`;

      const wrong = await radclient(['-x', '-t', '1', '-r', '1', target, 'disconnect', 'not-the-key'], request);
      assert.doesNotMatch(wrong, /Received Disconnect-(ACK|NAK)/, wrong);
      assert.equal(rig.server.status().sessions.length, 2, 'nothing ended');
      let da = rig.server.aaaStatus()[0].dynamicAuthorization;
      assert.equal(da?.port, port);
      assert.equal(da?.badAuthenticators, 1, 'counted');
      assert.equal(da?.disconnectRequests, 0);

      const nak = await radclient(['-x', '-t', '2', '-r', '1', target, 'disconnect', radius.secret], 'Acct-Session-Id = "00000000FFFF"\n');
      assert.match(nak, /Received Disconnect-NAK/, nak);
      assert.match(nak, /Error-Cause = Session-Context-Not-Found/, nak);

      const ack = await radclient(['-x', '-t', '2', '-r', '1', target, 'disconnect', radius.secret], request);
      assert.match(ack, /Received Disconnect-ACK/, ack);
      const why = await john.closed;
      assert.match(why, /./);
      const termReq = cb.lines.findIndex((l) => /LCP: I TERMREQ/.test(l));
      const cdn = cb.lines.findIndex((l) => /CC I CDN/.test(l));
      assert.ok(termReq >= 0 && cdn > termReq, `client saw LCP Terminate then CDN: ${termReq} ${cdn}`);
      const recs = await waitRecords(radius, johnSid, ['Start', 'Stop'], 'Stop', mark);
      assert.equal(recs[1]['Acct-Terminate-Cause'], 'Admin-Reset');
      da = rig.server.aaaStatus()[0].dynamicAuthorization;
      assert.deepEqual(
        [da?.disconnectRequests, da?.disconnectAcks, da?.disconnectNaks, da?.badAuthenticators],
        [2, 1, 1, 1],
      );
      // the other session is untouched
      await ping3(other);
      assert.deepEqual(rig.server.status().sessions.map((x) => x.username), ['fixed']);
      await other.hangup();
    } finally {
      await rig.close();
    }
  });

  it('CoA-Request from radclient with a new Session-Timeout replaces the one from the Access-Accept', async () => {
    const port = await freeUdpPort();
    const mark = recordCount(radius);
    const rig = await startRig(
      pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius], extra: [`aaa-server RADIUS dynamic-authorization port ${port}`] }),
    );
    try {
      // 'limited' has Session-Timeout 2 from FreeRADIUS
      const client = await dialAs(rig, 'limited', { auth: 'mschap-v2', mppe: MPPE128 });
      const [sid] = acctSessionIds(rig);
      const target = `127.0.0.1:${port}`;
      const idle = await radclient(['-x', '-t', '2', '-r', '1', target, 'coa', radius.secret], `Acct-Session-Id = "${sid}"\nIdle-Timeout = 5\n`);
      assert.match(idle, /Received CoA-NAK/, 'an Idle-Timeout change is not made: NAK');
      const coa = await radclient(['-x', '-t', '2', '-r', '1', target, 'coa', radius.secret], `Acct-Session-Id = "${sid}"\nSession-Timeout = 30\n`);
      assert.match(coa, /Received CoA-ACK/, coa);
      rig.fake!.advance(2000);
      await settle(30);
      await ping3(client);
      assert.equal(rig.server.status().sessions.length, 1, 'the 2 s timeout no longer applies');
      rig.fake!.advance(27_000);
      await settle(30);
      assert.equal(rig.server.status().sessions.length, 1, 'up until 30 s after the CoA');
      rig.fake!.advance(1000);
      await client.closed;
      const [, stop] = await waitRecords(radius, sid, ['Start', 'Stop'], 'Stop', mark);
      assert.equal(stop['Acct-Terminate-Cause'], 'Session-Timeout');
      assert.equal(stop['Acct-Session-Time'], '30');
      const da = rig.server.aaaStatus()[0].dynamicAuthorization;
      assert.deepEqual([da?.coaRequests, da?.coaAcks, da?.coaNaks], [2, 1, 1]);
    } finally {
      await rig.close();
    }
  });

  it('accounting survives a short outage: server stopped, session ends, server restarted: the Stop arrives', async () => {
    const r1 = await startFreeRadius({ users: USERS });
    let r2: FreeRadius | undefined;
    let opened: Rig | undefined;
    try {
      const rig = (opened = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [r1] })));
      const client = await dialAs(rig, 'john', { auth: 'mschap-v2', mppe: MPPE128 });
      const [sid] = acctSessionIds(rig);
      await waitRecords(r1, sid, ['Start'], 'Start');
      await until(() => radiusQueue(rig).acknowledged === 2, 'Accounting-On and Start acknowledged');
      await ping3(client);
      rig.fake!.advance(5000);
      await r1.stop();
      await client.hangup();
      // 4 tries of 2 s without an answer, then the queue waits to retry
      await advanceUntil(rig, () => radiusQueue(rig).paused, 'accounting queue paused', 1000, 20_000);
      const acct = radiusQueue(rig);
      assert.deepEqual([acct.queued, acct.acknowledged, acct.dropped], [1, 2, 0], 'the Stop is kept (Accounting-On and Start went)');
      r2 = await startFreeRadius({ users: USERS, port: r1.authPort });
      await advanceUntil(rig, () => r2!.accounting().includes(sid), 'the Stop at the restarted server', 1000, 20_000);
      const [stop] = await waitRecords(r2, sid, ['Stop'], 'Stop');
      assert.equal(stop['Acct-Session-Time'], '5');
      assert.ok(Number(stop['Acct-Delay-Time']) >= 8, `Acct-Delay-Time ${stop['Acct-Delay-Time']}`);
      assert.ok(Number(stop['Acct-Input-Packets']) >= 3);
      await until(() => radiusQueue(rig).queued === 0, 'queue empty');
    } finally {
      await opened?.close();
      await r2?.stop();
      await r1.stop();
    }
  });

  it('hot reconfiguration: new host and key while a RADIUS session is up; it keeps passing traffic, the next call uses the new settings', async () => {
    const next = await startFreeRadius({ users: USERS, secret: 'N3w-shared-Key' });
    let opened: Rig | undefined;
    try {
      const rig = (opened = await startRig(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [radius] })));
      const first = await dialAs(rig, 'john', { auth: 'mschap-v2', mppe: MPPE128 });
      const [sid] = acctSessionIds(rig);
      await ping3(first);
      assert.equal(rig.server.aaaStatus()[0].servers[0].authPort, radius.authPort);
      await rig.apply(pixConfig({ auth: ['mschap-v2'], mppe: '128 required', hosts: [next] }));
      await ping3(first);
      assert.deepEqual(
        rig.server.aaaStatus()[0].servers.map((s) => [s.authPort, s.authRequests]),
        [[next.authPort, 0]],
        'the group now names the new host only',
      );
      const second = await dialAs(rig, 'fixed', { auth: 'mschap-v2', mppe: MPPE128, local: '127.0.0.3' });
      await ping3(second);
      const [g] = rig.server.aaaStatus();
      assert.deepEqual([g.servers[0].authRequests, g.servers[0].accepts, g.servers[0].badAuthenticators], [1, 1, 0], 'the new call used the new host and key');
      await ping3(first);
      // the first session's Stop goes where accounting is configured now
      await first.hangup();
      await waitRecords(next, sid, ['Stop'], 'Stop of the first session at the new host');
      await second.hangup();
    } finally {
      await opened?.close();
      await next.stop();
    }
  });
});
