/**
 * Failure cases of seed 003 with the real Linux client (one VM boot each,
 * one product reconfigured through its shell between them):
 *  - wrong password: no link; the console shows 603103 ... failed;
 *  - the client requires MPPE, the server has no encryption configured:
 *    the server answers CCP with an LCP Protocol-Reject (Windows' error
 *    742 case), no link;
 *  - the server requires MPPE (`mppe 40 required`), the client refuses it:
 *    the seed's "mppe required but not active" lines, no IP traffic.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { linuxVmAvailable } from '../../src/lab/rig/linux-vm-client.js';
import { pppFramesOf, readPcap } from '../harness/pcap.js';
import { ADDR, USER, baseConfig, configure, dial, explain, startRig, stopRig, syslogLines, type Rig } from '../../src/lab/rig/vm-rig.js';

const cap = linuxVmAvailable();
const ONLY_MSCHAPV2 = ['refuse-pap', 'refuse-chap', 'refuse-mschap'];

/** PPP frames of a capture as [from, protocol, code] (code = first info octet). */
function pppSummary(pcap: string | undefined): { from: string; protocol: number; info: Buffer }[] {
  if (!pcap) return [];
  const p = readPcap(readFileSync(pcap));
  return p ? pppFramesOf(p).map((f) => ({ from: f.src, protocol: f.ppp.protocol, info: f.ppp.info })) : [];
}

describe('the product against the real Linux client: failure cases', { skip: cap.ok ? false : cap.reason, timeout: 300_000 }, () => {
  let rig: Rig | undefined;

  before(async () => {
    rig = await startRig({ configText: baseConfig(['mschap-v2']), debugs: ['vpdn event', 'vpdn error', 'ppp error', 'ppp negotiation'] });
  });
  after(async () => {
    await stopRig(rig);
  });

  it('wrong password: link down, 603103 authentication failed, the tunnel created and deleted', async () => {
    const r = await dial(rig!, { password: 'not-the-password', pppOptions: [...ONLY_MSCHAPV2, 'nomppe'], pingCount: 0, linkTimeout: 15 });
    const why = explain(r);
    assert.equal(r.client.verdict.link, 'down', why);
    assert.match(r.client.log, /MS-CHAP authentication failed|CHAP authentication failed/, why);
    assert.equal(syslogLines(r.console, 603104).length, 1, why);
    assert.match(syslogLines(r.console, 603104)[0]!, /MPPE_key_strength is None$/);
    // the interface id is the call's worker's (1 in one process, 32768 on the second of two workers)
    const vi = /ppp_virtual_interface_id is (\d+)/.exec(syslogLines(r.console, 603104)[0]!)![1];
    assert.deepEqual(syslogLines(r.console, 603103), [`603103: PPP virtual interface ${vi} - user: ${USER} aaa authentication failed`], why);
    assert.equal(syslogLines(r.console, 603105).length, 1, why);
    // no route for a client address was left in the server namespace
    const st = (await rig!.product.command('show vpdn')).join('\n');
    assert.match(st, /No active PPTP tunnels|Total tunnels=0/, st);
  });

  it('client requires MPPE, server has none: CCP is Protocol-Rejected, no link (Windows 742)', async () => {
    const r = await dial(rig!, { pppOptions: [...ONLY_MSCHAPV2, 'require-mppe-128'], pingCount: 0, linkTimeout: 15, capture: true });
    const why = explain(r);
    assert.equal(r.client.verdict.link, 'down', why);
    assert.match(r.client.log, /MPPE required but peer negotiation failed|Protocol-Reject for 'Compression Control Protocol'/i, why);
    if (r.pcap) {
      const frames = pppSummary(r.pcap);
      const ccpFromClient = frames.filter((f) => f.from === ADDR.vm && f.protocol === 0x80fd && f.info[0] === 1);
      assert.ok(ccpFromClient.length >= 1, 'the client asked for CCP');
      // LCP Protocol-Reject (RFC 1661 5.7): code(1)=8 id(1) length(2) rejected-protocol(2) rejected-information
      const rejects = frames.filter((f) => f.from === ADDR.server && f.protocol === 0xc021 && f.info[0] === 8);
      assert.ok(rejects.length >= 1, 'no LCP Protocol-Reject from the server');
      assert.equal(rejects[0]!.info.readUInt16BE(4), 0x80fd, 'the Protocol-Reject names CCP');
      // and no IP (0x0021) or MPPE (0x00fd) frame ever went either way
      assert.equal(frames.filter((f) => f.protocol === 0x21 || f.protocol === 0xfd).length, 0);
    }
    assert.equal(syslogLines(r.console, 603105).length, 1, why);
  });

  it("server requires MPPE-40, client refuses MPPE: the seed's 'mppe required but not active' lines, no IP traffic", async () => {
    await configure(rig!.product, ['vpdn group 1 ppp encryption mppe 40 required']);
    const r = await dial(rig!, { pppOptions: [...ONLY_MSCHAPV2, 'nomppe'], pingCount: 3, linkTimeout: 15, capture: true });
    const why = explain(r);
    // Seed 003: "PPTP: Call id 8, no session id protocol: 21, reason: mppe required but not active, tunnel terminated"
    const term = r.console.filter((l) => /^PPTP: Call id \d+, no session id protocol: 21, reason: mppe required but not active, tunnel terminated$/.test(l));
    assert.equal(term.length, 1, why);
    const created = syslogLines(r.console, 603104);
    assert.equal(created.length, 1, why);
    assert.match(created[0]!, new RegExp(`username is ${USER}, MPPE_key_strength is None$`));
    assert.equal(syslogLines(r.console, 603105).length, 1, why);
    // The client never got a ping through: the server passes no IP before MPPE.
    assert.notEqual(r.client.verdict.ping, '3/3', why);
    if (r.pcap) {
      const frames = pppSummary(r.pcap);
      assert.equal(frames.filter((f) => f.from === ADDR.server && (f.protocol === 0x21 || f.protocol === 0xfd)).length, 0, 'the server sent IP without MPPE');
    }
  });
});
