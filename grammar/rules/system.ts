/**
 * Device-wide lines: hostname, enable password, passwd, pager, logging,
 * sysopt, `PIX Version`.
 */
import type { ConfigLine, LoggingDestination } from '../config-line.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';
import type { IToken } from 'chevrotain';

function levelOf(t: IToken): number {
  if (t.tokenType === T.NumberTok) return Number(t.image);
  return (T.LEVEL_NAMES as readonly string[]).indexOf(T.keywordOf(t.tokenType) ?? t.image.toLowerCase());
}

export function defineSystemRules($: RuleBuilder) {
  const hostnameCmd = $.RULE('hostnameCmd', (): ConfigLine => {
    $.consume(0, T.Hostname);
    const n = $.option(0, () => $.consume(0, T.HostName));
    return $.ACTION((): ConfigLine => {
      if (n && !/^[A-Za-z][A-Za-z0-9-]{0,62}$/.test(n.image)) $.invalid(n);
      return n ? { kind: 'hostname', name: n.image } : { kind: 'hostname' };
    });
  });

  const secretWithEncrypted = () => {
    const r = $.option(0, () => {
      const v = $.consume(0, T.Secret);
      const enc = $.option(1, () => $.consume(0, T.Encrypted));
      return { v, enc };
    });
    return r;
  };

  /** config mode `enable password X [encrypted]` */
  const enablePasswordCmd = $.RULE('enablePasswordCmd', (): ConfigLine => {
    $.consume(0, T.Enable);
    $.consume(0, T.Password);
    const r = secretWithEncrypted();
    return $.ACTION((): ConfigLine =>
      r ? { kind: 'enable-password', value: r.v.image, encrypted: !!r.enc } : { kind: 'enable-password', encrypted: false });
  });

  const passwdCmd = $.RULE('passwdCmd', (): ConfigLine => {
    $.consume(0, T.Passwd);
    const r = secretWithEncrypted();
    return $.ACTION((): ConfigLine =>
      r ? { kind: 'passwd', value: r.v.image, encrypted: !!r.enc } : { kind: 'passwd', encrypted: false });
  });

  const pagerCmd = $.RULE('pagerCmd', (): ConfigLine => {
    $.consume(0, T.Pager);
    const n = $.option(0, () => {
      $.consume(0, T.Lines);
      return $.option(1, () => $.consume(0, T.PagerLines));
    });
    return $.ACTION((): ConfigLine => {
      if (n && num(n) > 512) $.invalid(n);
      return n ? { kind: 'pager', lines: num(n) } : { kind: 'pager' };
    });
  });

  const loggingCmd = $.RULE('loggingCmd', (): ConfigLine => {
    $.consume(0, T.Logging);
    return $.or(0, [
      { ALT: () => ($.consume(0, T.On), { kind: 'logging-switch', what: 'on' } as ConfigLine) },
      { ALT: () => ($.consume(0, T.Timestamp), { kind: 'logging-switch', what: 'timestamp' } as ConfigLine) },
      { ALT: () => ($.consume(0, T.Standby), { kind: 'logging-switch', what: 'standby' } as ConfigLine) },
      {
        ALT: () => {
          const d = $.or(1, [
            { ALT: () => $.consume(0, T.Console) },
            { ALT: () => $.consume(0, T.Monitor) },
            { ALT: () => $.consume(0, T.Buffered) },
            { ALT: () => $.consume(0, T.Trap) },
            { ALT: () => $.consume(0, T.History) },
          ]);
          const l = $.option(0, () => $.consume(0, T.Level));
          return $.ACTION((): ConfigLine => {
            const dest = d.tokenType === T.Console ? 'console' : d.tokenType === T.Monitor ? 'monitor'
              : d.tokenType === T.Buffered ? 'buffered' : d.tokenType === T.Trap ? 'trap' : 'history';
            if (!l) return { kind: 'logging-level', dest: dest as LoggingDestination };
            const level = levelOf(l);
            if (!(level >= 0 && level <= 7)) $.invalid(l);
            return { kind: 'logging-level', dest: dest as LoggingDestination, level };
          });
        },
      },
      {
        ALT: () => {
          $.consume(0, T.FacilityKw);
          const n = $.option(1, () => $.consume(0, T.Facility));
          return $.ACTION((): ConfigLine => {
            if (n && (num(n) < 16 || num(n) > 23)) $.invalid(n);
            return n ? { kind: 'logging-facility', facility: num(n) } : { kind: 'logging-facility' };
          });
        },
      },
      {
        ALT: () => {
          $.consume(0, T.Queue);
          const n = $.option(2, () => $.consume(0, T.QueueSize));
          return $.ACTION((): ConfigLine => (n ? { kind: 'logging-queue', size: num(n) } : { kind: 'logging-queue' }));
        },
      },
      {
        ALT: () => {
          $.consume(0, T.Host);
          const i = $.consume(0, T.IfName);
          const a = $.consume(0, T.IpAddr);
          return $.ACTION((): ConfigLine => ({ kind: 'logging-host', interfaceName: i.image, address: a.image }));
        },
      },
    ]);
  });

  const sysoptCmd = $.RULE('sysoptCmd', (): ConfigLine => {
    $.consume(0, T.Sysopt);
    return $.or(0, {
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            $.consume(0, T.Connection);
            return $.or(1, {
              IGNORE_AMBIGUITIES: true,
              DEF: [
                { ALT: () => ($.consume(0, T.PermitPptp), { kind: 'sysopt-permit-pptp' } as ConfigLine) },
                {
                  ALT: () => {
                    $.consume(0, T.Tail);
                    $.many(0, () => $.consume(1, T.Tail));
                    return { kind: 'opaque', family: 'sysopt', text: '' } as ConfigLine;
                  },
                },
              ],
            });
          },
        },
        {
          ALT: () => {
            $.consume(2, T.Tail);
            $.many(1, () => $.consume(3, T.Tail));
            return { kind: 'opaque', family: 'sysopt', text: '' } as ConfigLine;
          },
        },
      ],
    });
  });

  const pixVersionCmd = $.RULE('pixVersionCmd', (): ConfigLine => {
    $.consume(0, T.PixKw);
    $.consume(0, T.Version);
    const v = $.consume(0, T.VersionText);
    return $.ACTION((): ConfigLine => ({ kind: 'pix-version', version: v.image }));
  });

  return { hostnameCmd, enablePasswordCmd, passwdCmd, pagerCmd, loggingCmd, sysoptCmd, pixVersionCmd };
}
