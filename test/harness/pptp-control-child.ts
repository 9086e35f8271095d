/**
 * A bare PPTP control client for tests that need a tunnel up and no call:
 *   pptp-control-child SERVER_IP
 * connects to SERVER_IP:1723, sends Start-Control-Connection-Request and
 * prints `CTRL <type>` for each control message the server sends (2 =
 * SCCRP, 3 = StopCCRQ). It answers a StopCCRQ with a StopCCRP (as a client
 * does), prints `CLOSED` when the server ends the connection and exits.
 * Bounded: exits 2 after 60 s.
 */
import { connect } from 'node:net';
import { controlHeader as header } from './pptp-header.js';

/** Start-Control-Connection-Request (156 octets, RFC 2637 2.1). */
function sccrq(): Buffer {
  const b = header(156, 1);
  b.writeUInt16BE(0x0100, 12); // protocol version 1.0
  b.writeUInt32BE(1, 16); // framing: async
  b.writeUInt32BE(1, 20); // bearer: analog
  b.writeUInt16BE(1, 24); // maximum channels
  b.writeUInt16BE(1, 26); // firmware revision
  b.write('ctl-child', 28, 'latin1');
  b.write('pix-pptpd-test', 92, 'latin1');
  return b;
}

/** Stop-Control-Connection-Reply (16 octets), result 1 (OK). */
function stopccrp(): Buffer {
  const b = header(16, 4);
  b[12] = 1;
  return b;
}

const s = connect(1723, process.argv[2], () => s.write(sccrq()));
let buf = Buffer.alloc(0);
s.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  while (buf.length >= 12 && buf.length >= buf.readUInt16BE(0)) {
    const m = buf.subarray(0, buf.readUInt16BE(0));
    buf = buf.subarray(m.length);
    const type = m.readUInt16BE(8);
    process.stdout.write(`CTRL ${type}\n`);
    if (type === 3) s.write(stopccrp());
  }
});
s.on('error', (e) => process.stdout.write(`ERROR ${e.message}\n`));
s.on('close', () => {
  process.stdout.write('CLOSED\n');
  process.exit(0);
});
setTimeout(() => process.exit(2), 60_000).unref();
