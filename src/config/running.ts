/**
 * The shell's whole running-config (contract with src/cli/). The config
 * layer owns the rest of its fields; the shell relies on these.
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
}

export interface RunningConfig {
  /** Everything the server consumes (hostname included). */
  vpn: VpnConfig;
  /** `enable password X [encrypted]`: undefined = no password. */
  enablePassword?: { value: string; encrypted: boolean };
  logging: LoggingSettings;
  /** `pager lines N` (0 = no paging). */
  pagerLines: number;
}
