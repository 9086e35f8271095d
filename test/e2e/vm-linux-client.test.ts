/**
 * The product (bin/pix-pptpd, real GRE socket + TUN) against the real Linux
 * PPTP client (pptp-linux + pppd) in the qemu VM, one boot per case, in
 * sequence: PAP, CHAP, MS-CHAPv1, MS-CHAPv2 + MPPE-128 stateless, MS-CHAPv1
 * + MPPE-40, MS-CHAPv2 + MPPE-128 stateful (pinging a host behind the
 * server). The product starts once; each case reconfigures it through its
 * own shell. Each boot: the client's verdict (link up, 3/3 pings, MPPE as
 * expected), the product's console (603104 with user, address and MPPE
 * strength, 603105 at teardown, `show vpdn` while the link is up), tshark
 * over the TAP capture (no malformed frame, the protocols decoded) and,
 * for MS-CHAPv2 + MPPE-128, an independent Python decrypt of the captured
 * MPPE frames back to IPv4.
 *
 * The client picks its authentication with pppd's refuse-* options
 * (require-pap etc. would make the client demand that the *server*
 * authenticate itself).
 */
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { linuxVmAvailable } from '../../src/lab/rig/linux-vm-client.js';
import { runInNetns } from '../../src/lab/rig/netns.js';
import { ADDR, PASSWORD, USER, baseConfig, configure, dial, explain, startRig, stopRig, syslogLines, type DialResult, type Rig } from '../../src/lab/rig/vm-rig.js';
import { decryptAvailable, decryptCapture } from '../harness/mppe-decrypt.js';

const execFileP = promisify(execFile);
const cap = linuxVmAvailable();
const AUTHS = ['pap', 'chap', 'mschap', 'mschap-v2'] as const;
type Auth = (typeof AUTHS)[number];

/** pppd options that leave the client only `auth`. */
function onlyAuth(auth: Auth): string[] {
  const refuse: Record<Auth, string> = { pap: 'refuse-pap', chap: 'refuse-chap', mschap: 'refuse-mschap', 'mschap-v2': 'refuse-mschap-v2' };
  return AUTHS.filter((a) => a !== auth).map((a) => refuse[a]);
}

interface Case {
  name: string;
  auth: Auth;
  /** `vpdn group 1 ppp encryption ...` (none = no encryption line). */
  encryption?: string;
  pppOptions: string[];
  mppeBits?: 40 | 128;
  pingTarget?: string;
  /** tshark must have decoded these (besides pptp, gre, ppp, lcp, ipcp). */
  protocols: string[];
}

const STATEFUL = 'MS-CHAPv2 + MPPE-128 stateful, pinging a host behind the server';

const CASES: Case[] = [
  { name: 'PAP', auth: 'pap', pppOptions: ['nomppe'], protocols: ['pap'] },
  { name: 'CHAP (MD5)', auth: 'chap', pppOptions: ['nomppe'], protocols: ['chap'] },
  { name: 'MS-CHAPv1', auth: 'mschap', pppOptions: ['nomppe'], protocols: ['chap'] },
  {
    name: 'MS-CHAPv2 + MPPE-128 stateless',
    auth: 'mschap-v2',
    encryption: 'mppe 128',
    pppOptions: ['require-mppe-128'],
    mppeBits: 128,
    protocols: ['chap', 'ccp'],
  },
  {
    name: 'MS-CHAPv1 + MPPE-128 stateless',
    auth: 'mschap',
    encryption: 'mppe 128',
    pppOptions: ['require-mppe-128'],
    mppeBits: 128,
    protocols: ['chap', 'ccp'],
  },
  {
    // pppd derives 40-bit MS-CHAPv1 keys from the LM hash it does not send
    // ("Disabling 40-bit MPPE; MS-CHAP LM not supported"): 40-bit with v2.
    name: 'MS-CHAPv2 + MPPE-40',
    auth: 'mschap-v2',
    encryption: 'mppe 40',
    pppOptions: ['require-mppe-40'],
    mppeBits: 40,
    protocols: ['chap', 'ccp'],
  },
  {
    name: STATEFUL,
    auth: 'mschap-v2',
    encryption: 'mppe 128 stateful',
    pppOptions: ['require-mppe-128', 'mppe-stateful'],
    mppeBits: 128,
    pingTarget: ADDR.insideHost,
    protocols: ['chap', 'ccp'],
  },
];

