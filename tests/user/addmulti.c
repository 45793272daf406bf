/* `addmulti add|del IFACE` puts 01:00:5e:0a:0b:0c on IFACE's multicast list, or takes it
 * off, through SIOCADDMULTI/SIOCDELMULTI (netdevice(7), as busybox `ip maddr` does) and
 * prints the result: tests/test_mcast.py checks `ip maddr` after each. */
#define _GNU_SOURCE
#include <net/if.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "sockhelp.h"

int main(int argc, char **argv)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), add;

	if (argc != 3 || fd < 0)
		return 2;
	add = !strcmp(argv[1], "add");
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, argv[2], IFNAMSIZ - 1);
	ifr.ifr_hwaddr.sa_family = AF_UNSPEC;
	memcpy(ifr.ifr_hwaddr.sa_data, "\x01\x00\x5e\x0a\x0b\x0c", 6);
	val(add ? "SIOCADDMULTI" : "SIOCDELMULTI", ioctl(fd, add ? SIOCADDMULTI : SIOCDELMULTI, &ifr));
	close(fd);
	return 0;
}
