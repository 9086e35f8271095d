/**
 * Packet captures in test namespaces and an independent decoder's opinion
 * of them: tcpdump writes the pcap, tshark (Wireshark) decodes it; a test
 * asserts no frame is malformed and the expected protocols were seen.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LineReader, spawnInNetns, stopChild } from './netns.js';
import { canRootWith, hasTool, type Capability } from './capability.js';

const execFileP = promisify(execFile);

export interface Capture {
  readonly path: string;
  /** Stops the capture (all packets flushed) and returns the pcap path. */
  stop(): Promise<string>;
}

export interface TsharkReport {
  frames: number;
  /** "frame N: message" for every malformed frame or expert error. */
  malformed: string[];
  /** Every protocol name in any frame's frame.protocols (eth, ip, gre, ppp, lcp, ...). */
  protocols: Set<string>;
}

const tempDirs = new Set<string>();
process.on('exit', () => {
  if (process.env.KEEP_PCAP) return;
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});

/** A temp directory removed at process exit (unless KEEP_PCAP is set). */
export function pcapTempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pcap-'));
  tempDirs.add(d);
  return d;
}

export function captureAvailable(): Capability {
  return canRootWith('tcpdump');
}

export function tsharkAvailable(): Capability {
  return hasTool('tshark') ? { ok: true } : { ok: false, reason: 'tshark missing (scripts/setup.sh --test installs it)' };
}

/**
 * Starts tcpdump on `iface` inside the namespace with a BPF `filter`
 * ('' = everything); resolves once tcpdump is listening, so no packet sent
 * afterwards is missed. Packets are written unbuffered (-U).
 */
export async function captureInNetns(ns: string, iface: string, filter: string, opts: { snaplen?: number } = {}): Promise<Capture> {
  const path = join(pcapTempDir(), `${iface}.pcap`);
  // --immediate-mode: without it packets wait in the kernel ring and are lost on SIGTERM
  const args = ['--immediate-mode', '-i', iface, '-n', '-U', '-Z', 'root', '-s', String(opts.snaplen ?? 0), '-w', path];
  if (filter) args.push(filter);
  const child = spawnInNetns(ns, 'tcpdump', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const err = new LineReader(child.stderr!);
  await err.waitFor(/listening on/, 15_000);
  let stopped: Promise<string> | undefined;
  return {
    path,
    stop() {
      // tcpdump flushes and closes the file on SIGTERM; the grace lets the
      // last packets in flight land first.
      stopped ??= new Promise<void>((r) => setTimeout(r, 200))
        .then(() => stopChild(child, 5000))
        .then(() => path);
      return stopped;
    },
  };
}

async function tshark(args: string[]): Promise<string> {
  const { stdout } = await execFileP('tshark', args, { maxBuffer: 256 * 1024 * 1024, timeout: 120_000 });
  return stdout;
}

/** tshark's `-T fields` of every frame (optionally only those matching the display filter `filter`): one array of field values per frame. */
export async function tsharkFields(pcapPath: string, fields: string[], opts: { decodeAs?: string[]; filter?: string } = {}): Promise<string[][]> {
  const args = ['-n', '-r', pcapPath, ...(opts.decodeAs ?? []).flatMap((d) => ['-d', d]), ...(opts.filter ? ['-Y', opts.filter] : [])];
  const out = await tshark([...args, '-T', 'fields', '-E', 'separator=/t', ...fields.flatMap((f) => ['-e', f])]);
  return out.split('\n').filter((l) => l.trim()).map((l) => l.split('\t'));
}

/** Expert info severity "Error" (PI_ERROR in epan/proto.h). */
const EXPERT_ERROR = 0x800000;

/**
 * Decodes the pcap with tshark: frame count, protocols seen, and every
 * malformed frame or expert error. `decodeAs` entries are passed as `-d`
 * (e.g. 'tcp.port==11723,pptp').
 */
export async function tsharkCheck(pcapPath: string, opts: { decodeAs?: string[] } = {}): Promise<TsharkReport> {
  const base = ['-n', '-r', pcapPath, ...(opts.decodeAs ?? []).flatMap((d) => ['-d', d])];
  const frames = await tshark([...base, '-T', 'fields', '-E', 'separator=/t', '-e', 'frame.number', '-e', 'frame.protocols']);
  const protocols = new Set<string>();
  let count = 0;
  for (const line of frames.split('\n')) {
    if (!line.trim()) continue;
    count++;
    const [, protos = ''] = line.split('\t');
    for (const p of protos.split(':')) if (p) protocols.add(p);
  }
  const bad = await tshark([
    ...base,
    '-Y',
    `_ws.malformed or _ws.expert.severity >= ${EXPERT_ERROR}`,
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-E',
    'aggregator=|',
    '-e',
    'frame.number',
    '-e',
    '_ws.expert.message',
    '-e',
    '_ws.malformed',
  ]);
  const malformed: string[] = [];
  for (const line of bad.split('\n')) {
    if (!line.trim()) continue;
    const [frame, messages = '', mal = ''] = line.split('\t');
    const text = [messages, mal].filter(Boolean).join('; ') || 'malformed';
    malformed.push(`frame ${frame}: ${text}`);
  }
  return { frames: count, malformed, protocols };
}

/**
 * Writes packets as a classic pcap file (microsecond timestamps, one per
 * millisecond). Linktype 101 (LINKTYPE_RAW) = each packet is a bare IPv4/IPv6
 * datagram; 1 = Ethernet.
 */
export function writePcap(path: string, packets: Uint8Array[], opts: { linktype?: number } = {}): void {
  const parts: Buffer[] = [];
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0); // magic
  global.writeUInt16LE(2, 4); // version 2.4
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(0, 8); // thiszone
  global.writeUInt32LE(0, 12); // sigfigs
  global.writeUInt32LE(262144, 16); // snaplen
  global.writeUInt32LE(opts.linktype ?? 101, 20);
  parts.push(global);
  packets.forEach((p, i) => {
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(i / 1000), 0); // seconds
    rec.writeUInt32LE((i % 1000) * 1000, 4); // microseconds
    rec.writeUInt32LE(p.length, 8); // captured length
    rec.writeUInt32LE(p.length, 12); // original length
    parts.push(rec, Buffer.from(p));
  });
  writeFileSync(path, Buffer.concat(parts));
}
