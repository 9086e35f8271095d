/**
 * Client profiles against our server over the in-memory link: what the
 * Windows 10 and pppd profiles put on the wire, compared with the Windows
 * 10 capture's client frames (shared/reference/captures, frames 275-311 and
 * 101) and with pppd 2.4.9 as the linuxvm README describes it.
 *
 * The capture's client bytes are written out below so the test runs
 * without the capture; when the capture is beside the repository, the
 * literals are checked against it first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { CP_CODE, PPP_PROTO, decodeCp, decodeFrame, decodeOptions } from '../../../src/proto/ppp/frame.js';
import { LINUX_PPP_PROFILE, WINDOWS10_PPP_PROFILE } from '../../../src/proto/ppp/client-profiles.js';
import { PppSession, type PppUpInfo } from '../../../src/proto/ppp/session.js';
import { MppeDecryptor } from '../../../src/proto/ppp/mppe.js';
import { mppeMasterKeysV2 } from '../../../src/proto/crypto/mschap.js';
import { FakeClock } from '../../../src/util/clock.js';
import { CBCP_CODE, cbcpClientStep } from '../../../src/proto/ppp/cbcp.js';
import { capturePath, pppFramesOf, readPcap } from '../../harness/pcap.js';
import { allDebug, ipPacket, makePair } from './link.js';
import { CiscoPppDebug } from '../../../src/debug/cisco-ppp-session.js';

/** The Windows client's frames in the capture (GRE payloads, frame number -> hex). */
const CAPTURED_CLIENT: Record<number, string> = {
  275: 'ff03c021' + '0100001501040578050675eb25d5070208020d0306',
  284: 'c021' + '0c01001275eb25d54d5352415356352e3230',
  285: 'c021' + '0c02001f75eb25d54d535241532d302d57494e2d325252425553374e394745',
  286: 'c021' + '0c03001875eb25d596157121fdb78f47b5d0be36d2e97e50',
  296: '8057' + '0104000e010afcd3335cf10e5c31',
  297: '80fd' + '0105000a120601000040',
  298: '8021' + '01060022030600000000810600000000820600000000830600000000840600000000',
  304: '80fd' + '0304000a120601000040',
  306: '8021' + '01070010030600000000810600000000',
  101: 'ff03c021' + '05090010162a1f3a003ccd7400000000',
};

const capFile = capturePath('windows10-rras-mschapv2-mppe128.pcap');

test('the Windows literals are the capture\'s client frames', { skip: capFile ? false : 'capture not beside the repository' }, () => {
  const frames = pppFramesOf(readPcap(readFileSync(capFile!))!);
  for (const [n, hex] of Object.entries(CAPTURED_CLIENT)) {
    const f = frames.find((x) => x.frame === Number(n))!;
    assert.equal(f.src, '192.168.43.39', `frame ${n} is the client's`);
    assert.equal(f.gre.payload.toString('hex'), hex, `frame ${n}`);
  }
});

interface Sent {
  ac: boolean;
  protocol: number;
  code: number;
  id: number;
  data: Buffer;
  raw: Buffer;
}

function parse(raw: Buffer): Sent {
  const f = decodeFrame(raw);
  assert.ok(f.ok);
  const cp = f.value.protocol >= 0x8000 ? decodeCp(f.value.payload) : undefined;
  return {
    ac: f.value.addressControl,
    protocol: f.value.protocol,
    code: cp?.ok ? cp.value.code : -1,
    id: cp?.ok ? cp.value.id : -1,
    data: cp?.ok ? Buffer.from(cp.value.data) : Buffer.from(f.value.payload),
    raw,
  };
}

function opts(data: Buffer): { type: number; value: string }[] {
  const d = decodeOptions(data);
  assert.ok(d.ok);
  return d.value.map((o) => ({ type: o.type, value: o.value.toString('hex') }));
}

function capturedCp(n: number): Sent {
  return parse(Buffer.from(CAPTURED_CLIENT[n], 'hex'));
}

/** An LCP packet from the server, its Length computed. */
function lcpFrame(code: number, id: number, optionsHex: string): Buffer {
  const data = Buffer.from(optionsHex, 'hex');
  const head = Buffer.from([0xc0, 0x21, code, id, 0, 0]);
  head.writeUInt16BE(4 + data.length, 4);
  return Buffer.concat([head, data]);
}

