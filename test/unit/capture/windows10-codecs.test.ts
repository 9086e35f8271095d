/**
 * Codecs against reality (issue 12, item 1): every PPTP control message,
 * GRE header and PPP packet of the real Windows 10 -> RRAS capture
 * (shared/reference/captures), in both directions, through the product's
 * own decoders. Each must decode without error, re-encode to the captured
 * bytes where our encoder is canonical, and print through the debug
 * printers. The per-protocol counts are asserted, so the test fails as soon
 * as a decoder starts rejecting (or silently skipping) a real packet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { capturePath, ipv4PacketsOf, readPcap, tcpStreams, type CapturedIpv4, type Pcap, type TcpStream } from '../../harness/pcap.js';
import { PptpFramer } from '../../../src/proto/pptp/framer.js';
import {
  CISCO_MESSAGE_NAMES,
  decodeControlMessage,
  encodeControlMessage,
  type ControlMessage,
} from '../../../src/proto/pptp/wire.js';
import { ocrqParameterLines, pptpPrefix, sccrqParameterLines } from '../../../src/debug/cisco-pptp.js';
import { decodeGre, encodeGre, type GrePacket } from '../../../src/proto/gre/wire.js';
import {
  CP_CODE,
  PPP_PROTO,
  decodeCp,
  decodeFrame,
  decodeOptions,
  encodeCp,
  encodeFrame,
  encodeOptions,
  pppProtocolName,
  type CpPacket,
  type PppFrame,
} from '../../../src/proto/ppp/frame.js';
import {
  authLabel,
  authPacketLine,
  cpPacketLines,
  describeOption,
  ioEncrLine,
  ioRcvdLines,
} from '../../../src/debug/cisco-ppp.js';
import { decodeMppeOption, describeMppeValue, encodeMppeOption } from '../../../src/proto/ppp/ccp-mppe.js';
import {
  MPPE_BIT_A_FLUSHED,
  MPPE_BIT_B,
  MPPE_BIT_C_COMPRESSED,
  MPPE_BIT_D_ENCRYPTED,
  MPPE_CCOUNT_MASK,
  MppeDecryptor,
} from '../../../src/proto/ppp/mppe.js';
import { mppeMasterKeysV2 } from '../../../src/proto/crypto/mschap.js';

const CAPTURE = 'windows10-rras-mschapv2-mppe128.pcap';
const CLIENT = '192.168.43.39';
const PASSWORD = 'vpnuser123';
/** Frames 1-127 are the tail of an earlier call; the whole second call starts at 270. */
const SECOND_CALL = 270;

const path = capturePath(CAPTURE);
const pcap: Pcap | undefined = path ? readPcap(readFileSync(path)) : undefined;
const skip = pcap ? false : 'shared/reference/captures not beside the repository';

type Dir = 'client' | 'server';
const dirOf = (src: string): Dir => (src === CLIENT ? 'client' : 'server');
type Tally = Record<string, number>;
const bump = (t: Tally, k: string) => (t[k] = (t[k] ?? 0) + 1);

// ---- PPTP control --------------------------------------------------------

function controlStreams(): TcpStream[] {
  return tcpStreams(pcap!, 1723);
}

/** Push `chunks` through a fresh framer; the messages it emits (copied). */
function frame(chunks: Buffer[]): { messages: Buffer[]; error: unknown } {
  const messages: Buffer[] = [];
  const framer = new PptpFramer((m) => messages.push(Buffer.from(m)));
  let error: unknown = null;
  for (const c of chunks) {
    const e = framer.push(c);
    if (e) {
      error = e;
      break;
    }
  }
  assert.equal(framer.buffered, 0, 'no octets left waiting at the end of a stream');
  return { messages, error };
}

/** Deterministic chunk sizes 1..max from a small LCG (seeded). */
function chunked(bytes: Buffer, seed: number, max: number): Buffer[] {
  const out: Buffer[] = [];
  let s = seed >>> 0;
  for (let off = 0; off < bytes.length; ) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const n = 1 + (s % max);
    out.push(bytes.subarray(off, off + n));
    off += n;
  }
  return out;
}

