#!/bin/sh
# Stages the initrd's userland: Debian's busybox-static as /bin/busybox, a symlink to it for
# every applet (busybox --list-full: bin/ls, sbin/init, usr/bin/...), except where a test
# program of the same name already is (tests/user/ goes to /bin too), /etc/inittab for
# busybox init (the boot entry with init=/sbin/init), and udhcpc's default script at the path
# Debian's busybox looks for it (CONFIG_UDHCPC_DEFAULT_SCRIPT, /etc/udhcpc/default.script).
# Usage: mkuserland.sh BUSYBOX STAGING_DIR "TEST_PROGRAM_NAMES"
set -eu
busybox=$1 stage=$2 skip=$3
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/etc/udhcpc"
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
cat > "$stage/etc/udhcpc/default.script" <<'SCRIPT'
#!/bin/sh
# busybox udhcpc runs this as `default.script EVENT` with the lease in its environment
# ($interface, $ip, $subnet, $broadcast, $router, $dns, $domain): it applies the lease with
# ifconfig and route and writes the name servers to /etc/resolv.conf. Written by
# tools/mkuserland.sh for Keel's initrd.
resolv=/etc/resolv.conf

case "$1" in
deconfig)
	# no lease (yet): the interface up, without an address or routes
	ifconfig "$interface" 0.0.0.0 up
	;;
bound|renew)
	ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" \
		${broadcast:+broadcast "$broadcast"} up
	while route del default dev "$interface" 2>/dev/null; do :; done
	for gw in $router; do
		route add default gw "$gw" dev "$interface" && break
	done
	{
		[ -n "$domain" ] && echo "search $domain"
		for ns in $dns; do echo "nameserver $ns"; done
	} > "$resolv"
	;;
leasefail|nak)
	echo "udhcpc script: $1 on $interface" >&2
	;;
esac
exit 0
SCRIPT
chmod 755 "$stage/etc/udhcpc/default.script"
# Last: the make target, so an interrupted run is redone.
mv "$stage/bin/busybox.tmp" "$stage/bin/busybox"