const ORIGINATED = new Set<number>([CP_CODE.ConfReq, CP_CODE.TermReq, CP_CODE.CodeRej, CP_CODE.ProtRej, CP_CODE.EchoReq, CP_CODE.DiscardReq, CP_CODE.Identification, CP_CODE.ResetReq]);

test('Windows 10 profile against our server: the capture\'s frames, up with MPPE-128 stateless, ping, Terminate with 12 octets', async () => {
  const p = makePair({
    users: { vpnuser: 'vpnuser123' },
    username: 'vpnuser',
    password: 'vpnuser123',
    pool: ['192.168.43.111'],
    server: { authProtocols: ['mschap-v2'], dns: ['192.168.43.110'], wins: [], localAddress: '192.168.43.104', mppe: { strength: 'auto', required: true, stateful: false } },
    client: { authProtocols: [], mppe: { strength: 'auto', required: true, stateful: false } },
    clientExtra: { clientProfile: WINDOWS10_PPP_PROFILE, random32: () => 0x75eb25d5 },
  });
  p.client.start();
  p.server.start();
  await p.run();
  assert.deepEqual(p.events.clientUp?.mppe, { bits: 128, stateless: true });
  assert.deepEqual(p.events.serverUp?.mppe, { bits: 128, stateless: true });
  assert.equal(p.events.clientUp?.clientAddress, '192.168.43.111');
  assert.deepEqual(p.events.clientUp?.dns, ['192.168.43.110']);

  const sent = p.log.filter((x) => x.to === 'server').map((x) => parse(x.frame));
  const lcp = sent.filter((s) => s.protocol === PPP_PROTO.LCP);

  // LCP Configure-Request: the capture's bytes (frame 275), identifier 0, FF 03.
  const cap275 = capturedCp(275);
  assert.ok(lcp[0].raw.equals(cap275.raw), `first LCP request ${lcp[0].raw.toString('hex')}`);
  // Our server rejects Callback: the next request drops option 13 and keeps the rest.
  const req2 = lcp.find((s) => s.code === CP_CODE.ConfReq && s.id !== 0)!;
  assert.deepEqual(opts(req2.data), opts(cap275.data).filter((o) => o.type !== 13));
  assert.ok(req2.ac, 'Configure-Request keeps FF 03');
  // The Ack of our server's request (MS-CHAPv2) keeps FF 03 too.
  const ack = lcp.find((s) => s.code === CP_CODE.ConfAck)!;
  assert.ok(ack.ac);
  assert.deepEqual(opts(ack.data).find((o) => o.type === 3), { type: 3, value: 'c22381' });

  // Three Identification packets right after LCP opens, without FF 03,
  // the capture's messages (frames 284-286) after our magic number.
  const idents = lcp.filter((s) => s.code === CP_CODE.Identification);
  assert.equal(idents.length, 3);
  const openIndex = sent.indexOf(idents[0]);
  assert.deepEqual(sent.slice(openIndex, openIndex + 3), idents, 'back to back');
  assert.ok(sent.slice(0, openIndex).every((s) => s.protocol === PPP_PROTO.LCP && s.code <= CP_CODE.ConfRej), 'first thing after LCP negotiation');
  for (const [i, n] of [284, 285, 286].entries()) {
    const c = capturedCp(n);
    assert.equal(idents[i].ac, false, `identification ${i} without FF 03`);
    assert.ok(idents[i].raw.subarray(0, 2).equals(Buffer.from('c021', 'hex')));
    assert.ok(idents[i].data.equals(c.data), `identification ${i} = frame ${n}`);
  }

  // After the CHAP Response: IPv6CP, CCP and IPCP Configure-Requests back to back.
  const chapIdx = sent.findIndex((s) => s.protocol === PPP_PROTO.CHAP);
  assert.ok(chapIdx > 0);
  assert.equal(sent[chapIdx].ac, false);
  const [v6, ccp, ipcp] = sent.slice(chapIdx + 1, chapIdx + 4);
  assert.deepEqual([v6.protocol, ccp.protocol, ipcp.protocol].map((x) => x.toString(16)), ['8057', '80fd', '8021']);
  assert.ok([v6, ccp, ipcp].every((s) => s.code === CP_CODE.ConfReq && !s.ac));
  const cap296 = capturedCp(296);
  assert.deepEqual(opts(v6.data).map((o) => [o.type, o.value.length]), opts(cap296.data).map((o) => [o.type, o.value.length]));
  assert.ok(ccp.data.equals(capturedCp(297).data), 'CCP 0x01000040 as frame 297');
  assert.ok(ipcp.data.equals(capturedCp(298).data), 'IPCP 0.0.0.0 + DNS/NBNS as frame 298');
  // The server's CCP request (auto: 0x010000e0) is Nak'ed down to 0x01000040, as frame 304 does RRAS's.
  const ccpNak = sent.find((s) => s.protocol === PPP_PROTO.CCP && s.code === CP_CODE.ConfNak)!;
  assert.ok(ccpNak.data.equals(capturedCp(304).data));
  // Our server rejects NBNS and the second DNS: the next request is frame 306's.
  const ipcpReqs = sent.filter((s) => s.protocol === PPP_PROTO.IPCP && s.code === CP_CODE.ConfReq);
  assert.equal(ipcpReqs.length, 3);
  assert.ok(ipcpReqs[1].data.equals(capturedCp(306).data), 'IPCP after the Reject as frame 306');
  assert.deepEqual(opts(ipcpReqs[2].data), [
    { type: 3, value: 'c0a82b6f' },
    { type: 129, value: 'c0a82b6e' },
  ]);
  // IPv6CP was Protocol-Rejected and given up.
  assert.equal(p.client.status().ipv6cp, 'stopped');

  // One identifier counter across LCP, Identification, IPv6CP, CCP, IPCP: 0, 1, 2, ...
  const originated = sent.filter((s) => s.code >= 0 && ORIGINATED.has(s.code) && s.protocol !== PPP_PROTO.CHAP);
  assert.deepEqual(originated.map((s) => s.id), originated.map((_, i) => i));
  // After LCP opened nothing but LCP Configure/Terminate/Code-Reject carries FF 03.
  for (const s of sent.slice(openIndex)) {
    assert.equal(s.ac, s.protocol === PPP_PROTO.LCP && s.code <= CP_CODE.CodeRej, `frame ${s.raw.toString('hex')}`);
  }

  // Data: one-octet protocol 0xFD, A+D, coherency count 0 (capture: fd 90 00 ...).
  p.log.length = 0;
  const up = ipPacket('192.168.43.111', '192.168.43.104');
  assert.ok(p.client.sendIp(up));
  await p.run();
  assert.deepEqual(p.events.serverIp, [up]);
  assert.equal(p.log[0].frame.subarray(0, 3).toString('hex'), 'fd9000');
  const down = ipPacket('192.168.43.104', '192.168.43.111');
  assert.ok(p.server.sendIp(down));
  await p.run();
  assert.deepEqual(p.events.clientIp, [down]);

  // Teardown: Terminate-Request with FF 03 and 12 data octets (frame 101): magic, uptime, zeros.
  p.log.length = 0;
  p.clock.advance(2500);
  p.client.close('user request');
  const term = parse(p.log[0].frame);
  const cap101 = parse(Buffer.from(CAPTURED_CLIENT[101], 'hex'));
  assert.equal(term.code, CP_CODE.TermReq);
  assert.equal(term.ac, cap101.ac);
  assert.equal(term.data.length, cap101.data.length);
  assert.equal(term.data.readUInt32BE(0), 0x75eb25d5, 'our magic number');
  assert.equal(term.data.readUInt32BE(4), 2500, 'milliseconds since LCP opened');
  assert.ok(term.data.subarray(8).equals(Buffer.alloc(4)));
  await p.run();
  p.clock.advance(40_000);
  await p.run();
  assert.equal(p.events.clientDown, 'user request');
  assert.ok(p.events.serverDown);
  assert.equal(p.clock.pending(), 0);
});

