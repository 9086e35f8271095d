/**
 * A Telnet shell (RFC 854) over telnet-stream, which splits the IAC
 * commands from the data. The server asks for character mode as IOS and
 * PIX do: WILL ECHO + WILL SUPPRESS-GO-AHEAD (RFC 857/858), so this side
 * echoes and simply does not echo password answers, and DO NAWS (RFC 1073)
 * so `<--- More --->` pages at the client's window height, and DO
 * TERMINAL-TYPE (RFC 1091): a client that names a real terminal type gets
 * the full-screen console after the login, as an SSH pty does (UTF-8
 * assumed); one that does not, or says `dumb`, stays in line mode. Every
 * other option is refused once.
 */
import type { Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { TelnetSocket } from 'telnet-stream';
import type { RunningConfig } from '../../config/running.js';
import { UNKNOWN_COMMAND } from '../session.js';
import { consoleAaa } from './access.js';
import { PIX_USER } from './login.js';
import type { ConnectionContext, RemoteScreen } from './plane.js';
import { drainedOf, RemoteTerminal } from './terminal.js';

const ECHO = 1;
const SGA = 3;
const NAWS = 31;
const TTYPE = 24;
/** TERMINAL-TYPE subnegotiation codes: IS (the client's answer), SEND (our question). */
const TTYPE_IS = 0;
const TTYPE_SEND = 1;

export function serveTelnet(socket: Socket, ctx: ConnectionContext, rc: RunningConfig, maxTries: number): void {
  const ts = new TelnetSocket(socket);
  let touch = () => {};
  // TelnetSocket's output stream is piped to the socket: the socket's buffer is the one that fills
  const term = new RemoteTerminal({ write: (t) => ts.write(Buffer.from(t, 'utf8')), drained: drainedOf(socket) }, { echo: true, onInput: () => touch() });
  ts.writeWill(ECHO);
  ts.writeWill(SGA);
  ts.writeDo(NAWS);
  ts.writeDo(TTYPE);
  let ttype: string | undefined;
  let size = { cols: 80, rows: 24 };
  /** Set while the full-screen console runs: it gets the input, and the window size. */
  let screen: (RemoteScreen & { input: PassThrough }) | undefined;
  const refused = new Set<string>();
  /** Each answer (a refusal, our TERMINAL-TYPE question) is sent once per option. */
  const refuse = (kind: string, opt: number, send: () => void) => {
    if (refused.has(`${kind}${opt}`)) return;
    refused.add(`${kind}${opt}`);
    send();
  };
  ts.on('do', (opt) => opt !== ECHO && opt !== SGA && refuse('do', opt, () => ts.writeWont(opt)));
  ts.on('will', (opt) => {
    // TERMINAL-TYPE: IAC SB TTYPE SEND IAC SE asks for the name
    if (opt === TTYPE) return refuse('ask', opt, () => ts.writeSub(TTYPE, Buffer.from([TTYPE_SEND])));
    if (opt !== NAWS) refuse('will', opt, () => ts.writeDont(opt));
  });
  ts.on('sub', (opt, buf) => {
    // NAWS: IAC SB NAWS <width 16 bits> <height 16 bits> IAC SE
    if (opt === NAWS && buf.length >= 4) {
      size = { cols: buf.readUInt16BE(0), rows: buf.readUInt16BE(2) };
      term.setSize(size.cols, size.rows);
      if (screen) {
        screen.output.columns = size.cols;
        screen.output.rows = size.rows;
        screen.output.emit('resize');
      }
    }
    // TERMINAL-TYPE: IAC SB TTYPE IS <name> IAC SE
    if (opt === TTYPE && buf.length > 1 && buf[0] === TTYPE_IS) ttype = buf.subarray(1, 41).toString('latin1').toLowerCase();
  });
  ts.on('data', (d) => {
    if (!screen) return term.feed(d.toString());
    touch();
    // Enter arrives as CR LF or CR NUL (RFC 854); a terminal sends CR
    screen.input.write(d.toString('utf8').replace(/\r\n|\r\0|\n/g, '\r'));
  });
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
        const fullScreen = ctx.fullScreen;
        if (ttype && ttype !== 'dumb' && fullScreen) return await runFullScreen(r, fullScreen, ttype);
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

  async function runFullScreen(login: Parameters<ConnectionContext['open']>[0], fullScreen: NonNullable<ConnectionContext['fullScreen']>, terminal: string): Promise<void> {
    const shell = ctx.open(login, { liveViews: true });
    touch = shell.touch;
    const gone = new AbortController();
    const input = new PassThrough();
    const output = Object.assign(new Writable({ write: (chunk: Buffer, _enc, done) => (ts.write(chunk), done()) }), { columns: size.cols, rows: size.rows, isTTY: true });
    screen = { input, output, term: terminal, unicode: true, signal: gone.signal };
    socket.once('close', () => gone.abort());
    // ended from outside (kill, idle timeout): the console leaves the screen first, then the reason
    let reason: string | undefined;
    shell.setCloser((why) => {
      reason = why;
      gone.abort();
    });
    await fullScreen(shell.session, screen);
    // after blessed's last (deferred) writes
    await new Promise((r) => setImmediate(r));
    if (reason !== undefined) ts.write(Buffer.from(`\r\n% ${reason}\r\n`));
    shell.session.close();
    socket.end();
  }
}
