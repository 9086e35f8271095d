/**
 * The Command union the grammar produces and the shell executes.
 *
 * Contract between grammar/ (parse a line -> Command) and src/cli/ (run it).
 * Exec-level commands are spelled out here; every line that changes the
 * running-config is a `config` command whose ConfigLine the config layer
 * (src/config/) stores.
 */
import type { ConfigLine } from './declare.js';

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
      sub?: 'tunnel' | 'session' | 'pppinterface' | 'username' | 'group' | 'diagnostics' | 'live';
      id?: number;
      name?: string;
      /** `show vpdn tunnel|session [pptp|l2tp] ...`: the protocol word when typed. */
      protocol?: 'pptp' | 'l2tp';
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
  | { kind: 'clock' }
  | { kind: 'route' }
  | { kind: 'arp' }
  | { kind: 'who' }
  | { kind: 'ssh'; sessions: boolean }
  | { kind: 'ca-mypubkey' }
  | { kind: 'curpriv' }
  | { kind: 'capture'; name?: string }
  /** `show fixup`, `show access-list 101` ...: the configuration lines of that command. */
  | { kind: 'config-lines'; family: string; filter?: string };

export type Command =
  | { kind: 'enable' }
  | { kind: 'disable' }
  | { kind: 'configure-terminal' }
  | { kind: 'exit' }        // exit / quit / logout
  | { kind: 'end' }         // end (also Ctrl-Z in the console)
  /** `help` alone, or `help CMD` (the usage of CMD). */
  | { kind: 'help'; topic?: string }
  | { kind: 'show'; target: ShowTarget }
  | { kind: 'write'; target: 'terminal' | 'memory' | 'erase' }
  | { kind: 'copy'; from: 'running-config' | 'startup-config'; to: 'running-config' | 'startup-config' }
  | { kind: 'clear-vpdn-tunnel'; id: number | 'all' }
  /** `clear vpdn [all|group|username]`: removes vpdn configuration (seed 003 warns). */
  | { kind: 'clear-vpdn-config'; what: 'all' | 'group' | 'username' }
  | { kind: 'clear-logging' }
  | { kind: 'clear-aaa-server'; tag?: string }
  | { kind: 'debug'; on: boolean; what: DebugSwitch; user?: string; tunnel?: number }
  | { kind: 'undebug-all' }  // undebug all / no debug all
  | { kind: 'terminal-monitor'; on: boolean }
  | { kind: 'terminal-pager'; lines: number }  // 0 = no paging
  | { kind: 'config'; negate: boolean; line: ConfigLine }
  /** `capture NAME [interface IF] [user U] [tunnel N]` (enable/config). */
  | { kind: 'capture'; name: string; interfaceName?: string; user?: string; tunnel?: number }
  | { kind: 'no-capture'; name: string }
  /** `copy capture:NAME FILE`: write the capture as a pcap file (FILE is a plain path). */
  | { kind: 'copy-capture'; name: string; path: string }
  /** `clock set hh:mm:ss MONTH DAY YEAR` (either order of day and month). */
  | { kind: 'clock-set'; time: string; day: number; month: string; year: number }
  /** `ping [IF] A.B.C.D`: three ICMP echoes. */
  | { kind: 'ping'; interfaceName?: string; address: string }
  /** `reload [noconfirm]` */
  | { kind: 'reload'; noconfirm: boolean }
  /** `kill N` (Telnet) and `ssh disconnect N` (SSH): end a remote shell */
  | { kind: 'kill-shell'; service: 'telnet' | 'ssh'; id: number }
  /** `ca generate rsa key N`, `ca save all`, `ca zeroize rsa`: the SSH host key */
  | { kind: 'ca-key'; action: 'generate' | 'save' | 'zeroize'; modulus?: number };
