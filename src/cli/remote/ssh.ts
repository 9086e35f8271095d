/**
 * An SSH shell over ssh2 (SSH protocol 2: PIX 6.3 speaks only version 1,
 * which no current client accepts). Password authentication only; the
 * `exec` channel runs its command lines as if typed (`ssh pix@host show
 * version`), a `shell` channel gets the interactive line discipline (with
 * echo, editing and paging on a pty, whole lines without one).
 */
import type { Socket } from 'node:net';
import ssh2 from 'ssh2';
import { UNKNOWN_COMMAND } from '../session.js';
import type { HostKey } from './host-key.js';
import type { LoginResult } from './login.js';
import type { ConnectionContext, OpenShell } from './plane.js';
import { RemoteTerminal } from './terminal.js';

export function serveSsh(socket: Socket, ctx: ConnectionContext, key: HostKey, maxTries: number): void {
  const server = new ssh2.Server({ hostKeys: [key.pem], ident: 'pix-pptpd' }, (client) => {
    let tries = 0;
    let cipher: string | undefined;
    let login: Extract<LoginResult, { ok: true }> | undefined;
    let shell: OpenShell | undefined;
    let term: RemoteTerminal | undefined;
    const timer = setTimeout(() => socket.destroy(), ctx.loginMs);
    timer.unref();
    client.on('error', () => undefined);
    client.on('close', () => {
      clearTimeout(timer);
      term?.end();
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
        let pty: { cols: number; rows: number } | undefined;
        channel.on('pty', (accept, _reject, info) => {
          pty = { cols: info.cols, rows: info.rows };
          accept?.();
        });
        channel.on('window-change', (accept, _reject, info) => {
          term?.setSize(info.cols, info.rows);
          accept?.();
        });
        const open = (): OpenShell => {
          shell = ctx.open(login!, cipher ? { cipher } : {});
          return shell;
        };
        channel.on('shell', (accept) => {
          const stream = accept();
          const sh = open();
          term = new RemoteTerminal({ write: (t) => stream.write(t) }, { echo: pty !== undefined, crlf: pty !== undefined, onInput: sh.touch });
          if (pty) term.setSize(pty.cols, pty.rows);
          const t = term;
          sh.setCloser((reason) => {
            t.print(`\n% ${reason}\n`);
            sh.session.close();
            client.end();
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
          sh.setCloser(() => client.end());
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
