/**
 * Bad input from the real Windows 10 capture (issue 12, "Bad input"):
 * every captured control message and GRE/PPP frame, truncated at every
 * offset and with bytes flipped (a bounded, seeded selection), through the
 * product's decoders: errors are returned and counted, nothing throws.
 * Then server-side PppSessions are fed the corrupted client frames of the
 * call while a healthy session, fed the genuine frames at the same time on
 * the same clock and debug bus, must behave exactly as it does alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { capturePath, ipv4PacketsOf, readPcap, tcpStreams, type Pcap } from '../../harness/pcap.js';
import { PptpFramer } from '../../../src/proto/pptp/framer.js';
import { decodeControlMessage, type ControlWireErrorCode } from '../../../src/proto/pptp/wire.js';
import { decodeGre } from '../../../src/proto/gre/wire.js';
import { CP_CODE, PPP_PROTO, decodeCp, decodeFrame, decodeOptions, encodeOption } from '../../../src/proto/ppp/frame.js';
import { authPacketLine, cpPacketLines, ioEncrLine, ioRcvdLines } from '../../../src/debug/cisco-ppp.js';
import { decodeMppeOption } from '../../../src/proto/ppp/ccp-mppe.js';
import { MppeDecryptor } from '../../../src/proto/ppp/mppe.js';
import { PppSession, type PppUpInfo } from '../../../src/proto/ppp/session.js';
import { FakeClock } from '../../../src/util/clock.js';
import { DEBUG_CATEGORIES, DebugBus, type LogLine } from '../../../src/debug/bus.js';
import type { AuthRequest, AuthResult, Authenticator } from '../../../src/proto/authenticator.js';
import {
  mppeMasterKeysV2,
  mschapV2AuthenticatorResponse,
  mschapV2NtResponse,
} from '../../../src/proto/crypto/mschap.js';
import { CiscoPppDebug } from '../../../src/debug/cisco-ppp-session.js';

const CLIENT = '192.168.43.39';
const PASSWORD = 'vpnuser123';
const SECOND_CALL = 270;

const path = capturePath('windows10-rras-mschapv2-mppe128.pcap');
const pcap: Pcap | undefined = path ? readPcap(readFileSync(path)) : undefined;
const skip = pcap ? false : 'shared/reference/captures not beside the repository';

type Tally = Record<string, number>;
const bump = (t: Tally, k: string, n = 1) => (t[k] = (t[k] ?? 0) + n);
const total = (t: Tally) => Object.values(t).reduce((a, b) => a + b, 0);

/** Small seeded PRNG (LCG), so every run corrupts the same octets. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

function flipped(b: Buffer, pos: number, mask: number): Buffer {
  const c = Buffer.from(b);
  c[pos]! ^= mask;
  return c;
}

// ---- captured material ------------------------------------------------------

interface Gre {
  frame: number;
  fromClient: boolean;
  wire: Buffer;
}

function controlMessages(): Buffer[] {
  const out: Buffer[] = [];
  for (const s of tcpStreams(pcap!, 1723)) {
    const f = new PptpFramer((m) => out.push(Buffer.from(m)));
    assert.equal(f.push(s.bytes), null, 'genuine streams frame');
  }
  return out;
}

function greOf(): Gre[] {
  return ipv4PacketsOf(pcap!, 47).map(({ frame, ip }) => ({ frame, fromClient: ip.src === CLIENT, wire: ip.payload }));
}

/** PPP frames (GRE payloads) by frame number. */
function pppByFrame(): Map<number, { fromClient: boolean; ppp: Buffer }> {
  const m = new Map<number, { fromClient: boolean; ppp: Buffer }>();
  for (const g of greOf()) {
    const r = decodeGre(g.wire);
    assert.ok(r.ok, `frame ${g.frame}: genuine GRE decodes`);
    if (r.packet.payload.length) m.set(g.frame, { fromClient: g.fromClient, ppp: r.packet.payload });
  }
  return m;
}

// ---- decoders -----------------------------------------------------------------