test('Windows 10 profile: Naks EAP and CHAP-MD5 with MS-CHAPv2, rejects multilink, and a server Nak of MPPE down to 40-bit is taken when allowed', async () => {
  const p = makePair({
    client: { authProtocols: [], mppe: { strength: 'auto', required: true, stateful: false } },
    clientExtra: { clientProfile: WINDOWS10_PPP_PROFILE },
  });
  p.client.start();
  p.log.length = 0;
  // A server request like RRAS's frame 276 but asking EAP: MRU, EAP, Magic, PFC, ACFC, MRRU, Endpoint Discriminator.
  p.client.input(lcpFrame(1, 0, '01040578' + '0304c227' + '050670ed20e6' + '07020802' + '1104064e' + '131701f3198e8764b2429f8d09ef637b516ea700000000'));
  const rej = parse(p.log.at(-1)!.frame);
  assert.equal(rej.code, CP_CODE.ConfRej);
  assert.deepEqual(opts(rej.data).map((o) => o.type), [17, 19], 'multilink rejected as frame 278 does');
  // Without the multilink options: EAP Nak'ed with MS-CHAPv2 (frame 281: 03 05 c2 23 81).
  p.client.input(lcpFrame(1, 1, '01040578' + '0304c227' + '050670ed20e6' + '07020802'));
  const nak = parse(p.log.at(-1)!.frame);
  assert.equal(nak.code, CP_CODE.ConfNak);
  assert.equal(nak.data.toString('hex'), '0305c22381');
  // CHAP-MD5 and MS-CHAPv1 as well.
  for (const alg of ['05', '80']) {
    p.client.input(lcpFrame(1, 2, '0305c223' + alg + '050670ed20e6'));
    assert.equal(parse(p.log.at(-1)!.frame).data.toString('hex'), '0305c22381');
  }
  p.client.abort('done');

  // MPPE: a server that only allows 40-bit Naks the client's 0x01000040; with auto the client takes it.
  const q = makePair({
    server: { authProtocols: ['mschap-v2'], mppe: { strength: 40, required: true, stateful: false } },
    client: { authProtocols: [], mppe: { strength: 'auto', required: true, stateful: false } },
    clientExtra: { clientProfile: WINDOWS10_PPP_PROFILE },
  });
  q.client.start();
  q.server.start();
  await q.run();
  const ccpReqs = q.log.filter((x) => x.to === 'server').map((x) => parse(x.frame)).filter((s) => s.protocol === PPP_PROTO.CCP && s.code === CP_CODE.ConfReq);
  assert.deepEqual(ccpReqs.map((s) => s.data.toString('hex')), ['120601000040', '120601000020']);
  assert.deepEqual(q.events.clientUp?.mppe, { bits: 40, stateless: true });
  // The Windows default (128 only) cannot go down: MPPE required fails the link.
  const r = makePair({
    server: { authProtocols: ['mschap-v2'], mppe: { strength: 40, required: true, stateful: false } },
    client: { authProtocols: [], mppe: { strength: 128, required: true, stateful: false } },
    clientExtra: { clientProfile: WINDOWS10_PPP_PROFILE },
  });
  r.client.start();
  r.server.start();
  await r.run();
  r.clock.advance(60_000);
  await r.run();
  assert.equal(r.events.clientUp, undefined);
  assert.ok(r.events.clientDown);
});

