/**
 * The PIX 6.3 factory default (a 501-style box: outside and inside named,
 * inside 192.168.1.1/24, the 6.3 default fixups, the TACACS+/RADIUS/LOCAL
 * aaa-server groups; its xlate timeout is the 501's 0:05:00, not the
 * command's 3:00:00 default). The working PPTP setup on top of it is the shell's
 * decision (src/cli/default-config.ts).
 */
import { loadConfigText } from './load.js';
import type { RunningConfig } from './running.js';

export const FACTORY_DEFAULT_TEXT = `interface ethernet0 auto
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
pdm logging informational 100
pdm history enable
arp timeout 14400
timeout xlate 0:05:00
aaa-server TACACS+ protocol tacacs+
aaa-server TACACS+ max-failed-attempts 3
aaa-server TACACS+ deadtime 10
aaa-server RADIUS protocol radius
aaa-server RADIUS max-failed-attempts 3
aaa-server RADIUS deadtime 10
aaa-server LOCAL protocol local
floodguard enable
telnet timeout 5
ssh timeout 5
console timeout 0
terminal width 80
`;

let factory: RunningConfig | undefined;

/** PIX 6.3 factory default (a fresh copy each call); its lines are of origin 'factory'. */
export function defaultRunningConfig(): RunningConfig {
  if (!factory) {
    const r = loadConfigText(FACTORY_DEFAULT_TEXT, undefined, 'factory');
    if (r.errors.length) throw new Error('factory default does not load: ' + JSON.stringify(r.errors[0]));
    factory = r.config;
  }
  return structuredClone(factory);
}