test('capture PPTP: the four TCP 1723 streams reassemble completely', { skip }, () => {
  const streams = controlStreams();
  assert.equal(streams.length, 4, 'two connections, two directions each');
  for (const s of streams) {
    assert.equal(s.gaps, 0, `${s.src}:${s.srcPort} has no hole`);
    assert.ok(s.segments.length > 0, 'data segments');
  }
  const octets = Object.fromEntries(streams.map((s) => [`${dirOf(s.src)} ${s.srcPort === 1723 ? s.dstPort : s.srcPort}`, s.bytes.length]));
  assert.deepEqual(octets, {
    'client 52126': 24 + 16 + 16,
    'server 52126': 24 + 148 + 16,
    'client 52266': 156 + 168 + 24 + 24,
    'server 52266': 156 + 32 + 24,
  });
});

test('capture PPTP: every control message frames at any chunking, decodes, and re-encodes byte-exact', { skip }, () => {
  const types: Record<Dir, string[]> = { client: [], server: [] };
  const decoded: Record<Dir, ControlMessage[]> = { client: [], server: [] };
  for (const s of controlStreams()) {
    const dir = dirOf(s.src);
    // whole TCP segments, as the socket delivers them
    const whole = frame(s.segments.map((g) => g.data));
    assert.equal(whole.error, null, `${dir} ${s.srcPort}: no framing error`);
    assert.deepEqual(Buffer.concat(whole.messages), s.bytes, 'the messages are the whole stream');
    // every segment of this capture carries whole messages: the framer emits one per segment
    assert.equal(whole.messages.length, s.segments.length);
    // byte by byte, and seeded random chunkings: the same messages
    const single = frame([...s.bytes].map((b) => Buffer.from([b])));
    assert.equal(single.error, null);
    assert.deepEqual(single.messages, whole.messages, `${dir} ${s.srcPort}: byte by byte`);
    for (const seed of [1, 2, 3, 17, 1723]) {
      const r = frame(chunked(s.bytes, seed, 40));
      assert.equal(r.error, null);
      assert.deepEqual(r.messages, whole.messages, `${dir} ${s.srcPort}: chunking seed ${seed}`);
    }
    // one buffer holding the whole stream
    assert.deepEqual(frame([s.bytes]).messages, whole.messages);

    for (const m of whole.messages) {
      const d = decodeControlMessage(m);
      assert.ok(d.ok, `${dir}: ${m.subarray(0, 12).toString('hex')} decodes: ${d.ok ? '' : d.error.code}`);
      // Every captured message re-encodes exactly: our encoder writes
      // reserved fields as zero and fixed strings NUL-padded, and Windows
      // and RRAS do the same (no garbage after a string's NUL). The OCRQ
      // Subaddress is carried as raw octets, so its binary GUID survives.
      assert.deepEqual(encodeControlMessage(d.msg), m, `${d.msg.type} from the ${dir} re-encodes byte-exact`);
      types[dir].push(d.msg.type);
      decoded[dir].push(d.msg);
    }
  }
  assert.deepEqual(types.client.sort(), ['CCRQ', 'OCRQ', 'SCCRQ', 'SLI', 'SLI', 'SLI', 'StopCCRQ']);
  assert.deepEqual(types.server.sort(), ['CDN', 'OCRP', 'SCCRP', 'SLI', 'SLI', 'StopCCRP']);

  // What the README says Windows sends, read through our decoder.
  const sccrq = decoded.client.find((m) => m.type === 'SCCRQ');
  assert.ok(sccrq?.type === 'SCCRQ', 'an SCCRQ');
  assert.equal(sccrq.protocolVersion, 0x0100);
  assert.equal(sccrq.vendorString, 'Microsoft');
  assert.equal(sccrq.hostName, '');
  assert.equal(sccrq.framingCapabilities, 1);
  assert.equal(sccrq.bearerCapabilities, 1);
  const ocrq = decoded.client.find((m) => m.type === 'OCRQ');
  assert.ok(ocrq?.type === 'OCRQ', 'an OCRQ');
  assert.equal(ocrq.packetRecvWindowSize, 64);
  assert.equal(ocrq.subaddress.length, 64);
  assert.ok(ocrq.subaddress.subarray(0, 16).some((b) => b !== 0), 'a 16-octet binary GUID');
  assert.ok(ocrq.subaddress.subarray(16).every((b) => b === 0), 'zero after the GUID');
  const ocrp = decoded.server.find((m) => m.type === 'OCRP');
  assert.ok(ocrp?.type === 'OCRP', 'an OCRP');
  assert.equal(ocrp.peerCallId, ocrq.callId);
  // Set-Link-Info both ways, each addressed to the other end's call id
  for (const m of decoded.client) if (m.type === 'SLI') assert.ok([ocrp.callId, 15159].includes(m.peerCallId), `SLI to ${m.peerCallId}`);
  for (const m of decoded.server) if (m.type === 'SLI') assert.ok([ocrq.callId, 64688].includes(m.peerCallId), `SLI to ${m.peerCallId}`);
  const ccrq = decoded.client.find((m) => m.type === 'CCRQ');
  const cdn = decoded.server.find((m) => m.type === 'CDN');
  assert.ok(ccrq?.type === 'CCRQ' && cdn?.type === 'CDN', 'a CCRQ and a CDN');
  assert.equal(cdn.callId, 15159, 'the earlier call: CDN names the client\'s call id');
  assert.equal(ccrq.callId, 64688, 'CCRQ names the client\'s own call id');

  // debug vpdn printers: a line for each, the parameter lines for SCCRQ/SCCRP/OCRQ
  for (const m of [...decoded.client, ...decoded.server]) {
    const head = `${pptpPrefix(42, 'callId' in m ? m.callId : undefined)} CC I ${CISCO_MESSAGE_NAMES[m.type]}`;
    assert.match(head, /^Tnl(\/Cl)? 42(\/\d+)? PPTP: CC I [A-Za-z]+$/);
    if (m.type === 'SCCRQ' || m.type === 'SCCRP') {
      const lines = sccrqParameterLines(m);
      assert.equal(lines.length, 7);
      assert.equal(lines[6], 'vendor "Microsoft"');
      assert.equal(lines[5], 'hostname ""');
    }
    if (m.type === 'OCRQ') {
      const lines = ocrqParameterLines(m);
      assert.ok(lines.includes('rcv win size 64'), lines.join('|'));
      assert.ok(lines.includes(`call id 0x${m.callId.toString(16)}`), lines.join('|'));
    }
  }
});

