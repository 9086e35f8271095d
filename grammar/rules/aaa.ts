/**
 * The `aaa-server` family (PIX 6.3):
 *   aaa-server TAG protocol radius|tacacs+|local
 *   aaa-server TAG [(IF)] host IP [KEY] [timeout N] [authentication-port N] [accounting-port N] [key KEY]
 *   aaa-server TAG max-failed-attempts N
 *   aaa-server TAG deadtime MINUTES
 *   aaa-server radius-authport|radius-acctport PORT
 *   aaa-server TAG dynamic-authorization [port N]        (extension: RFC 5176)
 *   aaa-server TAG accounting interim SECONDS             (extension)
 * Group tags may collide with keywords (`aaa-server RADIUS protocol radius`).
 */
import type { IToken } from 'chevrotain';
import type { ConfigLine } from '../config-line.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';

export function defineAaaRules($: RuleBuilder) {
  const hostPart = $.RULE('aaaHost', (): Omit<Extract<ConfigLine, { kind: 'aaa-host' }>, 'tag' | 'kind'> => {
    const paren = $.option(0, () => $.consume(0, T.ParenIf));
    $.consume(0, T.Host);
    const ip = $.consume(0, T.IpAddr);
    let key: IToken | undefined;
    let timeout: IToken | undefined;
    let authPort: IToken | undefined;
    let acctPort: IToken | undefined;
    $.many(0, () =>
      $.or(0, {
        IGNORE_AMBIGUITIES: true,
        DEF: [
          { ALT: () => { $.consume(0, T.Timeout); timeout = $.consume(0, T.Seconds); } },
          { ALT: () => { $.consume(0, T.AuthenticationPort); authPort = $.consume(0, T.Port); } },
          { ALT: () => { $.consume(0, T.AccountingPort); acctPort = $.consume(1, T.Port); } },
          { ALT: () => { $.consume(0, T.Key); key = $.consume(0, T.Secret); } },
          { ALT: () => { const k = $.consume(1, T.Secret); $.ACTION(() => { if (key) $.invalid(k); key = k; }); } },
        ],
      }),
    );
    return $.ACTION(() => {
      const r: Omit<Extract<ConfigLine, { kind: 'aaa-host' }>, 'tag' | 'kind'> = { address: ip.image };
      if (paren) r.interfaceName = paren.image.slice(1, -1);
      if (key) r.key = key.image;
      if (timeout) {
        const t = num(timeout);
        if (t < 1 || t > 30) $.invalid(timeout);
        r.timeout = t;
      }
      if (authPort) {
        if (num(authPort) < 1 || num(authPort) > 65535) $.invalid(authPort);
        r.authenticationPort = num(authPort);
      }
      if (acctPort) {
        if (num(acctPort) < 1 || num(acctPort) > 65535) $.invalid(acctPort);
        r.accountingPort = num(acctPort);
      }
      return r;
    });
  });

  const aaaServerCmd = $.RULE('aaaServerCmd', (): ConfigLine => {
    $.consume(0, T.AaaServer);
    return $.or(0, {
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            const which = $.or(1, [
              { ALT: () => ($.consume(0, T.RadiusAuthport), 'authentication' as const) },
              { ALT: () => ($.consume(0, T.RadiusAcctport), 'accounting' as const) },
            ]);
            const p = $.option(0, () => $.consume(0, T.Port));
            return $.ACTION((): ConfigLine => {
              if (p && (num(p) < 1 || num(p) > 65535)) $.invalid(p);
              return p ? { kind: 'aaa-radius-port', which, port: num(p) } : { kind: 'aaa-radius-port', which };
            });
          },
        },
        {
          ALT: () => {
            const tag = $.consume(0, T.AaaTag);
            const rest = $.option(1, () =>
              $.or(2, [
                {
                  ALT: () => {
                    $.consume(0, T.Protocol);
                    const p = $.option(2, () =>
                      $.or(3, [
                        { ALT: () => ($.consume(0, T.Radius), 'radius' as const) },
                        { ALT: () => ($.consume(0, T.TacacsPlus), 'tacacs+' as const) },
                        { ALT: () => ($.consume(0, T.Local), 'local' as const) },
                      ]),
                    );
                    return $.ACTION(() => (t: string): ConfigLine =>
                      p ? { kind: 'aaa-protocol', tag: t, protocol: p } : { kind: 'aaa-protocol', tag: t });
                  },
                },
                {
                  ALT: () => {
                    const h = $.subrule(0, hostPart);
                    return $.ACTION(() => (t: string): ConfigLine => ({ kind: 'aaa-host', tag: t, ...h }));
                  },
                },
                {
                  ALT: () => {
                    $.consume(0, T.MaxFailedAttempts);
                    const n = $.option(3, () => $.consume(0, T.Attempts));
                    return $.ACTION(() => {
                      if (n && (num(n) < 1 || num(n) > 5)) $.invalid(n);
                      return (t: string): ConfigLine =>
                        n ? { kind: 'aaa-max-failed', tag: t, attempts: num(n) } : { kind: 'aaa-max-failed', tag: t };
                    });
                  },
                },
                {
                  ALT: () => {
                    $.consume(0, T.DynamicAuthorization);
                    const p = $.option(5, () => {
                      $.consume(0, T.PortKw);
                      return $.consume(1, T.Port);
                    });
                    return $.ACTION(() => {
                      if (p && (num(p) < 1 || num(p) > 65535)) $.invalid(p);
                      return (t: string): ConfigLine =>
                        p ? { kind: 'aaa-dynamic-authorization', tag: t, port: num(p) } : { kind: 'aaa-dynamic-authorization', tag: t };
                    });
                  },
                },
                {
                  ALT: () => {
                    $.consume(0, T.Accounting);
                    $.consume(0, T.Interim);
                    const n = $.option(6, () => $.consume(0, T.InterimSeconds));
                    return $.ACTION(() => {
                      if (n && (num(n) < 60 || num(n) > 86400)) $.invalid(n);
                      return (t: string): ConfigLine =>
                        n ? { kind: 'aaa-interim', tag: t, seconds: num(n) } : { kind: 'aaa-interim', tag: t };
                    });
                  },
                },
                {
                  ALT: () => {
                    $.consume(0, T.Deadtime);
                    const n = $.option(4, () => $.consume(0, T.Minutes));
                    return $.ACTION(() => {
                      if (n && num(n) > 1440) $.invalid(n);
                      return (t: string): ConfigLine =>
                        n ? { kind: 'aaa-deadtime', tag: t, minutes: num(n) } : { kind: 'aaa-deadtime', tag: t };
                    });
                  },
                },
              ]),
            );
            return $.ACTION((): ConfigLine => (rest ? rest(tag.image) : { kind: 'aaa-group', tag: tag.image }));
          },
        },
      ],
    });
  });
  return { aaaServerCmd };
}
