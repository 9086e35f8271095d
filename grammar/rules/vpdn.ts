/**
 * The `vpdn` family (seed 003 + PIX 6.3 command reference):
 *   vpdn group G accept dialin pptp
 *   vpdn group G ppp authentication pap|chap|mschap|mschap-v2
 *   vpdn group G ppp encryption mppe 40|56|128|auto [required] [stateful|stateless]
 *   vpdn group G client configuration address local POOL
 *   vpdn group G client configuration dns|wins A [B]
 *   vpdn group G client authentication local | aaa TAG
 *   vpdn group G client accounting TAG
 *   vpdn group G pptp echo SECONDS
 *   vpdn username U password P
 *   vpdn enable IF
 *   vpdn limit sessions N | per-source N | auth-failures N backoff SECONDS | setup-timeout SECONDS   (extension)
 * PPPoE-client and L2TP lines (`request dialout pppoe`, `localname`,
 * `accept dialin l2tp`, `l2tp tunnel hello`) are valid PIX and kept verbatim.
 * Trailing arguments are optional in the grammar so `no` forms can omit
 * them; a positive line without them gets its usage (see index.ts).
 */
import type { IToken } from 'chevrotain';
import type { ConfigLine, VpdnLimitKind } from '../config-line.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';

type GroupPart = (group: string) => ConfigLine;
const VERBATIM: GroupPart = () => ({ kind: 'opaque', family: 'vpdn', text: '' });