// ---- GRE -----------------------------------------------------------------

interface CapturedGre {
  frame: number;
  dir: Dir;
  wire: Buffer;
  packet: GrePacket;
}

function greOf(): CapturedGre[] {
  const out: CapturedGre[] = [];
  for (const { frame: n, ip } of ipv4PacketsOf(pcap!, 47) as CapturedIpv4[]) {
    const r = decodeGre(ip.payload);
    assert.ok(r.ok, `frame ${n}: GRE ${ip.payload.subarray(0, 16).toString('hex')} decodes: ${r.ok ? '' : r.error.code}`);
    out.push({ frame: n, dir: dirOf(ip.src), wire: ip.payload, packet: r.packet });
  }
  return out;
}

test('capture GRE: every header decodes and re-encodes byte-exact; flags, seq and ack as captured', { skip }, () => {
  const all = greOf();
  const flags: Record<Dir, Tally> = { client: {}, server: {} };
  for (const g of all) {
    bump(flags[g.dir], '0x' + g.wire.readUInt16BE(0).toString(16));
    const p = g.packet;
    assert.equal(p.length, g.wire.length);
    assert.equal(p.headerLength + p.payload.length, g.wire.length, `frame ${g.frame}: no trailing octets`);
    const re = encodeGre({ callId: p.callId, seq: p.seq, ack: p.ack }, p.payload);
    assert.deepEqual(re, g.wire, `frame ${g.frame}: re-encodes byte-exact`);
    if (p.seq === undefined) assert.equal(p.payload.length, 0, 'no S bit: ack-only');
  }
  assert.deepEqual(flags.client, { '0x3001': 410, '0x3081': 119, '0x2081': 7 });
  assert.deepEqual(flags.server, { '0x3001': 126, '0x3081': 77, '0x2081': 194 });

  // The second call: sequence numbers start at 0 and run without a gap;
  // the keys are the call ids of the OCRQ (40265) and OCRP (29546).
  const seqs = (dir: Dir) => all.filter((g) => g.frame >= SECOND_CALL && g.dir === dir && g.packet.seq !== undefined).map((g) => g.packet.seq!);
  for (const [dir, n] of [['client', 522], ['server', 200]] as const) {
    const s = seqs(dir);
    assert.equal(s.length, n, `${dir}: data packets of the second call`);
    assert.deepEqual(s, s.map((_, i) => i), `${dir}: seq 0, 1, 2, ...`);
  }
  const keys = new Set(all.filter((g) => g.frame >= SECOND_CALL).map((g) => `${g.dir} ${g.packet.callId}`));
  assert.deepEqual([...keys].sort(), ['client 29546', 'server 40265']);
  // acks never run ahead of what the other side sent
  for (const g of all.filter((x) => x.frame >= SECOND_CALL && x.packet.ack !== undefined)) {
    assert.ok(g.packet.ack! < (g.dir === 'client' ? 200 : 522), `frame ${g.frame}: ack ${g.packet.ack}`);
  }
});

