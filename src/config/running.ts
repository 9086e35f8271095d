/**
 * The shell's whole running-config (contract with src/cli/). The config
 * layer owns the rest of its fields; the shell relies on these.
 *
 * Fields added by the config layer are optional (absent = PIX default), so
 * RunningConfig objects built by hand elsewhere stay valid.
 */
import type { ConfigLine } from '../../grammar/config-line.js';
import type { VpnConfig } from './model.js';

/** Where a configuration line came from: the PIX factory default, the
 *  shell's built-in default startup config (a working PPTP setup), or
 *  anything else (typed, pasted, a startup file). */
export type Origin = 'factory' | 'default' | 'user';

/** One line of the running-config as stored (store.ts): its parsed form,
 *  its identity (singleton key, or its text for a list member) and where it
 *  came from. `before` (comments only) is the slot of the line that
 *  followed it when the config was loaded, so the writer keeps them together. */
export interface Entry {
  line: ConfigLine;
  key: string;
  origin: Origin;
  before?: string;
}

export interface LoggingSettings {
  on: boolean;
  timestamp: boolean;
  /** severity level 0-7, or undefined when `no logging <dest>` */
  console?: number;
  monitor?: number;
  buffered?: number;
  trap?: number;
  /** `logging host IF IP [udp|tcp/PORT]` */
  hosts: { interfaceName: string; address: string; protocol: 'udp' | 'tcp'; port: number }[];
  /** `logging device-id hostname | ipaddress IF | string TEXT` */
  deviceId?: { kind: 'hostname' } | { kind: 'ipaddress'; interfaceName: string } | { kind: 'string'; text: string };
  /** `logging standby` (default off) */
  standby?: boolean;
  /** `logging history L` (SNMP history level) */
  history?: number;
  /** `logging facility N`, default 20 */
  facility?: number;
  /** `logging queue N`, default 512 */
  queue?: number;
  /** `logging message ID level L` (a new level) / `no logging message ID` (false: not sent anywhere) */
  messages?: Record<number, number | false>;
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

/**
 * The running-config: `entries` are the lines as configured (the source of
 * truth, what `show running-config` writes); every other field is derived
 * from them (project.ts) for the server, the linter and the shell.
 */
export interface RunningConfig {
  entries: Entry[];
  /** Everything the server consumes (hostname included). */
  vpn: VpnConfig;
  /** `enable password X [encrypted]`: undefined = no password. */
  enablePassword?: { value: string; encrypted: boolean };
  logging: LoggingSettings;
  /** `pager lines N` (0 = no paging). */
  pagerLines: number;
  /** `passwd X encrypted` (telnet password, stored hashed). */
  passwd?: { value: string; encrypted: boolean };
  nameifs?: NameifEntry[];
  hardware?: HardwareInterface[];
  /** `aaa-server radius-authport|radius-acctport N` (defaults 1645/1646). */
  radiusPorts?: { authentication?: number; accounting?: number };
  /** `terminal width N` (default 80). */
  terminalWidth?: number;
  /** `metrics http IF PORT [per-user]` (extension): the Prometheus endpoint. */
  metrics?: { interfaceName: string; port: number; perUser: boolean };
  /** Names of the configured access lists (`access-list ID ...`). */
  accessLists?: string[];
  /** Keys of entries that have no effect (a reference they need is gone). */
  failing?: string[];
}