test('bad input PPTP: control messages cut at every offset or flipped are errors, never throws', { skip }, () => {
  const msgs = controlMessages();
  assert.equal(msgs.length, 13);
  const cut: Tally = {};
  let expectTruncated = 0;
  let expectMismatch = 0;
  for (const m of msgs) {
    for (let n = 0; n < m.length; n++) {
      const r = decodeControlMessage(m.subarray(0, n));
      assert.ok(!r.ok, `cut at ${n} is an error`);
      bump(cut, r.error.code);
      // the framer waits for the rest: no error, nothing emitted, n octets held
      const got: Buffer[] = [];
      const framer = new PptpFramer((x) => got.push(x));
      assert.equal(framer.push(m.subarray(0, n)), null, `cut at ${n}: the framer waits`);
      assert.equal(got.length, 0);
      assert.equal(framer.buffered, n);
    }
    expectTruncated += 12;
    expectMismatch += m.length - 12;
    // trailing octets are not part of the message
    const long = decodeControlMessage(Buffer.concat([m, Buffer.from([0])]));
    assert.ok(!long.ok && long.error.code === 'length-mismatch', 'one octet too many');
  }
  assert.deepEqual(cut, { truncated: expectTruncated, 'length-mismatch': expectMismatch });

  // Every octet with three masks (0x01, 0x80 and a seeded one).
  const rnd = prng(2637);
  const flips: Tally = {};
  let bodyOk = 0;
  let bodyFlips = 0;
  for (const m of msgs) {
    for (let pos = 0; pos < m.length; pos++) {
      for (const mask of [0x01, 0x80, 1 + rnd(255)]) {
        const bad = flipped(m, pos, mask);
        const r = decodeControlMessage(bad);
        bump(flips, r.ok ? 'ok' : r.error.code);
        if (pos < 8) assert.ok(!r.ok, `a flip at ${pos} (length, message type, magic) is an error`);
        if (pos >= 12) {
          // Body fields are not judged by the codec (the engine does): still a message.
          bodyFlips++;
          if (r.ok) bodyOk++;
        }
        // the framer never throws: a bad header is a fatal framing error, else one message
        const got: Buffer[] = [];
        const framer = new PptpFramer((x) => got.push(x));
        const e = framer.push(bad);
        // a flipped Length may announce more octets than arrived: the framer waits
        const waits = pos < 2 && got.length === 0 && framer.buffered === bad.length;
        assert.ok(e !== null || got.length === 1 || waits, `flip at ${pos}: an error, one message, or waiting`);
        if (pos >= 2 && pos < 8) assert.notEqual(e, null, `flip at ${pos} (message type, magic): a framing error`);
      }
    }
  }
  assert.equal(bodyOk, bodyFlips, 'flips in the body decode (values are the engine\'s business)');
  assert.ok((flips['bad-magic'] ?? 0) > 0 && (flips['not-control'] ?? 0) > 0 && (flips['length-mismatch'] ?? 0) > 0, JSON.stringify(flips));
  const errorCodes: ControlWireErrorCode[] = ['truncated', 'length-mismatch', 'not-control', 'bad-magic', 'unknown-type', 'bad-length'];
  for (const k of Object.keys(flips)) assert.ok(k === 'ok' || errorCodes.includes(k as ControlWireErrorCode), k);

  // Whole streams with one flipped octet: the framer returns an error or frames, never throws.
  for (const s of tcpStreams(pcap!, 1723)) {
    for (let pos = 0; pos < s.bytes.length; pos += 3) {
      const framer = new PptpFramer(() => {});
      const bad = flipped(s.bytes, pos, 0x41);
      for (let off = 0; off < bad.length; off += 7) framer.push(bad.subarray(off, off + 7));
    }
  }
});

