#!/bin/bash
# Boot the VM and dial the PPTP server under test with the real Linux client
# (adapted from shared/reference/linuxvm):
#   pppd pty "pptp SERVER_IP --nolaunchpppd $PPTP_EXTRA" user USER password PASSWORD \
#        nodetach logfd 2 debug noauth nodefaultroute maxfail 1 [pppd options...] ipparam pptpvm-client
# When IPCP is up: ip addr show ppp0, ping PING_TARGET (default: the server-side
# PPP address) PING_COUNT times, ip -s link show ppp0, then SIGTERM pppd (graceful LCP TermReq + PPTP
# Call-Clear-Request / Stop-Control-Connection-Request) and power off.
#
# Usage: ./run-client.sh SERVER_IP USER PASSWORD [pppd options...]
#   e.g. PPTPVM_NETNS=pt-x ./run-client.sh 10.99.0.1 testuser testpass require-mppe-128 refuse-eap refuse-pap dump
#
# Network: TAP $PPTPVM_TAP (tap-pptp0), host $PPTPVM_HOST_IP/24 (10.99.0.1), VM eth0
# $PPTPVM_VM_IP (10.99.0.2). The TAP is created and removed by this script unless it
# already exists (see ./tap.sh up), in which case it is reused and left alone.
# The VM has no default route: it can reach only the TAP subnet.
#
# Env: LINK_TIMEOUT  seconds to wait for IPCP up inside the VM (default 60)
#      PING_COUNT    pings over ppp0 (default 3; 0 = no ping)
#      PING_SIZE     ping payload bytes (default 56; e.g. 1468 fills a 1496-byte ppp0 MTU)
#      PING_TARGET   address to ping over ppp0 (default: the PPP peer address)
#      PPTP_EXTRA    extra options for pptp, e.g. "--loglevel 2" or "--nobuffer"
#      plus PPTPVM_* (lib/common.sh): PPTPVM_ACCEL, PPTPVM_LOG, PPTPVM_TCPDUMP=1, PPTPVM_NETNS, ...
# Exit: 0 link up and every ping answered (or PING_COUNT=0)
#       2 link up, some pings lost
#       1 link did not come up
#       3 VM gave no verdict (boot failure / host timeout)
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

if [ $# -lt 3 ]; then
    sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 64
fi
SERVER=$1 USER_NAME=$2 PASSWORD=$3
shift 3
LINK_TIMEOUT=${LINK_TIMEOUT:-60}
PING_COUNT=${PING_COUNT:-3}

pptpvm_require
pptpvm_install_traps

pptpvm_cfg_add MODE client
pptpvm_cfg_add SERVER "$SERVER"
pptpvm_cfg_add USER "$USER_NAME"
pptpvm_cfg_add PASS "$PASSWORD"
pptpvm_cfg_add PPPD_EXTRA "$(pptpvm_words "$@")"
pptpvm_cfg_add PPTP_EXTRA "${PPTP_EXTRA:-}"
pptpvm_cfg_add VM_IP "$PPTPVM_VM_IP"
pptpvm_cfg_add VM_PREFIX "$PPTPVM_PREFIX"
pptpvm_cfg_add LINK_TIMEOUT "$LINK_TIMEOUT"
pptpvm_cfg_add PING_COUNT "$PING_COUNT"
pptpvm_cfg_add PING_SIZE "${PING_SIZE:-56}"
[ -n "${PING_TARGET:-}" ] && pptpvm_cfg_add PING_TARGET "$PING_TARGET"
[ -n "${PPTPVM_VM_MTU:-}" ] && pptpvm_cfg_add VM_MTU "$PPTPVM_VM_MTU"

pptpvm_tap_up
# boot (TCG ~4 s) + link wait + pings + teardown + slack
pptpvm_start_vm client $((LINK_TIMEOUT + PING_COUNT * 2 + 120)) tap
qrc=0; pptpvm_wait_vm || qrc=$?
res=$(pptpvm_result_line)
echo
echo "== run-client: VM ran ${PPTPVM_ELAPSED}s (accel $PPTPVM_ACCEL_USED, qemu rc=$qrc), log $PPTPVM_LOG"
echo "== ${res:-PPTPVM-RESULT: (none: VM gave no verdict)}"
case "$res" in
    *link=up*)
        ping=$(sed -n 's/.* ping=\([0-9]*\/[0-9]*\).*/\1/p' <<<"$res")
        if [ "$PING_COUNT" -gt 0 ] && [ "${ping%/*}" != "$PING_COUNT" ]; then
            echo "== link UP, ping $ping (exit 2)"; exit 2
        fi
        echo "== link UP, ping ${ping:-n/a} (exit 0)"; exit 0 ;;
    *link=down*) echo "== link DOWN (exit 1)"; exit 1 ;;
    *) echo "== no verdict from VM (exit 3)"; exit 3 ;;
esac
