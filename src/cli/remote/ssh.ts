/**
 * An SSH shell over ssh2 (SSH protocol 2: PIX 6.3 speaks only version 1,
 * which no current client accepts). Password authentication only; the
 * `exec` channel runs its command lines as if typed (`ssh pix@host show
 * version`), a `shell` channel gets the interactive line discipline (with
 * echo, editing and paging on a pty, whole lines without one). A pty of
 * a real terminal type gets the full-screen console, as the local
 * terminal does; TERM=dumb, or no pty (`ssh -T`), gets line mode.
 */
import type { Socket } from 'node:net';
import ssh2 from 'ssh2';
import { UNKNOWN_COMMAND } from '../session.js';
import type { HostKey } from './host-key.js';
import type { LoginResult } from './login.js';
import type { ConnectionContext, OpenShell } from './plane.js';
import { callbackIo, drainedOf, RemoteTerminal } from './terminal.js';
import { utf8Locale } from '../ui/dashboard-view.js';

/** A tty-like view of the channel for the full-screen console. */
type ScreenStream = ssh2.ServerChannel & { columns: number; rows: number; isTTY: boolean };

/**
 * Does the client's terminal take UTF-8? From the locale it sent (OpenSSH
 * sends LANG and LC_* with Debian's default SendEnv); without one, yes:
 * every current terminal and SSH client is UTF-8.
 */
function clientUnicode(env: Record<string, string>): boolean {
  return env.LC_ALL || env.LC_CTYPE || env.LANG ? utf8Locale(env) : true;
}

export function serveSsh(socket: Socket, ctx: ConnectionContext, key: HostKey, maxTries: number): void {
  const server = new ssh2.Server({ hostKeys: [key.pem], ident: 'pix-pptpd' }, (client) => {
    let tries = 0;
    let cipher: string | undefined;
    let login: Extract<LoginResult, { ok: true }> | undefined;
    let shell: OpenShell | undefined;
    let term: RemoteTerminal | undefined;
    const gone = new AbortController();
    /** End a shell from this side: the channel closes first (its data is delivered), then the connection. */
    const hangUp = (stream: ssh2.ServerChannel) => {
      const end = () => client.end();
      stream.once('close', end);
      setTimeout(end, 2000).unref();
      stream.end();
    };
    const timer = setTimeout(() => socket.destroy(), ctx.loginMs);
    timer.unref();
    client.on('error', () => undefined);
    client.on('close', () => {
      clearTimeout(timer);
      term?.end();
      gone.abort();
      shell?.session.close();
    });
    client.on('handshake', (n) => (cipher = n.cs.cipher));
    client.on('authentication', (a) => {
      if (a.method !== 'password') return a.reject(['password']);
      void ctx.login(a.username, a.password).then((r) => {
        if (r.ok) {
          login = r;
          return a.accept();
        }
        if (++tries >= maxTries) return client.end();
        a.reject(['password']);
      });
    });
    client.on('ready', () => {
      clearTimeout(timer);
      client.on('session', (acceptSession, rejectSession) => {
        if (shell) return rejectSession();
        const channel = acceptSession();
        let pty: { cols: number; rows: number; term: string } | undefined;
        const env: Record<string, string> = {};
        let screen: ScreenStream | undefined;
        channel.on('pty', (accept, _reject, info) => {
          pty = { cols: info.cols, rows: info.rows, term: info.term };
          accept?.();
        });
        channel.on('env', (accept, _reject, info) => {
          env[info.key] = info.val;
          accept?.();
        });
        channel.on('window-change', (accept, _reject, info) => {
          term?.setSize(info.cols, info.rows);
          if (screen) {
            screen.columns = info.cols;
            screen.rows = info.rows;
            screen.emit('resize');
          }
          accept?.();
        });
        const open = (liveViews = false): OpenShell => {
          shell = ctx.open(login!, { ...(cipher ? { cipher } : {}), liveViews });
          return shell;
        };
        channel.on('shell', (accept) => {
          const stream = accept();
          stream.on('error', () => undefined);
          const fullScreen = ctx.fullScreen;
          if (pty && pty.term !== '' && pty.term !== 'dumb' && fullScreen) {
            const sh = open(true);
            screen = Object.assign(stream, { columns: pty.cols, rows: pty.rows, isTTY: true });
            // ended from outside (kill, idle timeout): the console leaves the screen first, then the reason
            let reason: string | undefined;
            sh.setCloser((why) => {
              reason = why;
              gone.abort();
            });
            stream.on('data', () => sh.touch());
            stream.on('close', () => gone.abort());
            void fullScreen(sh.session, { input: screen, output: screen, term: pty.term, unicode: clientUnicode(env), signal: gone.signal }).then(() =>
              // after blessed's last (deferred) writes
              setImmediate(() => {
                sh.session.close();
                if (reason === undefined) {
                  stream.exit(0);
                  stream.end();
                  return;
                }
                stream.write(`\r\n% ${reason}\r\n`);
                hangUp(stream);
              }));
            return;
          }
          const sh = open();
          term = new RemoteTerminal(callbackIo((t, done) => stream.write(t, done), drainedOf(socket)), { echo: pty !== undefined, crlf: pty !== undefined, onInput: sh.touch });
          if (pty) term.setSize(pty.cols, pty.rows);
          const t = term;
          sh.setCloser((reason) => {
            t.print(`\n% ${reason}\n`);
            sh.session.close();
            hangUp(stream);
          });
          stream.on('data', (d: Buffer) => t.feed(d.toString('utf8')));
          stream.on('end', () => t.end());
          // the client closes the connection once the channel is closed
          void t.run(sh.session, ['', UNKNOWN_COMMAND]).then(() => {
            stream.exit(0);
            stream.end();
          });
        });
        channel.on('exec', (accept, _reject, info) => {
          const stream = accept();
          const sh = open();
          sh.setCloser(() => hangUp(stream));
          void (async () => {
            for (const line of info.command.split(/\r?\n/)) {
              if (sh.session.closed) break;
              const out = await sh.session.execute(line);
              if (out.length) stream.write(out.join('\n') + '\n');
            }
            sh.session.close();
            stream.exit(0);
            stream.end();
          })();
        });
      });
    });
  });
  server.injectSocket(socket);
}
