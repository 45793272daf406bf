#!/bin/sh
# Unpacks Debian's lwip source package (apt-get source: Debian's patches applied) into DIR,
# once, for modules/lwip/lwip.mk, and generates lwip/init.h from its template as Debian's
# CMake build does. lwIP's files are never part of Keel's tree. tools/deps.sh adds the
# deb-src line apt-get needs.
set -eu
dir=$1
[ -f "$dir/.unpacked" ] && exit 0
mkdir -p "$(dirname "$dir")"
tmp=$(cd "$(dirname "$dir")" && mktemp -d "$PWD/$(basename "$dir").tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get source -qq lwip >/dev/null 2>"$tmp/log") || {
	cat "$tmp/log" >&2
	echo "lwip-src: apt-get source lwip failed (is a deb-src line configured? run" \
		"tools/deps.sh as root)" >&2
	exit 1
}
src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'lwip-*' | head -n 1)
cmake=$src/src/Filelists.cmake
ver() { sed -n "s/^set(LWIP_VERSION_$1 *\"\(.*\)\")/\1/p" "$cmake"; }
sed -e "s/\${LWIP_VERSION_MAJOR}/$(ver MAJOR)/" -e "s/\${LWIP_VERSION_MINOR}/$(ver MINOR)/" \
	-e "s/\${LWIP_VERSION_REVISION}/$(ver REVISION)/" -e "s/\${LWIP_VERSION_RC}/$(ver RC)/" \
	"$src/src/include/lwip/init.h.cmake.in" > "$src/src/include/lwip/init.h"
touch "$src/.unpacked"
# Another build may have won the race: its copy is as good as ours.
mv -T "$src" "$dir" 2>/dev/null || [ -f "$dir/.unpacked" ]