// ---- PPP -----------------------------------------------------------------

interface CapturedFrame {
  frame: number;
  dir: Dir;
  wire: Buffer;
  ppp: PppFrame;
}

function pppOf(): CapturedFrame[] {
  const out: CapturedFrame[] = [];
  for (const g of greOf()) {
    if (g.packet.payload.length === 0) continue;
    const f = decodeFrame(g.packet.payload);
    assert.ok(f.ok, `frame ${g.frame}: PPP ${g.packet.payload.subarray(0, 8).toString('hex')} decodes: ${f.ok ? '' : f.error}`);
    out.push({ frame: g.frame, dir: g.dir, wire: g.packet.payload, ppp: f.value });
  }
  return out;
}

const CONTROL_PROTOCOLS: ReadonlySet<number> = new Set([
  PPP_PROTO.LCP,
  PPP_PROTO.CHAP,
  PPP_PROTO.CBCP,
  PPP_PROTO.IPV6CP,
  PPP_PROTO.CCP,
  PPP_PROTO.IPCP,
]);
/** Control protocols whose Configure-* data is an option list (RFC 1661 6; CBCP's Request/Response/Ack too). */
const OPTION_LIST_PROTOCOLS: ReadonlySet<number> = new Set([
  PPP_PROTO.LCP,
  PPP_PROTO.IPV6CP,
  PPP_PROTO.CCP,
  PPP_PROTO.IPCP,
]);

function cpOf(f: CapturedFrame): CpPacket {
  const cp = decodeCp(f.ppp.payload);
  assert.ok(cp.ok, `frame ${f.frame}: ${pppProtocolName(f.ppp.protocol)} packet decodes: ${cp.ok ? '' : cp.error}`);
  return cp.value;
}

test('capture PPP: every frame of both directions decodes; counts per protocol', { skip }, () => {
  const frames = pppOf();
  const tally: Record<Dir, Tally> = { client: {}, server: {} };
  for (const f of frames) {
    const name = pppProtocolName(f.ppp.protocol);
    bump(tally[f.dir], name);
    if (f.ppp.protocol === PPP_PROTO.LCP) bump(tally[f.dir], f.ppp.addressControl ? 'LCP with FF 03' : 'LCP without FF 03');
    if (f.ppp.protocol !== PPP_PROTO.LCP) assert.equal(f.ppp.addressControl, false, `frame ${f.frame}: only LCP ever carries FF 03`);
    if (f.ppp.protocol === PPP_PROTO.MPPE) {
      assert.equal(f.ppp.protocolCompressed, true, 'MPPE goes as the one-octet protocol 0xFD');
      bump(tally[f.dir], f.frame >= SECOND_CALL ? 'COMP second call' : 'COMP earlier call');
    } else {
      assert.equal(f.ppp.protocolCompressed, false, `frame ${f.frame}: control protocols are two octets`);
    }
    // our encoder, told what the sender did, builds the same frame
    if (f.ppp.protocol !== PPP_PROTO.LCP || f.ppp.addressControl) {
      const comp = { acfc: !f.ppp.addressControl, pfc: f.ppp.protocolCompressed };
      assert.deepEqual(encodeFrame(f.ppp.protocol, f.ppp.payload, comp), f.wire, `frame ${f.frame}: frame re-encodes`);
    }
  }
  // 275-286 LCP (Identification 284-286 without FF 03), 290-292 CHAP,
  // 293-295 CBCP, 296-311 IPv6CP/CCP/IPCP, and the earlier call's
  // Terminate-Request (101) / -Ack (104) with FF 03.
  assert.deepEqual(tally.client, {
    LCP: 8,
    'LCP with FF 03': 5,
    'LCP without FF 03': 3,
    CHAP: 1,
    CBCP: 1,
    IPV6CP: 1,
    CCP: 3,
    IPCP: 4,
    COMP: 511,
    'COMP earlier call': 6,
    'COMP second call': 505,
  });
  // RRAS never sends IPv6CP (it Protocol-Rejects the client's, frame 301, without FF 03)
  assert.deepEqual(tally.server, {
    LCP: 6,
    'LCP with FF 03': 5,
    'LCP without FF 03': 1,
    CHAP: 2,
    CBCP: 2,
    CCP: 3,
    IPCP: 4,
    COMP: 186,
    'COMP earlier call': 2,
    'COMP second call': 184,
  });
});

