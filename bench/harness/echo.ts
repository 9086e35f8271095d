/**
 * UDP echo host behind the server's TUN (namespace forwarding benchmark):
 * every datagram to ADDR:PORT (the blaster sends to port 9) goes back to its sender. Prints `ready {}`.
 * Bounded: exits after maxSeconds or on stdin end.
 */
import dgram from 'node:dgram';

const [address, port, maxSeconds] = [process.argv[2] ?? '0.0.0.0', Number(process.argv[3] ?? 7), Number(process.argv[4] ?? 300)];
setTimeout(() => process.exit(0), maxSeconds * 1000).unref();
const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
let echoed = 0;
sock.on('message', (msg, rinfo) => {
  echoed++;
  sock.send(msg, rinfo.port, rinfo.address);
});
sock.bind(port, address, () => process.stdout.write('ready {}\n'));
process.stdin.on('data', (d) => {
  if (String(d).includes('count')) process.stdout.write(`count ${JSON.stringify({ echoed })}\n`);
  if (String(d).includes('quit')) process.exit(0);
});
process.stdin.on('end', () => process.exit(0));
