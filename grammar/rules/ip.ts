/**
 * Interfaces and addressing:
 *   nameif HW NAME securityN      interface HW [settings...]
 *   ip address IF A M             mtu IF BYTES
 *   ip local pool NAME A-B [mask M]
 *   ip audit|verify|domain-name|name-server ...   (kept verbatim)
 */
import type { ConfigLine } from '../config-line.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';

const SECURITY_RE = /^security(\d{1,3})$/i;

export function defineIpRules($: RuleBuilder) {
  const ipCmd = $.RULE('ipCmd', (): ConfigLine => {
    $.consume(0, T.Ip);
    return $.or(0, {
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            $.consume(0, T.Local);
            $.consume(0, T.Pool);
            const name = $.consume(0, T.PoolName);
            const range = $.option(0, () => {
              const r = $.consume(0, T.RangeArg);
              const m = $.option(1, () => {
                $.consume(0, T.MaskKw);
                return $.consume(0, T.Mask);
              });
              return { r, m };
            });
            return $.ACTION((): ConfigLine => {
              if (!range) return { kind: 'ip-local-pool', name: name.image };
              const [start, end] = range.r.image.split('-');
              const line: ConfigLine = { kind: 'ip-local-pool', name: name.image, range: { start, end } };
              if (range.m) line.mask = range.m.image;
              return line;
            });
          },
        },
        {
          ALT: () => {
            $.consume(0, T.Address);
            const ifn = $.consume(0, T.IfName);
            const am = $.option(2, () => {
              const a = $.consume(0, T.IpAddr);
              const m = $.consume(1, T.Mask);
              return { a, m };
            });
            return $.ACTION((): ConfigLine =>
              am
                ? { kind: 'ip-address', interfaceName: ifn.image, address: am.a.image, mask: am.m.image }
                : { kind: 'ip-address', interfaceName: ifn.image });
          },
        },
        {
          ALT: () => {
            const sub = $.or(1, T.OpaqueIpSecond.map((t) => ({ ALT: () => $.consume(0, t) })));
            $.many(0, () => $.consume(0, T.Tail));
            return $.ACTION((): ConfigLine => ({ kind: 'opaque', family: 'ip ' + sub.image.toLowerCase(), text: '' }));
          },
        },
      ],
    });
  });

  const mtuCmd = $.RULE('mtuCmd', (): ConfigLine => {
    $.consume(0, T.Mtu);
    const ifn = $.consume(0, T.IfName);
    const n = $.option(0, () => $.consume(0, T.MtuBytes));
    return $.ACTION((): ConfigLine => {
      if (n && (num(n) < 64 || num(n) > 65535)) $.invalid(n);
      return n ? { kind: 'mtu', interfaceName: ifn.image, bytes: num(n) } : { kind: 'mtu', interfaceName: ifn.image };
    });
  });

  const nameifCmd = $.RULE('nameifCmd', (): ConfigLine => {
    $.consume(0, T.Nameif);
    const hw = $.consume(0, T.HwName);
    const rest = $.option(0, () => {
      const name = $.consume(0, T.IfName);
      const sec = $.option(1, () => $.consume(0, T.SecurityLevel));
      return { name, sec };
    });
    return $.ACTION((): ConfigLine => {
      const line: ConfigLine = { kind: 'nameif', hardware: hw.image };
      if (rest) {
        line.name = rest.name.image;
        if (rest.sec) {
          const m = SECURITY_RE.exec(rest.sec.image);
          if (!m || Number(m[1]) > 100) $.invalid(rest.sec);
          else line.security = Number(m[1]);
        }
      }
      return line;
    });
  });

  const interfaceCmd = $.RULE('interfaceCmd', (): ConfigLine => {
    $.consume(0, T.Interface);
    const hw = $.consume(0, T.HwName);
    const settings: string[] = [];
    $.many(0, () => {
      const t = $.consume(0, T.Tail);
      $.ACTION(() => settings.push(t.image));
    });
    return $.ACTION((): ConfigLine => ({ kind: 'interface', hardware: hw.image, settings }));
  });

  return { ipCmd, mtuCmd, nameifCmd, interfaceCmd };
}
