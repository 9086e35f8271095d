/**
 * The real Linux client (pptp-linux + pppd in the qemu VM) authenticating
 * through FreeRADIUS: one product (bin/pix-pptpd) in a test namespace, a
 * real FreeRADIUS 3 on that namespace's loopback, the product's group 1
 * pointing at it with `client authentication aaa R` and
 * `client accounting R`.
 *
 * The product has no `vpdn username` at all, so the MPPE-128 keys the VM's
 * pings travel under can only come from FreeRADIUS's MS-MPPE-Send/Recv-Key
 * (the `debug ppp mppe` line says so), and the detail file must hold the
 * session's Accounting Start and Stop. A second boot dials as a user whose
 * Access-Accept carries no MPPE keys: seed 003's "PIX MPPE RADIUS Problem"
 * (403110, 603103 failed, the client refused with error 691).
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { linuxVmAvailable } from '../../src/lab/rig/linux-vm-client.js';
import { freeRadiusAvailable, startFreeRadius, type FreeRadius, type RadiusUser, detailRecords } from '../../src/lab/rig/freeradius.js';
import { ADDR, dial, explain, startRig, stopRig, syslogLines, type Rig } from '../../src/lab/rig/vm-rig.js';

const vm = linuxVmAvailable();
const fr = freeRadiusAvailable();
const skip = !vm.ok ? vm.reason : !fr.ok ? fr.reason : false;

const SECRET = 'vm-Rad-Key9';
const AUTH_PORT = 1645;
const ACCT_PORT = 1646;
const USERS: RadiusUser[] = [
  { name: 'raduser', password: 'Rad1us-VmPw' },
  // accepted, but FreeRADIUS strips every MPPE attribute from the Access-Accept
  { name: 'cisco', password: 'nokeys-VmPw', noMppe: true },
];
const PW: Record<string, string> = Object.fromEntries(USERS.map((u) => [u.name, u.password!]));

/** Seed 003's RADIUS configuration, on the namespace's addresses; no local users. */
function radiusConfig(): string {
  return [
    'nameif ethernet0 outside security0',
    'nameif ethernet1 inside security100',
    'hostname pixvm',
    'logging on',
    'logging console debugging',
    `ip address outside ${ADDR.server} 255.255.255.0`,
    `ip address inside ${ADDR.insideGateway} 255.255.255.0`,
    `ip local pool pptp-pool ${ADDR.poolFirst}-${ADDR.poolLast}`,
    'aaa-server R protocol radius',
    `aaa-server R (inside) host 127.0.0.1 ${SECRET} timeout 5 authentication-port ${AUTH_PORT} accounting-port ${ACCT_PORT}`,
    'sysopt connection permit-pptp',
    'vpdn group 1 accept dialin pptp',
    'vpdn group 1 ppp authentication mschap-v2',
    'vpdn group 1 ppp encryption mppe 128 required',
    'vpdn group 1 client configuration address local pptp-pool',
    'vpdn group 1 client authentication aaa R',
    'vpdn group 1 client accounting R',
    'vpdn enable outside',
    '',
  ].join('\n');
}

/** pppd: MS-CHAPv2 only, MPPE-128 demanded. */
const PPP_OPTIONS = ['refuse-pap', 'refuse-chap', 'refuse-mschap', 'require-mppe-128'];

