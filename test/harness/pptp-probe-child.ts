/**
 * A deliberately tiny fake PPTP server for harness tests (not the product's
 * server): runs inside a test namespace,
 *   pptp-probe-child LISTEN_IP [GRE_PACKETS]
 * listens on LISTEN_IP:1723 with a raw GRE socket already open, and prints:
 *   READY
 *   CTRL {"hex": ...}            each control message received
 *   GRE {"from","to","hex"}      each GRE packet received (GRE header + payload)
 * It answers Start-Control-Connection-Request with a successful Reply and
 * Outgoing-Call-Request with a successful Reply (our call ID 0x4242), so the
 * client starts sending PPP in GRE. After GRE_PACKETS (default 2) GRE packets
 * it closes the connection and exits. Bounded: exits after 120 s anyway.
 */
import { createServer, type Socket } from 'node:net';
import { openGreSocket } from '../../src/proto/gre/linux.js';
import { controlHeader as header } from './pptp-header.js';

const listenIp = process.argv[2];
const wantGre = Number(process.argv[3] ?? 2);
const OUR_CALL_ID = 0x4242;

const print = (tag: string, obj: unknown) => process.stdout.write(`${tag} ${JSON.stringify(obj)}\n`);

/** Start-Control-Connection-Reply (156 octets), result 1 (OK). */
function sccrp(): Buffer {
  const b = header(156, 2);
  b.writeUInt16BE(0x0100, 12); // protocol version 1.0
  b[14] = 1; // result: successful channel establishment
  b.writeUInt32BE(1, 16); // framing capabilities: async
  b.writeUInt32BE(1, 20); // bearer capabilities: analog
  b.writeUInt16BE(1, 24); // maximum channels
  b.writeUInt16BE(1, 26); // firmware revision
  b.write('probe', 28, 'latin1'); // host name (64)
  b.write('pix-pptpd-test', 92, 'latin1'); // vendor (64)
  return b;
}

/** Outgoing-Call-Reply (32 octets), result 1 (Connected). */
function ocrp(peerCallId: number): Buffer {
  const b = header(32, 8);
  b.writeUInt16BE(OUR_CALL_ID, 12);
  b.writeUInt16BE(peerCallId, 14);
  b[16] = 1; // result: connected
  b.writeUInt32BE(10_000_000, 20); // connect speed
  b.writeUInt16BE(64, 24); // receive window
  return b;
}

const gre = openGreSocket({ localAddress: listenIp });
let greCount = 0;
let conn: Socket | undefined;
const finish = (code: number) => {
  conn?.destroy();
  gre.close();
  server.close();
  process.exit(code);
};
gre.onPacket((p, from, to) => {
  print('GRE', { from, to, hex: p.toString('hex') });
  if (++greCount >= wantGre) finish(0);
});

const server = createServer((s) => {
  conn = s;
  let buf = Buffer.alloc(0);
  s.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2) {
      const len = buf.readUInt16BE(0);
      if (len < 12) return finish(3);
      if (buf.length < len) break;
      const m = buf.subarray(0, len);
      buf = buf.subarray(len);
      print('CTRL', { hex: m.toString('hex') });
      const type = m.readUInt16BE(8);
      if (type === 1) s.write(sccrp());
      else if (type === 7 && m.length >= 14) s.write(ocrp(m.readUInt16BE(12)));
    }
  });
  s.on('error', () => {});
});
server.listen(1723, listenIp, () => process.stdout.write('READY\n'));
setTimeout(() => finish(2), 120_000).unref();
