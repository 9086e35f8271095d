/**
 * The working default the shell starts from without `--config`: the PIX
 * factory default plus a ready PPTP setup modelled on seed 003's
 * "Local Authentication With Encryption" config, bound to the loopback
 * address so a fresh start never listens on a real network:
 *
 *  - `outside` is 127.0.0.1 (override the bind address with --listen),
 *    `inside` 10.1.1.1/24 as in the seed (the factory 192.168.1.1 would
 *    sit inside the seed pool);
 *  - pool `pptp-pool` 192.168.1.1-192.168.1.50 (seed 003);
 *  - group 1 accepts PPTP with pap/chap/mschap and our MS-CHAPv2
 *    extension (every current Windows client needs it), `mppe auto`;
 *  - local user `cisco` / `cisco` (seed 003);
 *  - syslog to the console at `debugging` and to the buffer, as in the
 *    seed's RADIUS sample, so 603104/603105 show up when clients dial in;
 *    the per-command audit messages (111008 configuration change, 111009
 *    show, 502103 privilege change) are off, or every typed or pasted
 *    line would echo one at that level. A config of your own has them.
 */
export const DEFAULT_CONFIG_TEXT = `nameif ethernet0 outside security0
nameif ethernet1 inside security100
hostname pixfirewall
pager lines 24
logging on
logging console debugging
logging buffered debugging
no logging message 111008
no logging message 111009
no logging message 502103
mtu outside 1500
mtu inside 1500
ip address outside 127.0.0.1 255.255.255.255
ip address inside 10.1.1.1 255.255.255.0
ip local pool pptp-pool 192.168.1.1-192.168.1.50
sysopt connection permit-pptp
vpdn group 1 accept dialin pptp
vpdn group 1 ppp authentication pap
vpdn group 1 ppp authentication chap
vpdn group 1 ppp authentication mschap
vpdn group 1 ppp authentication mschap-v2
vpdn group 1 ppp encryption mppe auto
vpdn group 1 client configuration address local pptp-pool
vpdn group 1 client authentication local
vpdn username cisco password cisco
vpdn enable outside
`;
