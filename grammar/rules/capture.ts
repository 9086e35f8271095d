/**
 * Packet capture for PPTP sessions (extension of the PIX `capture` command;
 * enable and config modes, not part of the running-config):
 *   capture NAME [interface IF] [user U] [tunnel N]
 *   no capture NAME
 *   copy capture:NAME FILE        (in exec.ts: FILE is a plain path)
 *   show capture [NAME]           (in show.ts)
 * Filters may come in any order, each at most once.
 */
import type { IToken } from 'chevrotain';
import type { Command } from '../command.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';

export function defineCaptureRules($: RuleBuilder) {
  const captureCmd = $.RULE('captureCmd', (): Command => {
    $.consume(0, T.Capture);
    const name = $.consume(0, T.CaptureName);
    const seen: { kw: IToken; value: IToken }[] = [];
    $.many(0, () =>
      $.or(0, [
        { ALT: () => { const kw = $.consume(0, T.Interface); const value = $.consume(0, T.IfName); seen.push({ kw, value }); } },
        { ALT: () => { const kw = $.consume(0, T.User); const value = $.consume(0, T.UserName); seen.push({ kw, value }); } },
        { ALT: () => { const kw = $.consume(0, T.Tunnel); const value = $.consume(0, T.TunnelId); seen.push({ kw, value }); } },
      ]),
    );
    return $.ACTION((): Command => {
      const c: Extract<Command, { kind: 'capture' }> = { kind: 'capture', name: name.image };
      for (const { kw, value } of seen) {
        if (kw.tokenType === T.Interface) {
          if (c.interfaceName !== undefined) $.invalid(kw);
          c.interfaceName = value.image;
        } else if (kw.tokenType === T.User) {
          if (c.user !== undefined) $.invalid(kw);
          c.user = value.image;
        } else {
          if (c.tunnel !== undefined) $.invalid(kw);
          const n = num(value);
          if (n > 65535) $.invalid(value);
          c.tunnel = n;
        }
      }
      return c;
    });
  });

  /** The part after `no`. */
  const noCaptureCmd = $.RULE('noCaptureCmd', (): Command => {
    $.consume(0, T.Capture);
    const name = $.consume(0, T.CaptureName);
    return $.ACTION((): Command => ({ kind: 'no-capture', name: name.image }));
  });

  return { captureCmd, noCaptureCmd };
}
