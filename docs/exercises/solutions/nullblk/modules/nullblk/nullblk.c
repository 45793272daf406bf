/*
 * Reference solution of the "nullblk" exercise (docs/drivers.md): a block device without
 * storage, null0, like /dev/zero and /dev/null in one: reads return zeros, writes are accepted
 * and forgotten. Its size is the parameter `sectors` (512-byte sectors, 1 MiB by default).
 */
#include <keel/blkdev.h>
#include <keel/module.h>
#include <keel/string.h>

#define NULLBLK_SECTOR 512

static unsigned long sectors = 2048;
module_param_range(sectors, ulong, 1, 1UL << 32, 0444);
MODULE_PARM_DESC(sectors, "Capacity in 512-byte sectors (1 to 2^32, default 2048: 1 MiB)");

/* The block layer has checked the range against nr_sectors already. */
static int nullblk_read(struct block_device *bdev, u64 sector, u32 count, void *buf)
{
	memset(buf, 0, (size_t)count * NULLBLK_SECTOR);
	return 0;
}

static int nullblk_write(struct block_device *bdev, u64 sector, u32 count, const void *buf)
{
	return 0;
}

static const struct block_device_operations nullblk_ops = {
	.read = nullblk_read,
	.write = nullblk_write,
};

static struct block_device nullblk_dev = {
	.name = "null0",
	.sector_size = NULLBLK_SECTOR,
	.model = "null block device",
	.ops = &nullblk_ops,
};

static int __init nullblk_init(void)
{
	nullblk_dev.nr_sectors = sectors;
	nullblk_dev.owner = THIS_MODULE;
	return blkdev_register(&nullblk_dev);
}

static void __exit nullblk_exit(void)
{
	blkdev_unregister(&nullblk_dev);
}

module_init(nullblk_init);
module_exit(nullblk_exit);
MODULE_LICENSE("GPL"); /* blkdev_register and blkdev_unregister are EXPORT_SYMBOL_GPL */
MODULE_DESCRIPTION("Exercise solution: null0, a block device that reads zeros and drops writes");