test('bad input GRE: every header cut at every offset is an error; header flips never throw', { skip }, () => {
  const all = greOf();
  const rnd = prng(47);
  // all packets without data and all control frames; 40 seeded MPPE-carrying packets
  const mppe = all.filter((g) => g.wire.length > 16 + 20);
  const picked = new Set<Gre>(all.filter((g) => !mppe.includes(g)));
  while (picked.size < all.length - mppe.length + 40) picked.add(mppe[rnd(mppe.length)]!);
  const cut: Tally = {};
  let cuts = 0;
  for (const g of picked) {
    for (let n = 0; n < g.wire.length; n++) {
      const r = decodeGre(g.wire.subarray(0, n));
      assert.ok(!r.ok, `frame ${g.frame} cut at ${n}: an error`);
      bump(cut, r.error.code);
      cuts++;
    }
  }
  assert.equal(total(cut), cuts);
  assert.deepEqual(Object.keys(cut).sort(), ['bad-payload-length', 'truncated']);

  const flips: Tally = {};
  for (const g of all) {
    const ok = decodeGre(g.wire);
    assert.ok(ok.ok, 'genuine');
    for (let pos = 0; pos < ok.packet.headerLength; pos++) {
      for (let bit = 0; bit < 8; bit++) {
        const r = decodeGre(flipped(g.wire, pos, 1 << bit));
        bump(flips, r.ok ? 'ok' : r.error.code);
        if (r.ok) assert.ok(r.packet.headerLength + r.packet.payload.length <= g.wire.length, 'payload inside the packet');
        // a flip in the version, protocol type or must-be-zero flags is always refused
        if ((pos === 0 && (bit === 7 || bit === 6 || bit === 3 || bit === 2 || bit === 1 || bit === 0)) || pos === 2 || pos === 3) {
          assert.ok(!r.ok, `frame ${g.frame}: flip at ${pos} bit ${bit} refused`);
        }
      }
    }
  }
  for (const k of ['bad-version', 'bad-protocol', 'no-key', 'bad-flags', 'truncated', 'bad-payload-length', 'data-without-seq']) {
    assert.ok((flips[k] ?? 0) > 0, `flips produce ${k}: ${JSON.stringify(flips)}`);
  }
});

test('bad input PPP: frames, CP packets, option lists and printers on cut and flipped frames', { skip }, () => {
  const frames = [...pppByFrame().entries()];
  const control = frames.filter(([, f]) => f.ppp[0] !== PPP_PROTO.MPPE);
  assert.equal(control.length, 35, 'LCP, CHAP, CBCP, IPv6CP, CCP, IPCP frames of both directions');
  const errors: Tally = {};
  const print = (ppp: Buffer) => {
    // the printers take whatever came in
    ioRcvdLines(1, ppp);
    const f = decodeFrame(ppp);
    if (!f.ok) return;
    const cp = decodeCp(f.value.payload);
    if (f.value.protocol === PPP_PROTO.MPPE) ioEncrLine(f.value.payload);
    else if (cp.ok && f.value.protocol === PPP_PROTO.CHAP) authPacketLine('Vi1', 'MS-CHAP-V2', 'I', cp.value.code, cp.value.id, cp.value.data.length + 4, cp.value.data.toString('latin1'));
    else if (cp.ok) cpPacketLines('Vi1', f.value.protocol, 'I', cp.value.code, cp.value.id, cp.value.data, 'opened');
  };
  for (const [n, { ppp }] of control) {
    const genuine = decodeFrame(ppp);
    assert.ok(genuine.ok, `frame ${n}`);
    for (let k = 0; k < ppp.length; k++) {
      const cutFrame = ppp.subarray(0, k);
      print(cutFrame);
      const f = decodeFrame(cutFrame);
      if (!f.ok) {
        bump(errors, `frame: ${f.error}`);
        continue;
      }
      // FF 03 C0 21 cut after FF reads as the one-octet protocol 0xFF (the session Protocol-Rejects it)
      if (f.value.protocol !== genuine.value.protocol) {
        assert.deepEqual([...cutFrame], [0xff], `frame ${n} cut at ${k}`);
        bump(errors, 'frame: other protocol');
        continue;
      }
      const cp = decodeCp(f.value.payload);
      assert.ok(!cp.ok, `frame ${n} cut at ${k}: a cut CP packet is refused`);
      bump(errors, `cp: ${cp.error}`);
    }
    // option lists cut inside an option are refused; the printer says Malformed
    const cp = decodeCp(genuine.value.payload);
    assert.ok(cp.ok, `frame ${n}`);
    const isOptions = cp.value.code >= CP_CODE.ConfReq && cp.value.code <= CP_CODE.ConfRej && genuine.value.protocol !== PPP_PROTO.CHAP;
    if (isOptions && genuine.value.protocol !== PPP_PROTO.CBCP) {
      const whole = decodeOptions(cp.value.data);
      assert.ok(whole.ok, `frame ${n}`);
      const bounds = new Set<number>([0]);
      let at = 0;
      for (const o of whole.value) bounds.add((at += o.value.length + 2));
      for (let k = 0; k < cp.value.data.length; k++) {
        const d = cp.value.data.subarray(0, k);
        const r = decodeOptions(d);
        assert.equal(r.ok, bounds.has(k), `frame ${n}: options cut at ${k}`);
        if (!r.ok) bump(errors, `options: ${r.error}`);
        const lines = cpPacketLines('Vi1', genuine.value.protocol, 'I', cp.value.code, cp.value.id, d, 'opened');
        assert.equal(lines.some((l) => l.includes('Malformed options')), k > 0 && !bounds.has(k) && k - Math.max(...[...bounds].filter((b) => b < k)) >= 2);
      }
      for (const o of whole.value) {
        if (genuine.value.protocol !== PPP_PROTO.CCP) continue;
        const raw = encodeOption(o.type, o.value);
        for (let k = 0; k < raw.length; k++) {
          const r = decodeMppeOption(raw.subarray(0, k));
          assert.ok(!r.ok, `MPPE option cut at ${k}`);
          bump(errors, `mppe option: ${r.reason}`);
        }
      }
    }
    // every octet flipped with a seeded mask: decoders and printers never throw
    const rnd = prng(n);
    for (let pos = 0; pos < ppp.length; pos++) print(flipped(ppp, pos, 1 + rnd(255)));
  }
  for (const k of ['frame: short frame', 'frame: short protocol field', 'cp: short header', 'cp: short packet', 'options: truncated option header', 'options: option runs past packet', 'mppe option: length']) {
    assert.ok((errors[k] ?? 0) > 0, `${k}: ${JSON.stringify(errors)}`);
  }
  // MPPE frames: printers on cuts and flips of a seeded sample
  const mppe = frames.filter(([, f]) => f.ppp[0] === PPP_PROTO.MPPE);
  const rnd = prng(3078);
  for (let i = 0; i < 30; i++) {
    const [, { ppp }] = mppe[rnd(mppe.length)]!;
    for (let k = 0; k < ppp.length; k += 7) print(ppp.subarray(0, k));
    print(flipped(ppp, rnd(ppp.length), 1 + rnd(255)));
  }
});

