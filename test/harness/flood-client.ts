/**
 * The legitimate client of test/e2e/robust-netns-floods.test.ts, run inside
 * its own namespace:
 *   flood-client SERVER LOCAL USER PASSWORD
 * Dials with our client (dialPptp) over the Linux raw GRE socket, prints
 *   UP {"callId","peerCallId","clientAddress","serverAddress","mppe"}
 * then pings the server's tunnel address once per 100 ms, one line each:
 *   PING <seq> 1 <rtt ms>   or   PING <seq> 0
 * Commands on stdin: "dial2" dials a second session through the same GRE
 * socket, pings it 3 times and hangs it up (DIAL2 {...}); "stop" ends the
 * pings, hangs up (DOWN <reason>) and exits. Bounded: whatever happens the
 * process exits after MAX_RUN_MS.
 */
import { createInterface } from 'node:readline';
import { dialPptp, type PptpClient } from '../../src/client/dial.js';
import { openGreSocket } from '../../src/proto/gre/linux.js';

const [server, local, username, password] = process.argv.slice(2) as [string, string, string, string];
const MAX_RUN_MS = 120_000;
const PING_EVERY_MS = 100;

const out = (line: string) => process.stdout.write(line + '\n');
const hardStop = setTimeout(() => {
  out('TIMEOUT');
  process.exit(2);
}, MAX_RUN_MS);

const gre = openGreSocket({ localAddress: local });
const dial = () =>
  dialPptp({ server, gre, localAddress: local, username, password, profile: 'windows10', authProtocols: ['mschap-v2'], timeoutMs: 10_000 });

let stopping = false;

async function pingLoop(c: PptpClient): Promise<void> {
  for (let seq = 0; !stopping; seq++) {
    const started = Date.now();
    const r = await c.ping(c.serverAddress, { count: 1, timeoutMs: 1000 });
    if (stopping) break;
    out(r.received === 1 ? `PING ${seq} 1 ${r.rttMs[0]!.toFixed(2)}` : `PING ${seq} 0`);
    const wait = PING_EVERY_MS - (Date.now() - started);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

async function main(): Promise<void> {
  let c: PptpClient;
  try {
    c = await dial();
  } catch (e) {
    out(`FAIL ${(e as Error).message}`);
    gre.close();
    clearTimeout(hardStop);
    process.exitCode = 1;
    return;
  }
  const st = c.status();
  out(`UP ${JSON.stringify({ callId: c.callId, peerCallId: st.peerCallId, clientAddress: c.clientAddress, serverAddress: c.serverAddress, mppe: c.mppe })}`);
  const loop = pingLoop(c);
  const rl = createInterface({ input: process.stdin });
  let busy: Promise<void> = Promise.resolve();
  rl.on('line', (line) => {
    busy = busy.then(async () => {
      if (line === 'dial2') {
        try {
          const d = await dial();
          // The server installs the client's /32 route into its TUN just after
          // IPCP is up (an `ip route` child): an echo sent at once can beat it.
          const first = await d.ping(d.serverAddress, { count: 1, timeoutMs: 500 });
          await new Promise((r) => setTimeout(r, 250));
          const p = await d.ping(d.serverAddress, { count: 3, timeoutMs: 1000, intervalMs: 50 });
          const reason = await d.hangup();
          out(`DIAL2 ${JSON.stringify({ ok: true, clientAddress: d.clientAddress, immediate: first.received, received: p.received, reason })}`);
        } catch (e) {
          out(`DIAL2 ${JSON.stringify({ ok: false, error: (e as Error).message })}`);
        }
      } else if (line === 'stop') {
        stopping = true;
        await loop;
        out(`DOWN ${await c.hangup()}`);
        rl.close();
        process.stdin.destroy();
        gre.close();
        clearTimeout(hardStop);
      }
    });
  });
}

void main();
