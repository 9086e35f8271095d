/**
 * The startup config of the product in a namespace test: outside and
 * inside interfaces, a local pool, vpdn group 1 (MS-CHAPv2, MPPE-128
 * required, local users) with the test's own group lines, one user, and
 * lines after `vpdn enable outside` (e.g. `metrics http ...`).
 */
export interface NetnsPptpConfig {
  server: string;
  inside: string;
  pool: { name: string; first: string; last: string };
  user: string;
  password: string;
  /** `vpdn group 1 client configuration ...` and other group lines, without the `vpdn group 1 ` prefix. */
  group?: string[];
  after?: string[];
}

export function netnsPptpConfig(o: NetnsPptpConfig): string {
  return [
    'nameif ethernet0 outside security0',
    'nameif ethernet1 inside security100',
    `ip address outside ${o.server} 255.255.255.0`,
    `ip address inside ${o.inside} 255.255.255.0`,
    `ip local pool ${o.pool.name} ${o.pool.first}-${o.pool.last}`,
    'vpdn group 1 accept dialin pptp',
    'vpdn group 1 ppp authentication mschap-v2',
    'vpdn group 1 ppp encryption mppe 128 required',
    `vpdn group 1 client configuration address local ${o.pool.name}`,
    ...(o.group ?? []).map((l) => `vpdn group 1 ${l}`),
    'vpdn group 1 client authentication local',
    `vpdn username ${o.user} password ${o.password}`,
    'vpdn enable outside',
    ...(o.after ?? []),
  ].join('\n');
}