export function defineVpdnRules($: RuleBuilder) {
  const tail = () => $.many(0, () => $.consume(0, T.Tail));

  const pppPart = $.RULE('vpdnPpp', (): GroupPart => {
    $.consume(0, T.Ppp);
    return $.or(0, [
      {
        ALT: () => {
          $.consume(0, T.Authentication);
          const p = $.or(1, [
            { ALT: () => ($.consume(0, T.Pap), 'pap' as const) },
            { ALT: () => ($.consume(0, T.Chap), 'chap' as const) },
            { ALT: () => ($.consume(0, T.Mschap), 'mschap' as const) },
            { ALT: () => ($.consume(0, T.MschapV2), 'mschap-v2' as const) },
          ]);
          return $.ACTION((): GroupPart => (group) => ({ kind: 'vpdn-ppp-auth', group, protocol: p }));
        },
      },
      {
        ALT: () => {
          $.consume(0, T.Encryption);
          $.consume(0, T.Mppe);
          const bits = $.option(0, () => $.consume(0, T.MppeBits));
          let required = false;
          let stateful = false;
          $.many(1, () =>
            $.or(2, [
              { ALT: () => { $.consume(0, T.Required); required = true; } },
              { ALT: () => { $.consume(0, T.Stateful); stateful = true; } },
              { ALT: () => { $.consume(0, T.Stateless); stateful = false; } },
            ]),
          );
          return $.ACTION((): GroupPart => {
            let strength: 40 | 56 | 128 | 'auto' | undefined;
            if (bits) {
              if (bits.tokenType === T.Auto) strength = 'auto';
              else if (bits.image === '40' || bits.image === '56' || bits.image === '128') strength = num(bits) as 40 | 56 | 128;
              else $.invalid(bits);
            }
            return (group) =>
              strength === undefined
                ? { kind: 'vpdn-ppp-mppe', group, required, stateful }
                : { kind: 'vpdn-ppp-mppe', group, strength, required, stateful };
          });
        },
      },
    ]);
  });

  const serverList = $.RULE('vpdnServers', (): string[] => {
    const a = $.option(1, () => $.consume(0, T.IpAddr));
    const b = $.option(2, () => $.consume(1, T.IpAddr));
    return $.ACTION(() => [a, b].filter((t) => t !== undefined).map((t) => t!.image));
  });

  const clientPart = $.RULE('vpdnClient', (): GroupPart => {
    $.consume(0, T.Client);
    return $.or(0, [
      {
        ALT: () => {
          $.consume(0, T.Configuration);
          return $.or(1, [
            {
              ALT: () => {
                $.consume(0, T.Address);
                $.consume(0, T.Local);
                const p = $.option(0, () => $.consume(0, T.PoolName));
                return $.ACTION((): GroupPart => (group) =>
                  p ? { kind: 'vpdn-client-pool', group, pool: p.image } : { kind: 'vpdn-client-pool', group });
              },
            },
            {
              ALT: () => {
                $.consume(0, T.Dns);
                const s = $.subrule(0, serverList);
                return $.ACTION((): GroupPart => (group) => ({ kind: 'vpdn-client-dns', group, servers: s }));
              },
            },
            {
              ALT: () => {
                $.consume(0, T.Wins);
                const s = $.subrule(1, serverList);
                return $.ACTION((): GroupPart => (group) => ({ kind: 'vpdn-client-wins', group, servers: s }));
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          $.consume(0, T.Authentication);
          const auth = $.option(3, () =>
            $.or<{ kind: 'local' } | { kind: 'aaa'; group: string }>(2, [
              { ALT: () => ($.consume(1, T.Local), { kind: 'local' as const }) },
              {
                ALT: () => {
                  $.consume(0, T.Aaa);
                  const t = $.consume(0, T.AaaTag);
                  return $.ACTION(() => ({ kind: 'aaa' as const, group: t.image }));
                },
              },
            ]),
          );
          return $.ACTION((): GroupPart => (group) =>
            auth ? { kind: 'vpdn-client-auth', group, auth } : { kind: 'vpdn-client-auth', group });
        },
      },
      {
        ALT: () => {
          $.consume(0, T.Accounting);
          const t = $.option(4, () => $.consume(1, T.AaaTag));
          return $.ACTION((): GroupPart => (group) =>
            t ? { kind: 'vpdn-client-accounting', group, aaaGroup: t.image } : { kind: 'vpdn-client-accounting', group });
        },
      },
    ]);
  });

  const groupPart = $.RULE('vpdnGroup', (): ConfigLine => {
    $.consume(0, T.Group);
    const g = $.consume(0, T.GroupName);
    const part = $.option(0, () =>
      $.or(0, [
        {
          ALT: () => {
            $.consume(0, T.Accept);
            $.consume(0, T.Dialin);
            return $.or(1, [
              { ALT: () => ($.consume(0, T.Pptp), ((group: string): ConfigLine => ({ kind: 'vpdn-accept-dialin', group, protocol: 'pptp' }))) },
              { ALT: () => ($.consume(0, T.L2tp), VERBATIM) },
            ]);
          },
        },
        { ALT: () => $.subrule(0, pppPart) },
        { ALT: () => $.subrule(0, clientPart) },
        {
          ALT: () => {
            $.consume(1, T.Pptp);
            $.consume(0, T.Echo);
            const s = $.option(1, () => $.consume(0, T.Seconds));
            return $.ACTION((): GroupPart => (group) =>
              s ? { kind: 'vpdn-pptp-echo', group, seconds: num(s) } : { kind: 'vpdn-pptp-echo', group });
          },
        },
        { ALT: () => ($.consume(0, T.Request), tail(), VERBATIM) },
        { ALT: () => ($.consume(0, T.Localname), $.many(1, () => $.consume(1, T.Tail)), VERBATIM) },
        { ALT: () => ($.consume(1, T.L2tp), $.many(2, () => $.consume(2, T.Tail)), VERBATIM) },
      ]),
    );
    return $.ACTION((): ConfigLine => (part ? part(g.image) : { kind: 'vpdn-group', group: g.image }));
  });

  /** Range-checked value of a `vpdn limit` line (the `no` form may omit it). */
  const limitLine = (limit: VpdnLimitKind, n: IToken | undefined, max: number): ConfigLine => {
    if (!n) return { kind: 'vpdn-limit', limit };
    if (num(n) < 1 || num(n) > max) $.invalid(n);
    return { kind: 'vpdn-limit', limit, value: num(n) };
  };

  const limitPart = $.RULE('vpdnLimit', (): ConfigLine => {
    $.consume(0, T.Limit);
    return $.or(0, [
      {
        ALT: () => {
          $.consume(0, T.Sessions);
          const n = $.option(0, () => $.consume(0, T.SessionCount));
          return $.ACTION(() => limitLine('sessions', n, 65535));
        },
      },
      {
        ALT: () => {
          $.consume(0, T.PerSource);
          const n = $.option(1, () => $.consume(1, T.SessionCount));
          return $.ACTION(() => limitLine('per-source', n, 65535));
        },
      },
      {
        ALT: () => {
          $.consume(0, T.AuthFailures);
          const r = $.option(2, () => {
            const n = $.consume(0, T.FailureCount);
            const b = $.option(3, () => {
              $.consume(0, T.Backoff);
              return $.consume(0, T.BackoffSeconds);
            });
            return { n, b };
          });
          return $.ACTION((): ConfigLine => {
            const line = limitLine('auth-failures', r?.n, 1000);
            if (r?.b) {
              if (num(r.b) < 1 || num(r.b) > 86400) $.invalid(r.b);
              if (line.kind === 'vpdn-limit') line.backoffSeconds = num(r.b);
            }
            return line;
          });
        },
      },
      {
        ALT: () => {
          $.consume(0, T.SetupTimeout);
          const n = $.option(4, () => $.consume(0, T.Seconds));
          return $.ACTION(() => limitLine('setup-timeout', n, 3600));
        },
      },
    ]);
  });

  const vpdnCmd = $.RULE('vpdnCmd', (): ConfigLine => {
    $.consume(0, T.Vpdn);
    return $.or(0, [
      { ALT: () => $.subrule(0, groupPart) },
      { ALT: () => $.subrule(0, limitPart) },
      {
        ALT: () => {
          $.consume(0, T.Username);
          const u = $.consume(0, T.UserName);
          const p = $.option(0, () => {
            $.consume(0, T.Password);
            const pw = $.consume(0, T.Secret);
            const local = $.option(1, () => $.consume(0, T.StoreLocal));
            return { pw, local };
          });
          return $.ACTION((): ConfigLine =>
            p
              ? { kind: 'vpdn-username', user: u.image, password: p.pw.image, ...(p.local ? { storeLocal: true as const } : {}) }
              : { kind: 'vpdn-username', user: u.image });
        },
      },
      {
        ALT: () => {
          $.consume(0, T.Enable);
          const i = $.consume(0, T.IfName);
          return $.ACTION((): ConfigLine => ({ kind: 'vpdn-enable', interfaceName: i.image }));
        },
      },
    ]);
  });
  return { vpdnCmd };
}