async function until(cond: () => boolean, what: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the real Linux client through FreeRADIUS (MS-CHAPv2 + MPPE-128, keys from RADIUS)', { skip, timeout: 180_000 }, () => {
  let rig: Rig | undefined;
  let radius: FreeRadius | undefined;

  before(async () => {
    rig = await startRig({
      configText: radiusConfig(),
      debugs: ['vpdn event', 'vpdn error', 'ppp error', 'ppp mppe', 'radius'],
    });
    radius = await startFreeRadius({ users: USERS, secret: SECRET, netns: rig.srv, address: '127.0.0.1', port: AUTH_PORT });
  });
  after(async () => {
    try {
      await radius?.stop();
    } finally {
      await stopRig(rig);
    }
    if (radius) assert.throws(() => process.kill(radius!.pid, 0), 'FreeRADIUS is gone');
  });

  it('raduser: link up, 3/3 pings under MPPE-128 keyed from FreeRADIUS; 603104; Accounting Start and Stop', async (t: TestContext) => {
    const run = (await rig!.product.command('show running-config')).join('\n');
    assert.doesNotMatch(run, /^vpdn username/m, 'no local user: the keys can only come from RADIUS');
    const r = await dial(rig!, { user: 'raduser', password: PW.raduser, pppOptions: PPP_OPTIONS });
    const why = explain(r);
    t.diagnostic(`link up ${/PPTPVM: link up after ([\d.]+)s/.exec(r.client.log)?.[1] ?? 'never'} s after pppd started`);

    assert.equal(r.client.verdict.link, 'up', why);
    assert.equal(r.client.verdict.ping, '3/3', why);
    assert.equal(r.client.verdict.mppe, 'yes', why);
    assert.equal(r.client.verdict.remote, ADDR.server, why);
    assert.match(r.client.log, /MPPE 128-bit stateless compression enabled/, why);
    const clientIp = r.client.verdict.local ?? '';
    assert.match(clientIp, /^10\.97\.0\.(1\d|20)$/, `client address from the pool${why}`);

    // the product: authenticated by RADIUS, keyed from its attributes
    const auth = syslogLines(r.console, 603103);
    assert.equal(auth.length, 1, why);
    assert.match(auth[0]!, /^603103: PPP virtual interface \d+ - user: raduser aaa authentication succeed$/, why);
    const created = syslogLines(r.console, 603104);
    assert.equal(created.length, 1, `one 603104${why}`);
    assert.match(
      created[0]!,
      new RegExp(
        `^603104: PPTP Tunnel created, tunnel_id is \\d+, remote_peer_ip is ${ADDR.vm.replace(/\./g, '\\.')}, ` +
          `ppp_virtual_interface_id is \\d+, client_dynamic_ip is ${clientIp.replace(/\./g, '\\.')}, username is raduser, MPPE_key_strength is 128 bits$`,
      ),
    );
    assert.ok(r.console.some((l) => /^Vi\d+ MPPE: Generate keys using RADIUS data$/.test(l)), `debug ppp mppe: keys from RADIUS data${why}`);
    assert.ok(!r.console.some((l) => /Generate keys using local database/.test(l)), why);
    assert.ok(r.console.some((l) => /Access-Accept/.test(l)), `debug radius shows the Access-Accept${why}`);
    assert.ok(r.console.some((l) => /MS-MPPE-Send-Key/.test(l)), `the Access-Accept carried MS-MPPE-Send-Key${why}`);
    assert.equal(syslogLines(r.console, 603105).length, 1, `603105 at teardown${why}`);
    for (const secret of [PW.raduser!, SECRET]) assert.ok(!rig!.product.lines.some((l) => l.includes(secret)), 'no secret on the console');

    // FreeRADIUS: Start and Stop for this session (the Stop may follow 603105 by a round trip)
    const sid = r.console.map((l) => /Acct-Session-Id\s+\[44\]\s+\d+\s+"([0-9A-F]+)"/.exec(l)?.[1]).find((x) => x);
    assert.ok(sid, `the Acct-Session-Id in debug radius${why}`);
    const ofSession = () => detailRecords(radius!.accounting()).filter((x) => x['Acct-Session-Id'] === sid);
    await until(() => ofSession().map((x) => x['Acct-Status-Type']).join() === 'Start,Stop', 'Accounting Start and Stop in the detail file', 10_000).catch(
      (e: Error) => assert.fail(`${e.message}: ${JSON.stringify(ofSession())}\n${radius!.accounting()}`),
    );
    const [start, stop] = ofSession();
    for (const rec of [start!, stop!]) {
      assert.equal(rec['User-Name'], 'raduser');
      assert.equal(rec['Framed-IP-Address'], clientIp);
      assert.equal(rec['Calling-Station-Id'], ADDR.vm);
      assert.equal(rec['Acct-Authentic'], 'RADIUS');
    }
    assert.equal(stop!['Acct-Terminate-Cause'], 'User-Request', JSON.stringify(stop));
    // 3 echo requests and 3 replies of 84 octets went through the session
    assert.ok(Number(stop!['Acct-Input-Packets']) >= 3 && Number(stop!['Acct-Output-Packets']) >= 3, JSON.stringify(stop));
    assert.ok(Number(stop!['Acct-Input-Octets']) >= 3 * 84 && Number(stop!['Acct-Output-Octets']) >= 3 * 84, JSON.stringify(stop));
  });

  it('cisco (accepted without MPPE keys): link down, 603103 failed, 403110, the client refused', async () => {
    const r = await dial(rig!, { user: 'cisco', password: PW.cisco, pppOptions: PPP_OPTIONS, linkTimeout: 15 });
    const why = explain(r);
    assert.equal(r.client.verdict.link, 'down', why);
    // the product's MS-CHAP Failure: error 691, as Windows reports it
    assert.match(r.client.log, /rcvd \[CHAP Failure id=0x\w+ "E=691 R=0 C=[0-9A-F]{32} V=3 M=[^"]*"\]/, why);
    assert.match(r.client.log, /MS-CHAP authentication failed/, why);
    assert.ok(r.console.some((l) => /Access-Accept/.test(l)), `FreeRADIUS accepted the password${why}`);
    assert.ok(!r.console.some((l) => /MS-MPPE-(Send|Recv)-Key/.test(l)), `the accept carried no MPPE keys${why}`);
    const sys = r.console.filter((l) => /^(6031|4031)\d\d: /.test(l));
    const failed = sys.findIndex((l) => /^603103: PPP virtual interface \d+ - user: cisco aaa authentication failed$/.test(l));
    const missing = sys.findIndex((l) => /^403110: PPP virtual interface \d+, user: cisco missing MPPE key from aaa server$/.test(l));
    assert.ok(failed >= 0 && missing > failed, `603103 failed then 403110${why}`);
    assert.match(syslogLines(r.console, 603104)[0] ?? '', /client_dynamic_ip is 0\.0\.0\.0, username is Unknown, MPPE_key_strength is None$/, why);
    assert.ok(!r.console.some((l) => /Generate keys using/.test(l)), why);
    assert.equal(syslogLines(r.console, 603105).length, 1, `603105 at teardown${why}`);
    for (const secret of [PW.cisco!, SECRET]) assert.ok(!rig!.product.lines.some((l) => l.includes(secret)), 'no secret on the console');
  });
});
