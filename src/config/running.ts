/**
 * The shell's whole running-config (contract with src/cli/). The config
 * layer owns the rest of its fields; the shell relies on these.
 *
 * Fields added by the config layer are optional (absent = PIX default), so
 * RunningConfig objects built by hand elsewhere stay valid.
 */
import type { VpnConfig } from './model.js';

export interface LoggingSettings {
  on: boolean;
  timestamp: boolean;
  /** severity level 0-7, or undefined when `no logging <dest>` */
  console?: number;
  monitor?: number;
  buffered?: number;
  trap?: number;
  /** `logging host IF IP` */
  hosts: { interfaceName: string; address: string }[];
  /** `logging standby` (default off) */
  standby?: boolean;
  /** `logging history L` (SNMP history level) */
  history?: number;
  /** `logging facility N`, default 20 */
  facility?: number;
  /** `logging queue N`, default 512 */
  queue?: number;
}

/** `nameif HW NAME securityN` */
export interface NameifEntry {
  hardware: string;
  name: string;
  security: number;
}

/** `interface HW [speed] [shutdown]` */
export interface HardwareInterface {
  hardware: string;
  settings: string[];
}

/** A line kept verbatim (nat, route, fixup ...) or a comment. `family` is
 *  its first word (`ip audit` for ip sub-commands, `comment` for `!`
 *  lines, whose `before` is the family of the line they preceded). */
export interface VerbatimLine {
  family: string;
  text: string;
  before?: string;
}

export interface RunningConfig {
  /** Everything the server consumes (hostname included). */
  vpn: VpnConfig;
  /** `enable password X [encrypted]`: undefined = no password. */
  enablePassword?: { value: string; encrypted: boolean };
  logging: LoggingSettings;
  /** `pager lines N` (0 = no paging). */
  pagerLines: number;
  /** `PIX Version x` as loaded (default 6.3(3)). */
  pixVersion?: string;
  /** `passwd X encrypted` (telnet password, stored hashed). */
  passwd?: { value: string; encrypted: boolean };
  nameifs?: NameifEntry[];
  hardware?: HardwareInterface[];
  /** `aaa-server radius-authport|radius-acctport N` (defaults 1645/1646). */
  radiusPorts?: { authentication?: number; accounting?: number };
  /** `terminal width N` (default 80). */
  terminalWidth?: number;
  /** Verbatim lines and comments, in entry order. */
  verbatim?: VerbatimLine[];
}
