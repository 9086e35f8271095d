/**
 * A small RFC 8907 TACACS+ server for tests (test code, not product code).
 * No TACACS+ server is packaged for these machines, so this one stands in,
 * answering the way the classic tac_plus F4.0.4.28 was observed to answer
 * (shared/reference/aaa/README.md):
 *
 * - ASCII login (minor 0): START -> GETUSER/GETPASS, CONTINUE -> PASS/FAIL.
 * - PAP (minor 1): `pap` secret, else `global`; cleartext or crypt(3) DES.
 * - CHAP (minor 1): data = id | challenge | MD5(id | secret | challenge);
 *   needs a cleartext secret (`chap` or `global`), a DES one gives ERROR.
 * - MS-CHAP v1: FAIL even with the right password (tac_plus' broken DES);
 *   MS-CHAP v2: ERROR ("unacceptable authen method").
 * - A body that does not decode with our key: "Invalid AUTHEN/START packet
 *   (check keys)" in the log and an ERROR reply.
 * - Authorization service=ppp protocol=ip: PASS_ADD with the user's ppp args
 *   (e.g. addr=192.168.1.77), FAIL for users without a ppp service and for
 *   other services.
 * - Accounting START/STOP/WATCHDOG: SUCCESS, records kept in `accounting`.
 * - Per-request connections (closed after each session), like tac_plus;
 *   `singleConnect: true` honours the RFC 8907 flag instead.
 *
 * crypt(3) DES checks run `perl -e crypt` (perl comes with the
 * Authen::TacacsPlus package the tests need anyway).
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import {
  AcctFlags,
  AcctStatus,
  AuthenStatus,
  AuthenType,
  AuthorStatus,
  Flags,
  PacketReader,
  PacketType,
  decodeAcctRequest,
  decodeAuthenContinue,
  decodeAuthenStart,
  decodeAuthorRequest,
  encodeAcctReply,
  encodeAuthenReply,
  encodeAuthorReply,
  encodeHeader,
  obfuscate,
  parseArg,
  type Header,
} from '../../src/proto/tacacs/codec.js';

export type TacacsSecret = { cleartext: string } | { des: string };

export interface TacacsUser {
  login?: TacacsSecret;
  pap?: TacacsSecret;
  chap?: TacacsSecret;
  global?: TacacsSecret;
  /** `service = ppp protocol = ip { ... }` arguments, e.g. ['addr=192.168.1.77']; undefined = no ppp service. */
  ppp?: string[];
}

export interface TacacsServerOptions {
  key: string;
  users: Record<string, TacacsUser>;
  address?: string;
  port?: number;
  singleConnect?: boolean;
  /** Accept connections but never answer (timeout tests). */
  silent?: boolean;
}

export interface AcctRecordSeen {
  flags: number;
  user: string;
  port: string;
  remAddr: string;
  args: string[];
}

export interface TacacsTestServer {
  readonly port: number;
  readonly host: string;
  readonly log: string[];
  readonly accounting: AcctRecordSeen[];
  /** Connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/** The user set of the README (key cisco). */
export const TAC_PLUS_USERS: Record<string, TacacsUser> = {
  cisco: { login: { cleartext: 'cisco' }, pap: { cleartext: 'cisco' }, chap: { cleartext: 'cisco' }, ppp: [] },
  john: { login: { des: 'TpCFFa8FLwauM' }, pap: { des: 'TpCFFa8FLwauM' }, chap: { cleartext: 'secret' } },
  fixed: { global: { cleartext: 'fixed' }, ppp: ['addr=192.168.1.77'] },
};

function desCrypt(password: string, hash: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', password, hash], { timeout: 5000 }, (err, out) =>
      resolve(!err && out === hash),
    );
  });
}

async function checkSecret(secret: TacacsSecret | undefined, password: string): Promise<boolean> {
  if (!secret) return false;
  if ('cleartext' in secret) return secret.cleartext === password;
  return desCrypt(password, secret.des);
}

interface AsciiState {
  user?: string;
}

