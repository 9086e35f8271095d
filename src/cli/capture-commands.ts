/**
 * `capture NAME [interface IF] [user U] [tunnel N]`, `no capture NAME`,
 * `copy capture:NAME FILE` and `show capture [NAME]` over the server's
 * optional capture methods (src/server/api.ts).
 *
 * The PIX 6.3 `capture` command takes `access-list`, `buffer`,
 * `packet-length` and `interface`; the user/tunnel selectors are our
 * extension. Output wording here is provisional (no source shows a PIX 6.3
 * `show capture` listing); it repeats each capture as the line that made it
 * plus what it holds. With data-plane workers each command reaches every
 * worker (a capture starts or stops on all of them or on none; the server
 * rejects with the reason, printed as an ERROR line), `show capture` adds
 * up their counts and `copy capture` writes one file of all their packets.
 */
import { promises as fsp } from 'node:fs';
import type { CaptureSelect, VpnServerApi } from '../server/api.js';

export type CaptureCommand =
  | { kind: 'capture'; name: string; interfaceName?: string; user?: string; tunnel?: number }
  | { kind: 'no-capture'; name: string }
  | { kind: 'copy-capture'; name: string; path: string };

export type CaptureControl = Pick<VpnServerApi, 'startCapture' | 'stopCapture' | 'captures' | 'captureNames' | 'capturePcap'>;

const UNAVAILABLE = 'ERROR: capture is not available (no VPN server running)';

export function isCaptureCommand(cmd: { kind: string }): cmd is CaptureCommand {
  return cmd.kind === 'capture' || cmd.kind === 'no-capture' || cmd.kind === 'copy-capture';
}

function specText(name: string, spec: { interfaceName?: string; user?: string; tunnel?: number }): string {
  let s = `capture ${name}`;
  if (spec.interfaceName !== undefined) s += ` interface ${spec.interfaceName}`;
  if (spec.user !== undefined) s += ` user ${spec.user}`;
  if (spec.tunnel !== undefined) s += ` tunnel ${spec.tunnel}`;
  return s;
}

export async function runCaptureCommand(
  ctl: CaptureControl | undefined,
  cmd: CaptureCommand,
  write: (path: string, data: Buffer) => Promise<void> = (p, d) => fsp.writeFile(p, d),
): Promise<string[]> {
  try {
    return await captureCommand(ctl, cmd, write);
  } catch (e) {
    return [`ERROR: capture ${cmd.name}: ${(e as Error).message}`];
  }
}

async function captureCommand(ctl: CaptureControl | undefined, cmd: CaptureCommand, write: (path: string, data: Buffer) => Promise<void>): Promise<string[]> {
  switch (cmd.kind) {
    case 'capture': {
      if (!ctl?.startCapture) return [UNAVAILABLE];
      const spec: CaptureSelect = { name: cmd.name };
      if (cmd.interfaceName !== undefined) spec.interfaceName = cmd.interfaceName;
      if (cmd.user !== undefined) spec.user = cmd.user;
      if (cmd.tunnel !== undefined) spec.tunnel = cmd.tunnel;
      await ctl.startCapture(spec);
      return [];
    }
    case 'no-capture':
      if (!ctl?.stopCapture) return [UNAVAILABLE];
      return (await ctl.stopCapture(cmd.name)) ? [] : [`ERROR: capture ${cmd.name} does not exist`];
    case 'copy-capture': {
      if (!ctl?.capturePcap) return [UNAVAILABLE];
      const data = await ctl.capturePcap(cmd.name);
      if (!data) return [`ERROR: capture ${cmd.name} does not exist`];
      try {
        await write(cmd.path, data);
      } catch (e) {
        return [`ERROR: cannot write ${cmd.path}: ${(e as Error).message}`];
      }
      return [`Copying capture ${cmd.name} to ${cmd.path}`, `${data.length} bytes copied`];
    }
  }
}

export async function renderShowCapture(ctl: CaptureControl | undefined, name?: string): Promise<string[]> {
  let list;
  try {
    list = (await ctl?.captures?.()) ?? [];
  } catch (e) {
    return [`ERROR: show capture: ${(e as Error).message}`];
  }
  if (name === undefined) {
    return list.map((c) => `${specText(c.name, c.spec)} (${c.packets} packets, ${c.bytes} bytes)`);
  }
  const c = list.find((x) => x.name === name);
  if (!c) return [`ERROR: capture ${name} does not exist`];
  return [
    `${c.packets} packets captured (${c.bytes} bytes)`,
    `${specText(c.name, c.spec)}`,
    `Use 'copy capture:${c.name} FILE' to write them as a pcap file for tshark/Wireshark`,
  ];
}