test('bad input MPPE: a receiver fed cut frames still decrypts the next genuine frame', { skip }, () => {
  const byFrame = pppByFrame();
  const resp = byFrame.get(291)!.ppp; // CHAP Response, without FF 03: c2 23 02 id len(2) 31 value(49) name
  const ntResponse = Buffer.from(resp.subarray(7 + 24, 7 + 48));
  const keys = mppeMasterKeysV2(PASSWORD, ntResponse, 'server');
  const client = [...byFrame.entries()].filter(([n, f]) => n >= SECOND_CALL && f.fromClient && f.ppp[0] === PPP_PROTO.MPPE).map(([, f]) => f.ppp.subarray(1));
  assert.equal(client.length, 505);
  const rnd = prng(1);
  for (let t = 0; t < 12; t++) {
    const i = rnd(client.length - 1);
    for (const cut of [0, 1, 2, 3, 4, 5, 20, rnd(client[i]!.length)]) {
      const rx = new MppeDecryptor({ masterKey: keys.recv, bits: 128, stateless: true });
      for (let k = 0; k < i; k++) assert.ok(rx.decrypt(Buffer.from(client[k]!)).ok, 'genuine prefix');
      const r = rx.decrypt(Buffer.from(client[i]!.subarray(0, cut)));
      if (cut < 3) assert.deepEqual(r, { ok: false, reason: 'short' });
      const next = rx.decrypt(Buffer.from(client[i + 1]!));
      assert.ok(next.ok, `frame after one cut at ${cut}: ${next.ok ? '' : next.reason}`);
    }
  }
});

// ---- sessions ----------------------------------------------------------------

/** Verifies MS-CHAPv2 with the crypto functions, as a local user database would. */
class TestAuthenticator implements Authenticator {
  constructor(private readonly users: Record<string, string>) {}
  async authenticate(req: AuthRequest): Promise<AuthResult> {
    const pw = this.users[req.username];
    if (pw === undefined || req.method !== 'mschap-v2') return { ok: false, reason: 'denied' };
    const nt = mschapV2NtResponse(req.authChallenge, req.peerChallenge, req.username, pw);
    if (!nt.equals(req.ntResponse)) return { ok: false, reason: 'denied' };
    return {
      ok: true,
      username: req.username,
      authenticatorResponse: mschapV2AuthenticatorResponse(pw, nt, req.peerChallenge, req.authChallenge, req.username),
      mppe: mppeMasterKeysV2(pw, nt, 'server'),
    };
  }
}

interface Harness {
  session: PppSession;
  out: Buffer[];
  ip: Buffer[];
  up: PppUpInfo | undefined;
  down: string | undefined;
}