test('Linux (pppd 2.4.9) profile against our server: asyncmap, per-protocol ids, CCP first, Terminate-Ack to an early IPCP, VJ dropped, IPV6CP rejected', async () => {
  const mppe = { strength: 128, required: true, stateful: false } as const;
  const p = makePair({
    server: { authProtocols: ['mschap-v2'], mppe },
    client: { authProtocols: [], mppe },
    clientExtra: { clientProfile: LINUX_PPP_PROFILE },
  });
  p.client.start();
  p.server.start();
  await p.run();
  // The server's early IPCP request met a Closed IPCP (Terminate-Ack); the
  // server asks again as soon as CCP opens, not at its 3 s restart timer.
  const clientUp = p.events.clientUp as PppUpInfo | undefined;
  assert.deepEqual(clientUp?.mppe, { bits: 128, stateless: true });
  assert.deepEqual(p.events.serverUp?.mppe, { bits: 128, stateless: true });
  assert.equal(clientUp?.clientAddress, '172.16.1.1');

  const sent = p.log.filter((x) => x.to === 'server').map((x) => parse(x.frame));
  const first = sent[0];
  // sent [LCP ConfReq id=0x1 <asyncmap 0x0> <magic 0x...> <pcomp> <accomp>]
  assert.equal(first.protocol, PPP_PROTO.LCP);
  assert.equal(first.id, 1);
  assert.deepEqual(opts(first.data).map((o) => o.type), [2, 5, 7, 8]);
  assert.equal(opts(first.data)[0].value, '00000000');
  for (const s of sent.filter((x) => x.protocol === PPP_PROTO.LCP)) assert.ok(s.ac, 'every LCP packet with FF 03');
  assert.ok(sent.filter((x) => x.protocol !== PPP_PROTO.LCP).every((s) => !s.ac), 'ACFC on everything else');
  assert.equal(sent.filter((s) => s.protocol === PPP_PROTO.LCP && s.code === CP_CODE.Identification).length, 0);

  assert.ok(
    sent.some((s) => s.protocol === PPP_PROTO.IPCP && s.code === CP_CODE.TermAck),
    'pppd answered the early IPCP request with Terminate-Ack',
  );
  assert.ok(p.clock.now() < 3000, `up before the 3 s restart timer (at ${p.clock.now()} ms)`);
  const ncp = sent.filter((s) => s.protocol === PPP_PROTO.IPCP || s.protocol === PPP_PROTO.CCP || s.protocol === PPP_PROTO.IPV6CP);
  // CCP <mppe +H -M +S -L -D -C> goes first, alone.
  assert.equal(ncp[0].protocol, PPP_PROTO.CCP);
  assert.equal(ncp[0].code, CP_CODE.ConfReq);
  assert.equal(ncp[0].id, 1);
  assert.equal(ncp[0].data.toString('hex'), '120601000040');
  const termAck = ncp.find((s) => s.protocol === PPP_PROTO.IPCP && s.code === CP_CODE.TermAck);
  assert.ok(termAck, 'Terminate-Ack to the server\'s early IPCP request');
  const firstIpcpReq = ncp.findIndex((s) => s.protocol === PPP_PROTO.IPCP && s.code === CP_CODE.ConfReq);
  assert.ok(ncp.indexOf(termAck) < firstIpcpReq);
  const ccpOpenAt = ncp.findIndex((s) => s.protocol === PPP_PROTO.CCP && s.code === CP_CODE.ConfAck);
  assert.ok(ccpOpenAt < firstIpcpReq, 'IPCP starts once CCP has agreed');
  // <compress VJ 0f 01> <addr 0.0.0.0>; VJ rejected by us -> <addr 0.0.0.0>; Nak -> the pool address. Ids 1, 2, 3
  // (the last one is also retransmitted once: the client waited 3 s for the server's request too).
  const ipcpReqs = ncp
    .filter((s) => s.protocol === PPP_PROTO.IPCP && s.code === CP_CODE.ConfReq)
    .filter((s, i, all) => i === 0 || !(all[i - 1].id === s.id && all[i - 1].data.equals(s.data)));
  assert.deepEqual(ipcpReqs.map((s) => opts(s.data)), [
    [{ type: 2, value: '002d0f01' }, { type: 3, value: '00000000' }],
    [{ type: 3, value: '00000000' }],
    [{ type: 3, value: 'ac100101' }],
  ]);
  assert.deepEqual(ipcpReqs.map((s) => s.id), [1, 2, 3]);
  // IPV6CP ConfReq id 1 <addr fe80::...>, Protocol-Rejected by our server and given up.
  const v6 = ncp.filter((s) => s.protocol === PPP_PROTO.IPV6CP);
  assert.equal(v6.length, 1);
  assert.equal(v6[0].id, 1);
  assert.deepEqual(opts(v6[0].data).map((o) => [o.type, o.value.length]), [[1, 16]]);
  assert.equal(p.client.status().ipv6cp, 'stopped');
  const pr = p.log.filter((x) => x.to === 'client').map((x) => parse(x.frame)).find((s) => s.code === CP_CODE.ProtRej);
  assert.equal(pr?.data.readUInt16BE(0), PPP_PROTO.IPV6CP);

  const pkt = ipPacket('172.16.1.1', '10.1.1.1');
  assert.ok(p.client.sendIp(pkt));
  await p.run();
  assert.deepEqual(p.events.serverIp, [pkt]);
  p.client.close('SIGTERM');
  const term = parse(p.log.at(-1)!.frame);
  assert.equal(term.code, CP_CODE.TermReq);
  assert.equal(term.data.length, 0, 'pppd sends no Terminate data');
  await p.run();
  p.clock.advance(40_000);
  await p.run();
  assert.equal(p.clock.pending(), 0);
});