test('capture PPP: LCP/CHAP/CBCP/IPv6CP/CCP/IPCP packets and option lists re-encode byte-exact', { skip }, () => {
  const codes: Record<Dir, Tally> = { client: {}, server: {} };
  const mppeValues: Record<Dir, string[]> = { client: [], server: [] };
  let optionLists = 0;
  for (const f of pppOf()) {
    if (!CONTROL_PROTOCOLS.has(f.ppp.protocol)) continue;
    const cp = cpOf(f);
    const name = pppProtocolName(f.ppp.protocol);
    assert.equal(f.ppp.payload.readUInt16BE(2), f.ppp.payload.length, `frame ${f.frame}: no padding after Length`);
    assert.deepEqual(encodeCp(cp.code, cp.id, cp.data), f.ppp.payload, `frame ${f.frame}: ${name} packet re-encodes`);
    bump(codes[f.dir], `${name} ${cp.code}`);
    const optionList =
      (OPTION_LIST_PROTOCOLS.has(f.ppp.protocol) && cp.code >= CP_CODE.ConfReq && cp.code <= CP_CODE.ConfRej) ||
      f.ppp.protocol === PPP_PROTO.CBCP;
    if (optionList) {
      const opts = decodeOptions(cp.data);
      assert.ok(opts.ok, `frame ${f.frame}: ${name} options decode: ${opts.ok ? '' : opts.error}`);
      assert.deepEqual(encodeOptions(opts.value), cp.data, `frame ${f.frame}: ${name} options re-encode`);
      optionLists++;
      if (f.ppp.protocol === PPP_PROTO.CCP) {
        for (const o of opts.value) {
          const raw = encodeOptions([o]);
          const m = decodeMppeOption(raw);
          assert.ok(m.ok, `frame ${f.frame}: CCP option ${o.type} is MPPE`);
          assert.deepEqual(encodeMppeOption(m.value), raw);
          mppeValues[f.dir].push(`${cp.code}:${describeMppeValue(m.value)}`);
        }
      }
    }
    if (f.ppp.protocol === PPP_PROTO.LCP && cp.code === CP_CODE.ProtRej) {
      // RRAS rejects IPv6CP: rejected protocol then the client's packet (frame 296), whole
      assert.equal(cp.data.readUInt16BE(0), PPP_PROTO.IPV6CP);
      const rejected = pppOf().find((x) => x.frame === 296)!;
      assert.deepEqual(cp.data.subarray(2), rejected.ppp.payload);
    }
    if (f.ppp.protocol === PPP_PROTO.LCP && cp.code === CP_CODE.Identification) {
      assert.ok(cp.data.length >= 4, 'magic number then the message');
    }
    if (f.ppp.protocol === PPP_PROTO.LCP && cp.code === CP_CODE.TermReq) {
      assert.equal(cp.data.length, 12, 'Windows\' Terminate-Request carries 12 data octets');
    }
  }
  // client: LCP 4, IPv6CP 1, CCP 3, IPCP 4, CBCP 1; server: LCP 4, CCP 3, IPCP 4, CBCP 2
  assert.equal(optionLists, 13 + 13, 'every Configure-*/CBCP packet carried a decodable option list');
  assert.deepEqual(codes.client, {
    'LCP 5': 1, 'LCP 1': 1, 'LCP 4': 1, 'LCP 3': 1, 'LCP 2': 1, 'LCP 12': 3,
    'CHAP 2': 1, 'CBCP 2': 1, 'IPV6CP 1': 1,
    'CCP 1': 1, 'CCP 3': 1, 'CCP 2': 1,
    'IPCP 1': 3, 'IPCP 2': 1,
  });
  assert.deepEqual(codes.server, {
    'LCP 6': 1, 'LCP 1': 3, 'LCP 2': 1, 'LCP 8': 1,
    'CHAP 1': 1, 'CHAP 3': 1, 'CBCP 1': 1, 'CBCP 3': 1,
    'CCP 1': 2, 'CCP 2': 1,
    'IPCP 1': 1, 'IPCP 4': 1, 'IPCP 3': 1, 'IPCP 2': 1,
  });
  // The client asks 0x01000040 (H + S); RRAS offers 0x01000041 (with MPPC), the client Naks it down.
  assert.deepEqual(mppeValues.client, [
    '1:0x01000040 (H S: stateless 128-bit)',
    '3:0x01000040 (H S: stateless 128-bit)',
    '2:0x01000040 (H S: stateless 128-bit)',
  ]);
  assert.deepEqual(mppeValues.server, [
    '1:0x01000041 (H S C: stateless 128-bit)',
    '2:0x01000040 (H S: stateless 128-bit)',
    '1:0x01000040 (H S: stateless 128-bit)',
  ]);
});

