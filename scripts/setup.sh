#!/usr/bin/env bash
# Installs what the product (and, with --test, the test suite) needs on a
# fresh Debian machine. Idempotent: quick when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = --test ] && want_test=1

apt_pkgs=(iproute2)
if [ "$want_test" = 1 ]; then
  apt_pkgs+=(tmux tshark qemu-system-x86 busybox-static ppp pptp-linux pptpd kmod cpio tcpdump
             freeradius freeradius-utils freeradius-postgresql postgresql-15 postgresql-client-15
             libauthen-tacacsplus-perl python3 iputils-ping procps
             openssh-client sshpass expect inetutils-telnet rsyslog)
fi

missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    # never let a package start its daemon (pptpd, freeradius) on this host
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: not root, cannot install ${missing[*]}; tests that need them will skip" >&2
  fi
fi

# Reinstall when package-lock.json's content changed, not its time stamp (a
# checkout or merge touches it; npm ci empties node_modules first).
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat node_modules/.pix-pptpd-lock 2>/dev/null)" != "$lock_sum" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_sum" > node_modules/.pix-pptpd-lock
fi

if [ "$want_test" = 1 ] && [ -x test/vm/build.sh ] && [ "$(id -u)" = 0 ]; then
  bash test/vm/build.sh
fi