test('Linux profile without MPPE required: IPCP, CCP and IPV6CP start together, no Terminate-Ack detour', async () => {
  const p = makePair({
    server: { authProtocols: ['chap'] },
    client: { authProtocols: [] },
    clientExtra: { clientProfile: LINUX_PPP_PROFILE },
  });
  p.client.start();
  p.server.start();
  await p.run();
  assert.ok(p.events.clientUp, 'up without any timer');
  assert.equal(p.events.clientUp.authProtocol, 'chap');
  const sent = p.log.filter((x) => x.to === 'server').map((x) => parse(x.frame));
  assert.equal(sent.filter((s) => s.protocol === PPP_PROTO.IPCP && s.code === CP_CODE.TermAck).length, 0);
});

test('Windows 10 profile replays the capture: every client frame of the RRAS call byte for byte, then all MPPE traffic both ways', { skip: capFile ? false : 'capture not beside the repository' }, async () => {
  const frames = pppFramesOf(readPcap(readFileSync(capFile!))!).filter((f) => f.frame >= 270);
  const CLIENT = '192.168.43.39';
  const payload = (n: number) => Buffer.from(frames.find((f) => f.frame === n)!.gre.payload);
  // The random values the captured client drew: its magic, MS-CHAPv2 peer challenge, IPv6 interface id.
  const peerChallenge = payload(291).subarray(7, 23);
  const ifaceId = payload(296).subarray(8, 16);
  const clock = new FakeClock();
  const dbg = allDebug(() => clock.now());
  const out: Buffer[] = [];
  const ip: Buffer[] = [];
  let up: PppUpInfo | undefined;
  const c = new PppSession({
    role: 'client',
    pppIfId: 1,
    send: (f) => out.push(Buffer.from(f)),
    clock,
    debug: new CiscoPppDebug(dbg.bus),
    ifName: 'client',
    group: { authProtocols: [], mppe: { strength: 128, required: true, stateful: false }, dns: [], wins: [] },
    credentials: { username: 'vpnuser', password: 'vpnuser123' },
    clientProfile: WINDOWS10_PPP_PROFILE,
    random32: () => 0x75eb25d5,
    random: (n) => Buffer.from(n === 16 ? peerChallenge : n === 8 ? ifaceId : Buffer.alloc(n, 0x5a)),
    onUp: (i) => (up = i),
    onDown: () => {},
    onIpPacket: (p) => ip.push(Buffer.from(p)),
  });
  c.start();
  const control = frames.filter((f) => f.frame <= 311);
  for (const f of control) {
    if (f.src !== CLIENT) {
      c.input(Buffer.from(f.gre.payload));
      await new Promise((r) => setImmediate(r));
    }
  }
  const expected = control.filter((f) => f.src === CLIENT).map((f) => `${f.frame}: ${f.gre.payload.toString('hex')}`);
  const ours = out.map((b, i) => `${expected[i]?.split(':')[0] ?? '?'}: ${b.toString('hex')}`);
  assert.deepEqual(ours, expected);
  assert.ok(dbg.texts().includes('Vi1 CBCP: O CALLBACK-RESPONSE id 1 len 6'));
  assert.equal(up?.clientAddress, '192.168.43.111');
  assert.equal(up?.serverAddress, '192.168.43.108');
  assert.deepEqual(up?.dns, ['192.168.43.110']);
  assert.deepEqual(up?.mppe, { bits: 128, stateless: true });
  assert.equal(c.status().ipv6cp, 'stopped', 'IPv6CP given up after frame 301');

  // Server -> client MPPE: every frame decrypts to an IPv4 packet through the session.
  const data = frames.filter((f) => f.frame > 311 && f.ppp.protocol === PPP_PROTO.MPPE);
  const down = data.filter((f) => f.src !== CLIENT);
  for (const f of down) c.input(Buffer.from(f.gre.payload));
  assert.equal(down.length, 184);
  assert.equal(ip.length, 184);
  assert.ok(ip.every((p) => p[0] >> 4 === 4));
  assert.deepEqual(c.status().errors, {});
  // Client -> server MPPE: our encryption of the same plaintexts is the capture's bytes.
  const nt = payload(291).subarray(31, 55);
  const keys = mppeMasterKeysV2('vpnuser123', nt, 'server');
  const rx = new MppeDecryptor({ masterKey: keys.recv, bits: 128, stateless: true });
  const upFrames = data.filter((f) => f.src === CLIENT);
  assert.equal(upFrames.length, 505);
  out.length = 0;
  for (const f of upFrames) {
    const r = rx.decrypt(Buffer.from(f.ppp.info));
    assert.ok(r.ok && r.payload.readUInt16BE(0) === 0x0021, `frame ${f.frame}`);
    assert.ok(c.sendIp(Buffer.from(r.payload.subarray(2))));
  }
  assert.equal(out.length, 505);
  for (const [i, f] of upFrames.entries()) assert.ok(out[i].equals(f.gre.payload), `frame ${f.frame}`);
  c.abort('done');
  assert.equal(clock.pending(), 0);
});

