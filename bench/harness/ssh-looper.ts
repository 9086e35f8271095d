/**
 * SSH shells that run `show vpdn` in a loop, in a process of their own
 * (their CPU is not the server's), driven over stdin/stdout:
 *
 *   node ssh-looper.js '{"port":P,"shells":20,"password":"..."}'
 *
 * Each shell logs in as user pix (line mode: a `dumb` pty), turns the pager
 * off (`terminal pager 0`), goes to enable and sends the next `show vpdn`
 * as soon as the prompt is back. Prints `ready {shells}` once every shell
 * is at its prompt; `go` starts the loops; `stop` -> `done {completed,
 * seconds, octets}` and exit.
 */
import readline from 'node:readline';
import ssh2 from 'ssh2';

interface Options {
  port: number;
  shells: number;
  password: string;
}

const o = JSON.parse(process.argv[2] ?? '{}') as Options;
const hardStop = setTimeout(() => process.exit(3), 600_000);
hardStop.unref();

let looping = false;
let completed = 0;
let octets = 0;
let started = 0;

function out(kind: string, v: unknown): void {
  process.stdout.write(`${kind} ${JSON.stringify(v)}\n`);
}

interface LoopShell {
  client: ssh2.Client;
  /** Send the first `show vpdn`; the rest follow each prompt. */
  start(): void;
}

/** One shell: resolves when it sits at the `#` prompt with the pager off. */
function shell(): Promise<LoopShell> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () =>
      client.shell({ term: 'dumb', cols: 200, rows: 50 }, (err, s) => {
        if (err) return reject(err);
        const steps = ['enable', '', 'terminal pager 0'];
        let step = 0;
        let tail = '';
        s.on('data', (d: Buffer) => {
          octets += d.length;
          tail = (tail + d.toString('latin1')).slice(-40);
          // a prompt at the end of what arrived: the last command is done
          if (!/(pixfirewall[>#]|Password: )$/.test(tail)) return;
          tail = '';
          if (step < steps.length) {
            s.write(`${steps[step++]}\r`);
            if (step === steps.length) setTimeout(() => resolve({ client, start: () => s.write('show vpdn\r') }), 100);
            return;
          }
          if (!looping) return;
          completed++;
          s.write('show vpdn\r');
        });
      }),
    );
    client.connect({ host: '127.0.0.1', port: o.port, username: 'pix', password: o.password, readyTimeout: 30_000, hostVerifier: () => true });
  });
}

const shells = await Promise.all(Array.from({ length: o.shells }, () => shell()));
out('ready', { shells: shells.length });

const rl = readline.createInterface({ input: process.stdin });
for await (const line of rl) {
  if (line.trim() === 'go') {
    looping = true;
    started = performance.now();
    for (const sh of shells) sh.start();
    out('going', {});
  } else if (line.trim() === 'stop') {
    looping = false;
    out('done', { completed, seconds: (performance.now() - started) / 1000, octets });
    for (const sh of shells) sh.client.end();
    break;
  }
}
process.exit(0);
