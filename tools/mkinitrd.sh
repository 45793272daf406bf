#!/bin/sh
# Builds the initrd: a cpio "newc" archive (GNU cpio) of a staging tree made from the source
# folders given, with every file of $INITRD_EXTRA added under /extra/.
# Usage: mkinitrd.sh STAGING_DIR OUTPUT.cpio SRC_DIR [SRC_DIR...]   (SRC_DIR may be dest=src)
set -eu
stage=$1 out=$2
shift 2
rm -rf "$stage"
mkdir -p "$stage"
for src in "$@"; do
	case $src in
	*=*) dest=$stage/${src%%=*}; src=${src#*=} ;;
	*) dest=$stage ;;
	esac
	mkdir -p "$dest"
	[ -d "$src" ] && cp -R "$src"/. "$dest"/
done
if [ -n "${INITRD_EXTRA:-}" ]; then
	if [ ! -d "$INITRD_EXTRA" ]; then
		echo "mkinitrd: INITRD_EXTRA=$INITRD_EXTRA is not a directory" >&2
		exit 1
	fi
	mkdir -p "$stage/extra"
	cp -R "$INITRD_EXTRA"/. "$stage/extra"/
	# A folder of built modules (make modules M=dir: .ko files at its top, none further down)
	# without its own modules.dep: index it, so the guest's modprobe finds them and their
	# dependencies as with modules_install. Other trees are left exactly as given.
	if [ ! -e "$stage/extra/modules.dep" ] && ls "$stage/extra"/*.ko >/dev/null 2>&1 &&
	   [ -z "$(find "$stage/extra" -mindepth 2 -name '*.ko' | head -n 1)" ]; then
		/usr/bin/python3 "$(dirname "$0")/depmod.py" --external "$stage/extra"
	fi
fi
# A name with a newline or another control character could be neither listed nor typed in the
# guest's shell: refuse it, naming it (control characters shown as ?). Blanks and the rest are
# fine: the list below is NUL-separated.
bad=$(cd "$stage" && LC_ALL=C find . -mindepth 1 -name '*[[:cntrl:]]*' -print0 | tr '\0\n' '\n?' |
	LC_ALL=C sed 's/[[:cntrl:]]/?/g' | head -n 1)
if [ -n "$bad" ]; then
	printf 'mkinitrd: refusing "%s": a file name with a newline or control character cannot be typed in the shell; rename it\n' "${bad#./}" >&2
	exit 1
fi
# Sorted names and fixed owners make the archive depend only on its contents.
(cd "$stage" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	cpio --quiet -o --null -H newc -R 0:0 --reproducible) > "$out.tmp"
mv "$out.tmp" "$out"
