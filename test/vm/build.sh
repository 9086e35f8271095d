#!/bin/bash
# Builds the test VM: a stock Debian kernel (downloaded with apt, unpacked, not
# installed) and a busybox initramfs holding pppd, pptp (pptp-linux), iproute2
# ip, tcpdump, their libraries and the PPP/MPPE kernel modules. The VM runs
# the real Linux PPTP client against the server under test (run-client.sh).
# Adapted from shared/reference/linuxvm (client mode only).
#
# Output in test/vm/out/ (git-ignored):
#   vmlinux      the kernel as an ELF with a PVH entry (qemu boots it directly)
#   vmlinuz      the kernel as shipped, used if vmlinux could not be extracted
#   initrd.img   gzip'ed newc cpio
#   stamp        inputs of the last build: an unchanged stamp means nothing to do
#
# Needs root (mknod) and the packages scripts/setup.sh --test installs:
#   busybox-static ppp pptp-linux iproute2 tcpdump kmod cpio python3
# Env: KERNEL_PKG=linux-image-6.1.0-NN-amd64 pins the kernel package;
#      FORCE=1 rebuilds even when up to date.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="$HERE/out"
STAGE="$OUT/stage"
ROOT="$STAGE/initramfs"
KROOT="$STAGE/kernel"

log() { echo "[vm-build] $*"; }
die() { echo "[vm-build] ERROR: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
for t in busybox pppd pptp ip tcpdump cpio depmod modprobe dpkg-deb ldd gzip python3; do
    command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || [ -x "/bin/$t" ] \
        || die "$t missing (run scripts/setup.sh --test)"
done
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || BUSYBOX=$(command -v busybox)
# Debian's busybox (not busybox-static) is dynamically linked: it would need its libraries too.
if ldd "$BUSYBOX" >/dev/null 2>&1; then die "$BUSYBOX is not static (install busybox-static)"; fi
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)

mkdir -p "$OUT"
T0=$(date +%s)

# ------------------------------------------------------------------ kernel package
if [ -z "${KERNEL_PKG:-}" ]; then
    resolve() { apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}'; }
    KERNEL_PKG=$(resolve)
    if [ -z "$KERNEL_PKG" ]; then
        # no package lists yet: an already downloaded kernel will do, else fetch the lists
        KERNEL_PKG=$(ls "$OUT/debs/" 2>/dev/null | sed -n 's/^\(linux-image-[0-9][^_]*\)_.*\.deb$/\1/p' | head -1)
        if [ -z "$KERNEL_PKG" ]; then
            log "apt-get update (to resolve linux-image-amd64)"
            apt-get update -qq
            KERNEL_PKG=$(resolve)
        fi
    fi
fi
[ -n "$KERNEL_PKG" ] || die "cannot resolve linux-image-amd64"

# ------------------------------------------------------------------ up to date?
stamp() {
    echo "kernel $KERNEL_PKG"
    dpkg-query -W -f='${Package} ${Version}\n' ppp pptp-linux busybox-static iproute2 tcpdump 2>/dev/null || true
    cat "$HERE/build.sh" "$HERE/initramfs/init" "$HERE/initramfs/ip-up" "$HERE/initramfs/ip-down" | sha256sum
}
NEW_STAMP=$(stamp)
if [ "${FORCE:-0}" != 1 ] && [ -s "$OUT/initrd.img" ] && { [ -s "$OUT/vmlinux" ] || [ -s "$OUT/vmlinuz" ]; } \
   && [ -f "$OUT/stamp" ] && [ "$(cat "$OUT/stamp")" = "$NEW_STAMP" ]; then
    log "up to date ($KERNEL_PKG), nothing to do"
    exit 0
fi
rm -f "$OUT/stamp"

