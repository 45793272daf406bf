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
fi
# Sorted names and fixed owners make the archive depend only on its contents.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) > "$out.tmp"
mv "$out.tmp" "$out"