function makeSession(id: number, clock: FakeClock, bus: DebugBus, challenge: Buffer): Harness {
  const out: Buffer[] = [];
  const ip: Buffer[] = [];
  const session: PppSession = new PppSession({
    role: 'server',
    pppIfId: id,
    tunnelId: id,
    send: (f) => out.push(Buffer.from(f)),
    clock,
    debug: new CiscoPppDebug(bus),
    ifName: 'outside',
    group: {
      authProtocols: ['mschap-v2'],
      dns: ['192.168.43.110'],
      wins: [],
      localAddress: '192.168.43.104',
      mppe: { strength: 128, required: true, stateful: false },
    },
    authenticator: new TestAuthenticator({ vpnuser: PASSWORD }),
    allocateAddress: () => '192.168.43.111',
    onUp: (i) => (h.up = i),
    onDown: (r) => (h.down = r),
    onIpPacket: (p) => ip.push(Buffer.from(p)),
    random32: () => 0x70ed20e6,
    // our CHAP challenge is RRAS's, so the captured Response verifies
    random: (n) => (n === 16 ? Buffer.from(challenge) : Buffer.alloc(n, 0x33)),
  });
  const h: Harness = { session, out, ip, up: undefined, down: undefined };
  return h;
}

function allDebug(clock: FakeClock): { bus: DebugBus; lines: LogLine[] } {
  const bus = new DebugBus(() => clock.now());
  for (const c of DEBUG_CATEGORIES) bus.enable(c);
  const lines: LogLine[] = [];
  bus.subscribe((l) => lines.push(l));
  return { bus, lines };
}

/** The id of the last packet with `code` this session sent on `protocol`, if any. */
function lastSentId(out: Buffer[], protocol: number, code: number): number | undefined {
  for (let i = out.length - 1; i >= 0; i--) {
    const f = decodeFrame(out[i]!);
    if (!f.ok || f.value.protocol !== protocol) continue;
    const cp = decodeCp(f.value.payload);
    if (cp.ok && cp.value.code === code) return cp.value.id;
  }
  return undefined;
}

function lastSentData(out: Buffer[], protocol: number, code: number): Buffer | undefined {
  for (let i = out.length - 1; i >= 0; i--) {
    const f = decodeFrame(out[i]!);
    if (!f.ok || f.value.protocol !== protocol) continue;
    const cp = decodeCp(f.value.payload);
    if (cp.ok && cp.value.code === code) return Buffer.from(cp.value.data);
  }
  return undefined;
}

function cpFrame(head: number[], protocol: number, code: number, id: number, data: Buffer): Buffer {
  const b = Buffer.alloc(4 + data.length);
  b[0] = code;
  b[1] = id;
  b.writeUInt16BE(4 + data.length, 2);
  data.copy(b, 4);
  return Buffer.concat([Buffer.from(head), Buffer.from([protocol >> 8, protocol & 0xff]), b]);
}

/**
 * The Windows client of the capture as a script against our server: its
 * own requests verbatim (275, 284-286, 291, 296-298, 306, 310 and its 505
 * MPPE frames), and its answers to our requests built the way it built
 * them for RRAS (an Ack echoing our options, with our identifier). Each
 * step reads what the session has sent so far.
 */
type Step = { name: string; frame: (out: Buffer[]) => Buffer; async?: boolean };

type CapturedPpp = Map<number, { fromClient: boolean; ppp: Buffer }>;