mkdir -p "$OUT/debs"
if ! ls "$OUT/debs/${KERNEL_PKG}_"*.deb >/dev/null 2>&1; then
    log "apt-get download $KERNEL_PKG"
    # _apt cannot write into a root-owned folder: download in a temp dir it can use
    DL=$(mktemp -d); chmod 777 "$DL"
    (cd "$DL" && apt-get download -qq "$KERNEL_PKG" 2>&1 | grep -v 'unsandboxed' || true)
    ls "$DL"/*.deb >/dev/null 2>&1 || { rmdir "$DL"; die "apt-get download $KERNEL_PKG failed"; }
    mv "$DL"/*.deb "$OUT/debs/"; rmdir "$DL"
fi
DEB=$(ls "$OUT/debs/${KERNEL_PKG}_"*.deb | head -1)
log "unpacking $(basename "$DEB")"
rm -rf "$KROOT"; mkdir -p "$KROOT"
dpkg-deb -x "$DEB" "$KROOT"
KVER=$(ls "$KROOT/lib/modules" | head -1)
log "kernel version $KVER"
depmod -b "$KROOT" "$KVER"
cp "$KROOT/boot/vmlinuz-$KVER" "$OUT/vmlinuz"
echo "$KVER" > "$OUT/kernel-version"

# PVH-bootable ELF: the bzImage carries vmlinux xz-compressed; pull it out
# (booting it skips the decompressor, seconds under TCG).
log "extracting vmlinux (PVH ELF) from bzImage"
if "$PYTHON" - "$OUT/vmlinuz" "$OUT/vmlinux.tmp" <<'EOF'
import lzma, sys
d = open(sys.argv[1], 'rb').read()
off = d.find(b'\xfd7zXZ\x00')
if off >= 0:
    out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(d[off:])
    if out[:4] == b'\x7fELF':
        open(sys.argv[2], 'wb').write(out)
        sys.exit(0)
sys.exit(1)
EOF
then
    mv "$OUT/vmlinux.tmp" "$OUT/vmlinux"
else
    log "WARNING: could not extract vmlinux; run-client.sh will boot out/vmlinuz"
    rm -f "$OUT/vmlinux.tmp" "$OUT/vmlinux"
fi

# ------------------------------------------------------------------ initramfs tree
log "staging initramfs"
rm -rf "$ROOT"
mkdir -p "$ROOT"/{bin,sbin,usr/bin,usr/sbin,usr/lib,lib/x86_64-linux-gnu,lib64,etc/ppp,etc/pptpvm,proc,sys,dev,run,tmp,root,var/log}
ln -s ../run "$ROOT/var/run"
ln -s ../run/lock "$ROOT/var/lock"
# /dev/console must be in the cpio: /init has no stdout before devtmpfs otherwise
mknod -m 600 "$ROOT/dev/console" c 5 1
mknod -m 666 "$ROOT/dev/null" c 1 3

cp "$BUSYBOX" "$ROOT/bin/busybox"
for a in $("$ROOT/bin/busybox" --list); do
    [ "$a" = busybox ] || ln -sf busybox "$ROOT/bin/$a"
done
for a in modprobe insmod poweroff; do ln -sf ../bin/busybox "$ROOT/sbin/$a"; done

BINS=(/usr/sbin/pppd /usr/sbin/pptp /usr/sbin/pppdump /usr/bin/ip /usr/bin/tcpdump)
EXTRA_SO=()
for f in /usr/lib/pppd/*/*.so; do [ -e "$f" ] && EXTRA_SO+=("$f"); done
copy_file() {  # same path under $ROOT, links dereferenced
    mkdir -p "$(dirname "$ROOT$1")"
    cp -L "$1" "$ROOT$1"
}
declare -A LIBS=()
for f in "${BINS[@]}" "${EXTRA_SO[@]}"; do
    [ -e "$f" ] || die "missing $f"
    copy_file "$f"
    while read -r lib; do
        [ -n "$lib" ] && LIBS["$lib"]=1
    done < <(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^[ \t]*\//{print $1}')
done
for lib in "${!LIBS[@]}"; do copy_file "$lib"; done
log "copied ${#BINS[@]} binaries, ${#EXTRA_SO[@]} pppd plugins, ${#LIBS[@]} libraries"
printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' > "$ROOT/etc/ld.so.conf"
ldconfig -r "$ROOT" 2>/dev/null || true

# ------------------------------------------------------------------ modules
# PPP + MPPE (ppp_mppe needs libarc4; ppp_generic needs slhc) and virtio-net,
# dependencies resolved against the unpacked kernel, loaded in order at boot.
LOAD_MODS=(virtio_pci virtio_net slhc ppp_generic ppp_async ppp_synctty ppp_deflate bsd_comp libarc4 ppp_mppe)
: > "$ROOT/etc/pptpvm/modules.load"
declare -A SEEN=()
for m in "${LOAD_MODS[@]}"; do
    deps=$(modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" 2>/dev/null) || die "module $m not found for $KVER"
    for rel in $(awk '$1=="insmod"{print $2}' <<<"$deps" | sed "s#^$KROOT/lib/modules/$KVER/##"); do
        mkdir -p "$ROOT/lib/modules/$KVER/$(dirname "$rel")"
        cp "$KROOT/lib/modules/$KVER/$rel" "$ROOT/lib/modules/$KVER/$rel"
        if [ -z "${SEEN[$rel]:-}" ]; then
            SEEN[$rel]=1
            echo "$rel" >> "$ROOT/etc/pptpvm/modules.load"
        fi
    done
done
cp "$KROOT/lib/modules/$KVER/modules.builtin" "$KROOT/lib/modules/$KVER/modules.builtin.modinfo" \
   "$KROOT/lib/modules/$KVER/modules.order" "$ROOT/lib/modules/$KVER/"
depmod -b "$ROOT" "$KVER"
log "modules loaded at boot: $(tr '\n' ' ' < "$ROOT/etc/pptpvm/modules.load")"

# ------------------------------------------------------------------ config files
cat > "$ROOT/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat > "$ROOT/etc/group" <<'EOF'
root:x:0:
tty:x:5:
nogroup:x:65534:
EOF
printf '127.0.0.1 localhost\n' > "$ROOT/etc/hosts"
printf 'passwd: files\ngroup: files\nhosts: files\n' > "$ROOT/etc/nsswitch.conf"
printf 'pptpvm\n' > "$ROOT/etc/hostname"
# Debian's /etc/ppp/options has "auth" (the client would demand that the server
# authenticate itself), "lock", "crtscts", "modem": every option comes from the
# command line instead.
printf '# pptpvm: all options are given on the command line\n' > "$ROOT/etc/ppp/options"
: > "$ROOT/etc/ppp/chap-secrets"; chmod 600 "$ROOT/etc/ppp/chap-secrets"
: > "$ROOT/etc/ppp/pap-secrets";  chmod 600 "$ROOT/etc/ppp/pap-secrets"
cp "$HERE/initramfs/ip-up"   "$ROOT/etc/ppp/ip-up"
cp "$HERE/initramfs/ip-down" "$ROOT/etc/ppp/ip-down"
cp "$HERE/initramfs/init"    "$ROOT/init"
chmod 755 "$ROOT/init" "$ROOT/etc/ppp/ip-up" "$ROOT/etc/ppp/ip-down"
{
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "kernel $KVER ($KERNEL_PKG)"
    dpkg-query -W -f='${Package} ${Version}\n' ppp pptp-linux busybox-static iproute2 tcpdump 2>/dev/null || true
} > "$ROOT/etc/pptpvm/versions"

# ------------------------------------------------------------------ cpio
log "writing out/initrd.img"
(cd "$ROOT" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet) \
    | gzip -6 > "$OUT/initrd.img.tmp"
mv "$OUT/initrd.img.tmp" "$OUT/initrd.img"
cp "$ROOT/etc/pptpvm/versions" "$OUT/versions"
rm -rf "$KROOT" "$ROOT"
printf '%s\n' "$NEW_STAMP" > "$OUT/stamp"

log "done in $(( $(date +%s) - T0 ))s:"
ls -la "$OUT"/vmlinux "$OUT"/vmlinuz "$OUT"/initrd.img 2>/dev/null | sed 's/^/    /'
