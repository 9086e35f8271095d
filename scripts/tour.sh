#!/usr/bin/env bash
# A 60-second tour, as root: the product in one network namespace, our
# Windows-10-profile client in another, joined by a veth pair. Everything
# stays inside the two namespaces, which are removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "tour: needs root (network namespaces, raw GRE, TUN)" >&2; exit 1; }
[ -f dist/bin/pix-pptpd.js ] || npm run --silent build
S=tour-pix-$$ C=tour-pc-$$ CFG=$(mktemp /tmp/tour-XXXXXX.cfg)
cleanup() { ip netns del "$S" 2>/dev/null || true; ip netns del "$C" 2>/dev/null || true; rm -f "$CFG"; }
trap cleanup EXIT
ip netns add "$S"; ip netns add "$C"
ip link add veth-pix netns "$S" type veth peer name veth-pc netns "$C"
ip -n "$S" addr add 10.99.0.1/24 dev veth-pix; ip -n "$S" link set veth-pix up; ip -n "$S" link set lo up
ip -n "$C" addr add 10.99.0.2/24 dev veth-pc; ip -n "$C" link set veth-pc up; ip -n "$C" link set lo up
cat > "$CFG" <<'CONFIG'
nameif ethernet0 outside security0
hostname PIX
logging on
logging console debugging
ip address outside 10.99.0.1 255.255.255.0
ip local pool pptp-pool 10.97.0.10-10.97.0.20
vpdn group 1 accept dialin pptp
vpdn group 1 ppp authentication mschap-v2
vpdn group 1 ppp encryption mppe 128 required
vpdn group 1 client configuration address local pptp-pool
vpdn group 1 client authentication local
vpdn username john password secret
vpdn enable outside
CONFIG
echo "== the shell (PIX side)"
( sleep 3; printf 'enable\n\nshow running-config\ndebug vpdn event\ndebug ppp uauth\n'; sleep 4
  printf 'show vpdn\n'; sleep 6; printf 'show vpdn\nexit\nexit\n' ) |
  ip netns exec "$S" node --openssl-legacy-provider dist/bin/pix-pptpd.js --plain --config "$CFG" &
sleep 5
echo "== the client (PC side): pix-pptpd-loadgen --sessions 1 --profile windows10"
ip netns exec "$C" node --openssl-legacy-provider dist/bin/pix-pptpd-loadgen.js \
  --server 10.99.0.1 --sessions 1 --hold 5 --pps 2 --user john --password secret --mppe 128 --profile windows10
wait
