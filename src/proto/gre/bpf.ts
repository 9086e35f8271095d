/**
 * A classic BPF socket filter (SO_ATTACH_FILTER) for a raw IPPROTO_GRE
 * socket that keeps only the enhanced GRE packets (RFC 2637 4.1) whose
 * call id lies in [low, high]: with N data-plane workers each worker's
 * socket gets the GRE of its own calls and the kernel drops the rest for
 * it, so no packet is copied to every worker.
 *
 * What the filter reads (a raw IPv4 socket's filter sees the IP header first):
 *
 *   byte 0            version(4) IHL(4)          X = IHL * 4
 *   X + 0 .. X + 1    GRE flags(13) version(3)   C R K S s Recur A flags ver: K set, version 1
 *   X + 2 .. X + 3    protocol type              0x880b (PPP)
 *   X + 4 .. X + 5    payload length
 *   X + 6 .. X + 7    call id                    the peer's key: our call id
 *
 * struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }   (8 bytes, host order: little-endian here)
 * struct sock_fprog  { u16 len; u8 pad[6]; struct sock_filter *filter; }   (LP64)
 *
 * The program first checks that the GRE header is there up to the call id
 * (packet length - X >= 8). What is not enhanced GRE for PPTP, or too short
 * to carry a call id, is no worker's by its call id: with `others` the
 * filter accepts it (worker 0: it counts it, as one server would), else it
 * drops it.
 */

export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

// Opcode fields (linux/filter.h, linux/bpf_common.h).
export const BPF = {
  LD: 0x00,
  LDX: 0x01,
  ALU: 0x04,
  JMP: 0x05,
  RET: 0x06,
  W: 0x00,
  H: 0x08,
  B: 0x10,
  ABS: 0x20,
  IND: 0x40,
  LEN: 0x80,
  MSH: 0xa0,
  SUB: 0x10,
  AND: 0x50,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  K: 0x00,
  X: 0x08,
} as const;

/** What an accepting filter returns: the number of bytes kept (all of them). */
export const BPF_ACCEPT = 0x40000;
const GRE_PPTP_PROTOCOL = 0x880b;
/** K bit and the 3 version bits of the first GRE word. */
const GRE_KEY_VERSION_MASK = 0x2007;
const GRE_KEY_VERSION_1 = 0x2001;

const op = (code: number, k: number, jt = 0, jf = 0): BpfInstruction => ({ code, jt, jf, k });

/**
 * The filter program accepting GRE call ids low..high (0 <= low <= high <=
 * 65535) and, with `others`, every GRE packet that carries no call id.
 */
export function greCallIdFilter(low: number, high: number, opts: { others?: boolean } = {}): BpfInstruction[] {
  if (!(Number.isInteger(low) && Number.isInteger(high) && low >= 0 && low <= high && high <= 0xffff)) {
    throw new RangeError(`call id range ${low}-${high}`);
  }
  // Jump offsets count instructions after the jump; DROP is index 12, ACCEPT 13.
  const DROP = 12;
  const ACCEPT = 13;
  const other = opts.others ? ACCEPT : DROP;
  return [
    /* 0 */ op(BPF.LDX | BPF.B | BPF.MSH, 0), // X = 4 * (pkt[0] & 0xf)
    /* 1 */ op(BPF.LD | BPF.W | BPF.LEN, 0), // A = packet length
    /* 2 */ op(BPF.ALU | BPF.SUB | BPF.X, 0), // A = length of the GRE part
    /* 3 */ op(BPF.JMP | BPF.JGE | BPF.K, 8, 0, other - 4), // too short for a call id
    /* 4 */ op(BPF.LD | BPF.H | BPF.IND, 2), // A = protocol type
    /* 5 */ op(BPF.JMP | BPF.JEQ | BPF.K, GRE_PPTP_PROTOCOL, 0, other - 6),
    /* 6 */ op(BPF.LD | BPF.H | BPF.IND, 0), // A = flags and version
    /* 7 */ op(BPF.ALU | BPF.AND | BPF.K, GRE_KEY_VERSION_MASK),
    /* 8 */ op(BPF.JMP | BPF.JEQ | BPF.K, GRE_KEY_VERSION_1, 0, other - 9),
    /* 9 */ op(BPF.LD | BPF.H | BPF.IND, 6), // A = call id
    /* 10 */ op(BPF.JMP | BPF.JGE | BPF.K, low, 0, DROP - 11), // below low: drop
    /* 11 */ op(BPF.JMP | BPF.JGT | BPF.K, high, DROP - 12, ACCEPT - 12), // above high: drop
    /* 12 */ op(BPF.RET | BPF.K, 0),
    /* 13 */ op(BPF.RET | BPF.K, BPF_ACCEPT),
  ];
}

/** The sock_filter array as the kernel reads it. */
export function encodeBpf(prog: readonly BpfInstruction[]): Buffer {
  const b = Buffer.alloc(prog.length * 8);
  prog.forEach((ins, i) => {
    b.writeUInt16LE(ins.code, i * 8);
    b.writeUInt8(ins.jt, i * 8 + 2);
    b.writeUInt8(ins.jf, i * 8 + 3);
    b.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return b;
}

/**
 * Call ids of worker `index` of `count`: 1..65535 cut into `count`
 * consecutive ranges (0 is never a call id: worker 0's socket filter takes
 * it with the others, see greCallIdFilter). Tunnel ids are cut the same way.
 */
export function workerIdRange(index: number, count: number): { low: number; high: number } {
  if (!(Number.isInteger(count) && count >= 1 && count <= 64 && Number.isInteger(index) && index >= 0 && index < count)) {
    throw new RangeError(`worker ${index} of ${count}`);
  }
  const low = 1 + Math.floor((index * 0xffff) / count);
  const high = Math.floor(((index + 1) * 0xffff) / count);
  return { low, high };
}

/** The worker whose range holds `id` (call or tunnel id). */
export function workerOfId(id: number, count: number): number {
  for (let i = 0; i < count; i++) if (id <= workerIdRange(i, count).high) return i;
  return count - 1;
}
