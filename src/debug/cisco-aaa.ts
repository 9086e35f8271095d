/**
 * `debug aaa authentication` and `debug aaa accounting` lines:
 *
 *   AAA/AUTHEN/PPP: user 'cisco' method MSCHAPV2 server group RADIUS
 *   AAA/AUTHEN/PPP: user 'cisco' status = FAIL (denied)
 *   AAA/ACCT/PPP(00000001): Queueing record is START for user 'cisco'
 *   AAA/ACCT/PPP(00000001): TACACS+ STOP record acknowledged
 *
 * The RADIUS and TACACS+ authenticators and accountings report
 * AaaDebugEvents (src/proto/aaa/debug-events.ts) to a CiscoAaaDebug.
 */
import type { DebugBus, DebugCategory } from './bus.js';
import type { AaaDebugEvent, AaaDebugSink, AccountingKind, AuthenMethod, AuthenOutcome } from '../proto/aaa/debug-events.js';

const RADIUS_METHOD_NAMES: Readonly<Record<AuthenMethod, string>> = { pap: 'PAP', chap: 'CHAP', mschap: 'MSCHAP', 'mschap-v2': 'MSCHAPV2' };

/** The RADIUS name of the method; TACACS+ lines have always printed the method upper-cased as it is (MSCHAP-V2). */
function methodText(protocol: 'radius' | 'tacacs+', method: AuthenMethod): string {
  return protocol === 'radius' ? RADIUS_METHOD_NAMES[method] : method.toUpperCase();
}

/** `PASS`, `ERROR (unreachable)`, `FAIL (denied)`. */
function statusText(outcome: AuthenOutcome): string {
  if (outcome === 'pass') return 'PASS';
  return `${outcome === 'unreachable' ? 'ERROR' : 'FAIL'} (${outcome})`;
}

/** START, WATCHDOG (an Interim-Update), STOP. */
function recordText(record: AccountingKind): string {
  return record === 'Interim-Update' ? 'WATCHDOG' : record.toUpperCase();
}

/** Turns the AAA engines' events into `debug aaa` lines on the bus. */
export class CiscoAaaDebug implements AaaDebugSink {
  constructor(private readonly bus: DebugBus) {}

  on(category: DebugCategory): boolean {
    return this.bus.on(category);
  }

  emit(e: AaaDebugEvent): void {
    const authen = (text: string, user: string) => this.bus.debug('aaa authentication', `AAA/AUTHEN/PPP: ${text}`, { user });
    const acct = (sessionId: string, text: string, user: string) => this.bus.debug('aaa accounting', `AAA/ACCT/PPP(${sessionId}): ${text}`, { user });
    switch (e.kind) {
      case 'authen-start':
        authen(`user '${e.user}' method ${methodText(e.protocol, e.method)} server group ${e.group}${e.protocol === 'tacacs+' ? ' (TACACS+)' : ''}`, e.user);
        return;
      case 'authen-result':
        authen(`user '${e.user}' status = ${statusText(e.outcome)}`, e.user);
        return;
      case 'accept-without-chap2-success':
        authen(`Access-Accept for '${e.user}' carries no valid MS-CHAP2-Success`, e.user);
        return;
      case 'mppe-keys-ignored':
        authen(`ignoring MPPE keys for '${e.user}': ${e.problem}`, e.user);
        return;
      case 'acct-queued':
        acct(e.sessionId, `Queueing record is ${recordText(e.record)} for ${e.user ? `user '${e.user}'` : 'this NAS'}`, e.user);
        return;
      case 'acct-dropped':
        // upper-cased as it is: an Interim-Update dropped here prints INTERIM-UPDATE, as it always has
        acct(e.sessionId, `queue full (${e.queued}), ${e.record.toUpperCase()} record dropped`, e.user);
        return;
      case 'acct-acknowledged':
        acct(e.sessionId, `${recordText(e.record)} record acknowledged by ${e.server}`, e.user);
        return;
      case 'acct-paused':
        this.bus.debug('aaa accounting', `AAA/ACCT: no accounting server answered, ${e.queued} records queued, retry in ${Math.round(e.retryMs / 1000)} s`);
        return;
      case 'acct-tacacs-answer':
        acct(e.sessionId, `TACACS+ ${recordText(e.record)} record ${e.acknowledged ? 'acknowledged' : 'not acknowledged'}`, e.user);
        return;
    }
  }
}
