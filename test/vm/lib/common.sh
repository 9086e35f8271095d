# Host-side helpers for run-client.sh (bash, sourced): accel choice, TAP and
# network namespace, config encoding for the VM, qemu start/stop, traps.
# Adapted from shared/reference/linuxvm; the tests always set PPTPVM_NETNS.
#
# Environment:
#   PPTPVM_ACCEL   auto (default) | kvm | tcg
#                  auto = kvm when /dev/kvm is usable and is not the PVM flavour
#                  (kvm_pvm module: runs a stock kernel ~1000x too slow), else tcg.
#   PPTPVM_CPU     -cpu model (default: host with kvm, max with tcg)
#   PPTPVM_MEM     guest RAM in MiB (default 256)
#   PPTPVM_LOG     log file (default out/logs/<script>-<timestamp>.log)
#   PPTPVM_TAP     TAP name (default tap-pptp0)
#   PPTPVM_HOST_IP host address on the TAP (default 10.99.0.1)
#   PPTPVM_VM_IP   VM address on eth0 (default 10.99.0.2)
#   PPTPVM_PREFIX  prefix length (default 24)
#   PPTPVM_NETNS   if set, the TAP (and qemu) live in this network namespace
#                  (created if missing, deleted at exit if we created it); the host
#                  side server/client under test must then run with
#                  `ip netns exec $PPTPVM_NETNS ...`.
#   PPTPVM_TCPDUMP 1 = run tcpdump on the VM's eth0 and print it on the console
#   PPTPVM_APPEND  extra kernel command line words

PPTPVM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PPTPVM_OUT="$PPTPVM_DIR/out"

: "${PPTPVM_TAP:=tap-pptp0}"
: "${PPTPVM_HOST_IP:=10.99.0.1}"
: "${PPTPVM_VM_IP:=10.99.0.2}"
: "${PPTPVM_PREFIX:=24}"
: "${PPTPVM_MEM:=256}"
: "${PPTPVM_TCPDUMP:=0}"

pptpvm_log() { echo "[pptpvm] $*" >&2; }
pptpvm_die() { echo "[pptpvm] ERROR: $*" >&2; exit 1; }

pptpvm_require() {
    [ "$(id -u)" = 0 ] || pptpvm_die "must run as root (TAP devices, /dev/kvm)"
    command -v qemu-system-x86_64 >/dev/null || pptpvm_die "qemu-system-x86_64 missing: run scripts/setup.sh --test"
    [ -s "$PPTPVM_OUT/initrd.img" ] || pptpvm_die "out/initrd.img missing: run test/vm/build.sh"
    if [ -s "$PPTPVM_OUT/vmlinux" ]; then
        PPTPVM_KERNEL="$PPTPVM_OUT/vmlinux"
    elif [ -s "$PPTPVM_OUT/vmlinuz" ]; then
        PPTPVM_KERNEL="$PPTPVM_OUT/vmlinuz"
    else
        pptpvm_die "out/vmlinux missing: run test/vm/build.sh"
    fi
}

# ----------------------------------------------------------------- accel
pptpvm_accel() {
    local a=${PPTPVM_ACCEL:-auto}
    if [ "$a" = auto ]; then
        if [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then
            a=kvm
        else
            a=tcg
        fi
    fi
    PPTPVM_ACCEL_USED=$a
    case $a in
        kvm) PPTPVM_ACCEL_ARGS=(-accel kvm -cpu "${PPTPVM_CPU:-host}") ;;
        tcg) PPTPVM_ACCEL_ARGS=(-accel tcg -cpu "${PPTPVM_CPU:-max}") ;;
        *) pptpvm_die "PPTPVM_ACCEL must be auto, kvm or tcg" ;;
    esac
}