test('CBCP client step: Request -> "no callback" Response with its id, Ack of that id -> done, the rest ignored', () => {
  const r = cbcpClientStep(CBCP_CODE.Request, 1, Buffer.from('0102', 'hex'), undefined);
  assert.deepEqual(r.action === 'respond' && [r.packet.toString('hex'), r.offeredNoCallback], ['020100060102', true]);
  // a server that only offers callback to a number it has: still "no callback" (we never call back)
  const r2 = cbcpClientStep(CBCP_CODE.Request, 7, Buffer.from('030300', 'hex'), undefined);
  assert.deepEqual(r2.action === 'respond' && [r2.packet.toString('hex'), r2.offeredNoCallback], ['020700060102', false]);
  assert.equal(cbcpClientStep(CBCP_CODE.Request, 1, Buffer.from('01', 'hex'), undefined).action, 'ignore');
  assert.equal(cbcpClientStep(CBCP_CODE.Ack, 1, Buffer.from('0102', 'hex'), 1).action, 'done');
  assert.equal(cbcpClientStep(CBCP_CODE.Ack, 2, Buffer.from('0102', 'hex'), 1).action, 'ignore');
  assert.equal(cbcpClientStep(CBCP_CODE.Ack, 1, Buffer.alloc(0), undefined).action, 'ignore');
  assert.equal(cbcpClientStep(CBCP_CODE.Response, 1, Buffer.alloc(0), 1).action, 'ignore');
});

