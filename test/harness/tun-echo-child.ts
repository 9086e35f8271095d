/**
 * Runs inside a test namespace (spawned by test/unit/os/tun.test.ts):
 *   tun-echo-child NAME LOCAL_ADDRESS CLIENT_ADDRESS MTU
 * Opens a TUN with src/proto/tun/linux.ts, routes CLIENT_ADDRESS into it and
 * answers every ICMP echo request sent to CLIENT_ADDRESS, as a PPP client
 * behind the tunnel would. Prints "READY <ifname>" when set up. Commands on
 * stdin: "close" closes the device (the process must then exit by itself:
 * nothing may keep the event loop alive), "stats" prints a JSON line,
 * "write" writes one echo request towards LOCAL_ADDRESS, "unroute" removes
 * the client's route ("UNROUTED" or "ROUTE-ERROR <message>").
 */
import { createInterface } from 'node:readline';
import { isDeviceGone } from '../../src/proto/tun/device.js';
import { openTun } from '../../src/proto/tun/linux.js';
import { buildIcmpEcho, parseIcmpEcho } from '../../src/proto/ip/icmp.js';

const [name, localAddress, clientAddress, mtu] = process.argv.slice(2);
const errors: string[] = [];
const tun = await openTun({ name, localAddress, mtu: Number(mtu), onError: (e) => errors.push(`${isDeviceGone(e) ? '[gone] ' : ''}${e.message}`) });
await tun.addRoute(clientAddress);

let echoes = 0;
let ticks = 0;
const tick = setInterval(() => ticks++, 10);
tun.onPacket((p) => {
  const e = parseIcmpEcho(p);
  if (e && e.type === 8 && e.dst === clientAddress) {
    echoes++;
    tun.write(buildIcmpEcho({ ...e, src: e.dst, dst: e.src, type: 0 }));
  }
});
const stats = () => JSON.stringify({ echoes, ticks, errors, ...tun.stats });
process.stdout.write(`READY ${tun.name}\n`);

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line === 'stats') process.stdout.write(`STATS ${stats()}\n`);
  if (line === 'write') {
    tun.write(buildIcmpEcho({ src: clientAddress, dst: localAddress, type: 8, id: 1, seq: 1, payload: Buffer.alloc(8) }));
    process.stdout.write(`STATS ${stats()}\n`);
  }
  if (line === 'unroute') {
    tun.removeRoute(clientAddress).then(
      () => process.stdout.write('UNROUTED\n'),
      (e: Error) => process.stdout.write(`ROUTE-ERROR ${e.message}\n`),
    );
  }
  if (line === 'close') {
    clearInterval(tick);
    process.stdout.write(`STATS ${stats()}\n`);
    tun.close();
    rl.close();
    process.stdin.destroy();
    process.stdout.write('CLOSED\n');
  }
});