# ----------------------------------------------------------------- config
# The VM reads KEY='value' lines from the kernel command line (base64).
PPTPVM_CFG=""
pptpvm_sq() {  # single-quote for a POSIX shell (busybox ash)
    local v=${1//\'/\'\\\'\'}
    printf "'%s'" "$v"
}
pptpvm_cfg_add() {  # pptpvm_cfg_add KEY VALUE
    PPTPVM_CFG+="$1=$(pptpvm_sq "$2")"$'\n'
}
pptpvm_words() {  # pptpvm_words ARG... -> "'a' 'b c'" (for eval "set -- ..." in the VM)
    local out="" a
    for a in "$@"; do out+="$(pptpvm_sq "$a") "; done
    printf '%s' "$out"
}

# ----------------------------------------------------------------- TAP
PPTPVM_MADE_TAP=0
PPTPVM_MADE_NETNS=0
pptpvm_ip() {  # ip, inside PPTPVM_NETNS when set
    if [ -n "${PPTPVM_NETNS:-}" ]; then ip -n "$PPTPVM_NETNS" "$@"; else ip "$@"; fi
}
pptpvm_tap_up() {
    if [ -n "${PPTPVM_NETNS:-}" ] && ! ip netns list | grep -qw "^$PPTPVM_NETNS"; then
        ip netns add "$PPTPVM_NETNS"
        PPTPVM_MADE_NETNS=1
        ip -n "$PPTPVM_NETNS" link set lo up
        pptpvm_log "created network namespace $PPTPVM_NETNS"
    fi
    if pptpvm_ip link show "$PPTPVM_TAP" >/dev/null 2>&1; then
        # made by ./tap.sh up or by the caller (e.g. enslaved to a bridge): use as is
        pptpvm_log "reusing existing TAP $PPTPVM_TAP${PPTPVM_NETNS:+ in netns $PPTPVM_NETNS} (left unchanged, not deleted)"
        return 0
    fi
    pptpvm_ip tuntap add dev "$PPTPVM_TAP" mode tap
    PPTPVM_MADE_TAP=1
    # no IPv6 chatter (RS/MLD/DAD) on the TAP
    if [ -n "${PPTPVM_NETNS:-}" ]; then
        ip netns exec "$PPTPVM_NETNS" sysctl -qw "net.ipv6.conf.$PPTPVM_TAP.disable_ipv6=1" 2>/dev/null || true
    else
        sysctl -qw "net.ipv6.conf.$PPTPVM_TAP.disable_ipv6=1" 2>/dev/null || true
    fi
    if ! pptpvm_ip -4 addr show dev "$PPTPVM_TAP" | grep -q "inet $PPTPVM_HOST_IP/"; then
        pptpvm_ip addr add "$PPTPVM_HOST_IP/$PPTPVM_PREFIX" dev "$PPTPVM_TAP"
    fi
    pptpvm_ip link set "$PPTPVM_TAP" up
    pptpvm_log "TAP $PPTPVM_TAP: host $PPTPVM_HOST_IP/$PPTPVM_PREFIX, VM $PPTPVM_VM_IP${PPTPVM_NETNS:+ (netns $PPTPVM_NETNS)}"
}
pptpvm_tap_down() {
    if [ "$PPTPVM_MADE_TAP" = 1 ]; then
        pptpvm_ip link del "$PPTPVM_TAP" 2>/dev/null || true
        PPTPVM_MADE_TAP=0
        pptpvm_log "removed TAP $PPTPVM_TAP"
    fi
    if [ "$PPTPVM_MADE_NETNS" = 1 ]; then
        ip netns del "$PPTPVM_NETNS" 2>/dev/null || true
        PPTPVM_MADE_NETNS=0
        pptpvm_log "removed network namespace $PPTPVM_NETNS"
    fi
}

# MAC derived from the VM address (52:54:00:<o2>:<o3>:<o4>), so two VMs on one
# bridge differ.
pptpvm_mac() {
    local o1 o2 o3 o4
    IFS=. read -r o1 o2 o3 o4 <<<"$PPTPVM_VM_IP"
    printf '52:54:00:%02x:%02x:%02x' "$o2" "$o3" "$o4"
}

# ----------------------------------------------------------------- qemu
# pptpvm_start_vm NAME HOST_TIMEOUT NET(tap|none)
#   boots the VM in the background; console -> stdout (CR stripped) + $PPTPVM_LOG.
#   Sets PPTPVM_QPID (the `timeout` wrapper around qemu) and PPTPVM_TEEPID.
PPTPVM_QPID=""
PPTPVM_TEEPID=""
PPTPVM_TMP=""
pptpvm_start_vm() {
    local name=$1 tmo=$2 net=$3
    pptpvm_accel
    mkdir -p "$PPTPVM_OUT/logs"
    : "${PPTPVM_LOG:=$PPTPVM_OUT/logs/$name-$(date +%Y%m%d-%H%M%S).log}"
    PPTPVM_TMP=$(mktemp -d /tmp/pptpvm.XXXXXX)
    pptpvm_cfg_add TCPDUMP "$PPTPVM_TCPDUMP"
    local b64
    b64=$(printf '%s' "$PPTPVM_CFG" | base64 -w0)
    local append="console=ttyS0 panic=-1 quiet mitigations=off tsc=reliable ${PPTPVM_APPEND:-} pptpvm.cfg=$b64"
    [ ${#append} -lt 2000 ] || pptpvm_die "kernel command line too long (${#append} bytes; limit 2048): shorten the options"
    local netargs=(-nic none)
    if [ "$net" = tap ]; then
        netargs=(-netdev "tap,id=n0,ifname=$PPTPVM_TAP,script=no,downscript=no"
                 -device "virtio-net-pci,netdev=n0,mac=$(pptpvm_mac),romfile=")
    fi
    local qemu=(qemu-system-x86_64 "${PPTPVM_ACCEL_ARGS[@]}" -m "$PPTPVM_MEM" -smp 1
                -nodefaults -no-user-config -nographic -serial mon:stdio -no-reboot
                "${netargs[@]}"
                -kernel "$PPTPVM_KERNEL" -initrd "$PPTPVM_OUT/initrd.img" -append "$append")
    local pre=()
    [ -n "${PPTPVM_NETNS:-}" ] && [ "$net" = tap ] && pre=(ip netns exec "$PPTPVM_NETNS")
    pptpvm_log "accel=$PPTPVM_ACCEL_USED kernel=$(basename "$PPTPVM_KERNEL") timeout=${tmo}s log=$PPTPVM_LOG"
    mkfifo "$PPTPVM_TMP/console"
    sed -u -e 's/\r$//' -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' < "$PPTPVM_TMP/console" | tee "$PPTPVM_LOG" &
    PPTPVM_TEEPID=$!
    PPTPVM_T0=$(date +%s.%N)
    "${pre[@]}" timeout -k 5 "$tmo" "${qemu[@]}" < /dev/null > "$PPTPVM_TMP/console" 2>&1 &
    PPTPVM_QPID=$!
}
# pptpvm_wait_vm -> returns qemu's (timeout's) exit status
pptpvm_wait_vm() {
    local rc=0
    wait "$PPTPVM_QPID" || rc=$?
    PPTPVM_QPID=""
    [ -n "$PPTPVM_TEEPID" ] && wait "$PPTPVM_TEEPID" 2>/dev/null
    PPTPVM_TEEPID=""
    PPTPVM_ELAPSED=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $PPTPVM_T0}")
    return $rc
}
pptpvm_stop_vm() {
    if [ -n "$PPTPVM_QPID" ] && kill -0 "$PPTPVM_QPID" 2>/dev/null; then
        kill -TERM "$PPTPVM_QPID" 2>/dev/null || true
        local n=0
        while kill -0 "$PPTPVM_QPID" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
        kill -KILL "$PPTPVM_QPID" 2>/dev/null || true
        wait "$PPTPVM_QPID" 2>/dev/null || true
    fi
    PPTPVM_QPID=""
    if [ -n "$PPTPVM_TEEPID" ]; then
        wait "$PPTPVM_TEEPID" 2>/dev/null || true
        PPTPVM_TEEPID=""
    fi
}
pptpvm_cleanup() {
    pptpvm_stop_vm
    pptpvm_tap_down
    [ -n "$PPTPVM_TMP" ] && rm -rf "$PPTPVM_TMP"
    PPTPVM_TMP=""
}
pptpvm_install_traps() {
    trap pptpvm_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}
# pptpvm_result_line -> prints the VM's last "PPTPVM-RESULT:" line (or nothing)
pptpvm_result_line() {
    grep -a '^PPTPVM-RESULT:' "$PPTPVM_LOG" | tail -1
}
