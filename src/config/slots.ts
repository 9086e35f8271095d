/**
 * PIX 6.3 `write terminal` order (pix-behaviour.md A7): the slots the
 * writer emits, in order. Typed lines and verbatim lines of the same
 * family share a slot; verbatim lines keep their entry order inside it.
 */
export const SLOTS = [
  'interface', 'nameif', 'enable', 'passwd', 'hostname', 'domain-name', 'clock',
  'fixup', 'names', 'name', 'object-group', 'access-list', 'pager', 'logging', 'icmp',
  'mtu', 'ip address', 'ip audit', 'ip verify', 'ip local pool', 'failover', 'pdm', 'arp',
  'global', 'nat', 'static', 'conduit', 'outbound', 'apply', 'access-group', 'rip', 'route', 'timeout',
  'aaa-server', 'aaa', 'url-server', 'url-cache', 'url-block', 'filter', 'auth-prompt', 'ntp', 'http',
  'snmp-server', 'tftp-server', 'floodguard', 'sysopt', 'service', 'crypto', 'ca', 'isakmp', 'vpngroup',
  'telnet', 'ssh', 'management-access', 'console', 'vpdn', 'dhcpd', 'dhcprelay', 'username', 'privilege',
  'banner', 'other',
] as const;
export type Slot = (typeof SLOTS)[number];

const SLOT_SET = new Set<string>(SLOTS);

/** The slot of a verbatim family (`ip domain-name` etc. go with ip audit). */
export function slotOfFamily(family: string): Slot | undefined {
  if (SLOT_SET.has(family)) return family as Slot;
  if (family.startsWith('ip ')) return 'ip audit';
  return undefined;
}

export function slotOrOther(family: string): Slot {
  return slotOfFamily(family) ?? 'other';
}
