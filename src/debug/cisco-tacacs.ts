/**
 * `debug tacacs` lines:
 *
 *   TPLUS: Using server 172.18.124.99:49
 *   TPLUS(5A3F09C1): Started 5 sec timeout
 *   TPLUS: Received authen response status PASS (1)
 *   TPLUS: Received author response status PASS_ADD args addr=10.1.1.5
 *
 * The TACACS+ client and authenticator report TacacsDebugEvents
 * (src/proto/tacacs/debug-events.ts) to a CiscoTacacsDebug; the AAA events
 * of the same engines go on to a CiscoAaaDebug.
 */
import type { DebugBus, DebugCategory } from './bus.js';
import { CiscoAaaDebug } from './cisco-aaa.js';
import type { AaaDebugEvent } from '../proto/aaa/debug-events.js';
import type { TacacsDebugEvent, TacacsDebugSink, TacacsServerName } from '../proto/tacacs/debug-events.js';

/** Authentication REPLY statuses, RFC 8907 5.2. */
const AUTHEN_STATUS_NAMES: Readonly<Record<number, string>> = { 1: 'PASS', 2: 'FAIL', 3: 'GETDATA', 4: 'GETUSER', 5: 'GETPASS', 6: 'RESTART', 7: 'ERROR', 0x21: 'FOLLOW' };
/** Authorization REPLY statuses, RFC 8907 6.2; anything else prints as ERROR. */
const AUTHOR_STATUS_NAMES: Readonly<Record<number, string>> = { 1: 'PASS_ADD', 2: 'PASS_REPL', 0x10: 'FAIL' };

/** `TPLUS(5A3F09C1)`: the session id in hex. */
function sessionTag(session: number): string {
  return `TPLUS(${session.toString(16).toUpperCase().padStart(8, '0')})`;
}

function serverText(s: TacacsServerName): string {
  return `${s.address}:${s.port}`;
}

/** Turns the TACACS+ engines' events into `debug tacacs` lines, and their AAA events into `debug aaa` lines. */
export class CiscoTacacsDebug implements TacacsDebugSink {
  private readonly aaa: CiscoAaaDebug;

  constructor(private readonly bus: DebugBus) {
    this.aaa = new CiscoAaaDebug(bus);
  }

  on(category: DebugCategory): boolean {
    return this.bus.on(category);
  }

  emit(e: TacacsDebugEvent | AaaDebugEvent): void {
    const line = (text: string) => this.bus.debug('tacacs', text, 'user' in e && e.user ? { user: e.user } : undefined);
    switch (e.kind) {
      case 'using-server':
        line(`TPLUS: Using server ${serverText(e.server)}`);
        return;
      case 'connect-failed':
        line(e.timedOut ? `TPLUS: Connection to ${serverText(e.server)} timed out` : `TPLUS: Cannot connect to ${serverText(e.server)} failed`);
        return;
      case 'timeout-started':
        line(`${sessionTag(e.session)}: Started ${Math.round(e.remainingMs / 1000)} sec timeout`);
        return;
      case 'reply-timeout':
        line(`${sessionTag(e.session)}: Timeout from ${e.server.address}`);
        return;
      case 'closed-before-reply':
        line(`${sessionTag(e.session)}: Connection to ${e.server.address} closed before the reply`);
        return;
      case 'invalid-reply-header':
        line(`${sessionTag(e.session)}: Invalid reply header from ${e.server.address}, dropped`);
        return;
      case 'stray-reply':
        line(`TPLUS: Reply from ${e.server.address} for no pending session, dropped`);
        return;
      case 'undecodable-reply':
        line(`TPLUS: Undecodable reply body from ${e.server.address} (wrong key?), dropped`);
        return;
      case 'marked-dead':
        line(`TPLUS: Marking server ${e.server.address} dead after ${e.failures} failed attempts`);
        return;
      case 'authen-start-created':
        line(`TPLUS: Authentication start packet created for user '${e.user}' type ${e.method.toUpperCase()}`);
        return;
      case 'authen-reply':
        line(`TPLUS: Received authen response status ${AUTHEN_STATUS_NAMES[e.status] ?? 'UNKNOWN'} (${e.status})`);
        return;
      case 'author-request-created':
        line(`TPLUS: Authorization request created for user '${e.user}' ${e.args.join(' ')}`);
        return;
      case 'author-reply':
        line(`TPLUS: Received author response status ${AUTHOR_STATUS_NAMES[e.status] ?? 'ERROR'}${e.args.length ? ` args ${e.args.join(' ')}` : ''}`);
        return;
      default:
        this.aaa.emit(e);
    }
  }
}
