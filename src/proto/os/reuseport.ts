/**
 * A TCP listening socket of its own for each data-plane worker, all on one
 * address and port with SO_REUSEPORT: the kernel puts each new connection
 * in the accept queue of one socket of the group, chosen by a hash of its
 * addresses and ports, so the workers share the connections evenly and no
 * worker drains the others' (with one shared socket, the worker that wakes
 * first accepts every connection waiting).
 *
 * Node 20's net has no reusePort (22.12 has): the socket is made and bound
 * through libc, and given to net.Server.listen() as a TCP handle, which
 * listens on it in this process (a cluster worker's listen() would
 * otherwise ask the primary for its shared socket).
 *
 *   struct sockaddr_in (16 octets): family u16 (host order) | port u16 (network order) | address (4) | zero (8)
 */
import { EADDRINUSE, O_CLOEXEC, O_NONBLOCK, errno, errnoError, libc, setIntOption } from './libc.js';

const AF_INET = 2;
const SOCK_STREAM = 1;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_REUSEPORT = 15;

interface TcpHandle {
  open(fd: number): number;
}
interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  constants: { SERVER: number };
}

/** errno -> the code net's errors carry (what a bind failure is reported as). */
const CODES: Record<number, string> = { [EADDRINUSE]: 'EADDRINUSE', 99: 'EADDRNOTAVAIL', 13: 'EACCES' };

function sockaddrIn(address: string, port: number): Buffer {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`not an IPv4 address: ${address}`);
  const sa = Buffer.alloc(16);
  sa.writeUInt16LE(AF_INET, 0);
  sa.writeUInt16BE(port, 2);
  sa.set(parts, 4);
  return sa;
}

/**
 * A bound TCP socket with SO_REUSEPORT as a handle for `server.listen(handle)`.
 * Throws an Error with `code` (EADDRINUSE when a socket without
 * SO_REUSEPORT, or another user's, holds the address).
 */
export function reusePortHandle(address: string, port: number): object {
  const c = libc();
  const fd = c.socket(AF_INET, SOCK_STREAM | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0) throw errnoError('socket(AF_INET, SOCK_STREAM)');
  try {
    setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    setIntOption(fd, SOL_SOCKET, SO_REUSEPORT, 1);
    const sa = sockaddrIn(address, port);
    if (c.bind(fd, sa, sa.length) !== 0) {
      const e = errno();
      throw Object.assign(errnoError(`bind(${address}:${port})`, e), { code: CODES[e] });
    }
    // process.binding('tcp_wrap') is in Node's allow-list without a warning; net.Server takes its TCP handles
    const { TCP, constants } = (process as unknown as { binding(name: string): TcpWrap }).binding('tcp_wrap');
    const handle = new TCP(constants.SERVER);
    const err = handle.open(fd);
    if (err !== 0) throw new Error(`cannot wrap the listening socket (uv error ${err})`);
    return handle;
  } catch (err) {
    c.close(fd);
    throw err;
  }
}
