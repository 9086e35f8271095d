/**
 * The PIX lines of the bench servers (server-child.ts, workers-child.ts):
 * one vpdn group, MS-CHAPv2 + MPPE-128 required, the bench user, a pool.
 */
export function benchVpdnLines(o: { outside: string; poolFirst: string; poolLast: string; mppe: 'stateless' | 'stateful' }): string[] {
  return [
    'nameif ethernet0 outside security0',
    `ip address outside ${o.outside} 255.255.255.0`,
    `ip local pool bench-pool ${o.poolFirst}-${o.poolLast}`,
    'vpdn group 1 accept dialin pptp',
    'vpdn group 1 ppp authentication mschap-v2',
    `vpdn group 1 ppp encryption mppe 128 required${o.mppe === 'stateful' ? ' stateful' : ''}`,
    'vpdn group 1 client configuration address local bench-pool',
    'vpdn group 1 client authentication local',
    'vpdn username bench password bench-Passw0rd',
    'vpdn enable outside',
  ];
}
