/**
 * What a lab runner needs from "a server and a client": the in-process
 * pair (inprocess.ts: our PptpServer over memory GRE/TUN, our client over
 * loopback TCP) or the real Linux client in a VM (linux-vm.ts).
 */
import type { ProfileName } from '../client/personalities.js';
import type { ClientSpec } from './scenarios.js';

export type Outcome =
  | {
      ok: true;
      clientAddress: string;
      serverAddress: string;
      /** e.g. "MS-CHAP-V2"; undefined when the client cannot tell. */
      auth?: string;
      /** "128-bit stateless", "None", ... */
      mppe: string;
      ping: { target: string; sent: number; received: number };
    }
  | {
      ok: false;
      /** The Windows error the same fault gives a Windows client (691/732/734/742). */
      windowsError?: number;
      /** Our words: auth-failed, lcp-failed, ... */
      reason: string;
      detail: string;
    };

export interface Attempt {
  /** The server console during this attempt (debug and syslog lines, as the shell prints them). */
  console: string[];
  outcome: Outcome;
  /** The client's own log lines worth showing (the VM's pppd lines); empty for ours. */
  clientLog: string[];
}

export interface LabBackend {
  /** "our TypeScript client (windows10 profile)" */
  readonly clientName: string;
  /** Load the scenario's config as a startup config and type the debug commands; returns the shell's messages. */
  start(configText: string, debugs: string[]): Promise<string[]>;
  /**
   * One dial. With `hold` a successful client stays connected until
   * releaseHeld() (pool-exhausted's first user); otherwise it pings, hangs
   * up, and the attempt ends once the server has deleted the tunnel.
   */
  attempt(spec: ClientSpec, profile: ProfileName, o?: { hold?: boolean }): Promise<Attempt>;
  releaseHeld(): Promise<string[]>;
  /** `configure terminal`, the lines, `exit`, through the shell; the transcript (prompt + line, then its output). */
  configure(lines: string[]): Promise<{ transcript: string[]; rejected: string[] }>;
  close(): Promise<void>;
}
