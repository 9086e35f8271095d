/**
 * `show ...` (enable/config) and the short unprivileged list.
 */
import type { Command, ShowTarget, VpdnShowDetail } from '../command.js';
import * as T from '../tokens.js';
import { num, type RuleBuilder } from './builder.js';

export function defineShowRules($: RuleBuilder) {
  const optId = $.RULE('showId', (): number | undefined => {
    return $.option(0, () => {
      $.consume(0, T.Id);
      const n = $.consume(0, T.TunnelId);
      return $.ACTION(() => num(n));
    });
  });

  type Selector = { id?: number; detail?: VpdnShowDetail };
  const idSel = $.RULE('showIdSel', (): Selector => {
    $.consume(0, T.Id);
    const n = $.consume(0, T.TunnelId);
    return $.ACTION(() => ({ id: num(n) }));
  });
  /** `pptp` (the only protocol served) or `l2tp` (accepted; nothing to show). */
  const optProtocol = $.RULE('showVpdnProtocol', (): 'pptp' | 'l2tp' | undefined =>
    $.option(0, () =>
      $.or(0, [
        { ALT: () => ($.consume(0, T.Pptp), 'pptp' as const) },
        { ALT: () => ($.consume(0, T.L2tp), 'l2tp' as const) },
      ]),
    ),
  );

  const showVpdn = $.RULE('showVpdn', (): ShowTarget => {
    $.consume(0, T.Vpdn);
    type Sub = {
      sub: NonNullable<Extract<ShowTarget, { kind: 'vpdn' }>['sub']>;
      id?: number;
      name?: string;
      protocol?: 'pptp' | 'l2tp';
      detail?: VpdnShowDetail;
    };
    const sub = $.option(0, () =>
      $.or<Sub>(0, [
        {
          ALT: () => {
            $.consume(0, T.Tunnel);
            const protocol = $.subrule(0, optProtocol);
            const sel = $.option(3, () =>
              $.or<Selector>(1, [
                { ALT: () => $.subrule(0, idSel) },
                { ALT: () => ($.consume(0, T.Packets), { detail: 'packets' as const }) },
                { ALT: () => ($.consume(0, T.State), { detail: 'state' as const }) },
                { ALT: () => ($.consume(0, T.Summary), { detail: 'summary' as const }) },
                { ALT: () => ($.consume(0, T.Transport), { detail: 'transport' as const }) },
              ]),
            );
            return $.ACTION(() => ({ sub: 'tunnel' as const, protocol, ...sel }));
          },
        },
        {
          ALT: () => {
            $.consume(0, T.Session);
            const protocol = $.subrule(1, optProtocol);
            const sel = $.option(4, () =>
              $.or<Selector>(2, [
                { ALT: () => $.subrule(1, idSel) },
                { ALT: () => ($.consume(1, T.Packets), { detail: 'packets' as const }) },
                { ALT: () => ($.consume(1, T.State), { detail: 'state' as const }) },
                { ALT: () => ($.consume(0, T.Window), { detail: 'window' as const }) },
              ]),
            );
            return $.ACTION(() => ({ sub: 'session' as const, protocol, ...sel }));
          },
        },
        { ALT: () => { $.consume(0, T.Pppinterface); const id = $.subrule(0, optId); return $.ACTION(() => ({ sub: 'pppinterface' as const, id })); } },
        {
          ALT: () => {
            $.consume(0, T.Username);
            const u = $.option(1, () => $.consume(0, T.UserName));
            return $.ACTION(() => ({ sub: 'username' as const, name: u?.image }));
          },
        },
        {
          ALT: () => {
            $.consume(0, T.Group);
            const g = $.option(2, () => $.consume(0, T.GroupName));
            return $.ACTION(() => ({ sub: 'group' as const, name: g?.image }));
          },
        },
        { ALT: () => ($.consume(0, T.Diagnostics), { sub: 'diagnostics' as const }) },
      ]),
    );
    return $.ACTION((): ShowTarget => {
      const t: ShowTarget = { kind: 'vpdn' };
      if (sub) Object.assign(t, Object.fromEntries(Object.entries(sub).filter(([, v]) => v !== undefined)));
      return t;
    });
  });

  const showTarget = $.RULE('showTarget', (): ShowTarget => {
    return $.or(0, [
      { ALT: () => ($.consume(0, T.RunningConfig), { kind: 'running-config' as const }) },
      { ALT: () => ($.consume(0, T.StartupConfig), { kind: 'startup-config' as const }) },
      { ALT: () => $.subrule(0, showVpdn) },
      {
        ALT: () => {
          $.consume(0, T.Ip);
          $.consume(0, T.Local);
          $.consume(0, T.Pool);
          const p = $.option(0, () => $.consume(0, T.PoolName));
          return $.ACTION((): ShowTarget => (p ? { kind: 'ip-local-pool', name: p.image } : { kind: 'ip-local-pool' }));
        },
      },
      {
        ALT: () => {
          $.consume(0, T.AaaServer);
          const t = $.option(1, () => $.consume(0, T.AaaTag));
          return $.ACTION((): ShowTarget => (t ? { kind: 'aaa-server', tag: t.image } : { kind: 'aaa-server' }));
        },
      },
      {
        ALT: () => {
          $.consume(0, T.Capture);
          const n = $.option(2, () => $.consume(0, T.CaptureName));
          return $.ACTION((): ShowTarget => (n ? { kind: 'capture', name: n.image } : { kind: 'capture' }));
        },
      },
      { ALT: () => ($.consume(0, T.Debug), { kind: 'debug' as const }) },
      { ALT: () => ($.consume(0, T.Logging), { kind: 'logging' as const }) },
      { ALT: () => ($.consume(0, T.Version), { kind: 'version' as const }) },
      { ALT: () => ($.consume(0, T.History), { kind: 'history' as const }) },
      { ALT: () => ($.consume(0, T.Interface), { kind: 'interface' as const }) },
      { ALT: () => ($.consume(0, T.Terminal), { kind: 'terminal' as const }) },
    ]);
  });

  const showCmd = $.RULE('showCmd', (): Command => {
    $.consume(0, T.Show);
    const target = $.subrule(0, showTarget);
    return $.ACTION((): Command => ({ kind: 'show', target }));
  });

  /** Unprivileged mode: `show version | history | terminal`. */
  const showExecCmd = $.RULE('showExecCmd', (): Command => {
    $.consume(0, T.Show);
    const target = $.or<ShowTarget>(0, [
      { ALT: () => ($.consume(0, T.Version), { kind: 'version' as const }) },
      { ALT: () => ($.consume(0, T.History), { kind: 'history' as const }) },
      { ALT: () => ($.consume(0, T.Terminal), { kind: 'terminal' as const }) },
    ]);
    return $.ACTION((): Command => ({ kind: 'show', target }));
  });

  return { showCmd, showExecCmd };
}
