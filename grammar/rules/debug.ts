/**
 * `debug ...`, `undebug ...`, `no debug ...` with the optional
 * `user NAME` / `tunnel N` filters (extension).
 */
import type { IToken } from 'chevrotain';
import type { Command, DebugSwitch } from '../command.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';

export type DebugWhat = { what: DebugSwitch | 'all'; tok: IToken; user?: string; tunnel?: number };

export function defineDebugRules($: RuleBuilder) {
  /** The switch after `debug` plus filters; `all` only valid when turning off. */
  const debugBody = $.RULE('debugBody', (): DebugWhat => {
    let tok!: IToken;
    const what = $.or(0, [
      {
        ALT: () => {
          tok = $.consume(0, T.Vpdn);
          return $.or(1, [
            { ALT: () => ($.consume(0, T.Event), 'vpdn event' as const) },
            { ALT: () => ($.consume(0, T.Events), 'vpdn event' as const) },
            { ALT: () => ($.consume(0, T.ErrorKw), 'vpdn error' as const) },
            { ALT: () => ($.consume(0, T.Errors), 'vpdn error' as const) },
            { ALT: () => ($.consume(0, T.Packet), 'vpdn packet' as const) },
          ]);
        },
      },
      {
        ALT: () => {
          tok = $.consume(0, T.Ppp);
          return $.or(2, [
            { ALT: () => ($.consume(1, T.ErrorKw), 'ppp error' as const) },
            { ALT: () => ($.consume(0, T.Io), 'ppp io' as const) },
            { ALT: () => ($.consume(0, T.Uauth), 'ppp uauth' as const) },
            { ALT: () => ($.consume(0, T.Negotiation), 'ppp negotiation' as const) },
            { ALT: () => ($.consume(0, T.Authentication), 'ppp authentication' as const) },
            { ALT: () => ($.consume(0, T.Mppe), 'ppp mppe' as const) },
          ]);
        },
      },
      { ALT: () => ((tok = $.consume(0, T.Radius)), 'radius' as const) },
      {
        ALT: () => {
          tok = $.consume(0, T.Aaa);
          return $.or(3, [
            { ALT: () => ($.consume(1, T.Authentication), 'aaa authentication' as const) },
            { ALT: () => ($.consume(0, T.Accounting), 'aaa accounting' as const) },
          ]);
        },
      },
      { ALT: () => ((tok = $.consume(0, T.Tacacs)), 'tacacs' as const) },
      { ALT: () => ((tok = $.consume(0, T.All)), 'all' as const) },
    ]);
    const user = $.option(0, () => {
      $.consume(0, T.User);
      return $.consume(0, T.UserName).image;
    });
    const tunnel = $.option(1, () => {
      $.consume(0, T.Tunnel);
      const n = $.consume(0, T.TunnelId);
      return $.ACTION(() => num(n));
    });
    return $.ACTION(() => {
      const r: DebugWhat = { what, tok };
      if (user !== undefined) r.user = user;
      if (tunnel !== undefined) r.tunnel = tunnel;
      return r;
    });
  });

  function toCommand(on: boolean, d: DebugWhat): Command {
    if (d.what === 'all') {
      if (on) $.invalid(d.tok);
      return { kind: 'undebug-all' };
    }
    const c: Command = { kind: 'debug', on, what: d.what };
    if (d.user !== undefined) c.user = d.user;
    if (d.tunnel !== undefined) c.tunnel = d.tunnel;
    return c;
  }

  const debugCmd = $.RULE('debugCmd', (): Command => {
    $.consume(0, T.Debug);
    const d = $.subrule(0, debugBody);
    return $.ACTION(() => toCommand(true, d));
  });
  const undebugCmd = $.RULE('undebugCmd', (): Command => {
    $.consume(0, T.Undebug);
    const d = $.subrule(0, debugBody);
    return $.ACTION(() => toCommand(false, d));
  });
  /** The part after `no` shared by enable and config modes. */
  const noDebugCmd = $.RULE('noDebugCmd', (): Command => {
    $.consume(0, T.Debug);
    const d = $.subrule(0, debugBody);
    return $.ACTION(() => toCommand(false, d));
  });
  const noTerminalCmd = $.RULE('noTerminalCmd', (): Command => {
    $.consume(0, T.Terminal);
    $.consume(0, T.Monitor);
    return { kind: 'terminal-monitor', on: false };
  });
  return { debugCmd, undebugCmd, noDebugCmd, noTerminalCmd };
}