function windowsScript(ppp: CapturedPpp): Step[] {
  const wire = (n: number) => ppp.get(n)!.ppp;
  const LCP_HEAD = [0xff, 0x03];
  const steps: Step[] = [
    { name: 'LCP ConfReq 275 (Callback)', frame: () => wire(275) },
    {
      name: 'LCP ConfAck of ours',
      frame: (out) => cpFrame(LCP_HEAD, PPP_PROTO.LCP, CP_CODE.ConfAck, lastSentId(out, PPP_PROTO.LCP, 1) ?? 1, lastSentData(out, PPP_PROTO.LCP, 1) ?? Buffer.alloc(0)),
    },
    {
      // what Windows sends after its Callback option is rejected: 275 without option 13
      name: 'LCP ConfReq without Callback',
      frame: () => cpFrame(LCP_HEAD, PPP_PROTO.LCP, CP_CODE.ConfReq, 1, Buffer.from('01040578050675eb25d507020802', 'hex')),
    },
    { name: 'LCP Identification 284', frame: () => wire(284) },
    { name: 'LCP Identification 285', frame: () => wire(285) },
    { name: 'LCP Identification 286', frame: () => wire(286) },
    {
      name: 'CHAP Response 291',
      async: true,
      frame: (out) => {
        const r = Buffer.from(wire(291));
        r[3] = lastSentId(out, PPP_PROTO.CHAP, 1) ?? 0;
        return r;
      },
    },
    { name: 'IPv6CP ConfReq 296', frame: () => wire(296) },
    { name: 'CCP ConfReq 297', frame: () => wire(297) },
    { name: 'IPCP ConfReq 298', frame: () => wire(298) },
    {
      name: 'CCP ConfAck of ours',
      frame: (out) => cpFrame([], PPP_PROTO.CCP, CP_CODE.ConfAck, lastSentId(out, PPP_PROTO.CCP, 1) ?? 1, lastSentData(out, PPP_PROTO.CCP, 1) ?? Buffer.alloc(0)),
    },
    {
      name: 'IPCP ConfAck of ours',
      frame: (out) => cpFrame([], PPP_PROTO.IPCP, CP_CODE.ConfAck, lastSentId(out, PPP_PROTO.IPCP, 1) ?? 1, lastSentData(out, PPP_PROTO.IPCP, 1) ?? Buffer.alloc(0)),
    },
    { name: 'IPCP ConfReq 306', frame: () => wire(306) },
    // our Nak of 306 is RRAS's 308 octet for octet (same pool address and DNS), so 310 is the answer
    { name: 'IPCP ConfReq 310', frame: () => wire(310) },
  ];
  const mppe = [...ppp.entries()].filter(([n, f]) => n >= SECOND_CALL && f.fromClient && f.ppp[0] === PPP_PROTO.MPPE);
  for (const [n, f] of mppe) steps.push({ name: `MPPE ${n}`, frame: () => f.ppp });
  return steps;
}

/** Let the authenticator's promise and its continuation run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

function challengeOf(ppp: CapturedPpp): Buffer {
  const ch = ppp.get(290)!.ppp; // c2 23 01 id len(2) 10 challenge(16) name
  return Buffer.from(ch.subarray(7, 23));
}

interface Reference {
  out: string[];
  /** Lines that carry the session's tunnel id. */
  lines: string[];
  /** Lines without a tunnel id (see the todo test at the end). */
  untagged: string[];
  ip: Buffer[];
  up: PppUpInfo | undefined;
  status: ReturnType<PppSession['status']>;
}

async function referenceRun(ppp: CapturedPpp): Promise<Reference> {
  const clock = new FakeClock();
  const dbg = allDebug(clock);
  const h = makeSession(1, clock, dbg.bus, challengeOf(ppp));
  for (const s of windowsScript(ppp)) {
    h.session.input(Buffer.from(s.frame(h.out)));
    if (s.async) await settle();
  }
  return {
    out: h.out.map((b) => b.toString('hex')),
    lines: dbg.lines.filter((l) => l.ctx?.tunnel === 1).map((l) => l.text),
    untagged: dbg.lines.filter((l) => l.ctx?.tunnel === undefined).map((l) => l.text),
    ip: h.ip,
    up: h.up,
    status: h.session.status(),
  };
}

