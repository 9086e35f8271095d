/**
 * A scripted RADIUS server on the memory UDP network, for unit tests. It
 * records every request it receives (decoded) and answers through `respond`,
 * which may return null to stay silent, or a plan with the reply's code,
 * attributes and tweaks (wrong secret, no Message-Authenticator, duplicate).
 */
import {
  decodePacket,
  signResponse,
  verifyAccessRequest,
  type AttrSpec,
  type RadiusPacket,
  type VerifyResult,
} from '../../../../src/proto/radius/codec.js';
import type { MemoryUdpNetwork, UdpPeer, UdpSocket } from '../../../../src/proto/radius/udp.js';

export interface ReplyPlan {
  code: number;
  attributes?: AttrSpec[];
  /** Sign with this secret instead of the real one (a forged reply). */
  secret?: string;
  messageAuthenticator?: boolean;
  /** Send the same reply this many times. */
  copies?: number;
  /** Hold the reply until release() is called. */
  hold?: boolean;
  /** Rewrite the signed bytes before sending (tampering tests). */
  mutate?: (packet: Buffer, requestAuthenticator: Buffer) => Buffer;
}

export interface Received {
  packet: RadiusPacket;
  from: UdpPeer;
  /** Message-Authenticator check of an Access-Request. */
  ma: VerifyResult;
}

export class FakeRadiusServer {
  readonly received: Received[] = [];
  private held: (() => void)[] = [];
  respond: (req: RadiusPacket, from: UdpPeer) => ReplyPlan | null = () => null;

  private constructor(
    readonly sock: UdpSocket,
    readonly secret: string,
  ) {}

  static async start(net: MemoryUdpNetwork, address: string, port: number, secret: string): Promise<FakeRadiusServer> {
    let server: FakeRadiusServer | undefined;
    const sock = await net.bind({ address, port }, (data, from) => server?.onPacket(data, from));
    server = new FakeRadiusServer(sock, secret);
    return server;
  }

  private onPacket(data: Buffer, from: UdpPeer): void {
    const d = decodePacket(data);
    if (!d.ok) return;
    const ma = d.packet.code === 1 ? verifyAccessRequest(d.packet, this.secret) : 'ok';
    this.received.push({ packet: d.packet, from, ma });
    const plan = this.respond(d.packet, from);
    if (!plan) return;
    const e = signResponse(
      plan.code,
      d.packet.identifier,
      d.packet.authenticator,
      plan.secret ?? this.secret,
      plan.attributes ?? [],
      plan.messageAuthenticator ?? false,
    );
    if (!e.ok) throw new Error(e.error);
    const bytes = plan.mutate ? plan.mutate(Buffer.from(e.packet), d.packet.authenticator) : e.packet;
    const send = () => {
      for (let i = 0; i < (plan.copies ?? 1); i++) this.sock.send(bytes, from.port, from.address);
    };
    if (plan.hold) this.held.push(send);
    else send();
  }

  /** Sends every held reply. */
  release(): number {
    const h = this.held;
    this.held = [];
    for (const f of h) f();
    return h.length;
  }

  close(): void {
    this.sock.close();
  }
}