describe('the product against the real Linux PPTP client', { skip: cap.ok ? false : cap.reason, timeout: 420_000 }, () => {
  let rig: Rig | undefined;
  let auth: Auth[] = ['pap'];
  let encryption: string | undefined;
  const results = new Map<string, DialResult>();
  const protocolsSeen = new Set<string>();

  before(async () => {
    rig = await startRig({ configText: baseConfig(auth), inside: true });
  });
  after(async () => {
    await stopRig(rig);
  });

  /** Reconfigures group 1 through the shell for the case. */
  async function setGroup(c: Case): Promise<void> {
    const lines: string[] = [];
    if (!auth.includes(c.auth)) lines.push(`vpdn group 1 ppp authentication ${c.auth}`);
    for (const a of auth) if (a !== c.auth) lines.push(`no vpdn group 1 ppp authentication ${a}`);
    if (encryption && encryption !== c.encryption) lines.push(`no vpdn group 1 ppp encryption ${encryption}`);
    if (c.encryption && c.encryption !== encryption) lines.push(`vpdn group 1 ppp encryption ${c.encryption}`);
    await configure(rig!.product, lines);
    auth = [c.auth];
    encryption = c.encryption;
    const run = (await rig!.product.command('show running-config')).join('\n');
    assert.match(run, new RegExp(`^vpdn group 1 ppp authentication ${c.auth}$`, 'm'));
    for (const a of AUTHS) if (a !== c.auth) assert.doesNotMatch(run, new RegExp(`^vpdn group 1 ppp authentication ${a}$`, 'm'));
    if (c.encryption) assert.match(run, new RegExp(`^vpdn group 1 ppp encryption ${c.encryption}`, 'm'));
    else assert.doesNotMatch(run, /^vpdn group 1 ppp encryption/m);
  }

  for (const c of CASES) {
    it(`${c.name}: link up, 3/3 pings, 603104/603105, show vpdn, tshark clean`, async (t: TestContext) => {
      await setGroup(c);
      const r = await dial(rig!, {
        pppOptions: [...onlyAuth(c.auth), ...c.pppOptions],
        pingTarget: c.pingTarget,
        showVpdn: true,
        capture: true,
      });
      results.set(c.name, r);
      const why = explain(r);

      const up = /PPTPVM: link up after ([\d.]+)s/.exec(r.client.log);
      t.diagnostic(`link up ${up ? `${up[1]} s after pppd started` : 'never'}; VM ${/VM ran ([\d.]+)s/.exec(r.client.log)?.[1] ?? '?'} s`);
      if (c === CASES[0]) for (const l of r.showVpdn ?? []) if (l.trim()) t.diagnostic(`show vpdn | ${l}`);

      // the client's verdict
      assert.equal(r.client.verdict.link, 'up', why);
      assert.equal(r.client.verdict.ping, '3/3', why);
      assert.equal(r.client.verdict.mppe, c.mppeBits ? 'yes' : 'no', why);
      assert.equal(r.client.verdict.remote, ADDR.server, why);
      const clientIp = r.client.verdict.local;
      assert.match(clientIp ?? '', /^10\.97\.0\.(1\d|20)$/, `client address from the pool${why}`);
      if (c.mppeBits) assert.match(r.client.log, new RegExp(`MPPE ${c.mppeBits}-bit ${c.encryption!.includes('stateful') ? 'stateful' : 'stateless'} compression enabled`), why);
      if (c.pingTarget) assert.match(r.client.log, new RegExp(`from ${c.pingTarget.replace(/\./g, '\\.')}`), why);

      // the product's console
      const created = syslogLines(r.console, 603104);
      assert.equal(created.length, 1, `one 603104${why}`);
      const m = /^603104: PPTP Tunnel created, tunnel_id is (\d+), remote_peer_ip is ([\d.]+), ppp_virtual_interface_id is \d+, client_dynamic_ip is ([\d.]+), username is (\S+), MPPE_key_strength is (.+)$/.exec(created[0]!);
      assert.ok(m, `603104 layout: ${created[0]}`);
      const [, tunnelId, peer, dynIp, user, strength] = m;
      assert.equal(peer, ADDR.vm);
      assert.equal(dynIp, clientIp);
      assert.equal(user, USER);
      assert.equal(strength, c.mppeBits ? `${c.mppeBits} bits` : 'None');
      const deleted = syslogLines(r.console, 603105);
      assert.deepEqual(deleted, [`603105: PPTP Tunnel deleted, tunnel_id = ${tunnelId}, remote_peer_ip = ${ADDR.vm}`], why);

      // while up, the client's /32 is routed into the TUN; it goes with the session
      assert.match(r.routesWhileUp ?? '', new RegExp(`^${clientIp!.replace(/\./g, '\\.')} dev \\S+ .*src ${ADDR.server.replace(/\./g, '\\.')}`, 'm'), r.routesWhileUp);
      let routes = '';
      for (let i = 0; i < 20; i++) {
        routes = (await runInNetns(rig!.srv, 'ip', ['-4', 'route', 'show'], { timeoutMs: 5000 })).stdout;
        if (!routes.includes(clientIp!)) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      assert.doesNotMatch(routes, new RegExp(`^${clientIp!.replace(/\./g, '\\.')} `, 'm'), routes);

      // show vpdn while the link was up
      assert.equal(r.showVpdnError, undefined, `${r.showVpdnError}${why}`);
      const show = (r.showVpdn ?? []).join('\n');
      assert.match(show, /PPTP Tunnel and Session Information \(Total tunnels=1 sessions=1\)/, show);
      assert.match(show, new RegExp(`Tunnel id ${tunnelId}, remote id is ${tunnelId}, 1 active sessions`), show);
      assert.match(show, /Tunnel state is estabd/, show);
      assert.match(show, new RegExp(`remote\\s+Internet Address ${ADDR.vm.replace(/\./g, '\\.')}, port 1723`), show);
      assert.match(show, new RegExp(`Local\\s+Internet Address ${ADDR.server.replace(/\./g, '\\.')}, port 1723`), show);
      assert.match(show, new RegExp(`Session username is ${USER}, state is estabd`), show);
      assert.match(show, /interface outside/, show);
      assert.match(show, new RegExp(`Call id \\d+ is up on tunnel id ${tunnelId}`), show);
      assert.match(show, new RegExp(`Remote Internet Address is ${ADDR.vm.replace(/\./g, '\\.')}`), show);

      // tshark over the capture
      if (!r.tshark) {
        t.diagnostic(`capture not checked: ${r.captureSkipped}`);
        return;
      }
      assert.ok(r.tshark.frames > 20, `frames: ${r.tshark.frames}`);
      assert.deepEqual(r.tshark.malformed, [], `malformed frames in ${r.pcap}`);
      for (const p of ['tcp', 'pptp', 'gre', 'ppp', 'lcp', 'ipcp', ...c.protocols]) {
        assert.ok(r.tshark.protocols.has(p), `tshark did not decode ${p}: ${[...r.tshark.protocols].join(' ')}`);
      }
      for (const p of r.tshark.protocols) protocolsSeen.add(p);
    });
  }

  // The independent decrypt of every MPPE capture: the captured MS-CHAP
  // exchange + the password give the RFC 3079 keys; every MPPE frame, both
  // ways, must decrypt to a valid IPv4 datagram, 3 echo requests and 3 replies.
  for (const c of CASES.filter((x) => x.mppeBits)) {
    it(`${c.name} capture: an independent decrypt (Python, RFC 3079 keys from the password) gives valid IPv4`, async (t) => {
      const r = results.get(c.name);
      if (!r?.pcap) return t.skip(r ? `no capture: ${r.captureSkipped}` : 'the case did not run');
      const a = decryptAvailable();
      if (!a.ok) return t.skip(a.reason);
      const d = await decryptCapture(r.pcap, PASSWORD);
      assert.equal(d.error, undefined, JSON.stringify(d));
      assert.equal(d.auth, c.auth);
      assert.equal(d.user, USER);
      assert.equal(d.client, ADDR.vm);
      assert.equal(d.server, ADDR.server);
      // MS-CHAPv2: the server's S= authenticator response, recomputed from the password
      if (c.auth === 'mschap-v2') assert.equal(d.authResponseOk, true);
      assert.equal(d.keyBits, c.mppeBits);
      assert.equal(d.stateless, !c.encryption!.includes('stateful'));
      const clientIp = r.client.verdict.local;
      const target = c.pingTarget ?? ADDR.server;
      for (const [dir, type, src, dst] of [
        ['c2s', 8, clientIp, target],
        ['s2c', 0, target, clientIp],
      ] as const) {
        const s = d[dir]!;
        assert.ok(s.frames >= 3, `${dir}: ${JSON.stringify(s)}`);
        assert.deepEqual(s.bad, [], `${dir}: frames that did not decrypt to IPv4`);
        assert.equal(s.ipv4, s.frames);
        const echoes = s.icmp.filter(([ty, sa, da]) => ty === type && sa === src && da === dst);
        assert.equal(echoes.length, 3, `${dir} ICMP ${type === 8 ? 'echo requests' : 'echo replies'}: ${JSON.stringify(s.icmp)}`);
      }
      // control: another password gives other keys, and nothing decrypts
      const wrong = await decryptCapture(r.pcap, `${PASSWORD}x`);
      assert.equal(wrong.c2s!.ipv4 + wrong.s2c!.ipv4, 0, JSON.stringify(wrong));
      if (c.auth === 'mschap-v2') assert.equal(wrong.authResponseOk, false);
    });
  }

  // pptp-linux advertises a Packet Recv. Window Size of 3: a 4000-octet echo
  // reply from the inside host reaches the TUN as 5 fragments, more than the
  // window; the server must hold the rest until acks come, not drop them.
  it(
    'a burst beyond the client\'s GRE window (4000-octet pings to the inside host, MPPE-128) gets through',
    async () => {
      await setGroup(CASES.find((c) => c.name === 'MS-CHAPv2 + MPPE-128 stateless')!);
      const r = await dial(rig!, {
        pppOptions: [...onlyAuth('mschap-v2'), 'require-mppe-128'],
        pingTarget: ADDR.insideHost,
        pingSize: 4000,
      });
      const why = explain(r);
      assert.equal(r.client.verdict.link, 'up', why);
      assert.deepEqual(r.console.filter((l) => /xGRE window full/.test(l)), [], why);
      assert.equal(r.client.verdict.ping, '3/3', why);
    },
  );

  it('the Python decryptor passes its RFC 1320 / 2759 / 3079 vectors', async (t) => {
    const a = decryptAvailable();
    if (!a.ok) return t.skip(a.reason);
    const { stdout } = await execFileP('python3', [a.script, 'selftest'], { timeout: 30_000 });
    assert.equal(stdout.trim(), 'selftest ok');
  });

  it('across the captures tshark decoded PPTP, GRE, PPP, LCP, PAP, CHAP, IPCP and CCP', (t) => {
    if (protocolsSeen.size === 0) return t.skip('no capture was checked');
    if (CASES.some((c) => !results.has(c.name))) return t.skip('not every case ran');
    for (const p of ['pptp', 'gre', 'ppp', 'lcp', 'pap', 'chap', 'ipcp', 'ccp']) assert.ok(protocolsSeen.has(p), p);
  });
});
