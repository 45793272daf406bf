#!/bin/sh
# Checks that the tools Keel's build, run and tests need are installed. As root with apt-get,
# installs what is missing from Debian's archive; otherwise prints the exact command and fails.
set -u

missing=""
need() { # need COMMAND-OR-FILE PACKAGE
	case $1 in
	/*) [ -e "$1" ] || missing="$missing $2" ;;
	*) command -v "$1" >/dev/null 2>&1 || missing="$missing $2" ;;
	esac
}
need_py() { # need_py MODULE PACKAGE: Debian's python3 packages, through /usr/bin/python3
	/usr/bin/python3 -c "import $1" >/dev/null 2>&1 || missing="$missing $2"
}

need gcc gcc
need ld binutils
need make make
need qemu-system-x86_64 qemu-system-x86
need grub-mkrescue grub-common
need /usr/lib/grub/i386-pc/multiboot2.mod grub-pc-bin
need /usr/lib/grub/x86_64-efi/multiboot2.mod grub-efi-amd64-bin
need xorriso xorriso
need mformat mtools
need mkfs.fat dosfstools
need sfdisk fdisk
need /usr/sbin/debugfs e2fsprogs # mke2fs, e2fsck, debugfs: tests/test_ext2.py
need cpio cpio
need /usr/share/OVMF/OVMF_CODE_4M.fd ovmf
need /usr/share/consolefonts/Lat15-Terminus16.psf.gz console-setup-linux
need modinfo kmod
need clang clang
need musl-gcc musl-tools
# Debian's static busybox (a dynamic /bin/busybox from package busybox cannot run in Keel)
dpkg -s busybox-static >/dev/null 2>&1 || missing="$missing busybox-static"
need /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
need_py pytest python3-pytest
need_py pexpect python3-pexpect
need_py xdist python3-pytest-xdist
need dpkg-source dpkg-dev # unpacks Debian's lwip source package (tools/lwip-src.sh)

# lwip.ko is built from Debian's lwip SOURCE package (tools/lwip-src.sh runs apt-get source):
# apt needs a deb-src line for the release. As root, one is added for bookworm's main.
DEB_SRC=/etc/apt/sources.list.d/keel-deb-src.sources
if ! apt-cache showsrc lwip 2>/dev/null | grep -q '^Package: lwip'; then
	if [ "$(id -u)" = 0 ]; then
		printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' \
			'Suites: bookworm' 'Components: main' \
			'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' > "$DEB_SRC"
		echo "deps: added $DEB_SRC (Debian's lwip source package)"
		apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 1; }
	else
		echo "deps: apt-get source lwip needs a deb-src line: add one for bookworm main" \
			"to /etc/apt/sources.list.d/ and run apt-get update" >&2
		exit 1
	fi
fi

[ -z "$missing" ] && exit 0
missing=$(echo $missing | tr ' ' '\n' | sort -u | tr '\n' ' ')
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq && apt-get install -y -qq $missing >/dev/null || {
		echo "deps: apt-get install failed for:$missing" >&2
		exit 1
	}
	exit 0
fi
echo "deps: missing packages. Install them with:" >&2
echo "  sudo apt-get install$missing" >&2
exit 1
