/**
 * Starting points: an empty config (what a loaded startup-config is
 * applied to) and the PIX 6.3 factory default (a 501-style box: outside
 * and inside named, inside 192.168.1.1/24, the 6.3 default fixups, the
 * TACACS+/RADIUS/LOCAL aaa-server groups). The working PPTP setup on top
 * of it is the shell's decision.
 */
import { emptyVpnConfig } from './model.js';
import type { RunningConfig } from './running.js';
import { DEFAULT_ENABLE_HASH, DEFAULT_PASSWD_HASH } from './pix-hash.js';
import { loadConfigText } from './load.js';

export function emptyRunningConfig(): RunningConfig {
  return {
    vpn: emptyVpnConfig(),
    enablePassword: { value: DEFAULT_ENABLE_HASH, encrypted: true },
    passwd: { value: DEFAULT_PASSWD_HASH, encrypted: true },
    logging: { on: false, timestamp: false, standby: false, hosts: [], facility: 20, queue: 512 },
    pagerLines: 24,
    pixVersion: '6.3(3)',
    nameifs: [],
    hardware: [],
    terminalWidth: 80,
    verbatim: [],
  };
}

export const FACTORY_DEFAULT_TEXT = `PIX Version 6.3(3)
interface ethernet0 auto
interface ethernet1 100full
nameif ethernet0 outside security0
nameif ethernet1 inside security100
enable password 8Ry2YjIyt7RRXU24 encrypted
passwd 2KFQnbNIdI.2KYOU encrypted
hostname pixfirewall
fixup protocol dns maximum-length 512
fixup protocol ftp 21
fixup protocol h323 h225 1720
fixup protocol h323 ras 1718-1719
fixup protocol http 80
fixup protocol rsh 514
fixup protocol rtsp 554
fixup protocol sip 5060
fixup protocol sip udp 5060
fixup protocol skinny 2000
fixup protocol smtp 25
fixup protocol sqlnet 1521
fixup protocol tftp 69
names
pager lines 24
mtu outside 1500
mtu inside 1500
ip address outside 127.0.0.1 255.255.255.255
ip address inside 192.168.1.1 255.255.255.0
ip audit info action alarm
ip audit attack action alarm
pdm logging informational 100
pdm history enable
arp timeout 14400
timeout xlate 0:05:00
timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 rpc 0:10:00 h225 1:00:00
timeout h323 0:05:00 mgcp 0:05:00 sip 0:30:00 sip_media 0:02:00
timeout uauth 0:05:00 absolute
aaa-server TACACS+ protocol tacacs+
aaa-server TACACS+ max-failed-attempts 3
aaa-server TACACS+ deadtime 10
aaa-server RADIUS protocol radius
aaa-server RADIUS max-failed-attempts 3
aaa-server RADIUS deadtime 10
aaa-server LOCAL protocol local
no snmp-server location
no snmp-server contact
snmp-server community public
no snmp-server enable traps
floodguard enable
telnet timeout 5
ssh timeout 5
console timeout 0
terminal width 80
`;

let factory: RunningConfig | undefined;

/** PIX 6.3 factory default (a fresh copy each call). */
export function defaultRunningConfig(): RunningConfig {
  if (!factory) {
    const r = loadConfigText(FACTORY_DEFAULT_TEXT, emptyRunningConfig());
    if (r.errors.length) throw new Error('factory default does not load: ' + JSON.stringify(r.errors[0]));
    factory = r.config;
  }
  return structuredClone(factory);
}
