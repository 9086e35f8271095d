/**
 * A Telnet shell (RFC 854) over telnet-stream, which splits the IAC
 * commands from the data. The server asks for character mode as IOS and
 * PIX do: WILL ECHO + WILL SUPPRESS-GO-AHEAD (RFC 857/858), so this side
 * echoes and simply does not echo password answers, and DO NAWS (RFC 1073)
 * so `<--- More --->` pages at the client's window height. Every other
 * option is refused once.
 */
import type { Socket } from 'node:net';
import { TelnetSocket } from 'telnet-stream';
import type { RunningConfig } from '../../config/running.js';
import { UNKNOWN_COMMAND } from '../session.js';
import { consoleAaa } from './access.js';
import { PIX_USER } from './login.js';
import type { ConnectionContext } from './plane.js';
import { RemoteTerminal } from './terminal.js';

const ECHO = 1;
const SGA = 3;
const NAWS = 31;

export function serveTelnet(socket: Socket, ctx: ConnectionContext, rc: RunningConfig, maxTries: number): void {
  const ts = new TelnetSocket(socket);
  let touch = () => {};
  const term = new RemoteTerminal({ write: (t) => ts.write(Buffer.from(t, 'utf8')) }, { echo: true, onInput: () => touch() });
  ts.writeWill(ECHO);
  ts.writeWill(SGA);
  ts.writeDo(NAWS);
  const refused = new Set<string>();
  const refuse = (kind: string, opt: number, send: () => void) => {
    if (refused.has(`${kind}${opt}`)) return;
    refused.add(`${kind}${opt}`);
    send();
  };
  ts.on('do', (opt) => opt !== ECHO && opt !== SGA && refuse('do', opt, () => ts.writeWont(opt)));
  ts.on('will', (opt) => opt !== NAWS && refuse('will', opt, () => ts.writeDont(opt)));
  ts.on('sub', (opt, buf) => {
    // NAWS: IAC SB NAWS <width 16 bits> <height 16 bits> IAC SE
    if (opt === NAWS && buf.length >= 4) term.setSize(buf.readUInt16BE(0), buf.readUInt16BE(2));
  });
  ts.on('data', (d) => term.feed(d.toString()));
  ts.on('end', () => term.end());
  ts.on('close', () => term.end());
  ts.on('error', () => term.end());
  void run();

  async function run(): Promise<void> {
    const aaa = consoleAaa(rc, 'telnet') !== undefined;
    const timer = setTimeout(() => socket.destroy(), ctx.loginMs);
    timer.unref();
    try {
      for (let tries = 0; tries < maxTries; tries++) {
        const user = aaa ? await term.readLine('Username: ', false) : PIX_USER;
        if (user === undefined) return;
        const password = await term.readLine(aaa ? 'Password: ' : 'PIX passwd: ', true);
        if (password === undefined) return;
        const r = await ctx.login(user, password);
        if (socket.destroyed) return;
        if (!r.ok) {
          term.print(aaa ? '\nError: Authentication failed\n' : '\nInvalid password\n');
          continue;
        }
        clearTimeout(timer);
        const shell = ctx.open(r, {});
        touch = shell.touch;
        shell.setCloser((reason) => {
          term.print(`\n% ${reason}\n`);
          shell.session.close();
          socket.end();
        });
        await term.run(shell.session, ['', UNKNOWN_COMMAND]);
        socket.end();
        return;
      }
      socket.end();
    } finally {
      clearTimeout(timer);
    }
  }
}