/** MPPE header (RFC 3078 3): A B C D, 12-bit coherency count. */
function mppeHeader(p: Buffer): { bits: number; ccount: number } {
  return { bits: p[0]! & 0xf0, ccount: ((p[0]! << 8) | p[1]!) & MPPE_CCOUNT_MASK };
}

test('capture MPPE: every 0x00FD frame has A and D, no B or C, counts 0,1,2,... per direction; the decryptor reads the same header', { skip }, () => {
  const frames = pppOf().filter((f) => f.ppp.protocol === PPP_PROTO.MPPE);
  const counts: Record<string, number[]> = {};
  for (const f of frames) {
    assert.ok(f.ppp.payload.length > 2, `frame ${f.frame}: header and data`);
    const h = mppeHeader(f.ppp.payload);
    assert.equal(h.bits, MPPE_BIT_A_FLUSHED | MPPE_BIT_D_ENCRYPTED, `frame ${f.frame}: A and D only`);
    assert.equal(h.bits & (MPPE_BIT_B | MPPE_BIT_C_COMPRESSED), 0);
    (counts[`${f.dir} ${f.frame >= SECOND_CALL ? 'second' : 'earlier'}`] ??= []).push(h.ccount);
  }
  const run = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
  assert.deepEqual(counts['client second'], run(0, 505));
  assert.deepEqual(counts['server second'], run(0, 184));
  assert.deepEqual(counts['client earlier'], run(884, 6));
  assert.deepEqual(counts['server earlier'], run(277, 2));

  // The decryptor's own header parsing, with the keys of the second call
  // (MS-CHAPv2 frames 290/291): it reports each frame's count and A bit.
  const chap = pppOf().filter((f) => f.ppp.protocol === PPP_PROTO.CHAP);
  const resp = cpOf(chap.find((f) => f.frame === 291)!);
  assert.equal(resp.code, 2);
  const ntResponse = Buffer.from(resp.data.subarray(1 + 24, 1 + 48));
  const keys = mppeMasterKeysV2(PASSWORD, ntResponse, 'server');
  const rx = new MppeDecryptor({ masterKey: keys.recv, bits: 128, stateless: true });
  const tx = new MppeDecryptor({ masterKey: keys.send, bits: 128, stateless: true });
  for (const f of frames.filter((x) => x.frame >= SECOND_CALL)) {
    const r = (f.dir === 'client' ? rx : tx).decrypt(Buffer.from(f.ppp.payload));
    assert.ok(r.ok, `frame ${f.frame}: ${r.ok ? '' : r.reason}`);
    assert.equal(r.ccount, mppeHeader(f.ppp.payload).ccount);
    assert.equal(r.flushed, true);
    assert.equal(r.payload.readUInt16BE(0), PPP_PROTO.IP, 'inner protocol 00 21, two octets');
  }
  assert.equal(rx.coherencyCount, 504);
  assert.equal(tx.coherencyCount, 183);
});

