/**
 * Microsoft Callback Control Protocol (CBCP, PPP protocol 0xC029,
 * draft-ietf-pppext-callback-cp-02), the client side of the "no callback"
 * exchange a Windows client runs after authentication when LCP agreed
 * Callback operation 6 (capture frames 293-295, RRAS as the server):
 *
 *   server: 01 01 0006 01 02   Callback-Request  id 1, option "no callback"
 *   client: 02 01 0006 01 02   Callback-Response id 1, "no callback"
 *   server: 03 01 0006 01 02   Callback-Ack      id 1
 *
 * Packet: | Code (1) | Identifier (1) | Length (2) | Options ... |
 * Option: | Type (1) | Length (1, >= 2) | [Delay (1) | Address ...] |
 *   types: 1 no callback, 2 callback to a number the user gives,
 *   3 to a number the server has, 4 to any of a list.
 *
 * We never accept a callback: the Response always says "no callback".
 * A server that insists will end the link, as Windows' would without a
 * callback number. Pure functions; the session frames and sends.
 */
import { decodeOptions, encodeCp } from './frame.js';

export const CBCP_CODE = { Request: 1, Response: 2, Ack: 3 } as const;
export const CBCP_OPT_NO_CALLBACK = 1;

const NO_CALLBACK = Buffer.from([CBCP_OPT_NO_CALLBACK, 2]);

export type CbcpStep =
  /** answer with this packet (CBCP payload: code, id, length, options) */
  | { action: 'respond'; packet: Buffer; offeredNoCallback: boolean }
  /** the server acknowledged our answer: go on to the network phase */
  | { action: 'done' }
  | { action: 'ignore'; why: string };

/**
 * The client's step for one CBCP packet (already split by decodeCp).
 * `answeredId`: the identifier of the Request we answered, if any.
 */
export function cbcpClientStep(code: number, id: number, data: Buffer, answeredId: number | undefined): CbcpStep {
  switch (code) {
    case CBCP_CODE.Request: {
      const opts = decodeOptions(data);
      if (!opts.ok) return { action: 'ignore', why: `bad Callback-Request options: ${opts.error}` };
      const offeredNoCallback = opts.value.some((o) => o.type === CBCP_OPT_NO_CALLBACK);
      return { action: 'respond', packet: encodeCp(CBCP_CODE.Response, id, NO_CALLBACK), offeredNoCallback };
    }
    case CBCP_CODE.Ack:
      if (answeredId === undefined || id !== answeredId) return { action: 'ignore', why: `Callback-Ack id ${id} without our Response` };
      return { action: 'done' };
    default:
      return { action: 'ignore', why: `CBCP code ${code}` };
  }
}
