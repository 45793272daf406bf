/* Calls that change the machine (guest only: the host must not be remounted or rebooted):
 * mount of a ramfs on a fresh directory, statfs's f_type, EBUSY while a file is open in it,
 * umount2, EINVAL for what is not a mount point; sync, syncfs; reboot's magic numbers
 * (bad ones are EINVAL; CAD_ON is accepted and does nothing). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "check.h"

int main(void)
{
	struct statfs sf;
	int fd;

	CHECK(mkdir("/tmp/kmnt", 0755));
	CHECK(mount("none", "/tmp/kmnt", "ramfs", 0, NULL));
	CHECK(statfs("/tmp/kmnt", &sf));
	printf("f_type %#lx namelen %ld\n", (unsigned long)sf.f_type, (long)sf.f_namelen);
	fd = open("/tmp/kmnt/f", O_CREAT | O_RDWR, 0644);
	CHECK(fd);
	CHECK(fstatfs(fd, &sf));
	printf("fstatfs f_type %#lx\n", (unsigned long)sf.f_type);
	CHECK(umount2("/tmp/kmnt", 0));
	CHECK(close(fd));
	CHECK(syncfs(1));
	CHECK(umount("/tmp/kmnt"));
	CHECK(umount("/tmp/kmnt"));
	CHECK(mount("none", "/tmp/kmnt", "nosuchfs", 0, NULL));
	CHECK(mount("none", (char *)16, "ramfs", 0, NULL));
	CHECK(mount("none", "/tmp/kmnt", "ramfs", MS_BIND, NULL));
	CHECK(rmdir("/tmp/kmnt"));
	sync();
	CHECK(syscall(SYS_reboot, 0, 0, RB_POWER_OFF, 0));
	CHECK(syscall(SYS_reboot, 0xfee1dead, 12345, RB_POWER_OFF, 0));
	CHECK(syscall(SYS_reboot, 0xfee1dead, 672274793, 0x12345678, 0));
	CHECK(reboot(RB_ENABLE_CAD));
	return 0;
}