test('capture printers: debug ppp io / negotiation / authentication print every captured frame', { skip }, () => {
  const lines: string[] = [];
  for (const f of pppOf()) {
    const io = ioRcvdLines(1, f.wire);
    assert.equal(io[0], `PPP rcvd, ifc = 0, pppdev: 1, Len: ${f.wire.length},`);
    assert.ok(io[1].startsWith('  data: ' + f.wire.subarray(0, 22).toString('hex')), io[1]);
    lines.push(...io);
    const dir = f.dir === 'client' ? 'I' : 'O';
    switch (f.ppp.protocol) {
      case PPP_PROTO.MPPE: {
        const l = ioEncrLine(f.ppp.payload);
        assert.ok(l.startsWith('PPP Encr/Comp Pkt: ' + f.ppp.payload.subarray(0, 22).toString('hex')), l);
        lines.push(l);
        break;
      }
      case PPP_PROTO.CHAP: {
        const cp = cpOf(f);
        // Challenge/Response: value-size(1) value name; Success: message
        const name = cp.code <= 2 ? cp.data.subarray(1 + cp.data[0]!).toString('latin1') : undefined;
        const l = authPacketLine('Vi1', authLabel('mschap-v2'), dir, cp.code, cp.id, cp.data.length + 4, name);
        assert.doesNotMatch(l, /UNKNOWN/);
        lines.push(l);
        break;
      }
      case PPP_PROTO.CBCP:
        // no CBCP printer in the product (we Configure-Reject Callback): the name is known
        assert.equal(pppProtocolName(f.ppp.protocol), 'CBCP');
        break;
      default: {
        const cp = cpOf(f);
        const ls = cpPacketLines('Vi1', f.ppp.protocol, dir, cp.code, cp.id, cp.data, 'opened');
        assert.ok(ls.length >= 1, `frame ${f.frame}: a line`);
        for (const l of ls) {
          assert.doesNotMatch(l, /UNKNOWN|Malformed/, `frame ${f.frame}: ${l}`);
          assert.ok(l.startsWith(`Vi1 ${pppProtocolName(f.ppp.protocol)}:`), l);
        }
        lines.push(...ls);
      }
    }
  }
  const text = lines.join('\n');
  // a few lines checked exactly
  for (const want of [
    'Vi1 LCP: I CONFREQ [Open] id 0 len 21',
    'Vi1 LCP:    MRU 1400 (0x01040578)',
    'Vi1 LCP:    Callback 6 (0x0D0306)',
    'Vi1 LCP:    AuthProto MS-CHAP-V2 (0x0305C22381)',
    'Vi1 LCP:    MRRU 1614 (0x1104064E)',
    'Vi1 LCP: I IDENTIFY [Open] id 1 len 18 magic 0x75EB25D5 MSRASV5.20',
    'Vi1 LCP: O PROTREJ [Open] id 6 len 20 protocol IPV6CP (0x80570104000E010AFCD3335CF10E5C31)',
    'Vi1 CCP:    MS-PPC supported bits 0x01000041 (0x120601000041)',
    'Vi1 IPCP:    PrimaryWINS 0.0.0.0 (0x820600000000)',
    'Vi1 IPCP:    PrimaryDNS 192.168.43.110 (0x8106C0A82B6E)',
    'Vi1 IPCP: O CONFNAK [Open] id 7 len 16',
    'Vi1 LCP: I TERMREQ [Open] id 9 len 16',
    'Vi1 MS-CHAP-V2: I RESPONSE id 0 len 61 from "vpnuser"',
    'Vi1 MS-CHAP-V2: O CHALLENGE id 0 len 36 from "WIN-9BAGS70V5IP"',
    'Vi1 MS-CHAP-V2: O SUCCESS id 0 len 46',
  ]) {
    assert.ok(text.includes(want), `missing: ${want}`);
  }
  assert.match(text, /Vi1 IPCP:    SecondaryDNS 0\.0\.0\.0 \(0x830600000000\)/);
  // IPv6CP has no option printer: Interface-Identifier shows as an unknown option with its raw bytes
  assert.ok(text.includes('Vi1 IPV6CP:    Unknown option 1 (0x010AFCD3335CF10E5C31)'), 'IPv6CP option line');
  assert.equal(describeOption(PPP_PROTO.LCP, 19, Buffer.from('01f3198e8764b2429f8d09ef637b516ea700000000', 'hex')), 'EndpointDisc 1');
  // every frame printed: two io lines each
  assert.equal(lines.filter((l) => l.startsWith('PPP rcvd')).length, 536 - 7 + 397 - 194);
});