test('bad input sessions: corrupted client frames are counted; a healthy session beside them is undisturbed', { skip }, async (t) => {
  const ppp = pppByFrame();
  const ref = await referenceRun(ppp);
  // the genuine script brings the reference up: MS-CHAPv2 with the captured response, MPPE-128, 505 packets
  assert.equal(ref.up?.username, 'vpnuser');
  assert.deepEqual(ref.up?.mppe, { bits: 128, stateless: true });
  assert.equal(ref.ip.length, 505, 'every captured client MPPE frame reaches IP');
  assert.ok(ref.ip.every((p) => p[0]! >> 4 === 4), 'IPv4');
  // the only counted event on genuine input: IPv6CP is Protocol-Rejected (no IPv6 configured)
  assert.deepEqual(ref.status.errors, { 'protocol rejected: IPV6CP': 1, 'protocol rejects sent': 1 }, 'no error on genuine input');
  assert.ok(ref.out.includes('8021030700100306c0a82b6f8106c0a82b6e'), 'our Nak of 306 equals RRAS\'s 308');

  // One clock and one debug bus for all three sessions, as in the server.
  const clock = new FakeClock();
  const dbg = allDebug(clock);
  const challenge = challengeOf(ppp);
  const healthy = makeSession(1, clock, dbg.bus, challenge);
  const cut = makeSession(2, clock, dbg.bus, challenge);
  const flip = makeSession(3, clock, dbg.bus, challenge);
  const steps = windowsScript(ppp);
  const rnd = prng(1661);
  let cutsFed = 0;
  let flipsFed = 0;
  for (const s of steps) {
    // the corrupted sessions' frames are built from their own outputs, then damaged
    const forCut = s.frame(cut.out);
    const mppe = forCut[0] === PPP_PROTO.MPPE;
    // every cut of a control frame; MPPE frames cut inside the header or
    // the protocol field (a longer cut decrypts: MPPE has no integrity check)
    for (let k = 0; k < (mppe ? 5 : forCut.length); k++) {
      assert.doesNotThrow(() => cut.session.input(Buffer.from(forCut.subarray(0, k))));
      cutsFed++;
    }
    const forFlip = s.frame(flip.out);
    for (let v = 0; v < 4; v++) {
      assert.doesNotThrow(() => flip.session.input(flipped(forFlip, rnd(forFlip.length), 1 + rnd(255))));
      flipsFed++;
    }
    healthy.session.input(Buffer.from(s.frame(healthy.out)));
    cut.session.input(Buffer.from(forCut));
    flip.session.input(Buffer.from(s.frame(flip.out)));
    if (s.async) await settle();
  }

  // The healthy session did exactly what it does alone: same frames, same lines, same packets.
  assert.deepEqual(healthy.out.map((b) => b.toString('hex')), ref.out, 'healthy: the same frames out');
  const mine = (l: LogLine, id: number) => l.ctx?.tunnel === id;
  assert.deepEqual(dbg.lines.filter((l) => mine(l, 1)).map((l) => l.text), ref.lines, 'healthy: the same debug lines');
  // the authentication lines carry no tunnel id; the healthy session's are there, once
  for (const l of ref.untagged) assert.ok(dbg.lines.some((x) => x.text === l), `healthy: ${l}`);
  assert.deepEqual(healthy.ip, ref.ip);
  assert.deepEqual(healthy.up, ref.up);
  assert.deepEqual(healthy.session.status(), ref.status);

  // Cut frames are dropped before they touch any state: the cut session
  // answered like the reference and came up the same way. The one
  // exception is right: a cut IPv6CP packet (0x8057 and 0-13 octets) is
  // still a packet of a protocol we do not run, so each is Protocol-Rejected.
  const cs = cut.session.status();
  t.diagnostic(`cut session: ${cutsFed} cut frames, errors ${JSON.stringify(cs.errors)}`);
  const protRej = (hex: string) => hex.startsWith('ff03c02108');
  const cutOut = cut.out.map((b) => b.toString('hex'));
  assert.deepEqual(cutOut.filter((x) => !protRej(x)), ref.out.filter((x) => !protRej(x)), 'cut: answers unchanged');
  const ipv6cpCuts = ppp.get(296)!.ppp.length - 2;
  assert.equal(cutOut.filter(protRej).length, ipv6cpCuts + 1, 'each cut IPv6CP packet Protocol-Rejected, and the genuine one');
  assert.ok(cutOut.filter(protRej).every((x) => x.slice(16, 20) === '8057'), 'rejecting IPv6CP');
  assert.deepEqual(cut.up, ref.up);
  assert.deepEqual(cut.ip, ref.ip);
  assert.equal(cut.down, undefined);
  assert.equal(cs.errors['MPPE packet rejected'], 505 * 4, 'cuts 1-4 of every MPPE frame: short or bad protocol');
  assert.equal(cs.errors['protocol rejected: IPV6CP'], ipv6cpCuts + 1);
  assert.equal(cs.errors['protocol rejects sent'], ipv6cpCuts + 1);
  const dropped = total(cs.errors) - 2 * (ipv6cpCuts + 1);
  assert.equal(dropped, cutsFed - ipv6cpCuts, 'every other cut frame dropped and counted once');
  assert.ok(cs.errors['bad frame']! > 0 && cs.errors['bad LCP packet']! > 0 && cs.errors['bad CHAP packet']! > 0, JSON.stringify(cs.errors));
  const cutLines = dbg.lines.filter((l) => mine(l, 2) && l.kind === 'debug' && l.category === 'ppp error');
  assert.equal(cutLines.length, dropped, 'each drop logged under debug ppp error');
  assert.ok(cutLines.every((l) => l.text.startsWith('Vi2 ')), 'lines name their own interface');

  // Flipped frames: no throw, counted; the session may legitimately end
  // (a flip can make a valid Terminate-Request), and then says why.
  const fs = flip.session.status();
  t.diagnostic(`flip session: ${flipsFed} flipped frames, up=${flip.up !== undefined} down=${flip.down ?? '-'} errors ${JSON.stringify(fs.errors)}`);
  assert.ok(total(fs.errors) > 0, 'flipped frames are counted');
  assert.ok(dbg.lines.some((l) => mine(l, 3) && l.kind === 'debug' && l.category === 'ppp error'), 'and logged');
  if (flip.down !== undefined) assert.ok(flip.down.length > 0);

  // no secret in any line of any session
  for (const l of dbg.lines) assert.ok(!l.text.includes(PASSWORD), `no password in: ${l.text}`);

  // Ten minutes on: nobody answers echoes, every session ends, no timer left.
  clock.advance(600_000);
  for (const h of [healthy, cut, flip]) assert.notEqual(h.down, undefined, 'ended');
  assert.equal(clock.pending(), 0, 'no timer left behind');
});

