/**
 * Several of our PPTP clients in one test namespace, sharing one raw GRE
 * socket (test/e2e/netns-workers.test.ts):
 *   multi-client-child SERVER LOCAL USER PASSWORD COUNT
 * Dials COUNT clients at once and prints one line per client:
 *   UP {"index","callId","clientAddress"}   or   FAIL {"index","error"}
 * (callId: the server's, which says which worker took the call)
 * and DOWN {"index","reason"} when a call ends (whoever ends it). Commands
 * on stdin: "ping ADDR" pings ADDR through every live client's tunnel
 * (user-space ICMP) and prints PING {"index","sent","received"} each, then
 * PINGED; "dial N" dials N more; "stop" hangs up every call and exits.
 * Exits by itself after MAX_RUN_MS whatever happens.
 */
import { createInterface } from 'node:readline';
import { dialPptp, type PptpClient } from '../../src/client/dial.js';
import { openGreSocket } from '../../src/proto/gre/linux.js';

const [server, local, username, password, countText] = process.argv.slice(2) as [string, string, string, string, string];
const MAX_RUN_MS = 170_000;
const out = (line: string) => process.stdout.write(line + '\n');
const hardStop = setTimeout(() => {
  out('TIMEOUT');
  process.exit(2);
}, MAX_RUN_MS);

const gre = openGreSocket({ localAddress: local });
const live = new Map<number, PptpClient>();
let next = 0;

async function dialOne(index: number): Promise<void> {
  try {
    const c = await dialPptp({ server, gre, localAddress: local, username, password, profile: 'linux', timeoutMs: 20_000 });
    live.set(index, c);
    out(`UP ${JSON.stringify({ index, callId: c.status().peerCallId, clientAddress: c.clientAddress })}`);
    void c.closed.then((reason) => {
      live.delete(index);
      out(`DOWN ${JSON.stringify({ index, reason })}`);
    });
  } catch (e) {
    out(`FAIL ${JSON.stringify({ index, error: (e as Error).message })}`);
  }
}

const dial = (n: number) => Promise.all(Array.from({ length: n }, () => dialOne(next++)));

async function main(): Promise<void> {
  await dial(Number(countText));
  out('DIALLED');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line.startsWith('ping ')) {
      const dst = line.slice(5);
      await Promise.all(
        [...live].map(async ([index, c]) => {
          const r = await c.ping(dst, { count: 3, timeoutMs: 2000, intervalMs: 100 });
          out(`PING ${JSON.stringify({ index, sent: r.sent, received: r.received })}`);
        }),
      );
      out('PINGED');
    } else if (line.startsWith('dial ')) {
      await dial(Number(line.slice(5)));
      out('DIALLED');
    } else if (line === 'stop') {
      await Promise.all([...live.values()].map((c) => c.hangup()));
      break;
    }
  }
  rl.close();
  gre.close();
  clearTimeout(hardStop);
  process.stdin.destroy();
}

void main();