test('Windows profile: a server that Acks Callback but never runs CBCP ends the link after the auth timeout', { skip: capFile ? false : 'capture not beside the repository' }, async () => {
  // RRAS's side up to CHAP Success (capture frames 276-292), then silence.
  const frames = pppFramesOf(readPcap(readFileSync(capFile!))!).filter((f) => f.frame >= 276 && f.frame <= 292 && f.src !== '192.168.43.39');
  const clock = new FakeClock();
  const dbg = allDebug(() => clock.now());
  const peerChallenge = Buffer.from('789223b02a0cc515404bca2c696edcff', 'hex');
  let down: string | undefined;
  const c = new PppSession({
    role: 'client',
    pppIfId: 1,
    send: () => {},
    clock,
    debug: new CiscoPppDebug(dbg.bus),
    ifName: 'client',
    group: { authProtocols: [], mppe: { strength: 128, required: true, stateful: false }, dns: [], wins: [] },
    credentials: { username: 'vpnuser', password: 'vpnuser123' },
    clientProfile: WINDOWS10_PPP_PROFILE,
    random32: () => 0x75eb25d5,
    random: (n) => (n === 16 ? peerChallenge : Buffer.alloc(n, 1)),
    authTimeoutMs: 10_000,
    onUp: () => assert.fail('no network phase without CBCP'),
    onDown: (r) => (down = r),
    onIpPacket: () => {},
  });
  c.start();
  for (const f of frames) {
    c.input(Buffer.from(f.gre.payload));
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(c.status().phase, 'authenticate', 'waiting for CBCP');
  // An IPCP request from the server meanwhile is not for us yet.
  c.input(Buffer.from('80210105000a0306c0a82b6c', 'hex'));
  assert.equal(c.status().ipcp, 'initial');
  clock.advance(10_000);
  clock.advance(10_000);
  assert.equal(down, 'callback negotiation timeout');
  assert.equal(clock.pending(), 0);
});