test('bad input sessions: one flipped client frame anywhere in the call never throws, never leaves a session hanging', { skip }, async () => {
  const ppp = pppByFrame();
  const all = windowsScript(ppp);
  // the negotiation and the first MPPE frames: where a flip can change state
  const steps = all.slice(0, 14 + 3);
  const challenge = challengeOf(ppp);
  await fc.assert(
    fc.asyncProperty(fc.nat(steps.length - 1), fc.nat(400), fc.integer({ min: 1, max: 255 }), async (at, pos, mask) => {
      const clock = new FakeClock();
      const dbg = allDebug(clock);
      const h = makeSession(1, clock, dbg.bus, challenge);
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i]!;
        const f = Buffer.from(s.frame(h.out));
        if (i === at) f[pos % f.length]! ^= mask;
        h.session.input(f);
        if (s.async) await settle();
      }
      // Whatever the flip did, the session is up, or still negotiating and
      // its timers finish it, or it ended with a reason: never stuck.
      clock.advance(600_000);
      assert.equal(typeof h.down, 'string', 'the session ended (echo timeout, retransmits exhausted, or earlier)');
      assert.equal(clock.pending(), 0, 'no timer left');
      const st = h.session.status();
      assert.equal(st.phase, 'dead');
    }),
    { numRuns: 150, seed: 1994 },
  );
});

test('debug lines of a session all carry its tunnel id (per-tunnel debug filters)', { skip }, async () => {
  const ref = await referenceRun(pppByFrame());
  assert.deepEqual(ref.untagged, []);
});

test('after link-up with MPPE required, a peer LCP Configure-Request never lets IP out in clear', { skip }, async () => {
  const ppp = pppByFrame();
  const clock = new FakeClock();
  const dbg = allDebug(clock);
  const h = makeSession(1, clock, dbg.bus, challengeOf(ppp));
  const steps = windowsScript(ppp);
  for (const s of steps.slice(0, 14)) {
    h.session.input(Buffer.from(s.frame(h.out)));
    if (s.async) await settle();
  }
  assert.ok(h.session.isUp, 'up with MPPE-128');
  // Windows retransmits its LCP Configure-Request when our Ack is lost (or a flip made one)
  h.session.input(Buffer.from(steps[2]!.frame(h.out)));
  const before = h.out.length;
  const ip = Buffer.from('45000014000000004001a3a3c0a82b68c0a82b6f', 'hex');
  h.session.sendIp(ip);
  for (const f of h.out.slice(before)) {
    const d = decodeFrame(f);
    assert.ok(d.ok && d.value.protocol !== 0x0021, `cleartext IP sent: ${f.toString('hex')}`);
  }
  assert.equal(h.session.isUp, false, 'the link is no longer reported up');
  clock.advance(0);
  const lcpTermReq = h.out.slice(before).some((f) => {
    const d = decodeFrame(f);
    return d.ok && d.value.protocol === 0xc021 && d.value.payload[0] === 5;
  });
  assert.ok(lcpTermReq, 'the renegotiated link is terminated (LCP Terminate-Request)');
});