export async function startTacacsServer(opts: TacacsServerOptions): Promise<TacacsTestServer> {
  const log: string[] = [];
  const accounting: AcctRecordSeen[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;

  const server: Server = createServer((sock) => {
    accepted++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    const reader = new PacketReader();
    const ascii = new Map<number, AsciiState>();
    let single = false;

    const reply = (req: Header, body: Buffer, done: boolean) => {
      const flags = (opts.key === '' ? Flags.Unencrypted : 0) | (single ? Flags.SingleConnect : 0);
      const h = { version: req.version, type: req.type, seq: req.seq + 1, flags, sessionId: req.sessionId };
      sock.write(Buffer.concat([encodeHeader(h, body.length), obfuscate(body, h, opts.key)]));
      if (done && !single) sock.end();
    };

    const handle = async (h: Header, raw: Buffer) => {
      if (opts.silent) return;
      if (h.seq === 1 && opts.singleConnect && h.flags & Flags.SingleConnect) single = true;
      const body = obfuscate(raw, h, opts.key);
      const authenError = (why: string) => {
        log.push(why);
        reply(h, encodeAuthenReply({ status: AuthenStatus.Error, flags: 0, serverMsg: Buffer.alloc(0), data: Buffer.alloc(0) }), true);
      };
      if (h.type === PacketType.Authen) {
        if (h.seq === 1) {
          const s = decodeAuthenStart(body);
          if (!s) return authenError('Invalid AUTHEN/START packet (check keys)');
          const name = s.user.toString('utf8');
          const u = opts.users[name];
          const minor = h.version & 0x0f;
          const pass = (ok: boolean) => {
            log.push(`${name} authen type ${s.authenType}: ${ok ? 'PASS' : 'FAIL'}`);
            reply(h, encodeAuthenReply({ status: ok ? AuthenStatus.Pass : AuthenStatus.Fail, flags: 0, serverMsg: Buffer.alloc(0), data: Buffer.alloc(0) }), true);
          };
          switch (s.authenType) {
            case AuthenType.Ascii: {
              if (minor !== 0) return authenError('ASCII login needs minor version 0');
              ascii.set(h.sessionId, { user: name || undefined });
              const status = name ? AuthenStatus.GetPass : AuthenStatus.GetUser;
              const prompt = name ? 'Password: ' : 'Username: ';
              reply(h, encodeAuthenReply({ status, flags: name ? 1 : 0, serverMsg: Buffer.from(prompt), data: Buffer.alloc(0) }), false);
              return;
            }
            case AuthenType.Pap:
              if (minor !== 1) return authenError('PAP needs minor version 1');
              return pass(!!u && (await checkSecret(u.pap ?? u.global, s.data.toString('utf8'))));
            case AuthenType.Chap: {
              if (minor !== 1) return authenError('CHAP needs minor version 1');
              if (s.data.length < 1 + 16 + 1) return authenError('CHAP data too short');
              const secret = u ? (u.chap ?? u.global) : undefined;
              if (secret && !('cleartext' in secret)) return authenError(`${name}: CHAP needs a cleartext secret`);
              if (!secret) return pass(false);
              const id = s.data.subarray(0, 1);
              const challenge = s.data.subarray(1, s.data.length - 16);
              const expected = createHash('md5').update(id).update(secret.cleartext).update(challenge).digest();
              return pass(expected.equals(s.data.subarray(s.data.length - 16)));
            }
            case AuthenType.MsChap:
              // tac_plus' own DES gives wrong blocks on 64-bit hosts: MS-CHAPv1 always fails there
              return pass(false);
            default:
              return authenError('choose_authen: unacceptable authen method');
          }
        }
        // CONTINUE of an ASCII login
        const st = ascii.get(h.sessionId);
        const c = decodeAuthenContinue(body);
        if (!st || !c) return authenError('Invalid AUTHEN/CONTINUE packet (check keys)');
        if (!st.user) {
          st.user = c.userMsg.toString('utf8');
          reply(h, encodeAuthenReply({ status: AuthenStatus.GetPass, flags: 1, serverMsg: Buffer.from('Password: '), data: Buffer.alloc(0) }), false);
          return;
        }
        const u = opts.users[st.user];
        const ok = !!u && (await checkSecret(u.login ?? u.global, c.userMsg.toString('utf8')));
        ascii.delete(h.sessionId);
        log.push(`${st.user} ascii login: ${ok ? 'PASS' : 'FAIL'}`);
        reply(h, encodeAuthenReply({ status: ok ? AuthenStatus.Pass : AuthenStatus.Fail, flags: 0, serverMsg: Buffer.alloc(0), data: Buffer.alloc(0) }), true);
        return;
      }
      if (h.type === PacketType.Author) {
        const r = decodeAuthorRequest(body);
        if (!r) {
          log.push('Invalid AUTHOR/REQUEST packet (check keys)');
          reply(h, encodeAuthorReply({ status: AuthorStatus.Error, args: [], serverMsg: Buffer.alloc(0), data: Buffer.alloc(0) }), true);
          return;
        }
        const name = r.user.toString('utf8');
        const args = r.args.map(parseArg);
        const service = args.find((a) => a?.name === 'service')?.value;
        const protocol = args.find((a) => a?.name === 'protocol')?.value;
        const u = opts.users[name];
        const ok = service === 'ppp' && protocol === 'ip' && u?.ppp !== undefined;
        log.push(`${name} author service=${service} protocol=${protocol}: ${ok ? 'PASS_ADD' : 'FAIL'}`);
        reply(
          h,
          encodeAuthorReply({ status: ok ? AuthorStatus.PassAdd : AuthorStatus.Fail, args: ok ? u!.ppp! : [], serverMsg: Buffer.alloc(0), data: Buffer.alloc(0) }),
          true,
        );
        return;
      }
      if (h.type === PacketType.Acct) {
        const r = decodeAcctRequest(body);
        if (!r || !(r.flags & (AcctFlags.Start | AcctFlags.Stop | AcctFlags.Watchdog))) {
          log.push('Invalid ACCT/REQUEST packet (check keys)');
          reply(h, encodeAcctReply({ status: AcctStatus.Error, serverMsg: Buffer.alloc(0), data: Buffer.alloc(0) }), true);
          return;
        }
        accounting.push({ flags: r.flags, user: r.user.toString('utf8'), port: r.port.toString('utf8'), remAddr: r.remAddr.toString('utf8'), args: r.args });
        reply(h, encodeAcctReply({ status: AcctStatus.Success, serverMsg: Buffer.alloc(0), data: Buffer.alloc(0) }), true);
        return;
      }
      log.push(`unknown packet type ${h.type}`);
      sock.destroy();
    };

    let chain = Promise.resolve();
    sock.on('data', (d) => {
      const r = reader.push(d);
      for (const p of r.packets) {
        chain = chain
          .then(() => handle(p.header, p.body))
          .catch(() => {
            sock.destroy();
          });
      }
      if (r.error) {
        log.push(`bad header: ${r.error}`);
        sock.destroy();
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.address ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    host: opts.address ?? '127.0.0.1',
    log,
    accounting,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
