#!/bin/sh
# Stages the initrd's userland: Debian's busybox-static as /bin/busybox, a symlink to it for
# every applet (busybox --list-full: bin/ls, sbin/init, usr/bin/...), except where a test
# program of the same name already is (tests/user/ goes to /bin too), and /etc/inittab for
# busybox init (the boot entry with init=/sbin/init).
# Usage: mkuserland.sh BUSYBOX STAGING_DIR "TEST_PROGRAM_NAMES"
set -eu
busybox=$1 stage=$2 skip=$3
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/etc"
cp "$busybox" "$stage/bin/busybox.tmp"
"$busybox" --list-full | while read -r path; do
	name=${path##*/}
	dir=${path%/*}
	case " $skip " in
	*" $name "*) [ "$dir" = bin ] && continue ;;
	esac
	[ "$path" = bin/busybox ] && continue
	mkdir -p "$stage/$dir"
	ln -sf /bin/busybox "$stage/$path"
done
cat > "$stage/etc/inittab" <<'INITTAB'
# busybox init's table (init=/sbin/init): written by tools/mkuserland.sh.
# id:runlevels:action:process; an empty id is the console. '-' makes a login shell.
::sysinit:/bin/echo "busybox init: /etc/inittab read"
::askfirst:-/bin/sh
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/sync
INITTAB
# Last: the make target, so an interrupted run is redone.
mv "$stage/bin/busybox.tmp" "$stage/bin/busybox"
