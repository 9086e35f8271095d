/**
 * The real-client harness end to end (like the reference run-hostcheck.sh,
 * both phases in one VM boot): the Linux PPTP client in the qemu VM, inside a
 * namespace of this test, dials a tiny fake server on the TAP's host
 * address. The fake server must receive the client's 156-octet SCCRQ and,
 * after answering SCCRP and OCRP, the client's LCP Configure-Request in
 * enhanced GRE through the raw socket of src/proto/gre/linux.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linuxVmAvailable, runLinuxClient, vmTapUp, type LinuxClientResult } from '../../src/lab/rig/linux-vm-client.js';
import { LineReader, createNetns, deleteNetns, uniqueNetnsName, waitExit } from '../../src/lab/rig/netns.js';
import { spawnNodeInNetns } from '../harness/node-child.js';

const cap = linuxVmAvailable();
const SERVER = '10.99.0.1';
const VM = '10.99.0.2';

describe('Linux client VM harness', { skip: cap.ok ? false : cap.reason, timeout: 240_000 }, () => {
  let ns = '';
  let probe: LineReader;
  let result: LinuxClientResult;
  let probeExit: number | null | undefined;

  before(async () => {
    ns = await createNetns(uniqueNetnsName('vm'));
    vmTapUp(ns, SERVER);
    const child = spawnNodeInNetns(ns, 'pptp-probe-child', [SERVER, '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    probe = new LineReader(child.stdout!);
    await probe.waitFor(/^READY$/, 20_000);
    result = await runLinuxClient({
      netns: ns,
      serverIp: SERVER,
      vmIp: VM,
      user: 'testuser',
      password: 'testpass',
      pppOptions: ['refuse-eap', 'noipv6'],
      linkTimeout: 15,
      pingCount: 0,
    });
    probeExit = await waitExit(child, 5000);
  });
  after(async () => {
    if (ns) await deleteNetns(ns);
  });

  it('the VM booted and gave a verdict (link down: the fake server answers no PPP)', () => {
    assert.match(result.log, /PPTPVM: eth0 10\.99\.0\.2\/24 up/, result.log);
    assert.equal(result.verdict.link, 'down', result.log);
    assert.equal(result.exitCode, 1);
  });

  it('a 156-octet SCCRQ arrived on the TAP host address', () => {
    const ctrl = probe.json<{ hex: string }>(/^CTRL /);
    assert.ok(ctrl.length >= 1, probe.lines.join('\n'));
    const sccrq = Buffer.from(ctrl[0].hex, 'hex');
    assert.equal(sccrq.length, 156);
    // length 156, PPTP message type 1, magic cookie, control type 1 (SCCRQ), reserved, version 1.0
    assert.equal(sccrq.subarray(0, 16).toString('hex'), '009c00011a2b3c4d0001000001000000');
    assert.ok(ctrl.some((c) => c.hex.slice(16, 20) === '0007'), 'no Outgoing-Call-Request');
  });

  it("the client's GRE reached the raw socket: key = our call ID, LCP Configure-Request inside", () => {
    assert.equal(probeExit, 0, `probe did not get 2 GRE packets:\n${probe.lines.join('\n')}`);
    const gre = probe.json<{ from: string; to: string; hex: string }>(/^GRE /);
    assert.equal(gre.length, 2);
    for (const g of gre) {
      assert.equal(g.from, VM);
      assert.equal(g.to, SERVER);
      const p = Buffer.from(g.hex, 'hex');
      assert.equal(p.readUInt16BE(0) & 0xff7f, 0x3001, 'flags K+S, version 1');
      assert.equal(p.readUInt16BE(2), 0x880b);
      assert.equal(p.readUInt16BE(6), 0x4242, 'key = the call ID from our OCRP');
      const off = p[1] & 0x80 ? 16 : 12;
      assert.equal(p.readUInt16BE(4), p.length - off, 'payload length');
      assert.equal(p.subarray(off, off + 5).toString('hex'), 'ff03c02101', 'LCP Configure-Request');
    }
  });
});
