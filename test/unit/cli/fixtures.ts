/** Status fixtures shared by CLI tests: the seed 003 `show vpdn` sample. */
import type { ServerStatus, SessionStatus, TunnelStatus } from '../../../src/server/api.js';

export const seedTunnel: TunnelStatus = {
  id: 13,
  remoteId: 13,
  state: 'estabd',
  sinceChange: 24_400,
  remoteAddress: '161.44.17.104',
  remotePort: 1723,
  localAddress: '172.18.124.152',
  localPort: 1723,
  activeSessions: 1,
  packetsSent: 12,
  packetsReceived: 35,
  bytesSent: 394,
  bytesReceived: 3469,
};

export const seedSession: SessionStatus = {
  callId: 13,
  tunnelId: 13,
  remoteAddress: '161.44.17.104',
  username: 'cisco',
  state: 'estabd',
  sinceChange: 24_000,
  interfaceName: 'outside',
  remoteCallId: 32768,
  pppInterfaceId: 1,
  packetsSent: 12,
  packetsReceived: 35,
  bytesSent: 394,
  bytesReceived: 3469,
  seq: 13,
  ack: 34,
  ackReceived: 12,
  peerRecvWindow: 64,
  outOfOrder: 0,
  authProtocol: 'MSCHAP',
  serverAddress: '172.18.124.152',
  clientAddress: '192.168.1.1',
  mppe: { bits: 128, stateful: false },
  encryptedPackets: 10,
  decryptedPackets: 30,
  group: '1',
};

export function seedStatus(): ServerStatus {
  return {
    tunnels: [{ ...seedTunnel }],
    sessions: [{ ...seedSession }],
    pools: [
      {
        name: 'pptp-pool',
        begin: '192.168.1.1',
        end: '192.168.1.5',
        free: 4,
        inUse: 1,
        freeAddresses: ['192.168.1.2', '192.168.1.3', '192.168.1.4', '192.168.1.5'],
        inUseAddresses: ['192.168.1.1'],
      },
    ],
    listening: [{ interfaceName: 'outside', address: '172.18.124.152', port: 1723 }],
    errors: {},
  };
}

/** Seed 003's tunnel 13 (user cisco) plus tunnel 14 for user alice. */
export function twoUserStatus(): ServerStatus {
  const st = seedStatus();
  st.tunnels.push({ ...seedTunnel, id: 14, remoteId: 14, remoteAddress: '161.44.17.105' });
  st.sessions.push({ ...seedSession, callId: 14, tunnelId: 14, remoteAddress: '161.44.17.105', username: 'alice', pppInterfaceId: 2, clientAddress: '192.168.1.2' });
  return st;
}

export function emptyStatus(): ServerStatus {
  return { tunnels: [], sessions: [], pools: [], listening: [], errors: {} };
}

/** Verbatim from seed 003 l.404-426 (after the `PIX#show vpdn` command line). */
export const SEED_SHOW_VPDN = `
PPTP Tunnel and Session Information (Total tunnels=1 sessions=1)

Tunnel id 13, remote id is 13, 1 active sessions
  Tunnel state is estabd, time since event change 24 secs
  remote   Internet Address 161.44.17.104, port 1723
  Local    Internet Address 172.18.124.152, port 1723
  12 packets sent, 35 received, 394 bytes sent, 3469 received

Call id 13 is up on tunnel id 13
Remote Internet Address is 161.44.17.104
  Session username is cisco, state is estabd
  Time since event change 24 secs, interface outside
  Remote call id is 32768
  PPP interface id is 1
  12 packets sent, 35 received, 394 bytes sent, 3469 received
  Seq 13, Ack 34, Ack_Rcvd 12, peer RWS 64
  0 out of order packets`;
