/**
 * The Command union the grammar produces and the shell executes.
 *
 * Contract between grammar/ (parse a line -> Command) and src/cli/ (run it).
 * Exec-level commands are spelled out here; every line that changes the
 * running-config is a `config` command whose `line` the config layer
 * (src/config/apply.ts) understands - the shell passes it through.
 */
import type { ConfigLine } from './config-line.js';

export type Mode = 'exec' | 'enable' | 'config';

export type DebugSwitch =
  | 'vpdn event' | 'vpdn error' | 'vpdn packet'
  | 'ppp error' | 'ppp io' | 'ppp uauth' | 'ppp negotiation' | 'ppp authentication' | 'ppp mppe'
  | 'radius' | 'aaa authentication' | 'aaa accounting' | 'tacacs';

export type VpdnShowDetail = 'packets' | 'state' | 'summary' | 'transport' | 'window';

export type ShowTarget =
  | { kind: 'running-config' }
  | { kind: 'startup-config' }
  | {
      kind: 'vpdn';
      sub?: 'tunnel' | 'session' | 'pppinterface' | 'username' | 'group' | 'diagnostics';
      id?: number;
      name?: string;
      /** `show vpdn tunnel|session [pptp|l2tp] ...`: the protocol word when typed. */
      protocol?: 'pptp' | 'l2tp';
      /** `show vpdn tunnel ... packets|state|summary|transport`, `show vpdn session ... packets|state|window`. */
      detail?: VpdnShowDetail;
    }
  | { kind: 'ip-local-pool'; name?: string }
  | { kind: 'aaa-server'; tag?: string }
  | { kind: 'debug' }
  | { kind: 'logging' }
  | { kind: 'version' }
  | { kind: 'history' }
  | { kind: 'interface' }
  | { kind: 'terminal' }
  | { kind: 'capture'; name?: string };

export type Command =
  | { kind: 'enable' }
  | { kind: 'disable' }
  | { kind: 'configure-terminal' }
  | { kind: 'exit' }        // exit / quit / logout
  | { kind: 'end' }         // end (also Ctrl-Z in the console)
  | { kind: 'help' }
  | { kind: 'show'; target: ShowTarget }
  | { kind: 'write'; target: 'terminal' | 'memory' | 'erase' }
  | { kind: 'copy'; from: 'running-config' | 'startup-config'; to: 'running-config' | 'startup-config' }
  | { kind: 'clear-vpdn-tunnel'; id: number | 'all' }
  | { kind: 'clear-logging' }
  | { kind: 'clear-aaa-server'; tag?: string }
  | { kind: 'debug'; on: boolean; what: DebugSwitch; user?: string; tunnel?: number }
  | { kind: 'undebug-all' }  // undebug all / no debug all
  | { kind: 'terminal-monitor'; on: boolean }
  | { kind: 'terminal-pager'; lines: number }  // 0 = no paging
  | { kind: 'config'; negate: boolean; line: ConfigLine }
  /** `capture NAME [interface IF] [user U] [tunnel N]` (enable/config): capture
   *  the PPTP control, GRE and decrypted inner PPP/IP of matching sessions. */
  | { kind: 'capture'; name: string; interfaceName?: string; user?: string; tunnel?: number }
  | { kind: 'no-capture'; name: string }
  /** `copy capture:NAME FILE`: write the capture as a pcap file (FILE is a plain path). */
  | { kind: 'copy-capture'; name: string; path: string };
